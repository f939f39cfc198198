"""Schedule builds: queued for a worker when the site has a job queue, built in the request otherwise."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...models import Event, User
from ..errors import ServiceError
from .core import manageable
from .schedule import run_schedule

__all__ = ["build_schedule", "run_schedule_job"]


def build_schedule(session: Session, user, event: Event, allow_moves: bool, time_limit: float, jobs,
                   agenda_links: dict[int, str] | None = None) -> dict:
    """Build the event's schedule now, or queue the build when ``jobs`` runs work in the background.

    ``jobs`` is the site's :class:`matchmaker.jobs.Jobs`; ``agenda_links`` maps
    participant ids to their agenda's address, for the notices of a changed
    agenda (see :func:`.schedule.run_schedule`). Returns the event's
    new ``schedule_stats``: the figures of the build (``state`` ``"done"``), or
    ``state`` ``"queued"`` with the ``job`` id.
    """
    if jobs.in_process:
        return run_schedule(session, user, event, allow_moves, time_limit, agenda_links=agenda_links)
    manageable(user, event)
    job_id = jobs.enqueue(run_schedule_job, event.id, getattr(user, "id", None), allow_moves, time_limit,
                          agenda_links, timeout=int(time_limit) + 300)
    stats = dict(event.schedule_stats or {})
    stats.update({"state": "queued", "job": job_id})
    event.schedule_stats = stats
    return stats


def run_schedule_job(sessions, event_id: int, user_id: int | None, allow_moves: bool, time_limit: float,
                     agenda_links: dict[int, str] | None = None) -> dict:
    """The queued build: mark the event running, build, and record a failure on the event.

    ``sessions()`` opens a session that commits on success (given by the worker).
    """
    with sessions() as session:
        event = session.get(Event, event_id)
        stats = dict(event.schedule_stats or {})
        stats["state"] = "running"
        event.schedule_stats = stats
    with sessions() as session:
        event = session.get(Event, event_id)
        user = session.get(User, user_id) if user_id else None
        try:
            return run_schedule(session, user, event, allow_moves, time_limit, agenda_links=agenda_links)
        except ServiceError as exc:
            session.rollback()
            event = session.get(Event, event_id)
            stats = dict(event.schedule_stats or {})
            stats.update({"state": "failed", "error": exc.message})
            event.schedule_stats = stats
            return stats
