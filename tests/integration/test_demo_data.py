"""The shipped demo reads like a bureau's own records: real-looking codes, one voice, no copies.

Each test names the rule it checks:

* GB 32100-2015《法人和其他组织统一社会信用代码编码规则》: every position of the code
  (§4, both check characters), the registration authority and category of table 1 (91 an
  enterprise registered by market regulation, 12 a 事业单位 registered by the establishment
  authority), and positions 3-8, the division (GB/T 2260) of the registering authority.
* 国发〔2015〕33号 (the unified-code reform, codes issued from 1 October 2015): bodies registered
  since then carry a new-series organisation code (positions 9-17 "MA…" from market regulation,
  "MB…" from the establishment authority); older bodies keep their GB 11714 organisation code.
* 《中华人民共和国国家通用语言文字法》: the platform's Chinese is simplified Chinese (规范汉字);
  English or traditional records are the exception, from foreign- or Hong Kong-invested firms.
* 链主 is a designation an organiser grants for a chain, not a size class (工信部联企业〔2011〕300号
  classes sizes); only designated organisations say it of themselves.
* Applications follow the platform's own lifecycle (``APPLICATION_TRANSITIONS``): sent to a demand
  while it was open (after it was published, by its deadline), decided later, accepted only where
  the buyer awarded the demand; a 联合体 answers a challenge only. The demo log-ins open on real
  rows: the buyer's received applications and the SME's own ones hold every state.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from pathlib import Path

import opencc
import pytest
from sqlalchemy import select

from matchmaker.domain import uscc
from matchmaker.models import Application, Demand, Enterprise, Event, Meeting, User
from matchmaker.models.posting import APPLICATION_STATUSES
from matchmaker.presentation import STATUS_LABELS
from matchmaker.services import seeding
from matchmaker.services.events.core import EVENT_TZ
from matchmaker.services.payment_terms import buyer_of
from tests.integration import events_support as es

DEMO = Path(seeding.DEMO)
#: GB/T 2260 codes (positions 3-6 of a credit code) of the cities the demo organisations are in.
CITY_DIVISIONS = {
    "北京": "1101", "天津": "1201", "上海": "3101", "重庆": "5001", "沈阳": "2101", "大连": "2102",
    "南京": "3201", "无锡": "3202", "常州": "3204", "苏州": "3205", "杭州": "3301", "宁波": "3302",
    "嘉兴": "3304", "台州": "3310", "合肥": "3401", "芜湖": "3402", "福州": "3501", "厦门": "3502",
    "宁德": "3509", "济南": "3701", "青岛": "3702", "烟台": "3706", "郑州": "4101", "武汉": "4201",
    "襄阳": "4206", "长沙": "4301", "株洲": "4302", "广州": "4401", "深圳": "4403", "佛山": "4406",
    "东莞": "4419", "成都": "5101", "绵阳": "5107", "西安": "6101",
}
STATED_YEAR = re.compile(r"(?:成立于|成立於|始建于|[Ff]ounded in)\s*(\d{4})")
_T2S = opencc.OpenCC("t2s")


def _jsonl(name):
    return [json.loads(line) for line in (DEMO / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def enterprises():
    return _jsonl("enterprises.jsonl")


@pytest.fixture(scope="module")
def demands():
    return _jsonl("demands.jsonl")


@pytest.fixture(scope="module")
def applications():
    return _jsonl("applications.jsonl")


def _demo_firms(enterprises):
    """The organisations behind the demo buyer and SME log-ins, picked as the seed picks them."""
    firms = [e for e in enterprises if e.get("org_type", "enterprise") == "enterprise"]
    buyer = next(e for e in firms if e["size"] == "large")
    sme = next(e for e in firms if e["size"] in ("micro", "small", "medium") and e.get("verified"))
    return buyer, sme


def test_every_code_is_valid_and_registered_where_the_organisation_is(enterprises):
    """GB 32100-2015 §4: valid in every position; positions 3-8 lie in the declared province and city."""
    codes = [e["uscc"] for e in enterprises]
    assert len(set(codes)) == len(codes)
    invalid = {e["key"]: uscc.validate(e["uscc"]).reason for e in enterprises if not uscc.validate(e["uscc"])}
    assert invalid == {}
    assert {e["key"]: e["uscc"][2:8] for e in enterprises
            if uscc.validate(e["uscc"]).province != e["region"]
            or e["uscc"][2:6] != CITY_DIVISIONS[e["city"]]} == {}


def test_the_code_says_what_kind_of_organisation_it_is(enterprises):
    """GB 32100-2015 table 1: companies are enterprises (91); universities, institutes and the
    public hospital are 事业单位 (12), whose organisation type the platform records."""
    kinds = {e["key"]: (e.get("org_type", "enterprise"), uscc.entity_kind(e["uscc"])) for e in enterprises}
    wrong = {key: pair for key, pair in kinds.items()
             if pair[1] != ("enterprise" if pair[0] == "enterprise" else "public_institution")}
    assert wrong == {}
    assert {"university", "research_institute", "public_institution"} <= {kind for kind, _ in kinds.values()}


def test_founding_year_agrees_with_the_code_series(enterprises):
    """国发〔2015〕33号 with GB 32100-2015: "MA…"/"MB…" bodies were registered after the 2015 reform,
    older organisation codes before it; a description that states a founding year states this one."""
    series = {"91": "MA", "12": "MB"}
    wrong = {}
    for e in enterprises:
        year, body = e["founded"], e["uscc"][8:10]
        if year <= 2014 and body.startswith("M") or year >= 2016 and body != series[e["uscc"][:2]]:
            wrong[e["key"]] = (year, e["uscc"])
        stated = STATED_YEAR.search(e["description"])
        if stated is None or int(stated.group(1)) != year:
            wrong[e["key"]] = (year, stated.group(1) if stated else None)
    assert wrong == {}
    assert sum(e["uscc"][8:10] == "MA" for e in enterprises) >= 50


def test_no_two_demands_read_the_same(demands):
    """A buyer posts what it buys once; two postings with one title or one text are a copy."""
    assert [t for t, n in Counter(d["title"] for d in demands).items() if n > 1] == []
    assert [t[:20] for t, n in Counter(d["description"] for d in demands).items() if n > 1] == []


def _language(*texts):
    text = " ".join(t for t in texts if t)
    if not re.search(r"[\u4e00-\u9fff]", text):
        return "en"
    return "zh-Hant" if _T2S.convert(text) != text else "zh-Hans"


def test_the_demo_is_simplified_chinese_with_few_exceptions(enterprises, demands):
    """《国家通用语言文字法》: at most 5 % of the records are English or traditional Chinese, and
    each comes from a foreign- or Hong Kong-invested firm that says so."""
    capabilities, resources = _jsonl("capabilities.jsonl"), _jsonl("resources.jsonl")
    records = ([(e["key"], _language(e["description"])) for e in enterprises]
               + [(r["enterprise_key"], _language(r["title"], r.get("description")))
                  for r in [*demands, *capabilities, *resources]]
               + [(a["enterprise_key"], _language(a["proposal"])) for a in _jsonl("applications.jsonl")])
    others = [(key, lang) for key, lang in records if lang != "zh-Hans"]
    assert others and len(others) <= 0.05 * len(records)
    by_key = {e["key"]: e for e in enterprises}
    tag = {"en": re.compile(r"foreign|joint venture|invested"), "zh-Hant": re.compile("港資")}
    assert {key: lang for key, lang in others if not tag[lang].search(by_key[key]["description"])} == {}


def test_only_designated_organisations_call_themselves_chain_leaders(enterprises):
    """链主 is granted for a chain: only the few designated firms say it, for chains they are in."""
    leaders = {e["key"]: e for e in enterprises if e.get("chain_leader_of")}
    assert 3 <= len(leaders) <= 8
    outside = {k: e["chain_leader_of"] for k, e in leaders.items()
               if not set(e["chain_leader_of"]) <= set(e["chains"])}
    assert outside == {}
    assert [e["key"] for e in enterprises if "链主" in e["description"] and e["key"] not in leaders] == []


def test_seeded_organisations_keep_their_kind_and_designations(db):
    """The seed loads organisation types and 链主 designations; a public hospital's demand is checked
    under the 30-day rule of 《保障中小企业款项支付条例》第九条第一款, a large firm's under 60 days."""
    seeding.seed_chains(db)
    seeding.seed_demo(db)
    db.commit()
    kinds = Counter(db.scalars(select(Enterprise.org_type)))
    assert kinds["university"] >= 2 and kinds["research_institute"] >= 2 and kinds["public_institution"] >= 1
    oem = db.scalars(select(Enterprise).where(Enterprise.name == "江苏澜湾新能源汽车股份有限公司")).one()
    assert oem.chain_leader_of == ["nev"] and oem.org_type == "enterprise"
    for demand in db.scalars(select(Demand).join(Demand.enterprise)):
        buyer = buyer_of(demand.enterprise)
        if demand.enterprise.org_type == "public_institution":
            assert buyer.kind == "government" and buyer.limit_days == 30 and demand.payment_days <= 30
        if demand.enterprise.size == "large" and demand.status != "draft":
            assert buyer.limit_days == 60 and demand.payment_days <= 60


