"""Build, store and publish a fair's meeting schedule with the pure scheduler.

One :class:`~matchmaker.models.Meeting` row exists per buyer-supplier pair of an
event, with a UID derived from the event and the pair, so calendars see the same
meeting across runs: a moved meeting keeps its UID and gets a higher
``sequence``; a meeting that drops out is marked ``cancelled``, never deleted.
"""
from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ... import scheduling, transactions
from ...domain.slots import slot_parts
from ...i18n import tr
from ...models import Event, EventParticipant, Meeting, MeetingRequest
from ...presentation import schedule_message_text
from .. import audit, notifications
from ..errors import NotAllowed, NotFound, ServiceError
from .core import EVENT_TZ, can_manage, manageable
from .requests import utcnow

__all__ = [
    "SCHEDULE_STATUSES",
    "BuildUnderWay",
    "BuiltMeanwhile",
    "build_problem",
    "data_problems",
    "lock_meeting",
    "meeting_of",
    "meeting_uid",
    "message_text",
    "participant_id",
    "participant_key",
    "participant_names",
    "publish",
    "run_schedule",
    "schedule_overview",
    "slot_end",
    "slot_start",
    "stored_meetings",
    "stored_message",
]

#: Event statuses in which a schedule may be (re)built.
SCHEDULE_STATUSES = ("open", "closed", "provisional", "final")
PUBLISHED = ("provisional", "final")
UID_NAMESPACE = uuid.UUID("6f1d3c2e-8d4b-5a7e-9c61-0b2f4e8a9d13")


class BuildUnderWay(ServiceError):
    """Another build of the event's schedule is running now; nothing was done."""


class BuiltMeanwhile(ServiceError):
    """Another build of the event's schedule finished while this one waited for it.

    Nothing was written; the schedule just stored is the one asked for.
    """


def meeting_uid(event_id: int, buyer_id: int, supplier_id: int) -> str:
    """The calendar UID of a pair's meeting at an event: the same on every run."""
    return f"{uuid.uuid5(UID_NAMESPACE, f'event/{event_id}/buyer/{buyer_id}/supplier/{supplier_id}')}@matchmaker"


def _approved(session: Session, event: Event) -> list[EventParticipant]:
    return session.scalars(select(EventParticipant).options(joinedload(EventParticipant.enterprise))
                           .where(EventParticipant.event_id == event.id, EventParticipant.status == "approved")
                           .order_by(EventParticipant.id)).all()


def participant_key(participant_id: int) -> str:
    """The id a participant has in a scheduling problem."""
    return f"P{participant_id}"


def participant_id(key: str) -> int:
    """The participant a scheduling-problem id stands for."""
    return int(key[1:])


def participant_names(session: Session, event: Event) -> dict[int, str]:
    rows = session.scalars(select(EventParticipant).options(joinedload(EventParticipant.enterprise))
                           .where(EventParticipant.event_id == event.id)).all()
    return {p.id: p.enterprise.name for p in rows}


def _as_meeting(m: Meeting, locked: bool | None = None) -> scheduling.Meeting:
    return scheduling.Meeting(participant_key(m.buyer_id), participant_key(m.supplier_id), m.slot, m.table,
                              m.priority, m.locked if locked is None else locked)


def stored_meetings(session: Session, event: Event, *, names: bool = False) -> list[Meeting]:
    """The event's scheduled (not cancelled) meetings, in slot order then table; with ``names`` each
    side's enterprise is read in the same query (for pages and sheets that name both sides)."""
    order = {s: i for i, s in enumerate(event.slots or [])}
    if names:
        sides = (joinedload(Meeting.buyer).joinedload(EventParticipant.enterprise),
                 joinedload(Meeting.supplier).joinedload(EventParticipant.enterprise))
    else:
        sides = (joinedload(Meeting.buyer), joinedload(Meeting.supplier))
    rows = session.scalars(select(Meeting).options(*sides)
                           .where(Meeting.event_id == event.id, Meeting.status == "scheduled")).unique().all()
    return sorted(rows, key=lambda m: (order.get(m.slot, len(order)), m.table))


