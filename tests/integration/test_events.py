"""Fairs: organisers create and run them, enterprises register within the window."""
from __future__ import annotations

import datetime as dt

import pytest

from matchmaker import create_app
from matchmaker.models import AuditLog, Event, EventParticipant, Notification
from matchmaker.services import chains as chain_service
from matchmaker.services import events as event_service
from tests.integration import events_support as es
from tests.integration import helpers as h


def _form(**over):
    today = event_service.today()
    data = {"name": "光伏产业链供需对接会", "date": (today + dt.timedelta(days=20)).isoformat(), "start": "09:00",
            "end": "12:00", "meeting_minutes": "20", "breaks": "10:20-10:40", "tables": "8", "city": "苏州",
            "venue": "国际博览中心", "registration_opens": today.isoformat(),
            "registration_closes": (today + dt.timedelta(days=10)).isoformat(), "max_meetings": "6",
            "max_open_requests": "5", "request_expiry_hours": "48", "theme_chains": ["pv"],
            "theme_nodes": ["pv.cell"]}
    data.update(over)
    return data


def test_organiser_creates_event_with_slots_around_breaks(client, db):
    chain_service.store_chains(db, h.dev_chains())
    owner = es.organiser(db)
    db.commit()
    es.as_user(client, owner)
    response = client.post("/events/new", data=_form())
    assert response.status_code == 302
    event = db.query(Event).one()
    assert event.slots == ["09:00", "09:20", "09:40", "10:00", "10:40", "11:00", "11:20", "11:40"]
    assert (event.status, event.organiser_id, event.tables, event.max_open_requests) == ("draft", owner.id, 8, 5)
    assert event.theme_chains == ["pv"] and event.theme_nodes == ["pv.cell"]
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "10:40–11:00" in page and "10:20–10:40" not in page
    node = chain_service.current_graph(db).nodes["pv.cell"]["name"]
    assert f"{node}</a>" in page and ">pv.cell<" not in page  # theme nodes by name


def test_event_form_reports_bad_times_in_the_users_language(client, db):
    owner = es.organiser(db)
    db.commit()
    es.as_user(client, owner)
    html = client.post("/events/new?lang=en", data=_form(start="12:00", end="09:00")).get_data(as_text=True)
    assert "end 09:00 must be after start 12:00" in html
    es.fresh(client)
    html = client.post("/events/new", data=_form(start="9点")).get_data(as_text=True)
    assert "请按 HH:MM 填写" in html
    closes_late = (event_service.today() + dt.timedelta(days=30)).isoformat()
    es.fresh()
    html = client.post("/events/new?lang=en", data=_form(registration_closes=closes_late)).get_data(as_text=True)
    assert "Registration must close by the day of the fair." in html
    assert db.query(Event).count() == 0


def test_drafts_are_hidden_and_organiser_actions_refused_to_others(client, db):
    owner = es.organiser(db, organisation="甲市工信局")
    other_org = es.organiser(db, organisation="乙市商务局")
    event = es.make_event(db, owner, status="draft")
    _, member = es.member(db)
    db.commit()
    assert client.get(f"/events/{event.id}").status_code == 404
    assert "新能源汽车产业链" not in client.get("/events/").get_data(as_text=True)
    es.as_user(client, member)
    assert client.get(f"/events/{event.id}").status_code == 404
    assert client.get("/events/new").status_code == 403
    event.status = "open"
    db.commit()
    organiser_pages = [f"/events/{event.id}/edit", f"/events/{event.id}/participants",
                       f"/events/{event.id}/manage/requests", f"/events/{event.id}/schedule",
                       f"/events/{event.id}/checkin", f"/events/{event.id}/dashboard",
                       f"/events/{event.id}/export.xlsx", f"/events/{event.id}/signin"]
    organiser_posts = [f"/events/{event.id}/status", f"/events/{event.id}/schedule/build",
                       f"/events/{event.id}/schedule/publish", f"/events/{event.id}/manage/meetings/add"]
    for who in (member, other_org):
        es.as_user(client, who)
        for url in organiser_pages:
            assert client.get(url).status_code == 403, (who.role, url)
        for url in organiser_posts:
            assert client.post(url, data={"status": "closed"}).status_code == 403, (who.role, url)
    assert db.get(Event, event.id).status == "open"
    same_org = es.organiser(db, organisation="甲市工信局")
    db.commit()
    es.as_user(client, same_org)
    assert client.get(f"/events/{event.id}/participants").status_code == 200


