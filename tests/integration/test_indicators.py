"""融通 indicators: every indicator against a hand count, region scope, the pages and the XLSX."""
from __future__ import annotations

import datetime as dt
import io
import itertools
import re

import pytest
from openpyxl import load_workbook

from matchmaker.domain.scope import Scope
from matchmaker.models import (
    Application,
    Event,
    EventParticipant,
    Meeting,
    OpenResource,
    ResourceRequest,
)
from matchmaker.services import audit
from matchmaker.services import indicators as service
from matchmaker.services.indicators_export import (
    DATA_SHEET,
    DEFINITIONS_SHEET,
    FIXED_COLUMNS,
    TOTAL_LABEL,
)
from tests.integration import helpers as h
from tests.integration.events_support import as_user
from tests.integration.postings_support import load_chains, member

YEAR = service.Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31))
ARGS = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
_uid = itertools.count(1)


def utc(y, m, d, hour=2, minute=0):
    return dt.datetime(y, m, d, hour, minute, tzinfo=dt.UTC)


def _demand(db, ent, kind, published_at, payment_days=None, **kw):
    return h.demand(db, ent, title=f"{ent.name}{kind}", kind=kind, published_at=published_at,
                    payment_days=payment_days, **kw)


def _apply(db, demand, sme, status, created_at):
    db.add(Application(demand_id=demand.id, enterprise_id=sme.id, proposal="方案", status=status,
                       created_at=created_at))


def _event(db, name, date, region, city):
    event = Event(name=name, date=date, region=region, city=city, status="final")
    db.add(event)
    db.flush()
    return event


def _part(db, event, ent, role, status="approved"):
    p = EventParticipant(event_id=event.id, enterprise_id=ent.id, role=role, status=status)
    db.add(p)
    db.flush()
    return p


def _meeting(db, event, buyer, supplier, checkin="held", stage=None, amount=None, date=None):
    db.add(Meeting(event_id=event.id, buyer_id=buyer.id, supplier_id=supplier.id, slot="09:00", table=1,
                   uid=f"m{next(_uid)}@test", checkin=checkin, stage=stage, contract_amount=amount,
                   contract_date=date, contract_type="purchase" if stage == "signed" else None))


def _invite(db, demand, supplier, purpose, when):
    entry = audit.record(db, None, f"demand.invite_{purpose}", demand, supplier=supplier.id)
    entry.created_at = when