def _day(value: str) -> dt.date:
    return dt.datetime.fromisoformat(value).astimezone(EVENT_TZ).date()


def test_applications_answer_open_demands_and_follow_their_lifecycle(enterprises, demands, applications):
    """Sent after the demand was published and by its deadline, decided later; accepted only on an awarded
    demand, and every awarded demand names its winner; never to a draft or to one's own demand; the
    capability quoted is the applicant's; a rejection tells the applicant why."""
    by_ref = {d["id"]: d for d in demands}
    caps = {c["id"]: c for c in _jsonl("capabilities.jsonl")}
    wrong = []
    for a in applications:
        d = by_ref[a["demand"]]
        sent = _day(a["submitted"])
        if d["status"] == "draft" or a["enterprise_key"] == d["enterprise_key"]:
            wrong.append((a["demand"], a["enterprise_key"], "draft or own demand"))
        if not dt.date.fromisoformat(d["published"]) <= sent <= dt.date.fromisoformat(d["deadline"]):
            wrong.append((a["demand"], a["enterprise_key"], "sent outside the demand's open period"))
        if (a["status"] == "submitted") == bool(a.get("decided")) or a.get("decided", a["submitted"]) < a["submitted"]:
            wrong.append((a["demand"], a["enterprise_key"], "decision date"))
        if a["status"] == "accepted" and d["status"] != "awarded":
            wrong.append((a["demand"], a["enterprise_key"], "accepted on a demand not awarded"))
        if a.get("capability") and caps[a["capability"]]["enterprise_key"] != a["enterprise_key"]:
            wrong.append((a["demand"], a["enterprise_key"], "someone else's capability"))
        if a["status"] == "rejected" and not a.get("message"):
            wrong.append((a["demand"], a["enterprise_key"], "rejected without a reason"))
    assert wrong == []
    pairs = [(a["demand"], a["enterprise_key"]) for a in applications]
    assert len(set(pairs)) == len(pairs)
    winners = Counter(a["demand"] for a in applications if a["status"] == "accepted")
    assert {d["id"]: winners[d["id"]] for d in demands if d["status"] == "awarded"} == \
        {d["id"]: 1 for d in demands if d["status"] == "awarded"}
    assert len({a["proposal"] for a in applications}) == len(applications)


