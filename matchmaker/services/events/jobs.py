"""Schedule builds: queued for a worker when the site has a job queue, built in the request otherwise.

A queue that is configured but cannot be reached does not stop the organiser:
the schedule is then built in the request, as on a site without a queue. A
build asked for while an earlier one of the event is still queued or running
is not queued again: the page already says the schedule is being built.
"""
from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from ... import transactions
from ...models import Event, User
from ..errors import ServiceError
from .core import manageable
from .schedule import BuildUnderWay, BuiltMeanwhile, run_schedule

__all__ = ["build_schedule", "run_schedule_job"]

log = logging.getLogger(__name__)

#: States of a build that a worker has yet to finish.
UNFINISHED = ("queued", "running")


def build_schedule(session: Session, user, event: Event, allow_moves: bool, time_limit: float, jobs,
                   agenda_links: dict[int, str] | None = None) -> dict:
    """Build the event's schedule now, or queue the build when ``jobs`` runs work in the background.

    ``jobs`` is the site's :class:`matchmaker.jobs.Jobs`; ``agenda_links`` maps
    participant ids to their agenda's address, for the notices of a changed
    agenda (see :func:`.schedule.run_schedule`). Returns the event's
    new ``schedule_stats``: the figures of the build (``state`` ``"done"``), or
    ``state`` ``"queued"`` with the ``job`` id (also when an earlier build of
    the event is still queued or running: nothing more is queued then). When
    the queue cannot be reached the build runs here and now.
    """
    if jobs.in_process:
        return run_schedule(session, user, event, allow_moves, time_limit, agenda_links=agenda_links)
    manageable(user, event)
    # One click at a time decides whether to queue (PostgreSQL; SQLite would hold its only write
    # lock through an in-process build).
    transactions.lock_row(session, event)
    stats = dict(event.schedule_stats or {})
    try:
        if stats.get("state") in UNFINISHED and jobs.pending(stats.get("job")):
            return stats
        job_id = jobs.enqueue(run_schedule_job, event.id, getattr(user, "id", None), allow_moves, time_limit,
                              agenda_links, event.schedule_version or 0, timeout=int(time_limit) + 300)
    except jobs.Unavailable:
        log.warning("the job queue cannot be reached; building the schedule of event %s in this process", event.id)
        return run_schedule(session, user, event, allow_moves, time_limit, agenda_links=agenda_links)
    stats.update({"state": "queued", "job": job_id})
    event.schedule_stats = stats
    return stats


def run_schedule_job(sessions, event_id: int, user_id: int | None, allow_moves: bool, time_limit: float,
                     agenda_links: dict[int, str] | None = None, seen_version: int | None = None) -> dict:
    """The queued build: mark the event running, build, and record a failure on the event.

    ``sessions()`` opens a session that commits on success (given by the worker).
    The schedule is written in one transaction: a worker that dies during the
    build leaves the stored schedule as it was, and the job, tried again,
    builds it from the start. A build that another one overtook writes nothing,
    and so does a job that finds a schedule newer than the one it was asked to
    replace (``seen_version``: the click that queued it was answered meanwhile,
    e.g. by a build in the request while the queue was down).
    """
    with sessions() as session:
        # Locked, so that a build committing meanwhile is not overwritten by a stale copy of its figures.
        event = session.get(Event, event_id)
        if event is None:
            return {}
        event = transactions.lock_for_write(session, event)
        stats = dict(event.schedule_stats or {})
        if seen_version is not None and (event.schedule_version or 0) != seen_version:
            return stats
        stats["state"] = "running"
        event.schedule_stats = stats
    with sessions() as session:
        event = session.get(Event, event_id)
        user = session.get(User, user_id) if user_id else None
        try:
            return run_schedule(session, user, event, allow_moves, time_limit, agenda_links=agenda_links)
        except (BuiltMeanwhile, BuildUnderWay):
            # The schedule asked for is being, or was just, built by another build: keep its figures.
            session.rollback()
            return dict(session.get(Event, event_id).schedule_stats or {})
        except ServiceError as exc:
            session.rollback()
            event = session.get(Event, event_id)
            stats = dict(event.schedule_stats or {})
            stats.update({"state": "failed", "error": exc.message})
            event.schedule_stats = stats
            return stats
