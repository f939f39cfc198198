"""Liveness and readiness probes, the API's health, and the 503 answer while the database is down."""
from __future__ import annotations

import pytest

from matchmaker import create_app
from matchmaker.db import get_engine, session_scope
from tests.integration import helpers as h

#: Nothing listens on port 1: a Redis that is down.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def dead_database_url(backend, tmp_path):
    """A database URL of the backend that cannot be reached."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'no-such-folder' / 'site.sqlite'}"
    return "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"


def _break(app, url: str):
    """Point the app's engine at ``url`` (a database that cannot be reached); returns the new engine."""
    from matchmaker.db import make_engine
    get_engine(app).dispose()
    engine = make_engine(url)
    app.extensions["sqlalchemy_engine"] = engine
    app.extensions["sqlalchemy_sessionmaker"].configure(bind=engine)
    app.extensions["matchmaker.engines"].bind = engine
    return engine


@pytest.fixture
def down(app, dead_database_url):
    """The test app with its database gone."""
    engine = _break(app, dead_database_url)
    yield app
    engine.dispose()


def test_liveness_answers_without_touching_anything(down):
    response = down.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readiness_names_each_check(app):
    app.config["REDIS_URL"] = None
    client = app.test_client()
    first = client.get("/readyz")
    assert first.status_code == 503  # the engines are not fitted yet; asking starts the fit
    assert first.get_json()["checks"] == {"database": {"status": "ok", "reason": None},
                                          "engines": {"status": "failing", "reason": "loading"}}
    registry = app.extensions["matchmaker.engines"]
    assert registry.wait_idle(60) and registry.ready
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json()["status"] == "ready"


def test_readiness_is_degraded_not_failed_on_a_redis_that_is_down(app):
    """The site serves without Redis (rate limits in memory, builds in the request): a load balancer
    must keep the node, and monitoring sees why it is degraded."""
    app.extensions["matchmaker.engines"].warm()
    app.config["REDIS_URL"] = DEAD_REDIS
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "degraded", "checks": {
        "database": {"status": "ok", "reason": None}, "engines": {"status": "ok", "reason": None},
        "redis": {"status": "degraded", "reason": "unreachable"}}}


def test_readiness_and_api_health_fail_without_the_database(down):
    client = down.test_client()
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["checks"]["database"] == {"status": "failing", "reason": "unreachable"}
    health = client.get("/api/v1/health")
    assert health.status_code == 503 and health.get_json() == {"status": "unavailable", "database": "failing"}


def test_api_health_reports_a_working_database(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "database": "ok"}


def test_pages_answer_503_while_the_database_is_down(app, dead_database_url):
    with session_scope(app) as session:
        member_id = h.user(session, email="li@example.cn").id
    anonymous, signed_in = app.test_client(), app.test_client()
    with signed_in.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = str(member_id), True
    engine = _break(app, dead_database_url)
    try:
        page = anonymous.get("/demands/")
        assert page.status_code == 503 and page.headers["Retry-After"] == "30"
        html = page.get_data(as_text=True)
        assert "服务暂时不可用" in html and 'class="topbar"' in html  # the site's own page, drawn without the database

        page = signed_in.get("/account")  # the signed-in user cannot be loaded: the minimal page
        html = page.get_data(as_text=True)
        assert page.status_code == 503 and "服务暂时不可用" in html and "temporarily unavailable" in html
        assert 'class="topbar"' not in html and "Traceback" not in html

        api = anonymous.get("/api/v1/demands")
        assert api.status_code == 503
        assert api.get_json() == {"error": {"code": 503, "message": "The service is temporarily unavailable "
                                            "(the database cannot be reached); please try again shortly."}}
    finally:
        engine.dispose()


def test_a_production_site_counts_rate_limits_in_a_file_without_redis(tmp_path, monkeypatch):
    from matchmaker.extensions import limiter
    from matchmaker.ratelimits import SQLiteFileStorage

    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("REDIS_URL", raising=False)
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert app.config["RATELIMIT_STORAGE_URI"].startswith("matchmaker+sqlite:///")
    assert isinstance(limiter.storage, SQLiteFileStorage)
    assert limiter.storage.path == (tmp_path / "instance" / "ratelimits.sqlite").resolve()
    redis_site = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "REDIS_URL": DEAD_REDIS})
    assert redis_site.config["RATELIMIT_STORAGE_URI"] == DEAD_REDIS
    assert redis_site.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"] is True
    testing = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"})
    assert testing.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_a_connection_lost_after_the_page_was_made_does_not_turn_it_into_an_error(app, monkeypatch):
    """A database restart can drop the connection between drawing a page and closing the request's
    session: the visitor still gets the page, and the next request a fresh connection."""
    app.extensions["matchmaker.engines"].warm()
    client = app.test_client()
    assert client.get("/demands/").status_code == 200
    dialect = get_engine(app).dialect
    real_rollback, failures = dialect.do_rollback, []

    def rollback_on_a_dropped_connection(dbapi_connection):
        failures.append(dbapi_connection)
        raise dialect.loaded_dbapi.OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(dialect, "do_rollback", rollback_on_a_dropped_connection)
    page = client.get("/demands/")
    assert failures, "closing the request's session rolled back its transaction"
    assert page.status_code == 200 and "Traceback" not in page.get_data(as_text=True)
    monkeypatch.setattr(dialect, "do_rollback", real_rollback)
    assert client.get("/demands/").status_code == 200
    assert client.get("/api/v1/health").get_json() == {"status": "ok", "database": "ok"}