def test_a_consortium_answers_challenges_with_real_partners(enterprises, demands, applications):
    """联合体 only for 揭榜挂帅; partners are demo organisations (by key) or firms off the platform with a
    valid credit code that no demo organisation holds; neither the lead nor the challenge's owner."""
    by_ref, by_key = {d["id"]: d for d in demands}, {e["key"]: e for e in enterprises}
    consortia = [a for a in applications if a.get("partners")]
    assert len(consortia) >= 2 and {a["status"] for a in consortia} >= {"submitted", "accepted"}
    codes = {e["uscc"] for e in enterprises}
    for a in consortia:
        assert by_ref[a["demand"]]["kind"] == "challenge"
        for p in a["partners"]:
            if "enterprise_key" in p:
                assert p["enterprise_key"] in by_key
                assert p["enterprise_key"] not in (a["enterprise_key"], by_ref[a["demand"]]["enterprise_key"])
            else:
                assert uscc.validate(p["credit_code"]) and p["credit_code"] not in codes and p["state"] == "unregistered"


def test_the_demo_log_ins_open_on_applications_in_every_state(enterprises, demands, applications):
    """The buyer's received applications and the SME's own hold every state, an unverified applicant
    among the buyer's; the SME offers several capabilities on different chain nodes."""
    buyer, sme = _demo_firms(enterprises)
    owner = {d["id"]: d["enterprise_key"] for d in demands}
    unverified = {e["key"] for e in enterprises if not e.get("verified")}
    received = [a for a in applications if owner[a["demand"]] == buyer["key"]]
    assert {a["status"] for a in applications} == set(APPLICATION_STATUSES)
    assert {a["status"] for a in received} == set(APPLICATION_STATUSES)
    assert sum(a["status"] == "submitted" for a in received) >= 4  # something to review, also on a second try
    assert any(a["enterprise_key"] in unverified for a in received)
    assert {a["status"] for a in applications if a["enterprise_key"] == sme["key"]} == set(APPLICATION_STATUSES)
    assert len({owner[a["demand"]] for a in applications}) >= 10
    mine = [c for c in _jsonl("capabilities.jsonl") if c["enterprise_key"] == sme["key"]]
    assert len(mine) >= 4 and len({n for c in mine for n in c["chain_nodes"]}) >= 4


