"""Background work: on an RQ queue when ``REDIS_URL`` is configured, in the calling process otherwise.

A caller that may hand work to the background builds :class:`Jobs` from the
site's configuration and passes it to the service. The service asks
:attr:`Jobs.in_process`; when the work is to be queued it enqueues one of its
own functions with plain arguments (ids, numbers, flags). A worker
(``matchmaker worker``) runs each job in a fresh application made by the
factory, so services never import the factory: the job function receives
``sessions``, a callable opening a session that commits on success (see
:func:`matchmaker.db.session_scope`), followed by its arguments.

A queue that cannot be reached raises :class:`QueueUnavailable` (also
``Jobs.Unavailable``, for services that get a ``Jobs`` but may not import this
module): the caller runs the work itself or refuses it with a message. A queued
job is tried up to :data:`RETRIES` more times when its worker dies under it or
it raises: an abandoned job is requeued by the next worker's maintenance (see
:func:`work`), so job functions must be safe to run again and write their
result in one transaction.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from importlib import import_module

from . import redis_client
from .app import create_app
from .db import get_engine, session_scope

__all__ = ["MAINTENANCE_SECONDS", "QUEUE", "RETRIES", "Jobs", "QueueUnavailable", "run_job", "work"]

log = logging.getLogger(__name__)

#: The RQ queue jobs are put on and ``matchmaker worker`` serves.
QUEUE = "schedules"
#: Further tries of a job whose worker died under it or that raised.
RETRIES = 2
#: How often a worker looks for jobs abandoned by a dead worker (RQ's default is 10 minutes);
#: such a job counts as abandoned once its last heartbeat is 90 s old.
MAINTENANCE_SECONDS = 60
#: Seconds the site waits for Redis when queueing a job.
ENQUEUE_TIMEOUT = 2.0


class QueueUnavailable(RuntimeError):
    """The job queue is configured but cannot be reached now."""

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

    #: What :meth:`enqueue` raises when the queue cannot be reached.
    Unavailable = QueueUnavailable

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
        in seconds. The job is tried again (:data:`RETRIES` times) when it fails.

        Raises
        ------
        QueueUnavailable
            Redis cannot be reached (or refuses the job); nothing was queued.
        """
        if self.in_process:
            raise RuntimeError("No job queue is configured (REDIS_URL is not set); run the work in-process.")
        if "." in func.__qualname__ or func.__name__ == "<lambda>":
            raise ValueError(f"{func.__qualname__} cannot be queued: a job must be a module-level function.")
        # Imported on use: Redis and RQ are an optional extra ("matchmaker[redis]").
        from rq import Queue, Retry

        connection = redis_client.connect(self.redis_url, timeout=ENQUEUE_TIMEOUT, retries=1)
        try:
            queue = Queue(self.queue, connection=connection)
            job = queue.enqueue(run_job, f"{func.__module__}:{func.__qualname__}", *args, job_timeout=timeout,
                                retry=Retry(max=RETRIES))
        except redis_client.errors() as exc:
            log.warning("the job queue cannot be reached (%s: %s)", type(exc).__name__, exc)
            raise QueueUnavailable(str(exc)) from exc
        finally:
            connection.close()
        return job.id

    def pending(self, job_id: str | None) -> bool:
        """Whether the queued job ``job_id`` is still to run or running (waiting to be tried again counts).

        Raises
        ------
        QueueUnavailable
            Redis cannot be reached.
        """
        if self.in_process or not job_id:
            return False
        from rq.exceptions import NoSuchJobError
        from rq.job import Job, JobStatus

        connection = redis_client.connect(self.redis_url, timeout=ENQUEUE_TIMEOUT, retries=1)
        try:
            status = Job.fetch(job_id, connection=connection).get_status()
        except NoSuchJobError:
            return False
        except redis_client.errors() as exc:
            log.warning("the job queue cannot be reached (%s: %s)", type(exc).__name__, exc)
            raise QueueUnavailable(str(exc)) from exc
        finally:
            connection.close()
        return status in (JobStatus.QUEUED, JobStatus.STARTED, JobStatus.SCHEDULED, JobStatus.DEFERRED)


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


def work(redis_url: str, *, burst: bool = False, queue: str = QUEUE) -> None:
    """Serve ``queue`` as an RQ worker until stopped (or, with ``burst``, until it is empty).

    Each job runs in a forked work horse. The worker looks for jobs abandoned by
    dead workers when it starts and every :data:`MAINTENANCE_SECONDS`, and puts
    them back on the queue while they have tries left.
    """
    from redis import Redis
    from rq import Queue, Worker

    connection = Redis.from_url(redis_url)
    Worker([Queue(queue, connection=connection)], connection=connection,
           maintenance_interval=MAINTENANCE_SECONDS).work(burst=burst)
