"""Words, units and times as the site's readers expect them, on every main page.

Each rule and its source:

* Chain coverage is a measure of the platform's own postings, not a diagnosis of the
  real chain: 断点/堵点 name the findings of an analysis of the whole industry chain (the
  补链、强链 work of the industry authorities), which needs data from outside the
  platform. The site says 平台供给空白 / 单一来源 and when the figures were computed.
* 认证 is certification by an accredited body (《中华人民共和国认证认可条例》, Art. 2);
  the platform's own check of a name and a credit code is 核验.
* 高新技术企业 is recognised (认定) by the provincial recognition bodies
  (《高新技术企业认定管理办法》, 国科发火〔2016〕32号), not certified.
* 链主 is a designation given to a named enterprise of a chain, not a size class: a
  large enterprise is 大型企业 (《中小企业划型标准规定》, 工信部联企业〔2011〕300号).
* The State Council Information Office's white paper of November 2023 (《新时代党的
  治藏方略的实践及其历史性成就》) writes the region's name in English as "Xizang".
* Money shown to people is in 万元, the unit of the SME size standard's thresholds
  (工信部联企业〔2011〕300号) and of the fairs' outcomes; the database keeps 元.
* A challenge (揭榜挂帅) ends by choosing who takes it on (揭榜方), not by an award.
* Times are stored in UTC and shown in Beijing time (UTC+8), the time every user of
  the site lives in, with the zone where a reader could take it for another.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from matchmaker import presentation
from matchmaker.domain.qualifications import normalize_qualification
from matchmaker.domain.regions import english_name
from matchmaker.models import Application, AuditLog, Notification, Qualification
from matchmaker.services import chains as chain_service
from tests.integration import events_support as ev
from tests.integration import helpers as h
from tests.integration.postings_support import load_chains

#: A stored time whose Beijing date is the next day: 2026-12-07 20:30 UTC is 2026-12-08 04:30 in Beijing.
KNOWN = dt.datetime(2026, 12, 7, 20, 30, tzinfo=dt.UTC)
KNOWN_BEIJING = "2026-12-08 04:30"
KNOWN_NAIVE = ("2026-12-07 20:30", "2026-12-07T20:30")
NODE_LIKE = re.compile(r"\b[a-z0-9]+\.[a-z0-9-]+\b")


class _Visible(HTMLParser):
    """The text a reader sees: text outside scripts and styles, and tooltip-like attributes."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("title", "aria-label", "placeholder", "alt") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _qualify(ent, *names, verified=True):
    for name in names:
        ent.qualifications.append(Qualification(name=name, canonical=normalize_qualification(name),
                                                verified=verified))


