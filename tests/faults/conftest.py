"""Private PostgreSQL and Redis servers that the fault tests stop, restart and kill.

Each server runs from a temporary folder on a free port: the shared servers of
the machine are never touched. PostgreSQL refuses to run as root, so as root the
cluster is made and run as the ``postgres`` user. A missing binary skips the
tests with the reason (a failure when ``MATCHMAKER_REQUIRE_SERVICES=1``).
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from matchmaker import create_app
from matchmaker.db import Base, get_engine
from tests.conftest import need_service

#: The fault tests stop the whole site's parts; they start their own servers.
MARK = "faults: starts private PostgreSQL/Redis servers and breaks them (tests/faults)"


def pytest_configure(config):
    config.addinivalue_line("markers", MARK)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _postgres_bin(name: str) -> str | None:
    candidates = [f"/usr/local/bin/{name}", shutil.which(name) or "",
                  *sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


class PostgresServer:
    """A throw-away PostgreSQL cluster: ``url``, :meth:`stop`, :meth:`start`."""

    def __init__(self, folder: Path, port: int, initdb: str, pg_ctl: str, as_user: str | None):
        self.folder, self.port, self.pg_ctl, self.as_user = folder, port, pg_ctl, as_user
        self.data, self.log = folder / "data", folder / "server.log"
        self._run([initdb, "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--locale=C", "--no-sync"])
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"

    def _run(self, argv: list[str], timeout: float = 60) -> None:
        if self.as_user:
            argv = ["runuser", "-u", self.as_user, "--", *argv]
        done = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=timeout, cwd=self.folder)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(argv)} failed: {done.stdout}{done.stderr}{log}")

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off")
        self._run([self.pg_ctl, "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "-t", "60", "start"])

    def stop(self, mode: str = "fast") -> None:
        self._run([self.pg_ctl, "-D", str(self.data), "-m", mode, "-w", "-t", "60", "stop"])

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()


@pytest.fixture(scope="session")
def postgres_server():
    """A private PostgreSQL server for the session (its database ``postgres`` is the site's)."""
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if not (initdb and pg_ctl):
        need_service("fault tests need PostgreSQL's initdb and pg_ctl (/usr/local/bin, PATH or "
                     "/usr/lib/postgresql/*/bin)")
    as_user = None
    if os.geteuid() == 0:  # initdb refuses root
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            need_service("fault tests run as root and need a 'postgres' user to run PostgreSQL as")
        if not shutil.which("runuser"):
            need_service("fault tests run as root and need runuser to run PostgreSQL as 'postgres'")
        as_user = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="matchmaker-faults-pg-"))
    if as_user:
        os.chown(folder, account.pw_uid, account.pw_gid)
    server = None
    try:
        server = PostgresServer(folder, free_port(), initdb, pg_ctl, as_user)
        server.start()
        yield server
    finally:
        if server is not None and server.running():
            try:
                server.stop("immediate")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(folder, ignore_errors=True)


class RedisServer:
    """A throw-away Redis server (no persistence): ``url``, :meth:`stop`, :meth:`start`."""

    def __init__(self, binary: str, folder: Path):
        self.binary, self.folder, self.port = binary, folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def redis_server(tmp_path):
    """A private Redis server for one test."""
    binary = shutil.which("redis-server") or ("/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK)
                                              else None)
    if binary is None:
        need_service("fault tests need redis-server")
    pytest.importorskip("redis")
    server = RedisServer(binary, tmp_path)
    server.start()
    yield server
    server.stop()


def site(tmp_path, monkeypatch, database_url: str, redis_url: str | None = None, **config):
    """The site as it runs in production (rate limits, Redis storage for them, errors handled,
    not propagated), with the form tokens and the slow password hashing left out."""
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "instance"))
    for name in ("DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    app = create_app({"DATABASE_URL": database_url, "REDIS_URL": redis_url, "WTF_CSRF_ENABLED": False,
                      "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "SECRET_KEY": "fault-tests",
                      "UPLOAD_FOLDER": str(tmp_path / "uploads"), **config})
    engine = get_engine(app)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    return app
