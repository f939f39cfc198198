"""工作台: each role's figures, the lists their links open, empty states and who sees what."""
from __future__ import annotations

import datetime as dt
import itertools
import re
import threading

import lxml.html
import pytest
from sqlalchemy import event as sa_event

from matchmaker.db import get_engine
from matchmaker.domain.qualifications import normalize_qualification
from matchmaker.models import Application, Meeting, MeetingRequest, Qualification
from matchmaker.services import audit
from matchmaker.services.events import core as event_service
from tests.integration import events_support as es
from tests.integration import helpers as h
from tests.integration.postings_support import bonding_wire_world, login, text

NOW = dt.datetime.now(dt.UTC)
YESTERDAY = NOW - dt.timedelta(days=1)
_uid = itertools.count(1)


def visit(client, since: dt.datetime | None = YESTERDAY) -> lxml.html.HtmlElement:
    """The workbench as seen by the logged-in user whose previous log-in was ``since``."""
    with client.session_transaction() as sess:
        sess["previous_login_at"] = since.isoformat() if since else None
    response = client.get("/workbench/")
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def figure(doc, name: str, within: str = "") -> tuple[int, str | None]:
    """The number shown by the element marked ``data-count=name`` (inside ``within``, an XPath), and its link."""
    found = doc.xpath(f"{within}//*[@data-count='{name}']")
    assert len(found) == 1, f"{name}: {len(found)} elements"
    number = re.search(r"\d+", found[0].text_content())
    return int(number.group()), found[0].get("href")


def empties(doc) -> set[str]:
    return {e.get("data-empty") for e in doc.xpath("//*[@data-empty]")}


def follow(client, link: str) -> str:
    response = client.get(link)
    assert response.status_code == 200, link
    return text(response)


def listed(html: str) -> str:
    """The text of a page's tables (leaving out forms' choice lists)."""
    return " ".join(t.text_content() for t in lxml.html.fromstring(html).xpath("//table"))


def apply(db, demand, ent, status="submitted", at=NOW) -> Application:
    a = Application(demand_id=demand.id, enterprise_id=ent.id, proposal="报价", status=status, created_at=at)
    db.add(a)
    db.flush()
    return a


# --------------------------------------------------------------------------- who may see it