@pytest.fixture
def site(db):
    """A small live site with known amounts, a region in Xizang and rows stored at :data:`KNOWN`."""
    load_chains(db)
    buyer = h.enterprise(db, name="华东光伏集团有限公司", size="large", region="西藏自治区")
    giant = h.enterprise(db, name="苏州小巨人电池片有限公司", size="medium")
    _qualify(giant, "国家级专精特新“小巨人”企业", "高新技术企业")
    srdi = h.enterprise(db, name="无锡专精特新电池片有限公司", size="small", region="江苏省")
    _qualify(srdi, "江苏省专精特新中小企业")
    candidate = h.enterprise(db, name="常州培育电池片有限公司", size="small")
    _qualify(candidate, "专精特新培育企业")
    unverified = h.enterprise(db, name="未核验电池片有限公司", size="small", verified=False)
    _qualify(unverified, "专精特新“小巨人”", verified=False)
    large, sme = h.user(db, buyer), h.user(db, giant)
    capabilities = [h.capability(db, ent, title=f"{ent.name[:4]}TOPCon 电池片", chain_nodes=["pv.cell"])
                    for ent in (giant, srdi, candidate, unverified)]
    procurement = h.demand(db, buyer, title="N型电池片年度采购", kind="procurement",
                           chain_nodes=["pv.cell", "pv.inverter"],
                           region="西藏自治区", budget=Decimal("12345000"))
    challenge = h.demand(db, buyer, title="钙钛矿叠层电池效率攻关", kind="challenge", chain_nodes=["pv.cell"],
                         budget=Decimal("5000000"), status="awarded")
    draft = h.demand(db, buyer, title="逆变器外壳（草稿）", status="draft", budget=Decimal("86500"),
                     chain_nodes=["pv.inverter"])
    application = Application(demand_id=procurement.id, enterprise_id=giant.id, submitted_by_id=sme.id,
                              capability_id=capabilities[0].id, proposal="月供 50MW。", price=Decimal("120000"),
                              created_at=KNOWN)
    db.add_all([application,
                Notification(user_id=large.id, text="新的报价", link=f"/demands/{procurement.id}", created_at=KNOWN),
                Notification(user_id=sme.id, text="需求有更新", link=f"/demands/{procurement.id}", created_at=KNOWN)])
    people = ev.fair(db, theme_chains=["pv"], theme_nodes=["pv.cell"])
    admin = h.user(db, role="admin")
    db.add(AuditLog(user_id=admin.id, action="enterprise.verify", object_type="Enterprise",
                    object_id=str(giant.id), details={}, created_at=KNOWN))
    db.commit()
    for row in (*capabilities, procurement, challenge, draft):
        row.updated_at = KNOWN
    db.commit()
    (participant, member), = people["buyers"][:1]
    return {"large": large, "sme": sme, "admin": admin, "organiser": people["organiser"], "member": member,
            "buyer": buyer, "giant": giant, "procurement": procurement, "challenge": challenge, "draft": draft,
            "application": application, "capability": capabilities[0], "event": people["event"],
            "participant": participant}


def _pages(s) -> dict[str, list[str]]:
    """The main pages of each kind of reader (None: anonymous)."""
    d, k, c, e = s["procurement"].id, s["challenge"].id, s["capability"].id, s["event"].id
    public = ["/", f"/demands/{d}", f"/demands/{k}", "/demands/", "/capabilities/", f"/capabilities/{c}",
              "/resources/", "/search/?q=电池片", "/search/?q=光伏&tab=enterprises", "/enterprises/",
              f"/enterprises/{s['buyer'].id}", f"/enterprises/{s['giant'].id}", "/chains/", "/chains/pv",
              "/chains/node/pv.cell", "/events/", f"/events/{e}"]
    return {
        "anonymous": [*public, "/login", "/register"],
        "large": [*public, "/demands/mine", "/demands/new", f"/demands/{s['draft'].id}/edit",
                  f"/demands/{s['draft'].id}", "/applications/received", f"/applications/{s['application'].id}",
                  "/notifications/", "/account", f"/enterprises/{s['buyer'].id}/members"],
        "sme": [*public, "/opportunities/", "/capabilities/mine", "/capabilities/new", f"/demands/{d}/apply",
                "/applications/mine", f"/applications/{s['application'].id}", "/notifications/", "/account"],
        "member": [f"/events/{e}", f"/events/{e}/requests", f"/events/{e}/agenda/{s['participant'].id}"],
        "organiser": [*public, "/events/new", f"/events/{e}/edit", f"/events/{e}/participants",
                      f"/events/{e}/manage/requests", f"/events/{e}/schedule", f"/events/{e}/dashboard",
                      f"/events/{e}/checkin"],
        "admin": [*public, "/admin/", "/admin/users", "/admin/enterprises", "/admin/enterprises?status=all",
                  "/admin/qualifications", "/admin/audit"],
    }


def _read(client, url: str, lang: str) -> str:
    ev.fresh(client)
    response = client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
    assert response.status_code == 200, f"GET {url} answered {response.status_code}"
    return visible(response.get_data(as_text=True))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("role", ["anonymous", "large", "sme", "member", "organiser", "admin"])
