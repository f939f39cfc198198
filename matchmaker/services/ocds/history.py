"""The history of each published demand: its events in order, from a few narrow queries.

A demand's history starts with its publication (the first ``demand.published``
audit entry, or ``published_at`` for a demand written without one) and goes on
with the later status moves, content changes (``demand.update``) and accepted
applications. Nothing before publication counts; a demand cancelled before it was
published has no history. The n-th event of a history is its release number n.

An event's date is its audit entry's. Events that have none (rows written without
the site's services) take dates that never move: an award its application's
submission (and never earlier than the tender), a status change the date of the
event before it; never an ``updated_at``, which later edits would move, changing
the dates and order of releases already published.

The histories are read again only when the database has changed since
(:func:`history_stamp`, a handful of indexed maxima and counts), so pages of the
API do not each read every demand's history.
"""
from __future__ import annotations

import datetime as dt
import threading
import weakref
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import Application, AuditLog, Demand

__all__ = ["STATUS_AFTER", "Event", "history_stamp", "read_histories", "utc"]

_STATUS_ACTIONS = {"demand.published": "reopen", "demand.closed": "closed", "demand.awarded": "awarded",
                   "demand.cancelled": "cancelled", "demand.update": "update"}
#: The demand status an event leaves behind (content changes and awards keep it).
STATUS_AFTER = {"tender": "published", "reopen": "published", "closed": "closed", "awarded": "awarded",
                "cancelled": "cancelled"}
_EVENT_OF_STATUS = {"published": "reopen", "closed": "closed", "awarded": "awarded", "cancelled": "cancelled"}
_LAST = 2**62  # orders an event without an audit entry after those with one at the same instant


@dataclass(frozen=True)
class Event:
    demand_id: int
    seq: int  # 1-based position in the demand's history
    kind: str  # tender, reopen, closed, awarded, cancelled, update, award
    date: dt.datetime
    audit_id: int | None = None
    application_id: int | None = None


def utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _int_id(text) -> int | None:
    return int(text) if isinstance(text, str) and text.isdigit() and len(text) < 12 else None


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine -> (stamp, histories)
_CACHE_LOCK = threading.Lock()


def history_stamp(session: Session) -> tuple:
    """What moves whenever a history may change: the newest audit entry, and the count
    and latest change of the demands and of the accepted applications (one query on
    indexed columns)."""
    accepted = Application.status == "accepted"
    row = session.execute(select(
        select(func.max(AuditLog.id)).scalar_subquery(),
        select(func.count(Demand.id)).scalar_subquery(),
        select(func.max(Demand.updated_at)).scalar_subquery(),
        select(func.count(Application.id)).where(accepted).scalar_subquery(),
        select(func.max(Application.id)).where(accepted).scalar_subquery(),
        select(func.max(Application.updated_at)).where(accepted).scalar_subquery(),
    )).one()
    return tuple(str(value) for value in row)


def read_histories(session: Session) -> Mapping[int, list[Event]]:
    """Every published demand's events in order (shared between callers: do not change it).

    Read from the database when :func:`history_stamp` has moved since the last
    read on the same database, else the histories of that read.
    """
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    stamp = history_stamp(session)
    with _CACHE_LOCK:
        cached = _CACHE.get(engine)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    histories = _read_histories(session)
    with _CACHE_LOCK:
        _CACHE[engine] = (stamp, histories)
    return histories


def _read_histories(session: Session) -> dict[int, list[Event]]:
    demands = session.execute(select(Demand.id, Demand.status, Demand.published_at, Demand.created_at)
                              .where(Demand.status != "draft")).all()
    wanted = {row.id for row in demands}
    audits: dict[int, list[_Entry]] = defaultdict(list)
    for audit_id, object_id, action, created, details in session.execute(
            select(AuditLog.id, AuditLog.object_id, AuditLog.action, AuditLog.created_at, AuditLog.details)
            .where(AuditLog.object_type == "Demand", AuditLog.action.in_(tuple(_STATUS_ACTIONS)))
            .order_by(AuditLog.id)):
        demand_id = _int_id(object_id)
        if demand_id in wanted:
            previous = details.get("previous") if isinstance(details, dict) else None
            audits[demand_id].append(_Entry(audit_id, _STATUS_ACTIONS[action], utc(created), previous))
    accepted_at = {}
    for object_id, audit_id, created in session.execute(
            select(AuditLog.object_id, func.min(AuditLog.id), func.min(AuditLog.created_at))
            .where(AuditLog.object_type == "Application", AuditLog.action == "application.accepted")
            .group_by(AuditLog.object_id)):
        if _int_id(object_id) is not None:
            accepted_at[_int_id(object_id)] = (audit_id, created)
    awards: dict[int, list] = defaultdict(list)
    for app_id, demand_id, submitted in session.execute(
            select(Application.id, Application.demand_id, Application.created_at)
            .where(Application.status == "accepted")):
        audit_id, date = accepted_at.get(app_id, (None, submitted))
        awards[demand_id].append((app_id, audit_id, utc(date)))
    histories = {}
    for row in demands:
        events = _history(row, audits.get(row.id, []), awards.get(row.id, []))
        if events:
            histories[row.id] = events
    return histories


@dataclass(frozen=True)
class _Entry:
    """A demand's audit entry: its id, the event it records, when, and the status it left."""

    id: int
    kind: str
    date: dt.datetime
    previous: str | None


def _start(row, audits: list[_Entry]) -> tuple[dt.datetime, int | None] | None:
    """When the demand was first published, and the audit entry saying so; None if it never was."""
    for entry in audits:
        if entry.kind == "reopen" and entry.previous in (None, "draft"):
            return entry.date, entry.id
    published_before = any(e.previous in _EVENT_OF_STATUS for e in audits)
    if row.status == "cancelled" and row.published_at is None and not published_before:
        return None  # withdrawn before it was ever published
    date = utc(row.published_at or row.created_at)
    if any(e.kind == "reopen" and e.date <= date for e in audits):
        date = utc(row.created_at)  # published_at was moved by a reopening; the first one is lost
    return date, None


def _history(row, audits: list[_Entry], awards: list) -> list[Event]:
    start = _start(row, audits)
    if start is None:
        return []
    started, start_id = start
    later = []  # (date, order, kind, audit id, application id, status left behind)
    for entry in audits:
        if entry.id == start_id or (start_id is not None and entry.id < start_id) or (
                start_id is None and entry.date <= started):
            continue
        later.append((entry.date, entry.id, entry.kind, entry.id, None, entry.previous))
    for app_id, audit_id, date in awards:
        later.append((max(date, started), audit_id or _LAST, "award", audit_id, app_id, None))
    later.sort(key=lambda e: (e[0], e[1], e[4] or 0))
    events = [Event(row.id, 1, "tender", started, start_id)]
    status = "published"

    def add(date, kind, audit_id=None, app_id=None):
        events.append(Event(row.id, len(events) + 1, kind, max(date, events[-1].date), audit_id, app_id))

    for date, _, kind, audit_id, app_id, previous in later:
        if kind in STATUS_AFTER and previous in _EVENT_OF_STATUS and previous != status:
            # A move the audit log does not hold (rows written directly): the entry names it.
            add(date, _EVENT_OF_STATUS[previous])
        add(date, kind, audit_id, app_id)
        status = STATUS_AFTER.get(kind, status)
    if status != row.status and row.status in _EVENT_OF_STATUS:
        # A move the audit log does not hold: dated as the event before it, a date that stays.
        add(events[-1].date, _EVENT_OF_STATUS[row.status])
    return events
