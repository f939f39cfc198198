"""Builders for the fair tests: an organiser's event, participants, accepted requests."""
from __future__ import annotations

import datetime as dt

from flask import g

from matchmaker.models import EventParticipant, MeetingRequest
from matchmaker.services import events as event_service
from tests.integration import helpers as h


def as_user(client, user) -> None:
    """Log ``client`` in as ``user`` (None: log out).

    The ``db`` fixture keeps one app context open, so requests share ``g``; forget the
    user flask_login and the language flask_babel cached there by an earlier request.
    """
    if user is None:
        with client.session_transaction() as sess:
            sess.clear()
    else:
        h.login(client, user)
    fresh(client)


def fresh(client=None) -> None:
    """Forget what earlier requests cached in the shared ``g`` (user, language)."""
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)
    if client is not None:
        with client.session_transaction() as sess:
            sess.pop("lang", None)


def organiser(db, organisation="示范市工业和信息化局"):
    return h.user(db, role="organiser", organisation=organisation)


def make_event(db, owner, status="open", **kw):
    today = event_service.today()
    values = {"name": "新能源汽车产业链供需对接会", "date": today + dt.timedelta(days=10), "start": "09:00",
              "end": "10:40", "meeting_minutes": 20, "tables": 3, "venue": "国际博览中心 A 馆", "city": "苏州",
              "registration_opens": today - dt.timedelta(days=1),
              "registration_closes": today + dt.timedelta(days=5)}
    values.update(kw)
    event = event_service.create_event(db, owner, event_service.EventData(**values))
    event.status = status
    db.flush()
    return event


def member(db, size="small", name=None):
    """An enterprise and one of its users."""
    ent = h.enterprise(db, name=name, size=size)
    return ent, h.user(db, ent)


def participant(db, event, ent, role, status="approved", table=None, unavailable=(), max_meetings=None):
    p = EventParticipant(event_id=event.id, enterprise_id=ent.id, role=role, status=status, table=table,
                         unavailable=list(unavailable), max_meetings=max_meetings)
    db.add(p)
    db.flush()
    return p


def accepted(db, buyer, supplier, priority=2):
    req = MeetingRequest(event_id=buyer.event_id, buyer_id=buyer.id, supplier_id=supplier.id,
                         requested_by_id=buyer.id, priority=priority, status="accepted", source="participant")
    db.add(req)
    db.flush()
    return req


def fair(db, buyers=2, suppliers=4, **event_kw):
    """An open event with approved buyers and suppliers and their member users."""
    owner = organiser(db)
    event = make_event(db, owner, **event_kw)
    people = {"organiser": owner, "event": event, "buyers": [], "suppliers": []}
    for i in range(buyers):
        ent, u = member(db, size="large", name=f"采购集团{i + 1}")
        people["buyers"].append((participant(db, event, ent, "buyer"), u))
    for i in range(suppliers):
        ent, u = member(db, name=f"供应商{i + 1}有限公司")
        people["suppliers"].append((participant(db, event, ent, "supplier"), u))
    db.commit()
    return people
