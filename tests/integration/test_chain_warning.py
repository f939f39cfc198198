"""Supply-chain early warning, key enterprises and 补链/固链/强链 projects on the chain pages."""
from __future__ import annotations

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import openpyxl
import pytest
from sqlalchemy import select

from matchmaker.domain.qualifications import normalize_qualification
from matchmaker.models import AuditLog, Demand, Qualification
from matchmaker.services import chain_warning
from matchmaker.services.chain_warning import Period
from matchmaker.services.chains import store_chains
from tests.integration import helpers as h
from tests.integration.postings_support import login, logout, text

TODAY = dt.datetime.now(chain_warning.LOCAL_TZ).date()
DAYS = 30


def _at(days_ago: int) -> dt.datetime:
    """Noon (Beijing) ``days_ago`` days before today, in UTC."""
    day = TODAY - dt.timedelta(days=days_ago)
    return dt.datetime(day.year, day.month, day.day, 4, tzinfo=dt.UTC)


def _supplier(db, name, region, nodes, caps=1, verified=True, quals=()):
    ent = h.enterprise(db, name, region=region, verified=verified)
    for qname in quals:
        ent.qualifications.append(Qualification(name=qname, canonical=normalize_qualification(qname), verified=True))
    for i in range(caps):
        h.capability(db, ent, f"{name}能力{i}", chain_nodes=nodes)
    return ent


@pytest.fixture
def world(db):
    """One node for each warning level of the 光伏 chain (figures worked out in each test)."""
    store_chains(db, h.dev_chains())
    buyer = h.enterprise(db, "晶澜光伏集团", size="large", region="江苏省")
    # pv.inverter: an open demand, no verified supplier (one unverified) -> 无供应
    _supplier(db, "未核验逆变器公司", "江苏省", ["pv.inverter"], verified=False)
    h.demand(db, buyer, "逆变器采购", chain_nodes=["pv.inverter"], published_at=_at(3))
    # pv.cell: two suppliers, both in 江苏省 -> 单一省份
    _supplier(db, "苏州甲电池片", "江苏省", ["pv.cell"])
    _supplier(db, "无锡乙电池片", "江苏省", ["pv.cell"])
    # pv.module: 江苏 2, 浙江 1 -> top province 2/3 >= 0.6 -> 高度集中
    for name, region in (("常州组件一", "江苏省"), ("常州组件二", "江苏省"), ("嘉兴组件", "浙江省")):
        _supplier(db, name, region, ["pv.module"])
    # pv.materials: three provinces, one enterprise holds 4 of 6 capabilities -> 高度集中 (enterprise)
    _supplier(db, "银浆大户", "江苏省", ["pv.materials"], caps=4)
    _supplier(db, "浙江胶膜", "浙江省", ["pv.materials"])
    _supplier(db, "广东背板", "广东省", ["pv.materials"])
    # pv.wafer: three provinces, one capability each; 4 demands now vs 1 before -> 需求增长快于供给
    for name, region in (("江苏硅片", "江苏省"), ("浙江硅片", "浙江省"), ("广东硅片", "广东省")):
        _supplier(db, name, region, ["pv.wafer"])
    for i, ago in enumerate((1, 5, 10, 20, 40)):
        h.demand(db, buyer, f"硅片采购{i}", chain_nodes=["pv.wafer"], published_at=_at(ago))
    # pv.polysilicon: three provinces, one demand -> 正常
    for name, region in (("江苏多晶硅", "江苏省"), ("四川多晶硅", "四川省"), ("新疆多晶硅", "新疆维吾尔自治区")):
        _supplier(db, name, region, ["pv.polysilicon"])
    h.demand(db, buyer, "多晶硅采购", chain_nodes=["pv.polysilicon"], published_at=_at(2))
    db.commit()
    return {"buyer": buyer}


def _by_node(report):
    return {w.node: w for w in report.nodes}


