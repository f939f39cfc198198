"""A worker killed in the middle of a schedule build: the stored schedule is untouched, the job is tried again."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from matchmaker.db import get_engine, session_scope
from matchmaker.jobs import QUEUE
from matchmaker.models import Event, Meeting, User
from matchmaker.services.events import schedule as event_schedule
from tests.faults.conftest import site
from tests.integration import events_support as es

pytestmark = pytest.mark.faults

WAITING_ON_A_LOCK = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     "AND wait_event_type = 'Lock'")
OTHERS_IN_A_TRANSACTION = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid() AND (state LIKE 'idle in transaction%' OR state = 'active')")


def _worker(app, tmp_path, *args) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": app.config["REDIS_URL"],
           "MATCHMAKER_INSTANCE": str(tmp_path / "instance")}
    with open(tmp_path / "worker.log", "ab") as log:
        return subprocess.Popen([sys.executable, "-m", "matchmaker.cli", "worker", *args], env=env, cwd=tmp_path,
                                stdout=log, stderr=log)


def _family(pid: int) -> list[int]:
    """``pid`` and every process below it (RQ runs each job in a work horse of its own process group)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                todo.extend(int(child) for child in (task / "children").read_text().split())
            except OSError:
                pass
    return found


def _kill_hard(pid: int) -> None:
    """What a lost machine or an out-of-memory kill does: everything stops at once, nothing cleans up."""
    family = _family(pid)
    for member in family:
        os.kill(member, signal.SIGSTOP)
    for member in family:
        os.kill(member, signal.SIGKILL)


def _until(condition, timeout: float, what: str, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    detail = log.read_text(errors="replace")[-3000:] if log is not None and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{detail}")


def _schedule(app, event_id: int) -> tuple[int, dict]:
    with session_scope(app) as session:
        event = session.get(Event, event_id)
        meetings = {(m.buyer_id, m.supplier_id): (m.slot, m.table, m.status, m.sequence)
                    for m in session.scalars(select(Meeting).where(Meeting.event_id == event_id))}
        return event.schedule_version, dict(event.schedule_stats or {}), meetings


def _scalar(app, sql: str) -> int:
    with get_engine(app).connect() as conn:
        return conn.execute(text(sql)).scalar()


def test_a_killed_build_leaves_the_schedule_intact_and_is_retried(tmp_path, monkeypatch, postgres_server,
                                                                  redis_server):
    from redis import Redis
    from rq import Queue
    from rq.registry import StartedJobRegistry

    app = site(tmp_path, monkeypatch, postgres_server.url, redis_server.url)
    with session_scope(app) as db:
        people = es.fair(db, buyers=2, suppliers=3)
        (b1, _), (b2, _) = people["buyers"]
        s1, s2, s3 = (p for p, _ in people["suppliers"])
        for buyer, supplier in ((b1, s1), (b1, s2), (b2, s1), (b2, s3)):
            es.accepted(db, buyer, supplier)
        event_id, organiser_id = people["event"].id, people["organiser"].id
    with session_scope(app) as db:  # built and published before the fault
        event, organiser = db.get(Event, event_id), db.get(User, organiser_id)
        event_schedule.run_schedule(db, organiser, event, time_limit=2)
        event_schedule.publish(db, organiser, event, agenda_links={})
    with session_scope(app) as db:
        es.accepted(db, b2, s2)  # a new request: the next build adds a meeting
    version, _, published = _schedule(app, event_id)
    assert version == 1 and len(published) == 4

    client = app.test_client()
    with client.session_transaction() as sess:
        sess["_user_id"] = str(organiser_id)
        sess["_fresh"] = True
    assert client.post(f"/events/{event_id}/schedule/build", data={"time_limit": "2"}).status_code == 302
    assert _schedule(app, event_id)[1]["state"] == "queued"

    redis = Redis.from_url(redis_server.url)
    queue = Queue(QUEUE, connection=redis)
    lock = get_engine(app).connect()
    worker = None
    try:
        # The build will wait at its first write into the meetings.
        lock.execute(text(f"LOCK TABLE {Meeting.__table__.name} IN EXCLUSIVE MODE"))
        worker = _worker(app, tmp_path)
        _until(lambda: _scalar(app, WAITING_ON_A_LOCK) > 0, 120, "the worker to reach the schedule's write",
               tmp_path / "worker.log")
        [job_id] = StartedJobRegistry(QUEUE, connection=redis).get_job_ids()
        assert len(_family(worker.pid)) == 2  # the worker and its work horse
        _kill_hard(worker.pid)
        worker.wait(30)
    finally:
        if worker is not None and worker.poll() is None:
            _kill_hard(worker.pid)
            worker.wait(30)
        lock.rollback()
        lock.close()
    _until(lambda: _scalar(app, OTHERS_IN_A_TRANSACTION) == 0, 30, "the dead worker's transaction to end")

    # Nothing of the killed build was written.
    version, stats, meetings = _schedule(app, event_id)
    assert version == 1 and meetings == published and stats["state"] == "running"

    # Once the dead worker's heartbeat has lapsed (90 s; a worker's maintenance looks every minute),
    # its job goes back on the queue with one try fewer; a new worker builds the schedule.
    StartedJobRegistry(QUEUE, connection=redis).cleanup(timestamp=time.time() + 120)
    assert queue.job_ids == [job_id] and queue.fetch_job(job_id).retries_left == 1
    done = _worker(app, tmp_path, "--burst")
    assert done.wait(180) == 0, (tmp_path / "worker.log").read_text(errors="replace")[-3000:]

    version, stats, meetings = _schedule(app, event_id)
    assert version == 2 and stats["state"] == "done" and stats["meetings"] == 5
    assert {pair: row[:2] for pair, row in meetings.items() if pair in published} == \
        {pair: row[:2] for pair, row in published.items()}  # the published meetings stayed where they were
    assert meetings[(b2.id, s2.id)][2] == "scheduled"
    assert queue.count == 0
    redis.close()
