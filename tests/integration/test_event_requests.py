"""Meeting requests at a fair: ask, answer, caps, expiry, organiser-made meetings, suggestions."""
from __future__ import annotations

import datetime as dt
import re

from click.testing import CliRunner

from matchmaker.commands.events import events as events_cli
from matchmaker.models import MeetingRequest, Notification
from matchmaker.services import chains as chain_service
from tests.integration import events_support as es
from tests.integration import helpers as h


def _ask(client, event, asker, other, priority=2, **extra):
    return client.post(f"/events/{event.id}/participants/{asker.id}/requests/new",
                       data={"counterpart": other.id, "priority": priority, **extra})


def _notes(db, user):
    return [n.text for n in db.query(Notification).filter_by(user_id=user.id).order_by(Notification.id)]


def test_supplier_asks_and_buyer_accepts_with_notifications_both_ways(client, db):
    people = es.fair(db, buyers=1, suppliers=1, request_expiry_hours=24)
    event = people["event"]
    (buyer, buyer_user), (supplier, supplier_user) = people["buyers"][0], people["suppliers"][0]
    es.as_user(client, supplier_user)
    assert _ask(client, event, supplier, buyer, priority=3, message="想介绍我们的电芯").status_code == 302
    req = db.query(MeetingRequest).one()
    assert (req.buyer_id, req.supplier_id, req.requested_by_id, req.priority, req.status) == \
        (buyer.id, supplier.id, supplier.id, 3, "pending")
    left = es_aware(req.expires_at) - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=23) < left <= dt.timedelta(hours=24)
    assert any("供应商1有限公司" in t and "24" in t for t in _notes(db, buyer_user))
    # the asking side cannot answer its own request
    client.post(f"/events/{event.id}/requests/{req.id}/respond", data={"accept": "1"})
    assert req.status == "pending"
    es.as_user(client, buyer_user)
    html = client.get(f"/events/{event.id}/requests").get_data(as_text=True)
    assert "想介绍我们的电芯" in html and "必须见面" in html
    client.post(f"/events/{event.id}/requests/{req.id}/respond", data={"accept": "1"})
    assert req.status == "accepted" and req.responded_at is not None
    assert any("接受" in t for t in _notes(db, supplier_user))


def es_aware(value):
    from matchmaker.services.events.requests import aware
    return aware(value)


def test_decline_and_outsiders_get_404(client, db):
    people = es.fair(db, buyers=1, suppliers=1)
    event = people["event"]
    (buyer, buyer_user), (supplier, supplier_user) = people["buyers"][0], people["suppliers"][0]
    _, outsider = es.member(db)
    db.commit()
    es.as_user(client, buyer_user)
    _ask(client, event, buyer, supplier)
    req = db.query(MeetingRequest).one()
    es.as_user(client, outsider)
    assert client.post(f"/events/{event.id}/requests/{req.id}/respond", data={"accept": "1"}).status_code == 404
    assert client.post(f"/events/{event.id}/requests/{req.id}/cancel").status_code == 404
    assert _ask(client, event, buyer, supplier).status_code == 404
    es.as_user(client, supplier_user)
    client.post(f"/events/{event.id}/requests/{req.id}/respond", data={"accept": "0"})
    assert req.status == "declined"
    assert any("婉拒" in t for t in _notes(db, buyer_user))