def test_no_page_shows_raw_ids_platform_certification_tibet_or_utc(client, db, site, role, lang):
    """Readers see chain and node names, 已核验 for the platform's checks, "Xizang",
    Beijing times; never an id, 已认证, "Tibet", a UTC wall time, 断点/堵点 or 链主企业."""
    G = chain_service.current_graph(db)
    chain_ids = re.compile(r"(?<![\w.-])(" + "|".join(map(re.escape, G.graph["chains"])) + r")(?![\w-])")
    ev.as_user(client, None if role == "anonymous" else site[role])
    problems = {}
    for url in _pages(site)[role]:
        text = _read(client, url, lang)
        found = [m for m in NODE_LIKE.findall(text) if m in G] + chain_ids.findall(text)
        found += [word for word in ("已认证", "Tibet", "断点", "堵点", "链主企业", "高新技术企业认证")
                  if word in text]
        found += [t for t in KNOWN_NAIVE if t in text]
        if found:
            problems[url] = found
    assert problems == {}


def test_times_are_shown_in_beijing_time_with_the_zone(client, db, site):
    """A time stored as 20:30 UTC reads 04:30 the next day, Beijing time, labelled as such."""
    app_id = site["application"].id
    for user, urls in ((site["large"], [f"/applications/{app_id}", "/notifications/"]),
                       (site["sme"], [f"/applications/{app_id}", "/notifications/"])):
        ev.as_user(client, user)
        for url in urls:
            assert f"{KNOWN_BEIJING}（北京时间）" in _read(client, url, "zh_CN"), url
            assert f"{KNOWN_BEIJING} (Beijing time)" in _read(client, url, "en"), url
    assert f"提交于 {KNOWN_BEIJING}（北京时间）" in _read(client, f"/applications/{app_id}", "zh_CN")
    # Dates of stored times are Beijing dates too.
    ev.as_user(client, site["sme"])
    mine = _read(client, "/applications/mine", "zh_CN")
    assert "2026-12-08" in mine and "2026-12-07" not in mine
    ev.as_user(client, site["admin"])
    audit = _read(client, "/admin/audit", "zh_CN")
    assert "时间（北京时间）" in audit and f"{KNOWN_BEIJING}:00" in audit and "UTC" not in audit


def test_one_time_helper_for_every_page(app):
    """Aware and naive (SQLite) UTC times alike; fair pages use the same helper."""
    from matchmaker.web.events import helpers as fair_helpers

    naive = KNOWN.replace(tzinfo=None)
    with app.test_request_context("/?lang=zh_CN"):
        assert presentation.local_time(KNOWN) == presentation.local_time(naive) == f"{KNOWN_BEIJING}（北京时间）"
        assert presentation.local_time(KNOWN, zone=False, seconds=True) == f"{KNOWN_BEIJING}:00"
        assert presentation.local_time(KNOWN.isoformat()) == f"{KNOWN_BEIJING}（北京时间）"
        assert presentation.local_time(None) == ""
        assert presentation.local_date(KNOWN) == "2026-12-08"
        assert presentation.local_date(dt.date(2026, 12, 7)) == "2026-12-07"
        assert fair_helpers.template_helpers()["local_time"] is presentation.local_time
        assert app.jinja_env.filters["local_time"] is presentation.local_time
    with app.test_request_context("/?lang=en"):
        assert presentation.local_time(KNOWN) == f"{KNOWN_BEIJING} (Beijing time)"


