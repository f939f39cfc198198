"""Background work: queued when Redis is configured, in-process otherwise; run in a fresh app."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matchmaker.jobs import Jobs, run_job
from matchmaker.models import User
from tests.integration import helpers as h


def count_users(sessions, label: str) -> tuple[str, int]:
    with sessions() as session:
        return label, session.scalar(select(func.count(User.id)))


def test_work_is_queued_only_when_redis_is_configured():
    assert Jobs.from_config({}).in_process
    assert Jobs.from_config({"REDIS_URL": ""}).in_process
    assert not Jobs.from_config({"REDIS_URL": "redis://127.0.0.1:6379/0"}).in_process


def test_nothing_is_enqueued_without_a_queue():
    with pytest.raises(RuntimeError, match="REDIS_URL is not set"):
        Jobs().enqueue(count_users, "x", timeout=10)


def test_only_module_level_functions_can_be_queued():
    jobs = Jobs("redis://127.0.0.1:6379/0")
    with pytest.raises(ValueError, match="module-level function"):
        jobs.enqueue(lambda sessions: None, timeout=10)


def test_a_job_runs_in_a_fresh_app_on_the_configured_database(app, db, monkeypatch):
    h.user(db, email="one@example.cn")
    h.user(db, email="two@example.cn")
    db.commit()
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    assert run_job(f"{__name__}:count_users", "users") == ("users", 2)