def test_open_request_cap_is_enforced(client, db):
    people = es.fair(db, buyers=1, suppliers=3, max_open_requests=2)
    event = people["event"]
    buyer, buyer_user = people["buyers"][0]
    suppliers = [p for p, _u in people["suppliers"]]
    es.as_user(client, buyer_user)
    for s in suppliers:
        _ask(client, event, buyer, s)
    assert db.query(MeetingRequest).count() == 2
    es.fresh()
    html = client.get(f"/events/{event.id}/requests?lang=en").get_data(as_text=True)
    assert "(2 / 2)" in html
    refused = _ask(client, event, buyer, suppliers[2], message="想谈 TOPCon 电池片长单")
    html = refused.get_data(as_text=True)  # the page again, keeping what was typed
    assert refused.status_code == 400 and "the most allowed" in html and "想谈 TOPCon 电池片长单" in html
    assert f'<option value="{suppliers[2].id}" selected>' in html
    too_long = _ask(client, event, buyer, suppliers[2], message="长" * 1001)
    assert too_long.status_code == 400 and "长" * 1001 in too_long.get_data(as_text=True)
    first = db.query(MeetingRequest).filter_by(supplier_id=suppliers[0].id).one()
    client.post(f"/events/{event.id}/requests/{first.id}/cancel")
    assert first.status == "cancelled"
    _ask(client, event, buyer, suppliers[2])
    assert db.query(MeetingRequest).filter_by(supplier_id=suppliers[2].id).one().status == "pending"


def test_asking_back_accepts_and_duplicates_are_refused(client, db):
    people = es.fair(db, buyers=1, suppliers=1)
    event = people["event"]
    (buyer, buyer_user), (supplier, supplier_user) = people["buyers"][0], people["suppliers"][0]
    es.as_user(client, buyer_user)
    _ask(client, event, buyer, supplier, priority=1)
    _ask(client, event, buyer, supplier, priority=3)
    req = db.query(MeetingRequest).one()
    assert (req.status, req.priority) == ("pending", 1)
    es.as_user(client, supplier_user)
    _ask(client, event, supplier, buyer, priority=3)
    assert db.query(MeetingRequest).count() == 1
    assert (req.status, req.priority) == ("accepted", 3)


def test_only_approved_participants_of_opposite_roles_meet(client, db):
    people = es.fair(db, buyers=1, suppliers=2)
    event = people["event"]
    buyer, buyer_user = people["buyers"][0]
    (s1, s1_user), (s2, _u) = people["suppliers"]
    s2.status = "pending"
    db.commit()
    es.as_user(client, buyer_user)
    _ask(client, event, buyer, s2)
    es.as_user(client, s1_user)
    _ask(client, event, s1, s2)
    assert db.query(MeetingRequest).count() == 0


def test_pending_requests_expire_lazily_and_by_command(client, db, app, monkeypatch):
    people = es.fair(db, buyers=2, suppliers=1)
    event = people["event"]
    (b1, b1_user), (b2, b2_user) = people["buyers"]
    supplier, supplier_user = people["suppliers"][0]
    es.as_user(client, b1_user)
    _ask(client, event, b1, supplier)
    req = db.query(MeetingRequest).one()
    req.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.commit()
    es.as_user(client, supplier_user)
    client.post(f"/events/{event.id}/requests/{req.id}/respond", data={"accept": "1"})
    assert db.get(MeetingRequest, req.id).status == "expired"
    assert any("过期" in t for t in _notes(db, b1_user))
    es.as_user(client, b2_user)
    _ask(client, event, b2, supplier)
    later = db.query(MeetingRequest).filter_by(buyer_id=b2.id).one()
    later.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    db.commit()
    monkeypatch.setattr("matchmaker.commands.events._app", lambda: app)
    result = CliRunner().invoke(events_cli, ["expire"])
    assert result.exit_code == 0, result.output
    assert "expired 1 request(s)" in result.output
    db.expire_all()
    assert db.get(MeetingRequest, later.id).status == "expired"
    assert CliRunner().invoke(events_cli, ["expire"]).output.strip() == "expired 0 request(s)"