def test_each_level_from_constructed_postings(world, db):
    report = chain_warning.chain_warnings(db, "pv", Period(TODAY, DAYS))
    nodes = _by_node(report)
    inverter = nodes["pv.inverter"]
    assert (inverter.level, inverter.suppliers, inverter.suppliers_unverified, inverter.open_demands) == ("none", 0, 1, 1)

    cell = nodes["pv.cell"]
    assert (cell.level, cell.suppliers, cell.provinces, cell.top_province, cell.top_province_share) \
        == ("one_province", 2, 1, "江苏省", 1.0)
    assert cell.top_enterprise_share == 0.5 and "concentrated" not in cell.findings

    module = nodes["pv.module"]
    assert module.level == "concentrated"
    assert module.top_province_share == pytest.approx(2 / 3)
    assert module.province_hhi == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)

    materials = nodes["pv.materials"]
    assert (materials.level, materials.top_enterprise) == ("concentrated", "银浆大户")
    assert materials.top_enterprise_share == pytest.approx(4 / 6)
    assert materials.top_province_share == pytest.approx(1 / 3)
    assert materials.province_hhi == pytest.approx(1 / 3)  # below both province thresholds

    wafer = nodes["pv.wafer"]
    assert (wafer.level, wafer.demands_now, wafer.demands_before, wafer.suppliers) == ("demand_outpaces", 4, 1, 3)
    assert wafer.open_demands == 5

    poly = nodes["pv.polysilicon"]
    assert (poly.level, poly.provinces, poly.demands_now, poly.demands_before) == ("normal", 3, 1, 0)
    assert nodes["pv.mounting"].level == "idle"
    # Most severe first; the single-province list names pv.cell only.
    assert [w.level for w in report.nodes][:5] == ["none", "one_province", "concentrated", "concentrated",
                                                   "demand_outpaces"]
    assert [w.node for w in report.single_province] == ["pv.cell"]
    assert {w.node for w in report.warned} == {"pv.inverter", "pv.cell", "pv.module", "pv.materials", "pv.wafer"}


def test_reason_sentences_name_the_figures(world, db):
    nodes = _by_node(chain_warning.chain_warnings(db, "pv", Period(TODAY, DAYS)))
    assert chain_warning.reason_text(nodes["pv.cell"], DAYS) == "全部 2 家已核验供应商均位于江苏省。"
    assert "67% 的已核验供应商位于江苏省" in chain_warning.reason_text(nodes["pv.module"], DAYS)
    assert "银浆大户 持有该环节 67% 的已核验能力" in chain_warning.reason_text(nodes["pv.materials"], DAYS)
    assert chain_warning.reason_text(nodes["pv.wafer"], DAYS) == \
        "近 30 天发布需求 4 项，此前同样长的期间 1 项，而已核验供应商仅 3 家。"
    assert "另有 1 家未核验企业" in chain_warning.reason_text(nodes["pv.inverter"], DAYS)


def test_a_longer_period_changes_the_growth(world, db):
    # 60 days: now = all 5 wafer demands, before = 0 -> still growth; 10 days: 2 now (1, 5 days ago), 1 before.
    wafer = _by_node(chain_warning.chain_warnings(db, "pv", Period(TODAY, 60)))["pv.wafer"]
    assert (wafer.demands_now, wafer.demands_before, wafer.level) == (5, 0, "demand_outpaces")
    wafer = _by_node(chain_warning.chain_warnings(db, "pv", Period(TODAY, 10)))["pv.wafer"]
    # 2 now against 3 suppliers: growth (2 >= 1.5 x 1) but demand does not outnumber supply.
    assert (wafer.demands_now, wafer.demands_before, wafer.level) == (2, 1, "normal")


def test_cancelled_and_draft_demands_do_not_count(world, db):
    buyer = world["buyer"]
    h.demand(db, buyer, "取消", chain_nodes=["pv.mounting"], status="cancelled", published_at=_at(1))
    h.demand(db, buyer, "草稿", chain_nodes=["pv.mounting"], status="draft")
    db.commit()
    mounting = _by_node(chain_warning.chain_warnings(db, "pv", Period(TODAY, DAYS)))["pv.mounting"]
    assert (mounting.demands_now, mounting.open_demands, mounting.level) == (0, 0, "idle")


def test_chain_page_marks_warned_nodes_with_words_not_colour_alone(client, world):
    response = client.get(f"/chains/pv?days={DAYS}")
    assert response.status_code == 200
    html = text(response)
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    groups = {g.get("data-node-id"): g for g in root.iter(f"{ns}g") if g.get("data-node-id")}
    assert groups["pv.cell"].get("data-warning") == "one_province"
    badge = next(g for g in groups["pv.cell"].iter(f"{ns}g") if g.get("data-warning-badge"))
    assert "".join(badge.itertext()) == "! 单一省份"
    assert "预警：单一省份" in groups["pv.cell"].find(f"{ns}title").text
    assert groups["pv.polysilicon"].get("data-warning") is None
    assert "/chains/node/pv.cell" in svg  # nodes stay links
    table = html[html.index('data-test="warnings"'):]
    assert 'data-node="pv.wafer" data-level="demand_outpaces"' in table
    assert "需求增长快于供给" in table and "4 / 1" in table
    assert "全部 2 家已核验供应商均位于江苏省。" in table
    single = html[html.index('data-test="single-province"'):]
    assert "/chains/node/pv.cell" in single[:single.index("</ul>")]


