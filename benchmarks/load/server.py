"""gunicorn with the shipped configuration on a loopback port, in its own process group."""
from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Self

__all__ = ["Server", "ServerError", "cpu_seconds"]

SHIPPED_CONFIG = "python:matchmaker.gunicorn_config"
#: Variables that would point the server somewhere else than the benchmark's database.
_FOREIGN_ENV = ("DATABASE_URL", "REDIS_URL", "SECRET_KEY", "MATCHMAKER_INSTANCE", "MATCHMAKER_BIND",
                "MATCHMAKER_WORKERS", "MATCHMAKER_THREADS", "MATCHMAKER_PRELOAD", "MATCHMAKER_ACCESS_LOG",
                "MATCHMAKER_WARM", "MATCHMAKER_CONTROL_SOCKET", "MATCHMAKER_KEEPALIVE", "MATCHMAKER_WORKER_CLASS")
#: Every simulated user comes from 127.0.0.1: the per-address log-in limit would refuse all but ten.
INSTANCE_CONFIG = 'LOGIN_RATE_LIMIT = "100000 per minute"\n'


class ServerError(RuntimeError):
    """The server did not start or answer."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _children(pid: int) -> set[int]:
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry))
    return found


def cpu_seconds(pids) -> float:
    """User plus system CPU seconds used so far by ``pids`` (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rfind(")") + 2:].split()
            total += int(fields[11]) + int(fields[12])
    return total / tick


def database_backends(database: str) -> list[int]:
    """Process ids of the PostgreSQL backends connected to ``database`` (the server is local)."""
    import prepare
    with prepare.pg_admin() as admin:
        return [pid for (pid,) in admin.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (database,))]


def machine_cpu() -> tuple[float, float]:
    """CPU seconds of the whole machine so far: busy (every process, the kernel included) and idle
    (/proc/stat; idle counts waiting for the disk too)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / tick, idle / tick


def backend_cpu(pids) -> dict[int, float]:
    """CPU seconds used so far by each of ``pids``."""
    return {pid: cpu_seconds([pid]) for pid in pids}


class Server:
    """``gunicorn -c python:matchmaker.gunicorn_config matchmaker.wsgi:app`` on ``database_url``.

    ``redis_url`` backs the rate limiter as in production; ``workers`` None keeps
    the configuration's default (2 x cores + 1).
    """

    def __init__(self, folder: Path, name: str, database_url: str, redis_url: str, workers: int | None = None,
                 access_log: bool = False):
        self.folder = folder
        self.name = name
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.output = folder / f"gunicorn-{name}.log"
        instance = folder / "instance"
        instance.mkdir(parents=True, exist_ok=True)
        (instance / "config.py").write_text(INSTANCE_CONFIG, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_ENV}
        env.update(DATABASE_URL=database_url, REDIS_URL=redis_url, SECRET_KEY=secrets.token_urlsafe(32),
                   MATCHMAKER_INSTANCE=str(instance), MATCHMAKER_BIND=f"127.0.0.1:{self.port}",
                   MATCHMAKER_CONTROL_SOCKET=str(folder / f"gunicorn-{name}.ctl"))
        if workers:
            env["MATCHMAKER_WORKERS"] = str(workers)
        if access_log:  # worker, status, seconds in the application, method and path of every request
            env["MATCHMAKER_ACCESS_LOG"] = str(folder / f"gunicorn-{name}.access.log")
        self.env = env
        self.database = database_url.rsplit("/", 1)[-1].split("?", 1)[0]
        self.command = [sys.executable, "-m", "gunicorn", "-c", SHIPPED_CONFIG, "matchmaker.wsgi:app"]
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        with open(self.output, "wb") as out:
            self.proc = subprocess.Popen(self.command, cwd=self.folder, env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, timeout: float) -> float:
        """Seconds until ``/api/v1/health`` answers (with preloading: the engines are fitted)."""
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if self.proc.poll() is not None:
                raise ServerError(f"gunicorn exited with status {self.proc.returncode}:\n{self.tail()}")
            with contextlib.suppress(OSError, urllib.error.URLError), \
                    urllib.request.urlopen(f"{self.base}/api/v1/health", timeout=5) as response:
                if response.status == 200:
                    return time.perf_counter() - started
            time.sleep(0.2)
        raise ServerError(f"gunicorn did not answer /api/v1/health within {timeout:.0f} s:\n{self.tail()}")

    def pids(self) -> set[int]:
        return {self.proc.pid, *_children(self.proc.pid)} if self.proc else set()

    def workers(self) -> set[int]:
        return _children(self.proc.pid) if self.proc else set()

    def tail(self, limit: int = 3000) -> str:
        try:
            text = self.output.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""
        return text[-limit:]

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