@pytest.fixture
def world(db):
    """A year of activity: large enterprises in 苏州, 常州 (江苏) and 杭州 (浙江), a 链主, SMEs, two fairs."""
    load_chains(db)
    ent = {}
    for key, name, size, region, city in [("A", "甲集团", "large", "江苏省", "苏州市"), ("B", "乙集团", "large", "江苏省", "苏州"),
                                           ("C", "丙集团", "large", "江苏省", "常州市"), ("D", "丁集团", "large", "浙江省", "杭州市")]:
        ent[key] = h.enterprise(db, name=name, size=size, region=region, city=city)
    ent["B"].chains = ["pv"]
    ent["L"] = h.enterprise(db, name="戊链主", size="medium", city="苏州", chain_leader_of=["pv"])
    ent["U"] = h.enterprise(db, name="己未核验链主", size="medium", city="苏州", chain_leader_of=["pv"], verified=False)
    ent["M"] = h.enterprise(db, name="庚中型", size="medium", city="苏州")
    s = {1: member(db, "small", name="一号小企业", quals=[("专精特新", True)])[0],
         2: member(db, "micro", name="二号微企业", quals=[("国家级专精特新小巨人", True)])[0],
         3: member(db, "medium", name="三号中企业", quals=[("专精特新", False)])[0],
         4: member(db, "small", name="四号小企业")[0], 5: member(db, "small", name="五号小企业")[0],
         6: member(db, "small", name="六号小企业")[0]}
    univ = h.enterprise(db, name="某大学", size=None, org_type="university")
    A, B, C, D, L = (ent[k] for k in "ABCDL")
    # A: two procurement demands and a challenge in the period (one published at 01:00 Beijing time on 1 January),
    # one demand of 2024 and one published at 00:30 Beijing time on 1 January 2026.
    dA1 = _demand(db, A, "procurement", utc(2025, 1, 10), 60, chain_nodes=["pv.wafer"])
    dA2 = _demand(db, A, "procurement", utc(2024, 12, 31, 17), 90)
    dA3 = _demand(db, A, "challenge", utc(2025, 3, 5))
    dA4 = _demand(db, A, "procurement", utc(2024, 6, 1), 30)
    dA5 = _demand(db, A, "procurement", utc(2025, 12, 31, 16, 30), 30)
    _demand(db, A, "procurement", None, 30, status="draft")
    _apply(db, dA1, s[1], "accepted", utc(2025, 1, 20))
    _apply(db, dA1, s[2], "shortlisted", utc(2025, 3, 1))
    _apply(db, dA2, s[3], "submitted", utc(2025, 3, 15))  # 73 days after publication
    _apply(db, dA3, s[4], "accepted", utc(2025, 3, 10))
    _apply(db, dA3, univ, "accepted", utc(2025, 3, 12))
    _apply(db, dA3, s[2], "withdrawn", utc(2025, 4, 1))
    _apply(db, dA4, s[5], "rejected", utc(2025, 2, 1))
    _apply(db, dA4, s[6], "accepted", utc(2024, 7, 1))
    _apply(db, dA5, s[1], "submitted", utc(2026, 1, 2))
    _invite(db, dA1, s[1], "apply", utc(2025, 1, 12))
    _invite(db, dA1, s[3], "meet", utc(2025, 2, 1))
    _invite(db, dA3, s[1], "apply", utc(2025, 3, 6))
    _invite(db, dA1, univ, "apply", utc(2025, 1, 13))
    _invite(db, dA4, s[6], "apply", utc(2024, 11, 1))
    r1 = OpenResource(enterprise_id=A.id, kind="test_site", title="检测实验室", created_at=utc(2025, 2, 1))
    r2 = OpenResource(enterprise_id=A.id, kind="equipment", title="五轴机床", created_at=utc(2024, 5, 1))
    db.add_all([r1, r2])
    db.flush()
    for res, sme, status, when in [(r2, s[1], "approved", utc(2025, 3, 1)), (r2, s[2], "pending", utc(2025, 3, 2)),
                                   (r2, s[3], "approved", utc(2024, 6, 1)), (r1, s[4], "approved", utc(2025, 4, 1))]:
        db.add(ResourceRequest(resource_id=res.id, enterprise_id=sme.id, message="申请", status=status, created_at=when))
    f1 = _event(db, "苏州对接会", dt.date(2025, 5, 20), "江苏省", "苏州")
    f2 = _event(db, "杭州对接会", dt.date(2025, 9, 10), "浙江省", "杭州")
    f3 = _event(db, "去年对接会", dt.date(2024, 11, 11), "江苏省", "苏州")
    a1, a2, a3 = _part(db, f1, A, "buyer"), _part(db, f2, A, "buyer"), _part(db, f3, A, "buyer")
    b1, _c1 = _part(db, f1, B, "buyer"), _part(db, f1, C, "buyer", status="pending")
    d2 = _part(db, f2, D, "buyer")
    sup = {(f.id, k): _part(db, f, s[k], "supplier") for f, ks in [(f1, (1, 2, 4, 5)), (f2, (2, 5)), (f3, (3,))]
           for k in ks}
    b_as_supplier = _part(db, f2, B, "supplier")
    _meeting(db, f1, a1, sup[(f1.id, 1)], stage="signed", amount=120.50, date=dt.date(2025, 6, 15))
    _meeting(db, f1, a1, sup[(f1.id, 2)], stage="signed", amount=80, date=dt.date(2026, 1, 5))
    _meeting(db, f1, a1, sup[(f1.id, 5)], checkin="no_show")
    _meeting(db, f2, a2, sup[(f2.id, 2)], stage="signed", amount=35.25, date=dt.date(2025, 10, 1))
    _meeting(db, f2, a2, b_as_supplier, stage="signed", amount=500, date=dt.date(2025, 10, 2))
    _meeting(db, f3, a3, sup[(f3.id, 3)], stage="signed", amount=10, date=dt.date(2025, 1, 5))
    _meeting(db, f1, b1, sup[(f1.id, 4)], stage="signed", amount=50, date=dt.date(2025, 5, 21))
    _meeting(db, f2, d2, sup[(f2.id, 5)], stage="signed", amount=200, date=dt.date(2025, 9, 10))
    # B, C, D, the 链主 and two that do not count (a medium enterprise, an unverified 链主).
    dB1 = _demand(db, B, "procurement", utc(2025, 7, 1), 30)
    _apply(db, dB1, s[1], "submitted", utc(2025, 7, 5))
    _demand(db, L, "procurement", utc(2025, 8, 1), 120)
    _demand(db, C, "challenge", utc(2025, 2, 1))
    dD1 = _demand(db, D, "procurement", utc(2025, 5, 5), 60)
    _apply(db, dD1, s[5], "accepted", utc(2025, 5, 6))
    _demand(db, ent["M"], "procurement", utc(2025, 5, 5), 60)
    _demand(db, ent["U"], "procurement", utc(2025, 5, 5), 60)
    db.commit()
    return {**ent, "s": s, "f1": f1}