def test_warned_only_filter_fades_the_rest_and_lists_only_warnings(client, world):
    html = text(client.get(f"/chains/pv?days={DAYS}&warned=y"))
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    root = ET.fromstring(svg)
    ns = "{http://www.w3.org/2000/svg}"
    groups = {g.get("data-node-id"): g for g in root.iter(f"{ns}g") if g.get("data-node-id")}
    assert groups["pv.polysilicon"].get("opacity") == "0.3"
    assert groups["pv.cell"].get("opacity") is None
    table = html[html.index('data-test="warnings"'):html.index("</table>", html.index('data-test="warnings"'))]
    assert "pv.polysilicon" not in table and "pv.mounting" not in table and "pv.cell" in table


@pytest.mark.parametrize("query, field_message", [
    ("days=3", "期间请输入 7 到 365 之间的整数天数。"),
    ("days=abc", "期间请输入 7 到 365 之间的整数天数。"),
    ("end=2024-13-01", "截至日期请按 YYYY-MM-DD 填写"),
    ("end=2999-01-01", "截至日期须在 2000-01-01 与今天"),
])
def test_bad_period_is_reported_per_field_and_kept(client, world, query, field_message):
    response = client.get(f"/chains/pv?{query}")
    assert response.status_code == 422
    html = text(response)
    assert field_message in html
    assert 'value="' + query.split("=")[1] + '"' in html  # what was typed stays
    assert "请更正上面的期间后再查看预警。" in html
    assert "<svg" in html  # the map still shows


def test_both_period_errors_at_once(client, world):
    html = text(client.get("/chains/pv?days=0&end=yesterday"))
    assert "期间请输入" in html and "截至日期请按" in html


def test_bad_period_on_export_goes_back_to_the_form(client, world):
    response = client.get("/chains/pv/warnings.csv?days=1")
    assert response.status_code == 302 and "/chains/pv?days=1" in response.headers["Location"]
    stray = client.get("/chains/pv/warnings.csv?days=abc&chain_id=other&x=1")  # words the page does not read
    assert stray.status_code == 302 and stray.headers["Location"].endswith("/chains/pv?days=abc#warnings")
    assert client.get("/chains/pv/warnings.pdf").status_code == 404
    assert client.get("/chains/nope/warnings.csv").status_code == 404


def test_csv_export_has_bom_and_every_node(client, world):
    response = client.get(f"/chains/pv/warnings.csv?days={DAYS}")
    assert response.status_code == 200 and response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["环节", "环节编号", "预警等级", "原因"]
    by_id = {r[1]: dict(zip(header, r, strict=True)) for r in body}
    assert len(by_id) == 9
    assert by_id["pv.cell"]["预警等级"] == "单一省份" and by_id["pv.cell"]["第一省份占比（%）"] == "100.0"
    assert by_id["pv.wafer"]["预警等级"] == "需求增长快于供给"
    now_col = next(k for k in header if k.startswith("本期发布需求"))
    before_col = next(k for k in header if k.startswith("上期发布需求"))
    assert (by_id["pv.wafer"][now_col], by_id["pv.wafer"][before_col]) == ("4", "1")
    assert (TODAY - dt.timedelta(days=DAYS - 1)).isoformat() in now_col


def test_xlsx_export_opens_with_openpyxl(client, world):
    response = client.get(f"/chains/pv/warnings.xlsx?days={DAYS}&lang=en")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    first, single = book.worksheets
    rows = list(first.iter_rows(values_only=True))
    assert rows[0][:3] == ("Node", "Node id", "Warning level")
    by_id = {r[1]: r for r in rows[1:]}
    assert by_id["pv.module"][2] == "Highly concentrated"
    assert by_id["pv.module"][7] == pytest.approx(66.7)
    assert by_id["pv.inverter"][2] == "No supply"
    assert [r[1] for r in single.iter_rows(min_row=2, values_only=True)] == ["pv.cell"]


def test_empty_chain_has_no_warnings_and_says_so(client, db):
    store_chains(db, h.dev_chains())
    db.commit()
    html = text(client.get("/chains/pv?warned=y"))
    assert "本链目前没有预警环节。" in html
    assert "没有只由一个省份供应的环节。" in html
    assert "本链尚无标注为补链、固链或强链的需求。" in html
    html = text(client.get("/chains/pv/key-enterprises"))
    assert "本链暂无重点企业" in html