@pytest.mark.parametrize(("amount", "unit", "zh", "en"), [
    (Decimal("12345000"), "yuan", "1,234.5 万元", "1,234.5 × 10k CNY"),
    (Decimal("90000000"), "yuan", "9,000 万元", "9,000 × 10k CNY"),
    (120000, "yuan", "12 万元", "12 × 10k CNY"),
    (Decimal("86500.00"), "yuan", "8.65 万元", "8.65 × 10k CNY"),
    (1, "yuan", "0.0001 万元", "0.0001 × 10k CNY"),
    (0, "yuan", "0 万元", "0 × 10k CNY"),
    (Decimal("350.5"), "wan", "350.5 万元", "350.5 × 10k CNY"),
    (None, "yuan", "—", "—"),
])
def test_money_is_shown_in_wan(app, amount, unit, zh, en):
    """Every amount in 万元, from the 元 the database keeps; no yuan lost to rounding."""
    with app.test_request_context("/?lang=zh_CN"):
        assert presentation.money(amount, unit=unit) == zh
    with app.test_request_context("/?lang=en"):
        assert presentation.money(amount, unit=unit) == en


def test_pages_show_budgets_and_prices_in_wan(client, db, site):
    """Budgets (stored 12,345,000 元) and prices (120,000 元) read in 万元 wherever they appear."""
    d = site["procurement"].id
    for url in (f"/demands/{d}", "/demands/", "/"):
        text = _read(client, url, "zh_CN")
        assert "1,234.5 万元" in text and "12345000" not in text and "12,345,000" not in text, url
    assert "1,234.5 × 10k CNY" in _read(client, f"/demands/{d}", "en")
    ev.as_user(client, site["large"])
    assert "12 万元" in _read(client, f"/applications/{site['application'].id}", "zh_CN")
    assert "12 万元" in _read(client, "/applications/received", "zh_CN")


def test_amounts_are_typed_in_wan_and_stored_in_yuan(client, db, site):
    """The budget and price fields ask for 万元, show a stored amount in 万元 and hand on 元."""
    from werkzeug.datastructures import MultiDict

    from matchmaker.web.forms.applications import ApplicationForm
    from matchmaker.web.forms.demands import DemandForm

    draft = site["draft"]
    ev.as_user(client, site["large"])
    html = client.get(f"/demands/{draft.id}/edit", query_string={"lang": "zh_CN"}).get_data(as_text=True)
    assert "预算 / 榜单金额（万元）" in html and 'value="8.65"' in html
    with client.application.test_request_context("/", method="POST"):
        demand = DemandForm(formdata=MultiDict({"budget": "1234.5"}), meta={"csrf": False})
        demand.budget.validate(demand)
        assert demand.budget.data == Decimal("12345000")
        price = ApplicationForm(formdata=MultiDict({"price": "12"}), meta={"csrf": False})
        assert price.price.data == Decimal("120000")
        huge = DemandForm(formdata=MultiDict({"budget": "100000000"}), meta={"csrf": False})
        assert huge.budget.data is None and huge.budget.process_errors


def test_a_challenge_ends_with_a_chosen_solver_not_an_award(client, db, site):
    """揭榜挂帅 ends with 已确定揭榜方; procurement keeps 已授标."""
    text = _read(client, f"/demands/{site['challenge'].id}", "zh_CN")
    assert "已确定揭榜方" in text and "已授标" not in text
    assert "Solver selected" in _read(client, f"/demands/{site['challenge'].id}", "en")
    with client.application.test_request_context("/?lang=zh_CN"):
        ev.fresh()
        assert presentation.demand_status_label("awarded", "procurement") == "已授标"
        assert presentation.demand_status_label("awarded", "challenge") == "已确定揭榜方"
        assert presentation.demand_status_label("published", "challenge") == "已发布"
    ev.as_user(client, site["large"])
    procurement = site["procurement"]
    buttons = _read(client, f"/demands/{procurement.id}", "zh_CN")
    assert "授标" in buttons and "确定揭榜方" not in buttons