def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get("/workbench/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_new_enterprise_account_is_told_where_to_start(client, db):
    _, user = es.member(db)
    db.commit()
    login(client, user)
    doc = visit(client, since=None)
    assert empties(doc) == {"open-demands", "answered", "opportunities", "applications", "fairs", "followups"}
    for name in empties(doc):  # every empty state offers a next step that opens
        links = doc.xpath(f"//*[@data-empty='{name}']//a/@href")
        assert links, name
        for link in links:
            follow(client, link)
    assert "首次" in text(client.get("/workbench/")) or "first visit" in text(client.get("/workbench/"))


def test_an_account_waiting_to_join_is_sent_to_its_account_page(client, db):
    ent = h.enterprise(db)
    user = h.user(db, pending_enterprise_id=ent.id)
    h.demand(db, ent, title="它家的需求")
    db.commit()
    login(client, user)
    doc = visit(client)
    page = lxml.html.tostring(doc, encoding="unicode")
    assert "它家的需求" not in page and not doc.xpath("//section[@data-test]")
    assert doc.xpath("//a[@href='/account']")


# --------------------------------------------------------------------------- the buyer

@pytest.fixture
def buyer_world(db):
    world = bonding_wire_world(db)
    demand = world["demand"]
    demand.published_at = NOW - dt.timedelta(days=3)
    other_ent, _ = es.member(db, name="无锡键合材料有限公司")
    h.capability(db, other_ent, title="键合铜丝", description="镀钯铜键合丝，线径20μm，用于封装。",
                 chain_nodes=["icpkg.bonding-wire"], region="江苏省", active=True)
    invited_ent, _ = es.member(db, name="常州受邀电子有限公司")
    # The SME applied before the previous visit and was shortlisted; the invited one applied since.
    apply(db, demand, world["sme_ent"], status="shortlisted", at=NOW - dt.timedelta(days=2))
    invitation = audit.record(db, world["buyer"].id, "demand.invite_apply", demand, supplier=invited_ent.id)
    invitation.created_at = NOW - dt.timedelta(hours=30)
    apply(db, demand, invited_ent)
    # Another buyer's demand and application must not show.
    rival_ent, _ = es.member(db, size="large", name="另一封测集团")
    rival = h.demand(db, rival_ent, title="另一家的键合丝采购", chain_nodes=["icpkg.bonding-wire"],
                     published_at=NOW)
    apply(db, rival, world["sme_ent"])
    db.commit()
    world.update(other_ent=other_ent, invited_ent=invited_ent, rival=rival)
    return world


def test_the_buyer_sees_new_applications_uncontacted_suggestions_and_answered_invitations(client, db, buyer_world):
    w = buyer_world
    login(client, w["buyer"])
    doc = visit(client)
    assert doc.xpath("//*[@data-test='buyer']") and not doc.xpath("//*[@data-test='supplier']")
    row = f"//tr[@data-demand-id='{w['demand'].id}']"
    assert figure(doc, "new-applications")[0] == 1
    assert figure(doc, "demand-new-applications", row)[0] == 1
    assert figure(doc, "uncontacted", row)[0] == 1  # the SME applied, the other supplier was not contacted
    assert figure(doc, "answered")[0] == 1
    assert doc.xpath("//*[@data-test='answered']")[0].text_content().count("常州受邀电子有限公司") == 1

    n, link = figure(doc, "open-demands")
    assert n == 1 and "键合丝年度采购" in follow(client, link)
    n, link = figure(doc, "to-review")
    html = follow(client, link)
    assert n == 1 and "常州受邀电子有限公司" in html and "苏州键合丝有限公司" not in html
    n, link = figure(doc, "demand-applications", row)
    html = follow(client, link)
    assert n == 2 and "常州受邀电子有限公司" in html and "苏州键合丝有限公司" in html
    suggestions = follow(client, figure(doc, "uncontacted", row)[1])
    assert "无锡键合材料有限公司" in suggestions

    page = lxml.html.tostring(doc, encoding="unicode")
    assert "另一家的键合丝采购" not in page


def test_applications_before_the_previous_visit_are_not_new(client, db, buyer_world):
    login(client, buyer_world["buyer"])
    doc = visit(client, since=NOW + dt.timedelta(minutes=1))
    assert figure(doc, "new-applications")[0] == 0
    assert figure(doc, "to-review")[0] == 1  # still waiting for review, new or not


def test_suggestions_are_counted_for_the_five_most_recent_open_demands(client, db, buyer_world):
    w = buyer_world
    for i in range(5):
        h.demand(db, w["buyer_ent"], title=f"新需求{i}", published_at=NOW - dt.timedelta(hours=i))
    db.commit()
    login(client, w["buyer"])
    doc = visit(client)
    assert doc.xpath("//*[@data-test='suggestions-limited']")
    assert figure(doc, "open-demands")[0] == 6
    assert len(doc.xpath("//*[@data-count='uncontacted']")) == 5
    assert doc.xpath(f"//tr[@data-demand-id='{w['demand'].id}']//*[@data-count='uncontacted']") == []


# --------------------------------------------------------------------------- the supplier

def test_the_supplier_sees_new_opportunities_and_its_applications(client, db, buyer_world):
    w = buyer_world
    fresh = h.demand(db, w["buyer_ent"], title="键合丝二期采购", description="采购镀钯铜键合丝，线径20μm。",
                     chain_nodes=["icpkg.bonding-wire"], region="江苏省", published_at=NOW)
    db.commit()
    login(client, w["sme"])
    doc = visit(client)
    assert doc.xpath("//*[@data-test='supplier']")
    n, link = figure(doc, "new-opportunities")
    top = [int(e.get("data-demand-id")) for e in doc.xpath("//*[@data-test='opportunity']")]
    # published since the previous visit: the rival's and the second-phase demand; the older one is not
    # new, and the rival's is not either: the supplier has applied to it already
    assert n == 1 and top == [fresh.id]
    assert "键合丝二期采购" in follow(client, link)

    n, link = figure(doc, "applications-shortlisted")
    html = follow(client, link)
    assert n == 1 and "键合丝年度采购" in html and "另一家的键合丝采购" not in html
    n, link = figure(doc, "applications-submitted")
    html = follow(client, link)
    assert n == 1 and "另一家的键合丝采购" in html and "键合丝年度采购" not in html
    assert doc.xpath("//*[@data-count='applications-rejected']") == []


def test_an_organisation_both_buyer_and_supplier_sees_the_buyer_block_first(client, db, buyer_world):
    w = buyer_world
    h.demand(db, w["sme_ent"], title="小企业的原料采购")
    db.commit()
    login(client, w["sme"])
    doc = visit(client)
    sections = [s.get("data-test") for s in doc.xpath("//section[@data-test]")]
    assert sections[:2] == ["buyer", "supplier"]


def statements(app, client) -> int:
    """How many SQL statements one workbench page sends (none of them a write).

    Only this thread's statements count: the matching engines refit in a background thread
    when postings change, and their reads are not the page's.
    """
    sent = []
    me = threading.get_ident()

    def record(_conn, _cursor, statement, *_args):
        if threading.get_ident() == me:
            sent.append(statement.split(None, 1)[0].upper())

    engine = get_engine(app)
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        visit(client)
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    assert not {"INSERT", "UPDATE", "DELETE"} & set(sent), "showing the workbench changes no row"
    return len(sent)


def test_more_applications_fairs_and_follow_ups_send_no_more_queries(app, client, db, buyer_world):
    w = buyer_world

    def one_more(i):
        ent, _ = es.member(db, name=f"又一家供应商{i}")
        audit.record(db, w["buyer"].id, "demand.invite_apply", w["demand"], supplier=ent.id).created_at = YESTERDAY
        apply(db, w["demand"], ent, status=("submitted", "rejected")[i % 2])
        event = es.make_event(db, es.organiser(db), name=f"对接会{i}")
        mine, theirs = es.participant(db, event, w["buyer_ent"], "buyer"), es.participant(db, event, ent, "supplier")
        db.add(MeetingRequest(event_id=event.id, buyer_id=mine.id, supplier_id=theirs.id,
                              requested_by_id=theirs.id, status="pending"))
        db.add(Meeting(event_id=event.id, buyer_id=mine.id, supplier_id=theirs.id, slot="09:00", table=1,
                       uid=f"wb-{next(_uid)}@test", stage="intent"))
        db.commit()

    engines = app.extensions["matchmaker.engines"]
    one_more(0)
    login(client, w["buyer"])
    statements(app, client)  # warm: the matching engine loads once
    assert engines.wait_idle(60)
    statements(app, client)
    before = statements(app, client)
    for i in range(1, 5):
        one_more(i)
    es.fresh(client)
    statements(app, client)  # the matching engine takes in the new enterprises once
    assert engines.wait_idle(60)
    statements(app, client)
    assert statements(app, client) == before
    doc = visit(client)
    assert figure(doc, "answered")[0] == 6 and len(doc.xpath("//*[@data-test='fair-row']")) == 5
    assert figure(doc, "followups-intent")[0] == 5


# --------------------------------------------------------------------------- fairs and follow-up

def test_fairs_ahead_requests_to_answer_agenda_and_follow_ups(client, db):
    people = es.fair(db, buyers=1, suppliers=2)
    event = people["event"]
    (buyer, buyer_user), = people["buyers"]
    (supplier, supplier_user), (other, _) = people["suppliers"]
    db.add(MeetingRequest(event_id=event.id, buyer_id=buyer.id, supplier_id=supplier.id, requested_by_id=buyer.id,
                          status="pending", expires_at=NOW + dt.timedelta(days=1)))
    db.add(MeetingRequest(event_id=event.id, buyer_id=buyer.id, supplier_id=other.id, requested_by_id=buyer.id,
                          status="pending", expires_at=NOW - dt.timedelta(hours=1)))  # past expiry for the other
    past = es.make_event(db, people["organiser"], status="final", name="上季度对接会",
                         date=event_service.today() - dt.timedelta(days=40),
                         registration_opens=None, registration_closes=None)
    pb, ps = es.participant(db, past, buyer.enterprise, "buyer"), es.participant(db, past, supplier.enterprise,
                                                                                     "supplier")
    po = es.participant(db, past, other.enterprise, "supplier")
    for p, stage in ((ps, "intent"), (po, "negotiating")):
        db.add(Meeting(event_id=past.id, buyer_id=pb.id, supplier_id=p.id, slot="09:00", table=1,
                       uid=f"wb-{next(_uid)}@test", stage=stage))
    db.commit()

    login(client, supplier_user)
    doc = visit(client)
    row = f"//tr[@data-event-id='{event.id}']"
    n, link = figure(doc, "requests-to-answer", row)
    assert n == 1 and "采购集团1" in follow(client, link)
    assert doc.xpath(f"//tr[@data-event-id='{past.id}']") == []  # held already
    assert not doc.xpath("//*[@data-test='agenda-link']")
    n, link = figure(doc, "followups-intent")
    assert n == 1 and "采购集团1" in follow(client, link)
    assert figure(doc, "followups-negotiating")[0] == 0  # the other supplier's meeting

    login(client, buyer_user)
    doc = visit(client)
    assert figure(doc, "requests-to-answer", row)[0] == 0  # it asked; the supplier answers
    assert figure(doc, "followups-intent")[0] == 1 and figure(doc, "followups-negotiating")[0] == 1
    html = follow(client, figure(doc, "followups-negotiating")[1])
    assert "供应商2有限公司" in html and "供应商1有限公司" not in html

    event.status = "provisional"
    event.schedule_version = 1
    db.commit()
    login(client, supplier_user)
    link = visit(client).xpath("//*[@data-test='agenda-link']/@href")[0]
    assert client.get(link).status_code in (200, 302)


# --------------------------------------------------------------------------- organisers and admins

@pytest.fixture
def organised(db):
    owner = es.organiser(db)
    today = event_service.today()
    draft = es.make_event(db, owner, status="draft", name="筹备中的对接会")
    busy = es.make_event(db, owner, status="open", name="报名中的对接会")
    ents = [es.member(db, size="large" if i == 0 else "small", name=f"参会企业{i}")[0] for i in range(4)]
    buyer = es.participant(db, busy, ents[0], "buyer")
    s1, s2 = es.participant(db, busy, ents[1], "supplier"), es.participant(db, busy, ents[2], "supplier")
    es.participant(db, busy, ents[3], "supplier", status="pending")
    db.add(MeetingRequest(event_id=busy.id, buyer_id=buyer.id, supplier_id=s1.id, requested_by_id=buyer.id,
                          status="pending", expires_at=NOW + dt.timedelta(days=1)))
    es.accepted(db, buyer, s2)
    built = es.make_event(db, owner, status="closed", name="待发布日程的对接会")
    built.schedule_version = 2
    today_fair = es.make_event(db, owner, status="final", name="今天举行的对接会", date=today,
                               registration_opens=today - dt.timedelta(days=9),
                               registration_closes=today - dt.timedelta(days=2))
    today_fair.schedule_version = 1
    today_fair.schedule_stats = {"published": True, "published_version": 1}
    stranger = es.organiser(db, organisation="另一个组织方")
    es.make_event(db, stranger, status="draft", name="别人的草稿对接会")
    es.make_event(db, stranger, status="open", name="别人的公开对接会")
    db.commit()
    return {"owner": owner, "draft": draft, "busy": busy, "built": built, "today": today_fair}


def test_the_organiser_sees_its_fairs_by_phase_with_what_blocks_each(client, db, organised):
    o = organised
    login(client, o["owner"])
    doc = visit(client)
    page = lxml.html.tostring(doc, encoding="unicode")
    assert "别人的草稿对接会" not in page and "别人的公开对接会" not in page
    assert [figure(doc, f"phase-{s}")[0] for s in ("draft", "open", "closed", "provisional", "final", "archived")] \
        == [1, 1, 1, 0, 1, 0]
    row = f"//tr[@data-event-id='{o['busy'].id}']"
    n, link = figure(doc, "pending-registrations", row)
    html = follow(client, link)
    assert n == 1 and "参会企业3" in html and "参会企业1" not in html
    n, link = figure(doc, "unanswered-requests", row)
    html = listed(follow(client, link))
    assert n == 1 and "参会企业1" in html and "参会企业2" not in html
    n, link = figure(doc, "unscheduled", row)
    assert n == 1 and follow(client, link)
    assert doc.xpath(f"//tr[@data-event-id='{o['built'].id}']//*[@data-test='unpublished']")
    assert not doc.xpath(f"//tr[@data-event-id='{o['today'].id}']//*[@data-test='unpublished']")
    checkin = doc.xpath("//*[@data-test='checkin-link']/@href")
    assert checkin == [f"/events/{o['today'].id}/checkin"] and follow(client, checkin[0])
    assert not doc.xpath("//*[@data-test='admin']")


def test_an_organiser_without_fairs_is_told_to_create_one(client, db):
    user = es.organiser(db)
    db.commit()
    login(client, user)
    doc = visit(client, since=None)
    assert empties(doc) == {"fairs"}
    assert follow(client, doc.xpath("//*[@data-empty='fairs']//a/@href")[0])


def test_the_admin_sees_the_verification_queue_audit_and_the_fairs(client, db, organised):
    admin = h.user(db, role="admin")
    waiting = h.enterprise(db, name="待核验科技有限公司", verified=False)
    h.enterprise(db, name="已核验科技有限公司", verified=True)
    waiting.qualifications.append(Qualification(name="ISO 9001", canonical=normalize_qualification("ISO 9001"),
                                                verified=False))
    for i in range(12):
        audit.record(db, admin.id, f"test.action{i}", waiting)
    db.commit()
    login(client, admin)
    doc = visit(client)
    n, link = figure(doc, "unverified-enterprises")
    html = follow(client, link)
    assert n == 1 and "待核验科技有限公司" in html and "已核验科技有限公司" not in html
    n, link = figure(doc, "unverified-qualifications")
    assert n == 1 and "ISO 9001" in follow(client, link)
    rows = doc.xpath("//*[@data-test='admin']//tbody/tr")
    assert len(rows) == 10 and "test.action11" in rows[0].text_content()
    assert doc.xpath("//*[@data-test='organiser']")  # the admin also sees every fair
    assert "别人的公开对接会" in lxml.html.tostring(doc, encoding="unicode")


def test_the_previous_log_in_is_what_counts_as_new(client, db):
    """Logging in through the form keeps the log-in before it; the workbench counts from there."""
    _, user = es.member(db)
    earlier = dt.datetime(2026, 1, 5, 2, 30, tzinfo=dt.UTC)
    user.last_login_at = earlier
    db.commit()
    response = client.post("/login", data={"email": user.email, "password": "correct horse battery"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/workbench/")
    es.fresh(client)
    html = text(client.get("/workbench/"))
    assert "2026-01-05 10:30" in html  # Beijing time of the previous log-in, not of this one