def build_problem(session: Session, event: Event, allow_moves: bool = False) -> scheduling.Problem:
    """The scheduling problem of an event as stored now.

    Approved participants with their fixed tables, unavailable slots and meeting
    limits; accepted requests between approved participants; locked meetings; and,
    once the agenda is published, the published meetings as ``previous``.
    """
    people = _approved(session, event)
    approved = {p.id for p in people}
    slots = list(event.slots or [])
    participants = [scheduling.Participant(
        participant_key(p.id), p.role, table=p.table if p.role == "buyer" else None,
        unavailable=frozenset(s for s in (p.unavailable or []) if s in slots),
        max_meetings=p.max_meetings) for p in people]
    requests = [scheduling.Request(participant_key(r.buyer_id), participant_key(r.supplier_id), r.priority)
                for r in session.scalars(select(MeetingRequest).where(
                    MeetingRequest.event_id == event.id, MeetingRequest.status == "accepted")
                    .order_by(MeetingRequest.id))
                if r.buyer_id in approved and r.supplier_id in approved]
    current = [m for m in stored_meetings(session, event)
               if m.buyer_id in approved and m.supplier_id in approved and m.slot in slots]
    locked = [_as_meeting(m) for m in current if m.locked]
    previous = [_as_meeting(m) for m in current] if event.status in PUBLISHED else []
    return scheduling.Problem(slots=slots, tables=event.tables, participants=participants, requests=requests,
                              locked=locked, previous=previous, allow_moves=allow_moves,
                              max_meetings_default=event.max_meetings)


def data_problems(session: Session, event: Event) -> list[scheduling.Message]:
    """What in the event's data keeps it from being scheduled now (empty when nothing does).

    Fixed tables beyond the event's tables, locked meetings in a slot a participant
    marked unavailable, more locked meetings than a participant's limit and the like.
    """
    try:
        scheduling.validate(build_problem(session, event))
    except scheduling.InvalidEventError as exc:
        return exc.problems
    return []


def _keys(names: Mapping[int, str]) -> dict[str, str]:
    return {participant_key(pid): name for pid, name in names.items()}


def _request_ids(session: Session, event: Event) -> dict[tuple[int, int], int]:
    return {(r.buyer_id, r.supplier_id): r.id for r in session.scalars(
        select(MeetingRequest).where(MeetingRequest.event_id == event.id))}


def _store(session: Session, event: Event, result: scheduling.ScheduleResult) -> list[dict]:
    """Write ``result`` onto the event's meeting rows; return what changed since the last run."""
    rows = {(m.buyer_id, m.supplier_id): m for m in session.scalars(
        select(Meeting).where(Meeting.event_id == event.id))}
    requests = _request_ids(session, event)
    changes, kept = [], set()
    for m in result.meetings:
        pair = (participant_id(m.buyer), participant_id(m.supplier))
        kept.add(pair)
        row = rows.get(pair)
        if row is None:
            row = Meeting(event_id=event.id, buyer_id=pair[0], supplier_id=pair[1], slot=m.slot, table=m.table,
                          uid=meeting_uid(event.id, *pair), sequence=0, status="scheduled", locked=False)
            session.add(row)
            changes.append({"kind": "added", "pair": pair, "before": None, "after": [m.slot, m.table]})
        elif row.status != "scheduled":
            row.status, row.sequence, row.slot, row.table = "scheduled", row.sequence + 1, m.slot, m.table
            changes.append({"kind": "added", "pair": pair, "before": None, "after": [m.slot, m.table]})
        elif (row.slot, row.table) != (m.slot, m.table):
            changes.append({"kind": "moved", "pair": pair, "before": [row.slot, row.table],
                            "after": [m.slot, m.table]})
            row.slot, row.table, row.sequence = m.slot, m.table, row.sequence + 1
        row.priority, row.request_id = int(m.priority), requests.get(pair)
    for pair, row in rows.items():
        if pair not in kept and row.status == "scheduled":
            changes.append({"kind": "removed", "pair": pair, "before": [row.slot, row.table], "after": None})
            row.status, row.sequence, row.locked = "cancelled", row.sequence + 1, False
    session.flush()
    return changes


