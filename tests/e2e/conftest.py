"""A live server and a real Chromium (Debian's, never a downloaded build)."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import need_service

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium() -> str | None:
    path = os.environ.get("MATCHMAKER_CHROMIUM") or "/usr/bin/chromium"
    if os.path.exists(path):
        return path
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        need_service("end-to-end tests need the playwright package")
    path = _chromium()
    if not path:
        need_service("end-to-end tests need Chromium (apt-get install chromium, or set MATCHMAKER_CHROMIUM)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The real app on SQLite, migrated with Alembic and seeded with chains and demo data."""
    from matchmaker import create_app, migrate
    from matchmaker.db import session_scope
    from matchmaker.services import seeding
    folder = tmp_path_factory.mktemp("e2e-instance")
    os.environ["MATCHMAKER_INSTANCE"] = str(folder)
    app = create_app({"DATABASE_URL": f"sqlite:///{folder / 'e2e.sqlite'}", "RATELIMIT_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    migrate.upgrade(app.config["DATABASE_URL"])
    with session_scope(app) as session:
        seeding.seed_chains(session)
        seeding.seed_demo(session)
    return app


@pytest.fixture(scope="module")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)
