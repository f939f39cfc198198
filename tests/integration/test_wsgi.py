"""Production entry point: the engines are fitted when the WSGI module loads, before workers fork."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from matchmaker.db import Base, get_engine
from tests.integration import helpers
from tests.integration.postings_support import load_chains, member

pytestmark = pytest.mark.usefixtures("backend")

PROBE = """
import matchmaker.wsgi as w
registry = w.app.extensions["matchmaker.engines"]
print("ready", registry.ready)
"""


def _probe(tmp_path, url: str, **env) -> str:
    environment = {**os.environ, "MATCHMAKER_INSTANCE": str(tmp_path / "instance"), "DATABASE_URL": url, **env}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=300,
                          env=environment, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout + done.stderr


def test_loading_the_wsgi_module_fits_the_engines(app, db, tmp_path):
    load_chains(db)
    ent, _ = member(db, size="small", name="苏州键合丝有限公司", region="江苏省")
    helpers.capability(db, ent, title="镀钯铜键合丝", description="键合丝", chain_nodes=["icpkg.bonding-wire"],
                       active=True)
    db.commit()
    url = app.config["DATABASE_URL"]
    assert "ready True" in _probe(tmp_path, url)
    assert "ready False" in _probe(tmp_path, url, MATCHMAKER_WARM="0")


def test_a_database_not_ready_is_logged_and_left_to_the_first_request(app, tmp_path):
    Base.metadata.drop_all(get_engine(app))
    out = _probe(tmp_path, app.config["DATABASE_URL"])
    assert "ready False" in out and "could not be fitted at start-up" in out


def test_the_shipped_gunicorn_settings_preload_the_application(monkeypatch):
    import importlib

    import matchmaker.gunicorn_config as settings
    monkeypatch.delenv("MATCHMAKER_PRELOAD", raising=False)
    settings = importlib.reload(settings)
    assert settings.preload_app is True and settings.timeout == 30
    monkeypatch.setenv("MATCHMAKER_PRELOAD", "0")
    assert importlib.reload(settings).preload_app is False


def test_keep_alive_and_the_worker_class_are_settings(monkeypatch):
    """docs/deploy.md has the site behind nginx close each upstream connection (MATCHMAKER_KEEPALIVE=0),
    which keeps gunicorn's workers evenly loaded; the defaults stay gthread with 5 s of keep-alive."""
    import importlib

    import matchmaker.gunicorn_config as settings
    for name in ("MATCHMAKER_KEEPALIVE", "MATCHMAKER_WORKER_CLASS", "MATCHMAKER_THREADS"):
        monkeypatch.delenv(name, raising=False)
    settings = importlib.reload(settings)
    assert (settings.keepalive, settings.worker_class, settings.threads) == (5, "gthread", 4)
    monkeypatch.setenv("MATCHMAKER_KEEPALIVE", "0")
    monkeypatch.setenv("MATCHMAKER_WORKER_CLASS", "sync")
    settings = importlib.reload(settings)
    # gunicorn would run gthread with more than one thread: sync means one.
    assert (settings.keepalive, settings.worker_class, settings.threads) == (0, "sync", 1)
    monkeypatch.delenv("MATCHMAKER_KEEPALIVE")
    monkeypatch.delenv("MATCHMAKER_WORKER_CLASS")
    importlib.reload(settings)
