"""API: matchmaking fairs and a participant's own agenda.

Drafts exist only for their organisers (404 for anyone else; an organiser
limited to a region manages only the fairs held in it). An agenda is the
caller's own enterprise's (organisers may name a participant with
``?participant=<id>``); another participant's agenda answers 404.
"""
from __future__ import annotations

from flask import Blueprint, abort, jsonify
from flask_login import current_user

from ..db import get_session
from ..paging import paginate
from ..services.events import exports as event_exports
from ..services import events as event_service
from ..services.errors import NotFound
from ..services.events.schedule import slot_end
from .auth import token_optional, token_required
from .params import ID, MAX_ID, bool_arg, int_arg, page_args

bp = Blueprint("api_events", __name__)


def _user():
    return current_user if current_user.is_authenticated else None


def event_json(e, full: bool = False) -> dict:
    data = {"id": e.id, "name": e.name, "status": e.status, "date": e.date.isoformat(), "start": e.start,
            "end": e.end, "region": e.region, "city": e.city, "district": e.district, "venue": e.venue,
            "registration_opens": e.registration_opens.isoformat() if e.registration_opens else None,
            "registration_closes": e.registration_closes.isoformat() if e.registration_closes else None,
            "registration_open": event_service.registration_open(e)}
    if full:
        data.update({"description": e.description, "organisation": e.organisation,
                     "theme_chains": list(e.theme_chains or []), "theme_nodes": list(e.theme_nodes or []),
                     "meeting_minutes": e.meeting_minutes, "slots": list(e.slots or []), "tables": e.tables,
                     "max_meetings": e.max_meetings, "max_open_requests": e.max_open_requests,
                     "request_expiry_hours": e.request_expiry_hours})
    return data


def _event(event_id: int):
    try:
        return event_service.event_for(get_session(), event_id, _user())
    except NotFound:
        abort(404)


@bp.get("/events")
@token_optional
def list_events():
    number, per_page = page_args()
    upcoming = bool_arg("upcoming")
    page = paginate(get_session(), event_service.list_events(_user(), upcoming_only=upcoming),
                    per_page=per_page, page=number)
    return jsonify({"items": [event_json(e) for e in page.items], "page": page.page, "per_page": page.per_page,
                    "total": page.total, "pages": page.pages})


@bp.get(f"/events/<{ID}:event_id>")
@token_optional
def get_event(event_id: int):
    event = _event(event_id)
    data = event_json(event, full=True)
    data["counts"] = event_service.event_counts(get_session(), event)
    return jsonify(data)


@bp.get(f"/events/<{ID}:event_id>/agenda")
@token_required
def agenda(event_id: int):
    session = get_session()
    event = _event(event_id)
    wanted = int_arg("participant", None, 1, MAX_ID)
    if wanted is not None:
        try:
            participant = event_service.participant_of(session, event, wanted, current_user)
        except NotFound:
            abort(404)
    else:
        participant = event_service.participant_for(session, event, current_user.enterprise_id)
        if participant is None:
            abort(404)
    visible = event_exports.agenda_visible(event, current_user)
    items = event_exports.agenda(session, participant) if visible else []
    return jsonify({
        "event": event_json(event), "participant": {"id": participant.id, "enterprise": participant.enterprise.name,
                                                    "role": participant.role, "status": participant.status,
                                                    "table": participant.table},
        "published": visible,
        "meetings": [{"uid": i.meeting.uid, "sequence": i.meeting.sequence, "start": i.slot,
                      "end": slot_end(event, i.slot), "table": i.table, "priority": i.priority,
                      "with": {"participant_id": i.other.id, "enterprise": i.other.enterprise.name,
                               "role": i.other.role}} for i in items],
    })