def _reasons(result: scheduling.ScheduleResult) -> dict[tuple[int, int], scheduling.Message]:
    why = {(participant_id(r.buyer), participant_id(r.supplier)): m for r, m in result.unscheduled}
    for c in result.changes:
        if c.reason is not None:
            why[(participant_id(c.buyer), participant_id(c.supplier))] = c.reason
    return why


def stored_message(value) -> scheduling.Message | str | None:
    """A scheduler message as kept in ``Event.schedule_stats`` (None when there is none).

    Statistics stored before messages were kept as data hold the English
    sentence itself, which is returned as it is.
    """
    if not value:
        return None
    if isinstance(value, str):
        return value
    return scheduling.Message.from_dict(value)


def message_text(value, names: dict[int, str]) -> str:
    """A stored scheduler message in the user's language, with participant names."""
    message = stored_message(value)
    if message is None:
        return ""
    if isinstance(message, str):
        return message
    return schedule_message_text(message, _keys(names))


def run_schedule(session: Session, user, event: Event, allow_moves: bool = False, time_limit: float = 10.0,
                 random_state=0, agenda_links: Mapping[int, str] | None = None) -> dict:
    """Build the event's schedule, store it and return the run's figures (also kept on the event).

    ``user`` None means the command line. With a published agenda, published
    meetings stay where they are unless ``allow_moves``, and participants whose
    meetings changed are told, with a link to ``agenda_links[participant id]``.
    Data that cannot be scheduled is refused with every problem, by enterprise name.

    One build of an event runs at a time: a second one started meanwhile is
    refused at once with :class:`BuildUnderWay` (PostgreSQL: an advisory lock,
    which blocks no other write to the fair while the solver runs; SQLite: the
    database's write lock, taken only when the result is stored). A build that
    finds another one stored a schedule since it started is refused with
    :class:`BuiltMeanwhile` and writes nothing. The meetings and figures are
    replaced in the caller's one transaction, so a schedule is never half stored.
    """
    if user is not None:
        manageable(user, event)
    # Builds of one event run one at a time. A build that had to wait for another one
    # stops there: the schedule it was asked for has just been made (see _claim).
    seen = (event.schedule_version or 0, event.status)
    if not transactions.claim_task(session, "schedule_build", event.id):
        raise BuildUnderWay(tr("该对接会的另一次排程正在进行，请稍候查看结果。",
                               "Another build of this fair's schedule is under way; check its result shortly."))
    _claim(session, event, seen, write=False)
    if event.status not in SCHEDULE_STATUSES:
        raise NotAllowed(tr("对接会当前状态不能排程。", "The fair cannot be scheduled in its current status."))
    problem = build_problem(session, event, allow_moves)
    if not problem.requests and not problem.locked:
        raise ServiceError(tr("还没有已接受的会谈邀约，无法排程。", "No accepted meeting requests to schedule yet."))
    try:
        result = scheduling.schedule(problem, time_limit=time_limit, random_state=random_state)
    except scheduling.InvalidEventError as exc:
        keys = _keys(participant_names(session, event))
        raise ServiceError(tr("排程数据有误：{p}", "The schedule cannot be built: {p}",
                              p=tr("；", "; ").join(schedule_message_text(m, keys) for m in exc.problems))) from None
    _claim(session, event, seen, write=True)
    changes = _store(session, event, result)
    why = _reasons(result)
    for c in changes:
        reason = why.get(c["pair"])
        c["reason"] = reason.to_dict() if reason is not None else None
    event.schedule_version = (event.schedule_version or 0) + 1
    stats = {
        "version": event.schedule_version, "built_at": utcnow().isoformat(timespec="seconds"),
        "built_by": getattr(user, "id", None), "allow_moves": bool(allow_moves), "published": event.status in PUBLISHED,
        "meetings": len(result.meetings), "requests": len(problem.requests),
        "total_priority": result.total_priority, "upper_bound": result.upper_bound,
        "gap": round(100 * result.gap, 2), "participants_met": result.participants_met,
        "participants_with_request": result.participants_with_request, "coverage_bound": result.coverage_bound,
        "optimal": result.optimal, "seconds": round(float(result.stats.get("time", 0.0)), 2),
        "method": result.stats.get("method"), "warnings": [w.to_dict() for w in result.warnings],
        "unscheduled": [{"pair": [participant_id(r.buyer), participant_id(r.supplier)], "priority": r.priority,
                         "reason": m.to_dict()} for r, m in result.unscheduled],
        "changes": [{**c, "pair": list(c["pair"])} for c in changes],
        "state": "done",
    }
    event.schedule_stats = stats
    audit.record(session, getattr(user, "id", None), "event.schedule", event, version=event.schedule_version,
                 meetings=stats["meetings"], changes=len(changes))
    if event.status in PUBLISHED and changes:
        _tell_changed(session, event, changes, agenda_links or {})
    session.flush()
    return stats