def test_seeded_applications_keep_their_dates_and_show_on_both_sides(client, db):
    """No application is dated before its demand was published or after now; the buyer's 收到的申请 and the
    SME's 我的申请 list every state, a 联合体 and an unverified applicant flagged on the buyer's side."""
    seeding.seed_chains(db)
    seeding.seed_demo(db)
    db.commit()
    now = dt.datetime.now(dt.UTC)

    def utc(value):
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    rows = db.scalars(select(Application).join(Application.demand)).all()
    assert {a.status for a in rows} == set(APPLICATION_STATUSES)
    late = [(a.demand.ref, a.enterprise.name) for a in rows
            if not utc(a.demand.created_at) <= utc(a.demand.published_at) <= utc(a.created_at)
            <= utc(a.updated_at) <= now]
    assert late == []
    labels = {zh for zh, _en in STATUS_LABELS["application"].values()}
    buyer = db.scalar(select(User).where(User.email == "buyer@demo.matchmaker.cn"))
    es.as_user(client, buyer)
    received = client.get("/applications/received").get_data(as_text=True)
    assert all(label in received for label in labels) and "联合体" in received and "未核验" in received
    sme = db.scalar(select(User).where(User.email == "sme@demo.matchmaker.cn"))
    es.as_user(client, sme)
    mine = client.get("/applications/mine").get_data(as_text=True)
    assert all(label in mine for label in labels)
    consortium = db.scalars(select(Application).where(Application.enterprise_id == sme.enterprise_id)).all()
    page = client.get(f"/applications/{next(a.id for a in consortium if a.partners)}").get_data(as_text=True)
    assert "联合体成员" in page and "成员已确认" in page and "待成员确认" in page


def test_the_demo_has_a_fair_today_and_registrations_to_review(client, db):
    """A fair held on the day the demo is loaded, its agenda published and every meeting waiting for
    check-in, so the organiser's workbench offers 今日签到; a fair ahead has registrations to review."""
    seeding.seed_chains(db)
    seeding.seed_demo(db)
    db.commit()
    today = dt.datetime.now(EVENT_TZ).date()
    fair = db.scalar(select(Event).where(Event.key == "meddev-shenzhen-fair"))
    assert fair.date == today and fair.status == "final" and fair.registration_closes < today
    meetings = db.scalars(select(Meeting).where(Meeting.event_id == fair.id)).all()
    assert len(meetings) >= 20 and {m.checkin for m in meetings} == {"pending"}
    assert len({(m.slot, m.table) for m in meetings}) == len(meetings)
    busy = Counter((m.slot, side) for m in meetings for side in (m.buyer_id, m.supplier_id))
    assert max(busy.values()) == 1  # nobody in two meetings at once
    ahead = db.scalar(select(Event).where(Event.key == "2027-yrd-nev-fair"))
    pending = [p for p in ahead.participants if p.status == "pending"]
    assert len(pending) >= 3 and sum(p.enterprise.verified for p in pending) >= 2
    organiser = db.scalar(select(User).where(User.email == "organiser@demo.matchmaker.cn"))
    es.as_user(client, organiser)
    page = client.get("/workbench/").get_data(as_text=True)
    assert f"/events/{fair.id}/checkin" in page and 'data-count="pending-registrations"' in page
    assert client.get(f"/events/{fair.id}/checkin").status_code == 200