#: Hand counts for 2025, N = 30 (shares as (numerator, denominator)).
EXPECTED = {
    "A": {"demands_posted": 2, "challenges_posted": 1, "answered_share": (2, 3), "smes_invited": 2,
          "smes_applied": 5, "smes_shortlisted": 3, "smes_contracted": 4, "challenge_awards": 2,
          "resources_published": 1, "resources_used": 2, "fairs_attended": 2, "meetings_held": 4,
          "contracts_signed": 3, "contract_amount": 165.75, "srdi_share": (2, 4), "little_giant_share": (1, 4),
          "payment_compliant_share": (1, 3), "payment_undeclared": 1},
    "B": {"demands_posted": 1, "challenges_posted": 0, "answered_share": (1, 1), "smes_invited": 0,
          "smes_applied": 1, "smes_shortlisted": 0, "smes_contracted": 1, "challenge_awards": 0,
          "resources_published": 0, "resources_used": 0, "fairs_attended": 1, "meetings_held": 1,
          "contracts_signed": 1, "contract_amount": 50.0, "srdi_share": (0, 1), "little_giant_share": (0, 1),
          "payment_compliant_share": (1, 1), "payment_undeclared": 0},
    # A 链主 of medium size is not bound by the 60-day rule: its 120 days keep to the regulation.
    "L": {"demands_posted": 1, "challenges_posted": 0, "answered_share": (0, 1), "smes_invited": 0,
          "smes_applied": 0, "smes_shortlisted": 0, "smes_contracted": 0, "challenge_awards": 0,
          "resources_published": 0, "resources_used": 0, "fairs_attended": 0, "meetings_held": 0,
          "contracts_signed": 0, "contract_amount": 0.0, "srdi_share": None, "little_giant_share": None,
          "payment_compliant_share": (1, 1), "payment_undeclared": 0},
    "C": {"demands_posted": 0, "challenges_posted": 1, "answered_share": (0, 1), "smes_invited": 0,
          "smes_applied": 0, "smes_shortlisted": 0, "smes_contracted": 0, "challenge_awards": 0,
          "resources_published": 0, "resources_used": 0, "fairs_attended": 0, "meetings_held": 0,
          "contracts_signed": 0, "contract_amount": 0.0, "srdi_share": None, "little_giant_share": None,
          "payment_compliant_share": (0, 1), "payment_undeclared": 1},
    "D": {"demands_posted": 1, "challenges_posted": 0, "answered_share": (1, 1), "smes_invited": 0,
          "smes_applied": 1, "smes_shortlisted": 1, "smes_contracted": 1, "challenge_awards": 0,
          "resources_published": 0, "resources_used": 0, "fairs_attended": 1, "meetings_held": 1,
          "contracts_signed": 1, "contract_amount": 200.0, "srdi_share": (0, 1), "little_giant_share": (0, 1),
          "payment_compliant_share": (1, 1), "payment_undeclared": 0},
}
#: 苏州 (A, B, L): counts summed, SMEs distinct (applied s1–s5, shortlisted s1 s2 s4, contracted s1–s4),
#: shares overall.
SUZHOU_TOTALS = {"demands_posted": 4, "challenges_posted": 1, "answered_share": (3, 5), "smes_invited": 2,
                 "smes_applied": 5, "smes_shortlisted": 3, "smes_contracted": 4, "challenge_awards": 2,
                 "resources_published": 1, "resources_used": 2, "fairs_attended": 3, "meetings_held": 5,
                 "contracts_signed": 4, "contract_amount": 215.75, "srdi_share": (2, 4),
                 "little_giant_share": (1, 4), "payment_compliant_share": (3, 5), "payment_undeclared": 1}