def test_status_moves_follow_the_lifecycle(client, db):
    owner = es.organiser(db)
    event = es.make_event(db, owner, status="draft")
    db.commit()
    es.as_user(client, owner)
    client.post(f"/events/{event.id}/status", data={"status": "final"})
    assert db.get(Event, event.id).status == "draft"
    client.post(f"/events/{event.id}/status", data={"status": "open"})
    assert db.get(Event, event.id).status == "open"
    assert db.query(AuditLog).filter_by(action="event.status").count() == 1


def test_registration_window_is_enforced(client, db):
    owner = es.organiser(db)
    today = event_service.today()
    early = es.make_event(db, owner, registration_opens=today + dt.timedelta(days=2))
    late = es.make_event(db, owner, registration_opens=today - dt.timedelta(days=9),
                         registration_closes=today - dt.timedelta(days=1))
    ent, member = es.member(db)
    db.commit()
    es.as_user(client, member)
    for event in (early, late):
        html = client.post(f"/events/{event.id}/register?lang=en", data={"role": "supplier"}).get_data(as_text=True)
        assert "Registration for this fair is not open." in html
    assert db.query(EventParticipant).count() == 0
    es.as_user(client, owner)
    response = client.post(f"/events/{late.id}/participants/add", data={"enterprise": ent.uscc, "role": "supplier"})
    assert response.status_code == 302
    p = db.query(EventParticipant).one()
    assert (p.event_id, p.enterprise_id, p.status) == (late.id, ent.id, "approved")
    (note,) = db.query(Notification).filter_by(user_id=member.id).all()
    assert note.link == f"/events/{late.id}"


def test_enterprise_registers_with_availability_and_organiser_approves(client, db):
    owner = es.organiser(db)
    event = es.make_event(db, owner)
    _ent, member = es.member(db, size="large")
    db.commit()
    es.as_user(client, member)
    response = client.post(f"/events/{event.id}/register", data={"role": "buyer", "unavailable": ["09:20", "10:00"]})
    assert response.status_code == 302
    p = db.query(EventParticipant).one()
    assert (p.role, p.status, p.unavailable) == ("buyer", "pending", ["09:20", "10:00"])
    es.fresh()
    html = client.post(f"/events/{event.id}/register?lang=en", data={"role": "buyer"}, follow_redirects=True)
    assert "already registered" in html.get_data(as_text=True)
    assert db.query(EventParticipant).count() == 1
    client.post(f"/events/{event.id}/participants/{p.id}/availability", data={"unavailable": ["10:20"]})
    assert db.get(EventParticipant, p.id).unavailable == ["10:20"]
    assert client.post(f"/events/{event.id}/participants/{p.id}/review", data={"approve": "1"}).status_code == 403
    es.as_user(client, owner)
    client.post(f"/events/{event.id}/participants/{p.id}/review", data={"approve": "1"})
    client.post(f"/events/{event.id}/participants/{p.id}/table", data={"table": "2", "max_meetings": "3"})
    p = db.get(EventParticipant, p.id)
    assert (p.status, p.table, p.max_meetings) == ("approved", 2, 3)
    notes = db.query(Notification).filter_by(user_id=member.id).all()
    assert [n.link for n in notes if "已通过" in n.text] == [f"/events/{event.id}"]


