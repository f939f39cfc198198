"""Schedule builds in the background: an RQ job when ``REDIS_URL`` is set, in-process otherwise."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import Event, User
from . import event_schedule
from .events import manageable

__all__ = ["QUEUE", "queue_schedule", "run_schedule_job"]

QUEUE = "schedules"


def queue_schedule(session: Session, user, event: Event, redis_url: str, allow_moves: bool,
                   time_limit: float) -> str:
    """Put a schedule build on the RQ queue and mark the event as queued; returns the job id."""
    from redis import Redis
    from rq import Queue
    manageable(user, event)
    job = Queue(QUEUE, connection=Redis.from_url(redis_url)).enqueue(
        run_schedule_job, event.id, getattr(user, "id", None), allow_moves, time_limit,
        job_timeout=int(time_limit) + 300)
    stats = dict(event.schedule_stats or {})
    stats.update({"state": "queued", "job": job.id})
    event.schedule_stats = stats
    return job.id


def run_schedule_job(event_id: int, user_id: int | None, allow_moves: bool, time_limit: float) -> dict:
    """The worker side: build the schedule in a fresh app and record failure on the event."""
    from .. import create_app
    from ..db import get_engine, session_scope
    from .errors import ServiceError
    app = create_app()
    try:
        with app.app_context():
            with session_scope(app) as session:
                event = session.get(Event, event_id)
                stats = dict(event.schedule_stats or {})
                stats["state"] = "running"
                event.schedule_stats = stats
            with session_scope(app) as session:
                event = session.get(Event, event_id)
                user = session.get(User, user_id) if user_id else None
                try:
                    return event_schedule.run_schedule(session, user, event, allow_moves, time_limit)
                except ServiceError as exc:
                    session.rollback()
                    event = session.get(Event, event_id)
                    stats = dict(event.schedule_stats or {})
                    stats.update({"state": "failed", "error": exc.message})
                    event.schedule_stats = stats
                    return stats
    finally:
        get_engine(app).dispose()
