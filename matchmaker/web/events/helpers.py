"""Steps every fair page takes: the event the viewer may see, their participant, slot choices, labels."""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from ...db import get_session
from ...domain.scope import place_key
from ...domain.slots import slot_parts
from ...i18n import tr
from ...models import EventParticipant
from ...presentation import local_time
from ...requests import MAX_DB_INT
from ...services import events as event_service
from ...services.events import schedule as event_schedule
from ...services.events.requests import priority_label, shown_status
from ...services.scope import scope_of
from ..service_calls import or_404

_CITY_ENDINGS = ("市", "自治州", "盟", "地区")

__all__ = [
    "agenda_links",
    "event_and_participant",
    "event_link",
    "event_participant",
    "id_arg",
    "load_event",
    "load_participant",
    "managed_event",
    "my_participant",
    "place_label",
    "requests_link",
    "slot_choices",
    "stored_id",
    "template_helpers",
    "viewer",
]


def viewer():
    return current_user if current_user.is_authenticated else None


def load_event(event_id: int):
    """The event if the viewer may see it, else 404."""
    return or_404(event_service.event_for, get_session(), event_id, viewer())


def managed_event(event_id: int):
    """The event if the viewer organises it: 404 when hidden, 403 when visible but not theirs."""
    event = load_event(event_id)
    if not event_service.can_manage(viewer(), event):
        abort(403)
    return event


def load_participant(event, participant_id: int):
    """A participant the viewer acts for (member or organiser), else 404."""
    return or_404(event_service.participant_of, get_session(), event, participant_id, viewer())


def my_participant(event):
    """The participant of the viewer's enterprise at ``event``, or ``None``."""
    user = viewer()
    if user is None or user.enterprise_id is None:
        return None
    return event_service.participant_for(get_session(), event, user.enterprise_id)


def event_and_participant(event_id: int, participant_id: int | None = None, *, manage: bool = False):
    """``(event, participant)`` for a page about one participant of a fair.

    The event as :func:`load_event` (or :func:`managed_event` with ``manage``)
    finds it; the participant ``participant_id`` when the viewer acts for it,
    or without an id the participant of the viewer's own enterprise. 404 when
    there is none.
    """
    event = managed_event(event_id) if manage else load_event(event_id)
    if participant_id is not None:
        return event, load_participant(event, participant_id)
    mine = my_participant(event)
    if mine is None:
        abort(404)
    return event, mine


def stored_id(value) -> bool:
    """Whether ``value`` is an int a row's id may be (1 up to what an INTEGER column holds)."""
    return isinstance(value, int) and 1 <= value <= MAX_DB_INT


def id_arg(name: str) -> int | None:
    """The id in the query's ``name`` (None when absent or not a number); 404 when no row can have it."""
    value = request.args.get(name, type=int)
    if value is not None and not stored_id(value):
        abort(404)
    return value


def event_participant(event, participant_id):
    """Any participant of ``event`` by id (the other side of a meeting), else 404."""
    participant = get_session().get(EventParticipant, participant_id) if stored_id(participant_id) else None
    if participant is None or participant.event_id != event.id:
        abort(404)
    return participant


def event_link(event_id: int) -> str:
    """The address of a fair's page, for the notices services send."""
    return url_for("events.show", event_id=event_id)


def requests_link(event_id: int) -> str:
    """The address of a fair's meeting-requests page (each viewer sees their own), for notices."""
    return url_for("events.requests", event_id=event_id)


def agenda_links(session, event) -> dict[int, str]:
    """The address of every participant's agenda, for the notices a build or a publication sends."""
    return {pid: url_for("events.agenda", event_id=event.id, participant_id=pid)
            for pid in event_schedule.participant_names(session, event)}


def slot_choices(event) -> list[SelectChoice]:
    return [SelectChoice(s, f"{s}–{event_schedule.slot_end(event, s)}") for s in event.slots or []]


def role_label(role: str) -> str:
    return {"buyer": tr("采购方", "Buyer"), "supplier": tr("供应方", "Supplier")}.get(role, role)


def slot_day(slot: str) -> str:
    """The ``YYYY-MM-DD`` of a slot of a fair over several days, else ``""``."""
    day = slot_parts(slot)[0]
    return day.isoformat() if day else ""


def slot_time(slot: str) -> str:
    return slot_parts(slot)[1]


def place_label(event) -> str:
    """Where a fair is held: ``江苏省苏州市工业园区`` (as much as is known), else ''."""
    region, city, district = event.region or "", (event.city or "").strip(), (event.district or "").strip()
    if city and region and place_key(city) == place_key(region):
        city = ""  # 上海市 is the province and the city
    elif city and region and not city.endswith(_CITY_ENDINGS):
        city += "市"
    return f"{region}{city}{district}"


def template_helpers() -> dict:
    return {"local_time": local_time, "place_label": place_label, "scope_of": scope_of, "slot_day": slot_day, "slot_time": slot_time,
            "role_label": role_label, "priority_label": priority_label, "request_status": shown_status,
            "can_manage_event": lambda e: event_service.can_manage(viewer(), e)}