def test_chain_map_states_coverage_on_the_platform_with_its_date_and_tiers(client, db, site):
    """The chain map and node page measure the platform's postings, say when, and count the
    专精特新 and 小巨人 suppliers of each node (verified qualifications of verified suppliers;
    a cultivation list 培育企业 is not the tier, 《优质中小企业梯度培育管理暂行办法》)."""
    before = dt.datetime.now(presentation.LOCAL_TZ).replace(second=0, microsecond=0)
    html = client.get("/chains/pv", query_string={"lang": "zh_CN"}).get_data(as_text=True)
    after = dt.datetime.now(presentation.LOCAL_TZ)
    text = visible(html)
    stamp = re.search(r"数据截至 (\d{4}-\d\d-\d\d \d\d:\d\d)（北京时间）", text)
    assert stamp, text[:400]
    shown = dt.datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M").replace(tzinfo=presentation.LOCAL_TZ)
    assert before <= shown <= after
    assert f"最新一条供需信息更新于 {KNOWN_BEIJING}（北京时间）" in text
    assert "平台供给空白" in text and "单一来源" in text and "不代表产业链本身的供给状况" in text
    table = html[html.index("<tbody>"):]
    row = table[table.index('href="/chains/node/pv.cell"'):]
    row = row[:row.index("</tr>")]
    # 3 verified suppliers (the unverified one is counted apart): 2 专精特新 (the 小巨人 is one), 1 小巨人.
    assert re.search(r'data-tier="srdi">2<', row) and re.search(r'data-tier="little-giant">1<', row)
    inverter = table[table.index('href="/chains/node/pv.inverter"'):]
    assert weak_tag(inverter[:inverter.index("</tr>")]) == "平台供给空白"

    node = _read(client, "/chains/node/pv.cell", "zh_CN")
    assert "本平台已核验供应商 3 家，其中专精特新 2 家、专精特新“小巨人” 1 家；未核验 1 家" in node
    assert "数据截至" in node
    english = _read(client, "/chains/pv", "en")
    assert "No supply on the platform" in english and "Data as of" in english and "(Beijing time)" in english
    assert "gap" not in english.split() and "thin" not in english.split()
    index = _read(client, "/chains/", "zh_CN")
    assert "平台供给空白" in index and "数据截至" in index


def weak_tag(row_html: str) -> str:
    return visible(re.search(r'<span class="tag tag-\w+">[^<]*</span>', row_html).group(0))


def test_region_names_in_english_use_xizang(client, db, site):
    """Official English since 2023 writes 西藏 as Xizang; "Tibet" is still read in data."""
    assert english_name("西藏自治区") == english_name("Tibet") == "Xizang"
    text = _read(client, f"/enterprises/{site['buyer'].id}", "en")
    assert "Xizang" in text and "Tibet" not in text


def test_platform_checks_read_as_verification_not_certification(client, db, site):
    """已核验/未核验 for the platform's checks; 高新技术企业 stays a recognition."""
    text = _read(client, f"/enterprises/{site['giant'].id}", "zh_CN")
    assert "平台已核验单位名称与统一社会信用代码" in text and "已认证" not in text
    assert "资质、认证与认定" in text and "高新技术企业" in text
    ev.as_user(client, site["admin"])
    admin = _read(client, "/admin/enterprises?status=all", "zh_CN")
    assert "企业核验" in admin and "认证" not in admin
    with client.application.test_request_context("/?lang=zh_CN"):
        ev.fresh()
        assert presentation.verification_label(True) == "已核验"
        assert presentation.verification_label(False) == "未核验"


def test_large_enterprises_are_called_large_not_chain_leaders(client, db, site):
    """Size says 大型企业; 链主 is a designation no enterprise here holds, so no page shows it."""
    for url in ("/", "/demands/", "/resources/", "/login"):
        text = _read(client, url, "zh_CN")
        assert "链主" not in text, url
    assert "家大型企业" in _read(client, "/", "zh_CN")


def test_a_stale_node_is_named_as_retired_not_by_its_id(client, db, site):
    """A posting may keep a node the chains no longer have; readers see that, not the id."""
    procurement = site["procurement"]
    procurement.chain_nodes = ["pv.cell", "pv.retired-node"]
    db.commit()
    text = _read(client, f"/demands/{procurement.id}", "zh_CN")
    assert "已停用的环节" in text and "pv.retired-node" not in text