def test_key_enterprises_with_reasons(client, db):
    store_chains(db, h.dev_chains())
    leader = h.enterprise(db, "光伏链主集团", size="large", chain_leader_of=["pv"])
    h.enterprise(db, "未核验链主", size="large", chain_leader_of=["pv"], verified=False)
    h.enterprise(db, "别链链主", size="large", chain_leader_of=["icpkg"])
    buyer = h.enterprise(db, "大型采购方", size="large")
    h.demand(db, buyer, "组件采购", chain_nodes=["pv.module"])
    h.demand(db, buyer, "电池片采购", chain_nodes=["pv.cell"])
    h.demand(db, buyer, "草稿", chain_nodes=["pv.cell"], status="draft")
    small_buyer = h.enterprise(db, "小型采购方", size="small")
    h.demand(db, small_buyer, "小额采购", chain_nodes=["pv.cell"])
    _supplier(db, "小巨人银浆", "江苏省", ["pv.materials"], quals=["国家级专精特新小巨人"])
    _supplier(db, "专精特新胶膜", "浙江省", ["pv.materials", "pv.cell"], quals=["专精特新"])
    _supplier(db, "普通供应商", "浙江省", ["pv.cell"])
    _supplier(db, "别链小巨人", "江苏省", ["icpkg.substrate"], quals=["国家级专精特新小巨人"])
    db.commit()
    html = text(client.get("/chains/pv/key-enterprises"))
    names = ["光伏链主集团", "大型采购方", "小巨人银浆", "专精特新胶膜"]
    positions = [html.index(n) for n in names]
    assert positions == sorted(positions)
    for absent in ("未核验链主", "别链链主", "小型采购方", "普通供应商", "别链小巨人"):
        assert absent not in html
    row = html[html.index(f'data-enterprise="{buyer.id}"'):]
    row = row[:row.index("</tr>")]
    assert "在招需求 2 项" in row and "电池片" in row and "组件" in row
    row = html[html.index(f'data-enterprise="{leader.id}"'):]
    assert 'data-reason="leader"' in row[:row.index("</tr>")]
    assert "专精特新“小巨人”" in html
    assert client.get("/chains/nope/key-enterprises").status_code == 404


def test_key_enterprises_are_paginated(client, app, db):
    app.config["PER_PAGE"] = 2
    store_chains(db, h.dev_chains())
    for i in range(3):
        h.enterprise(db, f"链主{i}号", size="large", chain_leader_of=["pv"])
    db.commit()
    first, second = text(client.get("/chains/pv/key-enterprises")), text(client.get("/chains/pv/key-enterprises?page=2"))
    assert "链主0号" in first and "链主1号" in first and "链主2号" not in first
    assert "链主2号" in second and "1 / 2" in first


@pytest.fixture
def tagging(db):
    store_chains(db, h.dev_chains())
    js = h.enterprise(db, "江苏采购方", size="large", region="江苏省")
    zj = h.enterprise(db, "浙江采购方", size="large", region="浙江省")
    d_js = h.demand(db, js, "江苏电池片采购", chain_nodes=["pv.cell"], deadline=TODAY + dt.timedelta(days=30))
    d_zj = h.demand(db, zj, "浙江组件采购", chain_nodes=["pv.module"])
    draft = h.demand(db, js, "草稿需求", chain_nodes=["pv.cell"], status="draft")
    closed = h.demand(db, js, "已截止需求", chain_nodes=["pv.cell"], status="closed")
    organiser = h.user(db, role="organiser", scope_level="province", scope_province="江苏省")
    member = h.user(db, js)
    db.commit()
    return {"js": d_js, "zj": d_zj, "draft": draft, "closed": closed, "organiser": organiser, "member": member}


def test_enterprise_user_cannot_tag(client, db, tagging):
    login(client, tagging["member"])
    assert client.post(f"/chains/demand/{tagging['js'].id}/tag", data={"tag": "fill"}).status_code == 403
    html = text(client.get(f"/demands/{tagging['js'].id}"))
    assert 'id="chain-tag"' not in html
    logout(client)
    assert client.post(f"/chains/demand/{tagging['js'].id}/tag", data={"tag": "fill"}).status_code == 302
    db.expire_all()
    assert db.get(Demand, tagging["js"].id).chain_tag is None


