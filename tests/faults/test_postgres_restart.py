"""PostgreSQL restarted under requests: 503 with a clean page or JSON meanwhile, then recovery without a restart."""
from __future__ import annotations

import threading
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

import pytest
from werkzeug.serving import make_server

from matchmaker.db import session_scope
from tests.faults.conftest import site
from tests.integration import helpers as h

pytestmark = pytest.mark.faults

PASSWORD = "correct horse battery"
PAGES = ["/", "/login", "/demands/", "/api/v1/demands", "/api/v1/health"]


class Browser:
    """A user agent with its own cookies, against a real threaded server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path: str, data: bytes | None = None) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, data=data, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")


@pytest.fixture
def served(tmp_path, monkeypatch, postgres_server):
    app = site(tmp_path, monkeypatch, postgres_server.url)
    with session_scope(app) as session:
        h.user(session, email="li@example.cn", password=PASSWORD)
    app.extensions["matchmaker.engines"].warm()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)
    if not postgres_server.running():
        postgres_server.start()


def _signed_in(base: str) -> Browser:
    browser = Browser(base)
    status, _ = browser.get("/login", data=f"email=li@example.cn&password={PASSWORD.replace(' ', '+')}".encode())
    assert status == 200  # followed the redirect to the account page
    return browser


def test_requests_during_a_restart_get_503_and_the_site_recovers_by_itself(served, postgres_server):
    _app, base = served
    anonymous, member = Browser(base), _signed_in(base)
    for path in PAGES:
        assert anonymous.get(path)[0] == 200, path
    assert member.get("/account")[0] == 200

    statuses: list[tuple[str, int, str]] = []
    stop = threading.Event()

    def load():
        browser = Browser(base)
        while not stop.is_set():
            for path in PAGES:
                status, body = browser.get(path)
                statuses.append((path, status, body))

    threads = [threading.Thread(target=load) for _ in range(3)]
    for t in threads:
        t.start()
    time.sleep(0.3)
    postgres_server.stop()
    try:
        # While the server is down: clean answers, not tracebacks.
        status, body = anonymous.get("/")
        assert status == 503 and "服务暂时不可用" in body and "Traceback" not in body
        status, body = member.get("/account")  # the signed-in user cannot even be loaded
        assert status == 503 and "服务暂时不可用" in body and "temporarily unavailable" in body
        status, body = anonymous.get("/api/v1/demands")
        assert status == 503 and '"code":503' in body.replace(" ", "")
        assert anonymous.get("/api/v1/health") == (503, '{"database":"failing","status":"unavailable"}\n')
        status, body = anonymous.get("/readyz")
        assert status == 503 and '"database":{"reason":"unreachable","status":"failing"}' in body
        assert anonymous.get("/healthz")[0] == 200
        time.sleep(0.5)
    finally:
        postgres_server.start()
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join(30)

    # Every answer under load was a page or a clean 503, never a server error.
    assert statuses and {status for _, status, _ in statuses} <= {200, 503}, \
        sorted({(p, s) for p, s, _ in statuses if s not in (200, 503)})
    assert any(status == 503 for _, status, _ in statuses)
    assert not any("Traceback" in body for _, _, body in statuses)

    # The same application answers again: dropped connections were replaced, nothing restarted.
    for path in PAGES:
        assert anonymous.get(path)[0] == 200, path
    assert member.get("/account")[0] == 200
    status, body = anonymous.get("/readyz")
    assert status == 200 and '"status":"ready"' in body.replace(" ", "")
