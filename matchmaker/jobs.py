"""Background work: on an RQ queue when ``REDIS_URL`` is configured, in the calling process otherwise.

A caller that may hand work to the background builds :class:`Jobs` from the
site's configuration and passes it to the service. The service asks
:attr:`Jobs.in_process`; when the work is to be queued it enqueues one of its
own functions with plain arguments (ids, numbers, flags). A worker
(``matchmaker worker``) runs each job in a fresh application made by the
factory, so services never import the factory: the job function receives
``sessions``, a callable opening a session that commits on success (see
:func:`matchmaker.db.session_scope`), followed by its arguments.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module

from .app import create_app
from .db import get_engine, session_scope

__all__ = ["QUEUE", "Jobs", "run_job"]

#: The RQ queue jobs are put on and ``matchmaker worker`` serves.
QUEUE = "schedules"

#: Job functions that moved, by their former ``"module:function"`` name, so that
#: jobs queued before an upgrade still run after it.
MOVED = {
    "matchmaker.services.event_jobs:run_schedule_job": "matchmaker.services.events.jobs:run_schedule_job",
}


class Jobs:
    """Where background work runs.

    Parameters
    ----------
    redis_url : str or None
        The Redis server of the RQ queue; ``None`` runs work in the calling process.
    queue : str, default :data:`QUEUE`
    """

    def __init__(self, redis_url: str | None = None, queue: str = QUEUE):
        self.redis_url = redis_url or None
        self.queue = queue

    @classmethod
    def from_config(cls, config: Mapping) -> Jobs:
        """Jobs of a site configuration: queued when it sets ``REDIS_URL``."""
        return cls(config.get("REDIS_URL"))

    @property
    def in_process(self) -> bool:
        """Whether work runs in the calling process (no queue configured)."""
        return self.redis_url is None

    def enqueue(self, func: Callable, *args, timeout: int) -> str:
        """Queue ``func(sessions, *args)`` for a worker; returns the job id.

        ``func`` must be a module-level function and ``args`` plain values, so
        that a worker in another process can find and call it. ``timeout`` is
        in seconds.
        """
        if self.in_process:
            raise RuntimeError("No job queue is configured (REDIS_URL is not set); run the work in-process.")
        if "." in func.__qualname__ or func.__name__ == "<lambda>":
            raise ValueError(f"{func.__qualname__} cannot be queued: a job must be a module-level function.")
        # Imported on use: Redis and RQ are an optional extra ("matchmaker[redis]").
        from redis import Redis
        from rq import Queue

        queue = Queue(self.queue, connection=Redis.from_url(self.redis_url))
        job = queue.enqueue(run_job, f"{func.__module__}:{func.__qualname__}", *args, job_timeout=timeout)
        return job.id


def run_job(target: str, *args):
    """The worker side: call ``target`` (``"module:function"``) inside a fresh application.

    The application is built by the factory from the environment, as
    ``matchmaker worker`` is; its database connections are closed afterwards.
    """
    module, _, name = MOVED.get(target, target).partition(":")
    func = getattr(import_module(module), name)
    app = create_app()
    try:
        with app.app_context():
            return func(lambda: session_scope(app), *args)
    finally:
        get_engine(app).dispose()