def test_organiser_in_scope_tags_audited_badge_and_project_list(client, db, tagging):
    login(client, tagging["organiser"])
    d = tagging["js"]
    assert 'id="chain-tag"' in text(client.get(f"/demands/{d.id}"))
    response = client.post(f"/chains/demand/{d.id}/tag", data={"tag": "fill", "next": f"/demands/{d.id}"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/demands/{d.id}")
    db.expire_all()
    assert db.get(Demand, d.id).chain_tag == "fill"
    entry = db.scalar(select(AuditLog).where(AuditLog.action == "demand.chain_tag"))
    assert (entry.user_id, entry.object_id, entry.details) == (
        tagging["organiser"].id, str(d.id), {"tag_before": "", "tag_after": "fill"})
    logout(client)
    page = text(client.get(f"/demands/{d.id}"))
    assert 'data-chain-tag="fill"' in page and "补链" in page and 'id="chain-tag"' not in page
    html = text(client.get("/chains/pv"))
    projects = html[html.index('data-test="projects"'):]
    assert "江苏电池片采购" in projects and "江苏采购方" in projects and (TODAY + dt.timedelta(days=30)).isoformat() in projects
    assert "江苏电池片采购" not in text(client.get("/chains/pv?tag=strengthen")).split('id="projects"')[1]
    assert "江苏电池片采购" not in text(client.get("/chains/icpkg")).split('id="projects"')[1]
    # Clearing the tag, audited as well.
    login(client, tagging["organiser"])
    client.post(f"/chains/demand/{d.id}/tag", data={"tag": ""})
    db.expire_all()
    assert db.get(Demand, d.id).chain_tag is None
    assert db.scalar(select(AuditLog).where(AuditLog.action == "demand.chain_tag")
                     .order_by(AuditLog.id.desc())).details == {"tag_before": "fill", "tag_after": ""}


def test_organiser_out_of_scope_is_refused(client, db, tagging):
    login(client, tagging["organiser"])
    d = tagging["zj"]
    assert 'id="chain-tag"' not in text(client.get(f"/demands/{d.id}"))
    assert client.post(f"/chains/demand/{d.id}/tag", data={"tag": "secure"}).status_code == 403
    db.expire_all()
    assert db.get(Demand, d.id).chain_tag is None
    assert db.scalar(select(AuditLog).where(AuditLog.action == "demand.chain_tag")) is None


def test_national_organiser_tags_anywhere_and_state_rules_hold(client, db, tagging):
    national = h.user(db, role="organiser")
    db.commit()
    login(client, national)
    assert client.post(f"/chains/demand/{tagging['zj'].id}/tag", data={"tag": "strengthen"}).status_code == 302
    assert client.post(f"/chains/demand/{tagging['draft'].id}/tag", data={"tag": "fill"}).status_code == 404
    assert client.post("/chains/demand/999999/tag", data={"tag": "fill"}).status_code == 404
    response = client.post(f"/chains/demand/{tagging['closed'].id}/tag", data={"tag": "fill"},
                           follow_redirects=True)
    assert "只能标注已发布的需求。" in text(response)
    client.post(f"/chains/demand/{tagging['js'].id}/tag", data={"tag": "bogus"})
    db.expire_all()
    assert db.get(Demand, tagging["zj"].id).chain_tag == "strengthen"
    assert db.get(Demand, tagging["closed"].id).chain_tag is None
    assert db.get(Demand, tagging["js"].id).chain_tag is None


def test_region_scoped_organiser_sees_projects_of_its_region(client, db, tagging):
    for d, tag in ((tagging["js"], "fill"), (tagging["zj"], "secure")):
        db.get(Demand, d.id).chain_tag = tag
    db.commit()
    everyone = text(client.get("/chains/pv")).split('id="projects"')[1]
    assert "江苏电池片采购" in everyone and "浙江组件采购" in everyone
    login(client, tagging["organiser"])
    mine = text(client.get("/chains/pv")).split('id="projects"')[1]
    assert "江苏电池片采购" in mine and "浙江组件采购" not in mine and "仅列出江苏省范围内企业的需求" in mine


def test_english_warning_page(client, world):
    html = text(client.get(f"/chains/pv?days={DAYS}&lang=en"))
    assert "Supply-chain early warning" in html and "One province only" in html
    assert "All 2 verified suppliers are in 江苏省." in html
    assert "! 1 province" in html


def test_region_scoped_organiser_sees_key_enterprises_of_its_region(client, db):
    store_chains(db, h.dev_chains())
    h.enterprise(db, "江苏链主", size="large", region="江苏省", chain_leader_of=["pv"])
    h.enterprise(db, "浙江链主", size="large", region="浙江省", chain_leader_of=["pv"])
    organiser = h.user(db, role="organiser", scope_level="province", scope_province="江苏省")
    db.commit()
    everyone = text(client.get("/chains/pv/key-enterprises"))
    assert "江苏链主" in everyone and "浙江链主" in everyone
    login(client, organiser)
    mine = text(client.get("/chains/pv/key-enterprises"))
    assert "江苏链主" in mine and "浙江链主" not in mine and "仅列出江苏省范围内的企业" in mine
