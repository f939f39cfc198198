"""A configured Redis or database that is down: the site degrades, the command line says so in one line."""
from __future__ import annotations

import logging
import time

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from matchmaker import create_app
from matchmaker.cli import EXIT_UNAVAILABLE, main
from matchmaker.jobs import Jobs, QueueUnavailable
from matchmaker.models import Meeting
from matchmaker.ratelimits import SQLiteFileStorage, storage_uri
from tests.integration import events_support as es
from tests.integration import helpers as h

#: Nothing listens on port 1.
DEAD_REDIS = "redis://127.0.0.1:1/0"
DEAD_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
PASSWORD = "correct horse battery"


def nothing(sessions) -> None:
    """A job that does nothing."""


# -- jobs ------------------------------------------------------------------------

def test_a_queue_that_cannot_be_reached_refuses_the_job_at_once():
    pytest.importorskip("redis")
    jobs = Jobs(DEAD_REDIS)
    started = time.monotonic()
    with pytest.raises(QueueUnavailable):
        jobs.enqueue(nothing, timeout=10)
    assert time.monotonic() - started < 5
    assert Jobs.Unavailable is QueueUnavailable  # what services catch without importing the module


def test_a_schedule_build_is_built_in_the_request_when_the_queue_is_down(app, client, db, caplog):
    pytest.importorskip("redis")
    people = es.fair(db, buyers=2, suppliers=2)
    for buyer, _ in people["buyers"]:
        for supplier, _ in people["suppliers"]:
            es.accepted(db, buyer, supplier)
    db.commit()
    event = people["event"]
    app.config["REDIS_URL"] = DEAD_REDIS
    es.as_user(client, people["organiser"])
    page = client.post(f"/events/{event.id}/schedule/build", data={"time_limit": "2"}, follow_redirects=True)
    assert page.status_code == 200 and "日程已生成：4 场会谈" in page.get_data(as_text=True)
    db.expire_all()
    assert event.schedule_stats["state"] == "done"
    assert db.scalar(select(func.count(Meeting.id)).where(Meeting.event_id == event.id)) == 4
    assert "building the schedule of event" in caplog.text


@pytest.mark.redis
def test_a_build_still_queued_is_not_queued_again(app, client, db, job_queue):
    from rq import SimpleWorker

    people = es.fair(db, buyers=1, suppliers=2)
    for supplier, _ in people["suppliers"]:
        es.accepted(db, people["buyers"][0][0], supplier)
    db.commit()
    event = people["event"]
    es.as_user(client, people["organiser"])
    for _ in range(3):  # impatient clicks
        client.post(f"/events/{event.id}/schedule/build", data={"time_limit": "2"})
    assert job_queue.count == 1
    SimpleWorker([job_queue], connection=job_queue.connection).work(burst=True)
    db.expire_all()
    assert event.schedule_stats["state"] == "done" and event.schedule_version == 1
    client.post(f"/events/{event.id}/schedule/build", data={"time_limit": "2"})
    assert job_queue.count == 1  # the earlier job is done: a new build is queued


# -- rate limits ------------------------------------------------------------------

@pytest.fixture
def production_site(backend, app, tmp_path, monkeypatch):
    """A site configured as in production (rate limits on Redis, here one that is down) on the test database."""
    pytest.importorskip("redis")
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "production"))
    site = create_app({"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": DEAD_REDIS,
                       "WTF_CSRF_ENABLED": False, "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                       "LOGIN_RATE_LIMIT": "3 per minute", "SECRET_KEY": "degrade-tests"})
    yield site
    from matchmaker.db import get_engine
    get_engine(site).dispose()


def test_log_in_works_and_stays_limited_while_the_limit_storage_is_down(production_site, db, caplog):
    h.user(db, email="li@example.cn", password=PASSWORD)
    db.commit()
    client = production_site.test_client()
    caplog.set_level(logging.WARNING, logger="flask-limiter")
    assert client.post("/login", data={"email": "li@example.cn", "password": PASSWORD}).status_code == 302
    assert "falling back to in-memory storage" in caplog.text
    client.post("/logout")
    codes = [client.post("/login", data={"email": "li@example.cn", "password": "wrong guess"}).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]


def test_file_counters_are_shared_between_processes_and_windows_expire(tmp_path):
    from limits import parse
    from limits.strategies import FixedWindowRateLimiter

    uri = storage_uri(tmp_path / "instance folder #1")
    one, two = FixedWindowRateLimiter(SQLiteFileStorage(uri)), FixedWindowRateLimiter(SQLiteFileStorage(uri))
    limit = parse("4 per 3 seconds")  # a window long enough for eight hits on a busy machine
    allowed = [(one if n % 2 else two).hit(limit, "127.0.0.1", "login") for n in range(8)]
    assert allowed == [True] * 4 + [False] * 4  # one count, whichever "worker" is asked
    assert not one.test(limit, "127.0.0.1", "login") and two.get_window_stats(limit, "127.0.0.1", "login")[1] == 0
    assert one.hit(limit, "10.0.0.1", "login")  # another address has its own count
    time.sleep(3.2)
    assert two.hit(limit, "127.0.0.1", "login")  # a new window
    one.clear(limit, "127.0.0.1", "login")
    assert two.get_window_stats(limit, "127.0.0.1", "login")[1] == 4


# -- the command line ---------------------------------------------------------------

COMMANDS = [
    ["init"], ["seed"], ["events", "expire"], ["events", "schedule", "1"], ["chains", "weak-links"],
    ["chains", "export"], ["search", "reindex"],
    ["users", "create-admin", "root@example.cn", "--password", "a-strong-passphrase"],
    ["export", "enterprises", "--out", "{tmp}/out.csv"], ["import", "enterprises", "{tmp}/in.csv"],
]


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_commands_say_in_one_line_that_the_database_is_down(command, database, tmp_path):
    url = DEAD_POSTGRES if database == "postgresql" else f"sqlite:///{tmp_path / 'missing' / 'site.sqlite'}"
    (tmp_path / "in.csv").write_text("企业名称\n测试企业\n", encoding="utf-8")
    result = CliRunner().invoke(main, [part.format(tmp=tmp_path) for part in command], env={
        "DATABASE_URL": url, "REDIS_URL": "", "MATCHMAKER_INSTANCE": str(tmp_path / "instance")})
    assert result.exit_code == EXIT_UNAVAILABLE, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "数据库无法使用" in lines[0] and "The database cannot be used" in lines[0], result.output


def test_a_database_without_tables_is_named_as_such(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["events", "expire"], env={
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite'}", "MATCHMAKER_INSTANCE": str(tmp_path / "i")})
    assert result.exit_code == EXIT_UNAVAILABLE
    assert "matchmaker init" in result.output and len(result.output.strip().splitlines()) == 1


def test_the_worker_says_in_one_line_that_redis_is_down(tmp_path):
    pytest.importorskip("rq")
    result = CliRunner().invoke(main, ["worker", "--burst"], env={
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite'}", "REDIS_URL": DEAD_REDIS,
        "MATCHMAKER_INSTANCE": str(tmp_path / "instance")})
    assert result.exit_code == EXIT_UNAVAILABLE, result.output
    last = result.output.strip().splitlines()[-1]  # after the engine's warm-up note
    assert "Redis 无法连接" in last and "Redis cannot be reached" in last and "Traceback" not in result.output