def test_organiser_adds_meetings_directly_and_acts_on_behalf(client, db):
    people = es.fair(db, buyers=1, suppliers=2)
    event, owner = people["event"], people["organiser"]
    (buyer, buyer_user), (s1, s1_user) = people["buyers"][0], people["suppliers"][0]
    s2, s2_user = people["suppliers"][1]
    es.as_user(client, owner)
    client.post(f"/events/{event.id}/manage/meetings/add", data={"buyer": buyer.id, "supplier": s1.id, "priority": 3})
    direct = db.query(MeetingRequest).one()
    assert (direct.status, direct.source, direct.priority) == ("accepted", "organiser", 3)
    assert any("组织方" in t for t in _notes(db, buyer_user)) and any("组织方" in t for t in _notes(db, s1_user))
    client.post(f"/events/{event.id}/manage/requests/on-behalf",
                data={"buyer": buyer.id, "supplier": s2.id, "requester": "supplier", "priority": 2})
    behalf = db.query(MeetingRequest).filter_by(supplier_id=s2.id).one()
    assert (behalf.status, behalf.requested_by_id) == ("pending", s2.id)
    client.post(f"/events/{event.id}/requests/{behalf.id}/respond", data={"accept": "1"})
    assert behalf.status == "accepted"
    html = client.get(f"/events/{event.id}/manage/requests").get_data(as_text=True)
    assert html.count("已接受") >= 2
    es.as_user(client, s2_user)
    assert client.post(f"/events/{event.id}/manage/meetings/add",
                       data={"buyer": buyer.id, "supplier": s2.id}).status_code == 403


def test_suggestions_come_from_the_matching_engine_with_reasons(client, db):
    chain_service.store_chains(db, h.dev_chains())
    people = es.fair(db, buyers=1, suppliers=3)
    event = people["event"]
    buyer, buyer_user = people["buyers"][0]
    (cells, _), (glass, _), (robots, _) = people["suppliers"]
    h.demand(db, buyer.enterprise, "TOPCon 电池片采购", description="采购高效 TOPCon 电池片，年需求 2GW",
             chain_nodes=["pv.cell"])
    h.capability(db, cells.enterprise, "TOPCon 电池片", description="N 型 TOPCon 电池片量产，效率 25%",
                 chain_nodes=["pv.cell"])
    h.capability(db, glass.enterprise, "光伏玻璃", description="2.0mm 镀膜光伏玻璃", chain_nodes=["pv.module"])
    h.capability(db, robots.enterprise, "焊接机器人减速器", description="RV 减速器")
    db.commit()
    es.as_user(client, buyer_user)
    html = client.get(f"/events/{event.id}/requests").get_data(as_text=True)
    section = html[html.index("平台推荐"):html.index("向其他参会企业发出邀约")]
    ranked = re.findall(r'<h3>(供应商\d有限公司)\s*<span class="score"', section)
    assert ranked[0] == "供应商1有限公司"
    assert "TOPCon 电池片采购 ⇄ TOPCon 电池片" in section
    assert "共同关键词" in section and "TOPCon" in section
    client.post(f"/events/{event.id}/participants/{buyer.id}/requests/new",
                data={"counterpart": cells.id, "priority": 3, "suggested": "1", "reason": ["共同关键词：TOPCon"]})
    req = db.query(MeetingRequest).one()
    assert (req.source, req.reasons) == ("suggestion", ["共同关键词：TOPCon"])
    html = client.get(f"/events/{event.id}/requests").get_data(as_text=True)
    suggested = html[html.index("平台推荐"):html.index("向其他参会企业发出邀约")]
    assert "供应商1有限公司" not in suggested  # already asked


def test_closed_requests_are_paginated(client, db, app):
    people = es.fair(db, buyers=1, suppliers=3)
    event = people["event"]
    buyer, buyer_user = people["buyers"][0]
    for supplier, _u in people["suppliers"]:
        db.add(MeetingRequest(event_id=event.id, buyer_id=buyer.id, supplier_id=supplier.id,
                              requested_by_id=buyer.id, status="declined"))
    db.commit()
    es.as_user(client, buyer_user)
    per_page, app.config["PER_PAGE"] = app.config["PER_PAGE"], 2
    try:
        url = f"/events/{event.id}/participants/{buyer.id}/requests"
        first = client.get(url).get_data(as_text=True)
        second = client.get(f"{url}?page=2").get_data(as_text=True)
    finally:
        app.config["PER_PAGE"] = per_page
    shown = [re.findall(r'<tr id="request-(\d+)"', html) for html in (first, second)]
    assert [len(ids) for ids in shown] == [2, 1] and "page=2" in first
    assert sorted(map(int, shown[0] + shown[1])) == sorted(r.id for r in db.query(MeetingRequest))