def test_reviewing_from_a_filtered_list_comes_back_to_that_list(client, db):
    """An organiser who opened the pending registrations (as the workbench links them) approves one and
    is back on the pending list and page it came from; stray query words never break the action."""
    owner = es.organiser(db)
    event = es.make_event(db, owner)
    _ent, member = es.member(db, size="large")
    db.commit()
    es.as_user(client, member)
    client.post(f"/events/{event.id}/register", data={"role": "buyer"})
    p = db.query(EventParticipant).one()
    es.as_user(client, owner)
    html = client.get(f"/events/{event.id}/participants?status=pending").get_data(as_text=True)
    assert f"/events/{event.id}/participants/{p.id}/review?status=pending" in html
    response = client.post(f"/events/{event.id}/participants/{p.id}/review?status=pending&page=1",
                           data={"approve": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{event.id}/participants?status=pending&page=1")
    hostile = client.post(f"/events/{event.id}/participants/{p.id}/review?event_id=999&participant_id=1",
                          data={"approve": "0"})
    assert hostile.status_code == 302 and hostile.headers["Location"].endswith(f"/events/{event.id}/participants")
    assert db.get(EventParticipant, p.id).status == "rejected"


def test_fixed_tables_must_be_free_and_in_range(client, db):
    people = es.fair(db, buyers=2, suppliers=1)
    event, owner = people["event"], people["organiser"]
    (b1, _), (b2, _) = people["buyers"]
    supplier = people["suppliers"][0][0]
    es.as_user(client, owner)
    client.post(f"/events/{event.id}/participants/{b1.id}/table", data={"table": "1"})
    es.fresh()
    html = client.post(f"/events/{event.id}/participants/{b2.id}/table?lang=en", data={"table": "1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Table 1 is already" in html
    es.fresh()
    response = client.post(f"/events/{event.id}/participants/{b2.id}/table?lang=en",
                           data={"table": "99", "max_meetings": "4"})
    assert response.status_code == 400  # the page again, with what was typed and why it was refused
    row = response.get_data(as_text=True).split(f'id="participant-{b2.id}"')[1].split("</tr>")[0]
    assert 'value="99"' in row and 'value="4"' in row and "Tables run from 1 to 3." in row
    response = client.post(f"/events/{event.id}/participants/{b2.id}/table", data={"max_meetings": "-1"})
    row = response.get_data(as_text=True).split(f'id="participant-{b2.id}"')[1].split("</tr>")[0]
    assert response.status_code == 400 and 'value="-1"' in row and 'class="error"' in row
    client.post(f"/events/{event.id}/participants/{supplier.id}/table", data={"table": "2"})
    assert [db.get(EventParticipant, p.id).table for p in (b1, b2, supplier)] == [1, None, None]


def test_another_enterprise_cannot_touch_a_participant(client, db):
    people = es.fair(db, buyers=1, suppliers=1)
    event = people["event"]
    buyer = people["buyers"][0][0]
    _, outsider = es.member(db)
    db.commit()
    es.as_user(client, outsider)
    for url in (f"/events/{event.id}/participants/{buyer.id}/availability",
                f"/events/{event.id}/participants/{buyer.id}/requests", f"/events/{event.id}/agenda/{buyer.id}",
                f"/events/{event.id}/agenda/{buyer.id}.ics", f"/events/{event.id}/requests"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/events/{event.id}/participants/{buyer.id}/withdraw").status_code == 404
    assert db.get(EventParticipant, buyer.id).status == "approved"


def test_withdrawing_cancels_open_requests(client, db):
    people = es.fair(db, buyers=1, suppliers=1)
    event = people["event"]
    (buyer, buyer_user), (supplier, _) = people["buyers"][0], people["suppliers"][0]
    req = es.accepted(db, buyer, supplier)
    db.commit()
    es.as_user(client, buyer_user)
    client.post(f"/events/{event.id}/participants/{buyer.id}/withdraw")
    assert db.get(EventParticipant, buyer.id).status == "withdrawn"
    assert req.status == "cancelled"


def test_edit_regenerates_slots_and_drops_vanished_unavailability(client, db):
    people = es.fair(db, buyers=1, suppliers=1)
    event, owner = people["event"], people["organiser"]
    buyer = people["buyers"][0][0]
    buyer.unavailable = ["09:00", "10:20"]
    db.commit()
    es.as_user(client, owner)
    data = _form(name=event.name, start="09:00", end="10:00", breaks="", theme_chains=[], theme_nodes=[],
                 date=event.date.isoformat())
    assert client.post(f"/events/{event.id}/edit", data=data).status_code == 302
    assert event.slots == ["09:00", "09:20", "09:40"]
    assert db.get(EventParticipant, buyer.id).unavailable == ["09:00"]


def test_public_list_and_api(client, db):
    owner = es.organiser(db)
    shown = es.make_event(db, owner, name="公开的对接会")
    es.make_event(db, owner, name="草稿对接会", status="draft")
    db.commit()
    html = client.get("/events/").get_data(as_text=True)
    assert "公开的对接会" in html and "草稿对接会" not in html
    data = client.get("/api/v1/events").get_json()
    assert [e["name"] for e in data["items"]] == ["公开的对接会"] and data["total"] == 1
    detail = client.get(f"/api/v1/events/{shown.id}").get_json()
    assert detail["slots"] == shown.slots and detail["registration_open"] is True
    draft = db.query(Event).filter_by(name="草稿对接会").one()
    assert client.get(f"/api/v1/events/{draft.id}").status_code == 404


@pytest.fixture
def csrf_app(tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite'}"})
    from matchmaker.db import Base, get_engine
    Base.metadata.create_all(get_engine(app))
    yield app
    get_engine(app).dispose()


def test_posts_without_csrf_token_are_refused(csrf_app):
    from matchmaker.db import get_session
    client = csrf_app.test_client()
    with csrf_app.app_context():
        db = get_session()
        owner = es.organiser(db)
        event = es.make_event(db, owner)
        db.commit()
        es.as_user(client, owner)
        assert client.post(f"/events/{event.id}/status", data={"status": "closed"}).status_code == 400
        assert client.post("/events/new", data=_form()).status_code == 400
        assert db.query(Event).count() == 1 and db.get(Event, event.id).status == "open"
