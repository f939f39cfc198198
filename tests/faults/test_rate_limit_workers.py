"""Without Redis, gunicorn's workers share one log-in rate limit (not one each)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.faults.conftest import free_port, site

pytestmark = pytest.mark.faults

WORKERS = 3
ATTEMPTS = 40


def _post(url: str, data: bytes) -> int:
    try:
        with urllib.request.urlopen(url, data=data, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait_until_up(url: str, server: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"gunicorn did not come up:\n{log.read_text(errors='replace')[-3000:]}")


def test_the_log_in_limit_holds_across_gunicorn_workers(tmp_path, monkeypatch):
    pytest.importorskip("gunicorn")
    site(tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'site.sqlite'}")  # the schema
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    (instance / "config.py").write_text('WTF_CSRF_ENABLED = False\nLOGIN_RATE_LIMIT = "10 per minute"\n',
                                        encoding="utf-8")
    port, log, access = free_port(), tmp_path / "gunicorn.log", tmp_path / "access.log"
    env = {**os.environ, "MATCHMAKER_INSTANCE": str(instance), "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite'}",
           "MATCHMAKER_BIND": f"127.0.0.1:{port}", "MATCHMAKER_WORKERS": str(WORKERS), "MATCHMAKER_THREADS": "2",
           "MATCHMAKER_ACCESS_LOG": str(access), "MATCHMAKER_CONTROL_SOCKET": str(tmp_path / "gunicorn.ctl")}
    env.pop("REDIS_URL", None)
    with open(log, "ab") as out:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:matchmaker.gunicorn_config",
                                   "matchmaker.wsgi:app"], env=env, cwd=tmp_path, stdout=out, stderr=out)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/healthz", server, log)
        # Sent from several connections at once, so that every worker accepts some of them.
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(lambda _: _post(base + "/login", b"email=li%40example.cn&password=wrong+guess"),
                                     range(ATTEMPTS)))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
    assert statuses.count(200) == 10 and statuses.count(429) == ATTEMPTS - 10, statuses
    served_by = {line.split()[0] for line in access.read_text().splitlines() if "/login" in line}
    assert len(served_by) >= 2, "the attempts should have reached several workers"
