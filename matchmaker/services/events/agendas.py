"""The organisers' view of a built schedule: each participant's meetings and each table's day.

Both read what the participants' agendas and the sign-in sheet read
(:func:`.exports.agenda`, :func:`.exports.signin_sheet`,
:func:`.schedule.stored_meetings`); organisers see a schedule as soon as it is
built, before it is published.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ...i18n import tr
from ...models import Event, EventParticipant, Meeting
from ..errors import NotFound
from ..names import name_key
from ..search import fold
from .core import manageable
from .exports import AgendaItem, agenda, signin_sheet
from .schedule import slot_end, stored_meetings

__all__ = ["TableCell", "TableDay", "agenda_people", "participant_agenda", "table_days"]


@dataclass
class TableCell:
    """One slot at one table: the meeting held there, or None when the table is free."""

    slot: str
    end: str
    meeting: Meeting | None


@dataclass
class TableDay:
    """A table's meetings over the fair's slots; ``buyer`` is the buyer fixed at the table, if any."""

    table: int
    buyer: EventParticipant | None
    cells: list[TableCell]

    @property
    def meetings(self) -> int:
        return sum(1 for c in self.cells if c.meeting is not None)


def _matches(row: dict, query: str) -> bool:
    """Whether a sign-in row's name (any script or width, with or without 有限公司), credit code
    or participant code (``P12``) holds ``query``."""
    name = row["name"]
    if fold(query) in fold(name) or (name_key(query) and name_key(query) in name_key(name)):
        return True
    code = fold(query).replace(" ", "").upper()
    uscc = row["participant"].enterprise.uscc or ""
    return (len(code) >= 4 and code in uscc) or code.lstrip("P#") == str(row["participant"].id)


def agenda_people(session: Session, user, event: Event, query: str | None = None) -> list[dict]:
    """The approved participants an organiser may open an agenda of, as the sign-in sheet lists them
    (buyers first, then by name; with table, number of meetings and first slot), those matching ``query``."""
    manageable(user, event)
    rows = signin_sheet(session, event)
    query = (query or "").strip()
    return [r for r in rows if _matches(r, query)] if query else rows


def participant_agenda(session: Session, user, event: Event, participant_id: int) -> tuple[EventParticipant,
                                                                                           list[AgendaItem]]:
    """A participant of ``event`` and its meetings in time order, cancelled ones included (marked)."""
    manageable(user, event)
    participant = session.get(EventParticipant, participant_id)
    if participant is None or participant.event_id != event.id:
        raise NotFound(tr("参会企业不存在。", "No such participant."))
    return participant, agenda(session, participant, with_cancelled=True)


def table_days(session: Session, user, event: Event) -> list[TableDay]:
    """Every table of the fair with its meetings over the slots, in table order.

    Two queries whatever the size of the fair: the meetings with both sides' enterprises,
    and the buyers fixed at tables with theirs.
    """
    manageable(user, event)
    slots = list(event.slots or [])
    at: dict[tuple[int, str], Meeting] = {(m.table, m.slot): m for m in stored_meetings(session, event, names=True)}
    fixed = {p.table: p for p in session.scalars(
        select(EventParticipant).options(joinedload(EventParticipant.enterprise))
        .where(EventParticipant.event_id == event.id, EventParticipant.table.isnot(None),
               EventParticipant.status == "approved", EventParticipant.role == "buyer"))}
    tables = sorted(set(range(1, event.tables + 1)) | {t for t, _ in at})
    ends = {s: slot_end(event, s) for s in slots}
    return [TableDay(t, fixed.get(t), [TableCell(s, ends[s], at.get((t, s))) for s in slots]) for t in tables]