def _claim(session: Session, event: Event, seen: tuple[int, str], write: bool) -> None:
    """Refuse the build when the event changed since this build read it as ``seen`` (version, status).

    Another build stored a schedule meanwhile (:class:`BuiltMeanwhile`), or the
    agenda was published, which changes what a build must keep. With ``write`` the
    event is locked for writing first: SQLite takes its write lock only now, after
    the solver ran, not for the whole run. The meetings are then replaced and the
    figures stored in this one transaction.
    """
    if write:
        transactions.lock_for_write(session, event)
    if (event.schedule_version or 0) != seen[0]:
        raise BuiltMeanwhile(tr("另一次排程刚刚完成（第 {v} 版），请先查看结果，需要时再重新排程。",
                                "Another build of this schedule just finished (version {v}); check it before "
                                "building again.", v=event.schedule_version))
    if event.status != seen[1]:
        raise ServiceError(tr("排程期间对接会状态已变更，请重新排程。",
                              "The fair's status changed while the schedule was being built; build it again."))


def _tell_changed(session: Session, event: Event, changes: list[dict], agenda_links: Mapping[int, str]) -> None:
    touched = {pid for c in changes for pid in c["pair"]}
    for p in session.scalars(select(EventParticipant).where(EventParticipant.id.in_(touched))):
        notifications.notify_enterprise(session, p.enterprise_id, tr(
            "您在“{e}”的会谈日程有变动，请查看最新日程并更新日历。",
            "Your agenda for “{e}” changed; check it and update your calendar.", e=event.name),
            link=agenda_links.get(p.id), email_subject=tr("会谈日程变动", "Agenda changed"))


def publish(session: Session, user, event: Event, final: bool = False,
            agenda_links: Mapping[int, str] | None = None) -> Event:
    """Publish the schedule as a provisional or final agenda and tell every participant.

    Each participant's notice links to ``agenda_links[participant id]``.
    """
    manageable(user, event)
    transactions.lock_for_write(session, event)  # waits for a build under way, then publishes what it stored
    if not event.schedule_version:
        raise NotAllowed(tr("请先生成日程再发布。", "Build the schedule before publishing it."))
    if event.status == "final" and not final:
        raise NotAllowed(tr("日程已定稿。", "The agenda is already final."))
    if event.status not in SCHEDULE_STATUSES:
        raise NotAllowed(tr("对接会当前状态不能发布日程。", "The fair cannot publish an agenda in its status."))
    if final and event.status == "provisional":
        # TENTATIVE becomes CONFIRMED in every calendar: a client applies a change only when the
        # event's SEQUENCE grows, so each meeting still on the agenda counts a new revision.
        for meeting in session.scalars(select(Meeting).where(Meeting.event_id == event.id,
                                                             Meeting.status == "scheduled")):
            meeting.sequence = (meeting.sequence or 0) + 1
    event.status = "final" if final else "provisional"
    stats = dict(event.schedule_stats or {})
    stats["published"] = True
    stats["published_version"] = event.schedule_version
    event.schedule_stats = stats
    audit.record(session, user.id, "event.publish", event, status=event.status)
    text = (tr("“{e}”的会谈日程已定稿，请查看您的日程。", "The agenda of “{e}” is final; see your meetings.",
               e=event.name) if final else
            tr("“{e}”的会谈日程（暂定）已发布，请查看您的日程。", "A provisional agenda of “{e}” is out; see your meetings.",
               e=event.name))
    agenda_links = agenda_links or {}
    for p in _approved(session, event):
        notifications.notify_enterprise(session, p.enterprise_id, text, link=agenda_links.get(p.id),
                                        email_subject=tr("会谈日程", "Meeting agenda"))
    return event