def _expected(spec, key):
    value = spec[key]
    return value[0] / value[1] if isinstance(value, tuple) else value


def _check(row, spec):
    for ind in service.INDICATORS:
        assert row.value(ind.key) == pytest.approx(_expected(spec, ind.key)), ind.key
        if isinstance(spec[ind.key], tuple):
            assert row.share_parts(ind.key) == spec[ind.key], ind.key


def test_every_indicator_matches_the_hand_count(backend, db, world):
    report = service.compute(db, Scope(), YEAR)
    rows = {r.enterprise.id: r for r in report.rows}
    assert set(rows) == {world[k].id for k in "ABCDL"}  # no medium non-leader, no unverified 链主
    for key, spec in EXPECTED.items():
        _check(rows[world[key].id], spec)
    assert set(EXPECTED["A"]) == {ind.key for ind in service.INDICATORS}
    # N is a parameter: with 90 days A's second demand (answered after 73 days) counts as answered.
    wide = service.compute(db, Scope(), YEAR, days=90, enterprise_id=world["A"].id)
    assert wide.rows[0].share_parts("answered_share") == (3, 3)


def test_region_totals_and_scope(backend, db, world):
    suzhou = service.compute(db, Scope("city", "江苏", "苏州"), YEAR)
    assert {r.enterprise.name for r in suzhou.rows} == {"甲集团", "乙集团", "戊链主"}
    _check(suzhou.totals, SUZHOU_TOTALS)
    jiangsu = service.compute(db, Scope("province", "江苏省"), YEAR)
    assert {r.enterprise.name for r in jiangsu.rows} == {"甲集团", "乙集团", "戊链主", "丙集团"}
    assert jiangsu.totals.share_parts("answered_share") == (3, 6)
    assert jiangsu.totals.value("challenges_posted") == 2
    # Trend series by Beijing month: demands (01-01 Beijing counts in January), applications, contracts, 万元.
    series = suzhou.totals.series(suzhou.months)
    assert suzhou.months[0] == "2025-01" and len(suzhou.months) == 12
    assert series["demands"] == [2, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0]
    # Applications of every applicant (the university's in March too), on demands of any year.
    assert series["applications"] == [1, 1, 4, 1, 0, 0, 1, 0, 0, 0, 0, 0]
    assert series["contracts"] == [1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0]
    assert series["amount"] == [10, 0, 0, 0, 50, 120.5, 0, 0, 0, 35.25, 0, 0]


def test_chain_filter_and_sort(backend, db, world):
    from matchmaker.services.chains import current_graph
    from matchmaker.services.postings.fields import nodes_of_chain
    nodes = nodes_of_chain(current_graph(db), "pv")
    on_pv = service.compute(db, Scope(), YEAR, chain="pv", chain_nodes=nodes)
    assert {r.enterprise.name for r in on_pv.rows} == {"甲集团", "乙集团"}  # A by its demand, B by its chains
    ranked = service.sort_rows(service.compute(db, Scope(), YEAR).rows, "contract_amount")
    assert [r.enterprise.name for r in ranked] == ["丁集团", "甲集团", "乙集团", "丙集团", "戊链主"]
    by_share = service.sort_rows(service.compute(db, Scope(), YEAR).rows, "srdi_share")
    assert by_share[0].enterprise.name == "甲集团" and by_share[-1].value("srdi_share") is None


