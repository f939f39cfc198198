"""The same write sent many times at once: one wins, the others see it; never a 500.

Each thread has its own test client, so its own app context, session and
database connection; a :class:`threading.Barrier` releases them together. On
PostgreSQL the threads race through row locks and unique checks between open
transactions; on SQLite through its single write lock. The error pages that
such a clash, or a database that is gone, would show must themselves answer.
"""
from __future__ import annotations

import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from matchmaker import create_app, transactions
from matchmaker.models import AuditLog, Event, EventParticipant, Meeting, MeetingRequest
from tests.integration import events_support as es
from tests.integration import helpers as h

THREADS = 20


def _at_once(app, jobs):
    """Run ``jobs`` (``(user, method, path, data)``) in threads released together; the responses' status
    and text, in the order given. A thread's exception is raised here."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(i, user, method, path, data):
        try:
            client = app.test_client()
            h.login(client, user)
            barrier.wait(timeout=60)
            response = client.open(path, method=method, data=data, follow_redirects=True)
            results[i] = (response.status_code, response.get_data(as_text=True))
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, *job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    for r in results:
        if isinstance(r, BaseException):
            raise r
    assert all(r is not None for r in results), "a thread did not finish"
    return results


def _count(db, model, *where) -> int:
    db.rollback()  # see what the threads committed
    return db.scalar(select(func.count()).select_from(model).where(*where))


def test_simultaneous_registrations_store_one(app, db):
    owner = es.organiser(db)
    event = es.make_event(db, owner)
    _ent, member = es.member(db, name="苏州精密轴承有限公司")
    db.commit()
    results = _at_once(app, [(member, "POST", f"/events/{event.id}/register", {"role": "supplier"})] * THREADS)
    assert Counter(code for code, _ in results) == {200: THREADS}
    assert _count(db, EventParticipant, EventParticipant.event_id == event.id) == 1
    assert _count(db, AuditLog, AuditLog.action == "event.register") == 1
    # Every submitter ends on the fair's page: registered, or told it already is.
    assert all("报名已提交" in text or "已报名本场对接会" in text for _, text in results)
    assert sum("报名已提交" in text for _, text in results) == 1


def test_mutual_meeting_requests_agree_once(app, db):
    people = es.fair(db, buyers=1, suppliers=1)
    event = people["event"]
    (buyer, buyer_user), (supplier, supplier_user) = people["buyers"][0], people["suppliers"][0]
    ask = [(buyer_user, "POST", f"/events/{event.id}/participants/{buyer.id}/requests/new",
            {"counterpart": str(supplier.id), "priority": "3"}),
           (supplier_user, "POST", f"/events/{event.id}/participants/{supplier.id}/requests/new",
            {"counterpart": str(buyer.id), "priority": "2"})]
    results = _at_once(app, ask * (THREADS // 2))
    assert not [code for code, _ in results if code >= 500]
    assert {code for code, _ in results} <= {200, 400}
    rows = db.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id)).all()
    assert len(rows) == 1
    assert (rows[0].status, rows[0].priority) == ("accepted", 3)
    assert _count(db, AuditLog, AuditLog.action == "event.request") == 1
    assert _count(db, AuditLog, AuditLog.action == "event.request.accepted") == 1
    assert sum("双方均已同意会谈" in text for _, text in results) == 1
    assert all("已存在" in text for code, text in results if code == 400)


def _consistent(db, event):
    """The stored schedule has no double booking and matches its own figures."""
    db.rollback()
    db.expire_all()
    event = db.get(Event, event.id)
    meetings = db.scalars(select(Meeting).where(Meeting.event_id == event.id, Meeting.status == "scheduled")).all()
    every = db.scalars(select(Meeting).where(Meeting.event_id == event.id)).all()
    assert len({(m.buyer_id, m.supplier_id) for m in every}) == len(every)
    assert len({(m.slot, m.table) for m in meetings}) == len(meetings)
    assert len({(m.slot, m.buyer_id) for m in meetings}) == len(meetings)
    assert len({(m.slot, m.supplier_id) for m in meetings}) == len(meetings)
    stats = event.schedule_stats
    assert (stats["state"], stats["version"], stats["meetings"]) == ("done", event.schedule_version, len(meetings))
    return event, meetings


def test_simultaneous_schedule_builds_store_one_schedule(app, db):
    people = es.fair(db, buyers=2, suppliers=4)
    event, owner = people["event"], people["organiser"]
    for buyer, _ in people["buyers"]:
        for supplier, _ in people["suppliers"]:
            es.accepted(db, buyer, supplier)
    db.commit()
    build = (owner, "POST", f"/events/{event.id}/schedule/build", {"time_limit": "5"})
    results = _at_once(app, [build] * 5)
    assert Counter(code for code, _ in results) == {200: 5}
    built = sum("日程已生成" in text for _, text in results)
    waited = sum("另一次排程刚刚完成" in text or "另一次排程正在进行" in text for _, text in results)
    assert built >= 1 and built + waited == 5
    event, meetings = _consistent(db, event)
    assert event.schedule_version == built
    assert len(meetings) == 8


def test_rebuilding_a_published_schedule_at_once_keeps_it_whole(app, db):
    people = es.fair(db, buyers=2, suppliers=4)
    event, owner = people["event"], people["organiser"]
    for buyer, _ in people["buyers"]:
        for supplier, _ in people["suppliers"][:2]:
            es.accepted(db, buyer, supplier)
    db.commit()
    client = app.test_client()
    h.login(client, owner)
    assert client.post(f"/events/{event.id}/schedule/build", data={"time_limit": "5"}).status_code == 302
    assert client.post(f"/events/{event.id}/schedule/publish").status_code == 302
    es.fresh()
    for buyer, _ in people["buyers"]:
        for supplier, _ in people["suppliers"][2:]:
            es.accepted(db, buyer, supplier)
    db.commit()
    build = (owner, "POST", f"/events/{event.id}/schedule/build", {"time_limit": "5"})
    results = _at_once(app, [build, build, build, build, (owner, "POST", f"/events/{event.id}/schedule/publish", {})])
    assert not [code for code, _ in results if code >= 500]
    event, meetings = _consistent(db, event)
    assert event.status == "provisional" and event.schedule_stats["published"] is True and len(meetings) == 8


def _gone_url(backend, tmp_path) -> str:
    if backend == "postgresql":
        return "postgresql+psycopg://postgres@127.0.0.1:9/gone?connect_timeout=2"
    return f"sqlite:///{tmp_path / 'missing' / 'gone.sqlite'}"


@pytest.fixture
def gone_app(backend, tmp_path, monkeypatch):
    """The site with its database unreachable."""
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "instance"))
    return create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "DATABASE_URL": _gone_url(backend, tmp_path),
                       "UPLOAD_FOLDER": str(tmp_path / "uploads")})


def test_error_page_without_a_database_is_still_a_page(gone_app):
    client = gone_app.test_client()
    with client.session_transaction() as sess:  # a signed-in visitor: the page's header needs the database
        sess["_user_id"] = "1"
        sess["_fresh"] = True
    response = client.get("/events/")
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "服务暂时不可用" in body and "temporarily unavailable" in body
    assert "Traceback" not in body and "Werkzeug" not in body
    assert response.headers.get("Retry-After")


def test_api_error_without_a_database_is_json(gone_app):
    response = gone_app.test_client().get("/api/v1/events")
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == 503


def test_a_failing_error_page_falls_back_to_a_plain_one(app, monkeypatch):
    """When the normal error page cannot be drawn, a plain one in both languages answers with the same status."""
    from matchmaker.web import errors

    def broken(*_args, **_kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr(errors, "render_template", broken)
    client = app.test_client()
    response = client.get("/no/such/page")
    assert response.status_code == 404 and response.mimetype == "text/html"
    body = response.get_data(as_text=True)
    assert "页面不存在" in body and "Page not found" in body and "<html" in body
    assert client.get("/api/v1/no/such/thing").get_json() == {"error": {"code": 404, "message": "Page not found."}}


def test_a_uniqueness_clash_no_service_caught_is_a_409(app):
    """Two people sent the same thing at once and nothing caught it: a conflict to reload, not a server error."""
    from sqlalchemy.exc import IntegrityError

    def clash():
        raise IntegrityError("INSERT INTO event_participant ...", {},
                             Exception("UNIQUE constraint failed: event_participant.event_id"))

    def broken():
        raise IntegrityError("INSERT INTO meeting ...", {}, Exception("FOREIGN KEY constraint failed"))

    app.add_url_rule("/events/clash", view_func=clash)
    app.add_url_rule("/api/v1/clash", endpoint="api_clash", view_func=clash)
    app.add_url_rule("/events/broken", view_func=broken)
    client = app.test_client()
    page = client.get("/events/clash")
    assert page.status_code == 409 and "刷新页面" in page.get_data(as_text=True)
    answer = client.get("/api/v1/clash")
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == 409
    # any other constraint is the site's own fault, not a clash to reload
    assert client.get("/events/broken").status_code == 500


def test_add_unique_hands_back_the_row_another_transaction_stored(app, db):
    owner = es.organiser(db)
    event = es.make_event(db, owner)
    ent, _member = es.member(db)
    db.commit()
    other = app.extensions["sqlalchemy_sessionmaker"]()
    try:
        first = EventParticipant(event_id=event.id, enterprise_id=ent.id, role="supplier")
        other.add(first)
        other.commit()

        def stored():
            return db.scalar(select(EventParticipant).where(EventParticipant.event_id == event.id))

        row, created = transactions.add_unique(
            db, EventParticipant(event_id=event.id, enterprise_id=ent.id, role="buyer"), stored)
        assert (created, row.id, row.role) == (False, first.id, "supplier")
        h.enterprise(db, name="同一事务的其他写入有限公司")  # the transaction goes on after the clash
        db.commit()
    finally:
        other.close()


def test_add_unique_is_undone_with_the_rest_of_its_transaction(app, db):
    """The savepoint is inside the request's transaction: a later refusal takes the row back too
    (SQLite's driver would otherwise let the savepoint's release commit it)."""
    owner = es.organiser(db)
    event = es.make_event(db, owner)
    ent, _member = es.member(db)
    db.commit()
    _row, created = transactions.add_unique(
        db, EventParticipant(event_id=event.id, enterprise_id=ent.id, role="supplier"), lambda: None)
    assert created
    db.rollback()
    assert _count(db, EventParticipant, EventParticipant.event_id == event.id) == 0