def meeting_of(session: Session, event: Event, meeting_id: int, user) -> Meeting:
    """A meeting of ``event`` that the organisers manage, else NotFound."""
    m = session.get(Meeting, meeting_id)
    if m is None or m.event_id != event.id or not can_manage(user, event):
        raise NotFound(tr("会谈不存在。", "No such meeting."))
    return m


def lock_meeting(session: Session, user, meeting: Meeting, locked: bool) -> Meeting:
    manageable(user, meeting.buyer.event)
    if meeting.status != "scheduled":
        raise NotAllowed(tr("已取消的会谈不能锁定。", "A cancelled meeting cannot be locked."))
    meeting.locked = locked
    audit.record(session, user.id, "event.meeting.lock" if locked else "event.meeting.unlock", meeting)
    return meeting


def schedule_overview(session: Session, event: Event) -> dict:
    """What the schedule page shows: the grid, the last run's figures, the changes, reasons
    and warnings, and what in the event's data keeps it from being scheduled, in the user's
    language with participant names."""
    meetings = stored_meetings(session, event)
    names = participant_names(session, event)
    stats = dict(event.schedule_stats or {})
    grid = {slot: {} for slot in event.slots or []}
    for m in meetings:
        grid.setdefault(m.slot, {})[m.table] = m
    label = {"added": tr("新增", "Added"), "moved": tr("调整", "Moved"), "removed": tr("取消", "Removed")}

    def pair(p):
        return names.get(p[0], "?"), names.get(p[1], "?")

    changes = [{"kind": c["kind"], "label": label[c["kind"]], "buyer": pair(c["pair"])[0],
                "supplier": pair(c["pair"])[1], "before": c.get("before"), "after": c.get("after"),
                "reason": message_text(c.get("reason"), names)} for c in stats.get("changes", [])]
    unscheduled = [{"buyer": pair(u["pair"])[0], "supplier": pair(u["pair"])[1], "priority": u["priority"],
                    "reason": message_text(u["reason"], names)} for u in stats.get("unscheduled", [])]
    warnings = [message_text(w, names) for w in stats.get("warnings", [])]
    problems = [schedule_message_text(m, _keys(names)) for m in data_problems(session, event)]
    return {"meetings": meetings, "grid": grid, "tables": list(range(1, event.tables + 1)), "stats": stats,
            "changes": changes, "unscheduled": unscheduled, "warnings": warnings, "problems": problems,
            "built": bool(event.schedule_version)}


def slot_end(event: Event, slot: str) -> str:
    """The ``"HH:MM"`` a meeting in ``slot`` ends (on the slot's own day)."""
    start = dt.datetime.strptime(slot_parts(slot)[1], "%H:%M") + dt.timedelta(minutes=event.meeting_minutes)
    return start.strftime("%H:%M")


def slot_start(event: Event, slot: str) -> dt.datetime:
    """When a meeting in ``slot`` starts, in the venue's time zone (the slot's day, else the fair's)."""
    day, hhmm = slot_parts(slot)
    hours, minutes = map(int, hhmm.split(":"))
    return dt.datetime.combine(day or event.date, dt.time(hours, minutes), tzinfo=EVENT_TZ)
