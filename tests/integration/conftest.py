"""App, database session and client fixtures; every test runs on SQLite and PostgreSQL."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from matchmaker import create_app
from matchmaker.db import Base, get_engine
from tests.conftest import need_service

BACKENDS = ["sqlite", "postgresql"]


def _postgres_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL")


@pytest.fixture(scope="session")
def _pg_engine_checked():
    url = _postgres_url()
    if not url:
        return None
    from matchmaker.db import make_engine
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # noqa: BLE001 - any connection failure means "absent"
        engine.dispose()
        return exc
    engine.dispose()
    return url


@pytest.fixture(params=BACKENDS)
def backend(request, _pg_engine_checked):
    if request.param == "postgresql":
        if _pg_engine_checked is None:
            need_service("PostgreSQL tests need TEST_DATABASE_URL "
                         "(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)")
        if isinstance(_pg_engine_checked, Exception):
            need_service(f"cannot connect to TEST_DATABASE_URL: {_pg_engine_checked}")
    return request.param


@pytest.fixture
def app(backend, tmp_path, monkeypatch):
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "instance"))
    url = f"sqlite:///{tmp_path / 'test.sqlite'}" if backend == "sqlite" else _postgres_url()
    app = create_app({"TESTING": True, "DATABASE_URL": url, "UPLOAD_FOLDER": str(tmp_path / "uploads")})
    engine = get_engine(app)
    if backend == "postgresql":
        Base.metadata.drop_all(engine)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    Base.metadata.create_all(engine)
    yield app
    Base.metadata.drop_all(engine)
    engine.dispose()


@pytest.fixture
def db(app):
    """The app's request-scoped session, inside an app context."""
    from matchmaker.db import get_session
    with app.app_context():
        yield get_session()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def job_queue(app, monkeypatch):
    """An emptied RQ queue on ``TEST_REDIS_URL``, set as the site's job queue; run its jobs
    with ``SimpleWorker([job_queue], connection=job_queue.connection).work(burst=True)``."""
    redis = pytest.importorskip("redis")
    from rq import Queue

    from matchmaker.jobs import QUEUE

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    connection = redis.Redis.from_url(url)
    try:
        connection.ping()
    except redis.RedisError as exc:
        need_service(f"Redis at {url}: {exc}")
    queue = Queue(QUEUE, connection=connection)
    queue.empty()
    app.config["REDIS_URL"] = url
    monkeypatch.setenv("DATABASE_URL", app.config["DATABASE_URL"])
    yield queue
    connection.close()