def test_every_request_notice_links_to_the_fairs_requests_page(client, db, app, monkeypatch):
    people = es.fair(db, buyers=1, suppliers=2)
    event, owner = people["event"], people["organiser"]
    (buyer, buyer_user), (s1, s1_user) = people["buyers"][0], people["suppliers"][0]
    s2, s2_user = people["suppliers"][1]
    page = f"/events/{event.id}/requests"

    def links(user):
        return [n.link for n in db.query(Notification).filter_by(user_id=user.id).order_by(Notification.id)]
    es.as_user(client, s1_user)
    _ask(client, event, s1, buyer)
    req = db.query(MeetingRequest).one()
    es.as_user(client, buyer_user)
    client.post(f"/events/{event.id}/requests/{req.id}/respond", data={"accept": "1"})
    client.post(f"/events/{event.id}/requests/{req.id}/cancel")
    assert links(buyer_user) == [page] and links(s1_user) == [page, page]
    _ask(client, event, buyer, s2)
    late = db.query(MeetingRequest).filter_by(supplier_id=s2.id).one()
    late.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.commit()
    monkeypatch.setattr("matchmaker.commands.events._app", lambda: app)
    assert CliRunner().invoke(events_cli, ["expire"]).exit_code == 0
    db.expire_all()
    assert db.get(MeetingRequest, late.id).status == "expired"
    assert links(buyer_user) == [page, page] and links(s2_user) == [page]
    es.as_user(client, owner)
    client.post(f"/events/{event.id}/manage/meetings/add", data={"buyer": buyer.id, "supplier": s2.id, "priority": 3})
    assert links(buyer_user)[-1] == page and links(s2_user) == [page, page]


def _late_request(client, db, app, monkeypatch):
    """A fair whose one request (buyer to supplier) is a minute past its expiry; the command runs on ``app``."""
    people = es.fair(db, buyers=1, suppliers=1)
    event = people["event"]
    (buyer, buyer_user), (supplier, _u) = people["buyers"][0], people["suppliers"][0]
    es.as_user(client, buyer_user)
    _ask(client, event, buyer, supplier)
    req = db.query(MeetingRequest).one()
    req.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    db.commit()
    monkeypatch.setattr("matchmaker.commands.events._app", lambda: app)
    return event, req, buyer_user


def _expiry_notice(db, user):
    return db.query(Notification).filter_by(user_id=user.id).filter(Notification.text.contains("过期")).one()


def test_the_expire_command_links_its_notice_to_the_fairs_requests_page(client, db, app, monkeypatch):
    event, req, buyer_user = _late_request(client, db, app, monkeypatch)
    result = CliRunner().invoke(events_cli, ["expire", "--event", str(event.id)])
    assert result.exit_code == 0 and "expired 1 request(s)" in result.output, result.output
    db.expire_all()
    assert db.get(MeetingRequest, req.id).status == "expired"
    assert _expiry_notice(db, buyer_user).link == f"/events/{event.id}/requests"


def test_the_expire_command_links_under_the_configured_base_url(client, db, app, monkeypatch):
    event, _req, buyer_user = _late_request(client, db, app, monkeypatch)
    monkeypatch.setitem(app.config, "MATCHMAKER_BASE_URL", "https://fairs.example.org/matchmaker")
    assert CliRunner().invoke(events_cli, ["expire"]).exit_code == 0
    db.expire_all()
    assert _expiry_notice(db, buyer_user).link == f"/matchmaker/events/{event.id}/requests"


def test_withdrawing_a_request_past_its_expiry_stores_it_as_expired(client, db, app, monkeypatch):
    event, req, buyer_user = _late_request(client, db, app, monkeypatch)
    response = client.post(f"/events/{event.id}/requests/{req.id}/cancel", follow_redirects=True)
    assert "该邀约已过期" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(MeetingRequest, req.id).status == "expired"
    assert _expiry_notice(db, buyer_user).link == f"/events/{event.id}/requests"