def _city_organiser(db):
    return h.user(db, role="organiser", scope_level="city", scope_province="江苏省", scope_city="苏州市")


def _cells(html: str, enterprise_id: int) -> dict:
    row = re.search(rf'<tr data-enterprise="{enterprise_id}">(.*?)</tr>', html, re.DOTALL).group(1)
    return dict(re.findall(r'<td class="num" data-key="(\w+)">([^<]*)</td>', row))


def test_city_organiser_sees_only_its_city(backend, db, client, world):
    organiser = _city_organiser(db)
    db.commit()
    as_user(client, organiser)
    page = client.get("/reports/", query_string={**ARGS, "sort": "contract_amount"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "江苏省苏州市" in html and "甲集团" in html and "乙集团" in html and "戊链主" in html
    assert "丙集团" not in html and "丁集团" not in html
    assert html.index("甲集团") < html.index("乙集团") < html.index("戊链主")
    a = _cells(html, world["A"].id)
    assert a["contract_amount"] == "165.75" and a["answered_share"] == "66.7%" and a["smes_contracted"] == "4"
    totals = re.search(r'<tr class="totals">(.*?)</tr>', html, re.DOTALL).group(1)
    assert 'data-key="contract_amount">215.75<' in totals and 'data-key="answered_share">60.0%<' in totals
    assert 'role="img"' in html and "line-chart" in html
    for ind in service.INDICATORS:  # every header carries its definition
        assert ind.explained(30, "zh") in html
    assert client.get(f"/reports/enterprises/{world['A'].id}", query_string=ARGS).status_code == 200
    for outside in ("C", "D", "M"):
        assert client.get(f"/reports/enterprises/{world[outside].id}", query_string=ARGS).status_code == 404
    printed = client.get("/reports/print", query_string=ARGS).get_data(as_text=True)
    assert "甲集团" in printed and "丁集团" not in printed and "reports.css" in printed


def test_enterprise_page_shows_indicators_trend_and_funnel(backend, db, client, world):
    as_user(client, h.user(db, role="admin"))
    html = client.get(f"/reports/enterprises/{world['A'].id}", query_string=ARGS).get_data(as_text=True)
    assert '<tr data-key="contracts_signed"><th scope="row">' in html
    funnel = re.search(r'<svg[^>]*class="funnel-chart".*?</svg>', html, re.DOTALL).group(0)
    assert re.findall(r'data-value="([\d.]+)"', funnel) == ["3", "5", "3", "4"]
    assert "line-chart" in html and "<caption>" in html


def test_xlsx_cells(backend, db, client, world):
    as_user(client, _city_organiser(db))
    db.commit()
    response = client.get("/reports/export.xlsx", query_string={**ARGS, "sort": "contract_amount"})
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    wb = load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == [DEFINITIONS_SHEET, DATA_SHEET]
    defs = wb[DEFINITIONS_SHEET]
    assert [c.value for c in defs[1]] == ["key", "指标", "Indicator", "定义 Definition", "单位 Unit"]
    assert [defs.cell(row=i + 2, column=1).value for i in range(len(service.INDICATORS))] == \
        [ind.key for ind in service.INDICATORS]
    answered = next(r for r in defs.iter_rows(min_row=2, values_only=True) if r[0] == "answered_share")
    assert answered[1] == "需求按时响应率" and "30 天" in answered[3] and "30 days" in answered[3]
    assert answered[4] == "% / %"
    data = wb[DATA_SHEET]
    title = data["A1"].value
    assert "江苏省苏州市" in title and "2025-01-01" in title and "2025-12-31" in title and "北京时间" in title
    header = [c.value for c in data[2]]
    assert header[:len(FIXED_COLUMNS)] == list(FIXED_COLUMNS)
    assert header[len(FIXED_COLUMNS)].startswith("发布采购需求（项）")
    assert data.freeze_panes == "C3"
    names = [data.cell(row=r, column=2).value for r in range(3, 6)]
    assert names == ["甲集团", "乙集团", "戊链主"]
    col = {ind.key: len(FIXED_COLUMNS) + i + 1 for i, ind in enumerate(service.INDICATORS)}
    for r, key in zip(range(3, 6), "ABL"):
        for ind in service.INDICATORS:
            cell = data.cell(row=r, column=col[ind.key])
            assert cell.value == pytest.approx(_expected(EXPECTED[key], ind.key)), (key, ind.key)
    totals = 6
    assert data.cell(row=totals, column=2).value == TOTAL_LABEL
    for ind in service.INDICATORS:
        assert data.cell(row=totals, column=col[ind.key]).value == pytest.approx(_expected(SUZHOU_TOTALS, ind.key))
    assert data.cell(row=3, column=col["contract_amount"]).number_format == "#,##0.00"
    assert data.cell(row=totals, column=col["srdi_share"]).number_format == "0.0%"
    assert data.cell(row=3, column=col["contracts_signed"]).number_format == "0"
    assert "丙集团" not in {data.cell(row=r, column=2).value for r in range(1, data.max_row + 1)}


def test_filter_errors_are_shown_all_at_once(backend, db, client, world):
    as_user(client, h.user(db, role="admin"))
    db.commit()
    bad = client.get("/reports/", query_string={"date_from": "2025-13-01", "days": "0", "chain": "nope"})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True)
    assert "YYYY-MM-DD" in html and "1 到 366" in html and "没有这条产业链" in html
    backwards = client.get("/reports/export.xlsx", query_string={"date_from": "2025-06-01", "date_to": "2025-01-01"})
    assert backwards.status_code == 400 and "截止日期不能早于起始日期" in backwards.get_data(as_text=True)
    assert 'value="2025-06-01"' in backwards.get_data(as_text=True)  # what was typed is kept
    for odd in ("²", "٣", "1e3", "-5", "99999"):  # digits of other scripts, exponents: a message, never a 500
        assert client.get("/reports/", query_string={"days": odd}).status_code == 400, odd


def test_xlsx_text_cells_cannot_run_as_formulas(backend, db, client, world):
    """An enterprise's own free text (its city) is written as text, never as a formula that runs
    in the organiser's spreadsheet."""
    world["A"].city = '=HYPERLINK("http://evil.example","点击")'
    as_user(client, h.user(db, role="admin"))
    db.commit()
    wb = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=ARGS).data))
    cells = [c for row in wb[DATA_SHEET].iter_rows() for c in row if isinstance(c.value, str)]
    assert not any(c.data_type == "f" for c in cells)
    assert any("HYPERLINK" in c.value for c in cells)


def test_default_period_and_empty_state(backend, db, client):
    now = dt.datetime(2026, 12, 31, 17, tzinfo=dt.UTC)  # 1 January 2027, 01:00 in Beijing
    assert service.default_period(now) == service.Period(dt.date(2027, 1, 1), dt.date(2027, 1, 1))
    as_user(client, _city_organiser(db))
    db.commit()
    html = client.get("/reports/").get_data(as_text=True)
    assert "没有符合条件的大型企业" in html
    year = dt.datetime.now(service.BEIJING).year
    assert f'value="{year}-01-01"' in html


def test_only_organisers_and_admins(backend, db, client, world):
    as_user(client, None)
    assert client.get("/reports/").status_code in (302, 401)
    as_user(client, h.user(db, world["A"]))
    db.commit()
    assert client.get("/reports/").status_code == 403
    assert client.get("/reports/export.xlsx").status_code == 403
    assert client.get(f"/reports/enterprises/{world['A'].id}").status_code == 403


def test_a_chain_filtered_workbook_says_so_in_its_title(backend, db, client, world):
    from matchmaker.services.chains import current_graph
    from matchmaker.services.postings.fields import chain_label
    as_user(client, h.user(db, role="admin"))
    db.commit()
    whole = load_workbook(io.BytesIO(client.get("/reports/export.xlsx", query_string=ARGS).data))
    assert "产业链" not in whole[DATA_SHEET]["A1"].value
    filtered = client.get("/reports/export.xlsx", query_string={**ARGS, "chain": "pv"})
    assert filtered.status_code == 200
    title = load_workbook(io.BytesIO(filtered.data))[DATA_SHEET]["A1"].value
    assert f"产业链 {chain_label(current_graph(db), 'pv')} ·" in title
