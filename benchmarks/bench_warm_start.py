"""The first matching page of each gunicorn worker after start-up, with and without preloading.

::

    python benchmarks/bench_warm_start.py
    python benchmarks/bench_warm_start.py --capabilities 20000
    python benchmarks/bench_warm_start.py --capabilities 20000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/warmstart

Prepares a database in a temporary folder: the demo (``matchmaker demo
--no-serve``, run from a temporary working folder with ``MATCHMAKER_INSTANCE``
in it), plus ``--capabilities`` synthetic active capabilities (:mod:`synth`,
attached to synthetic SMEs, inserted in bulk with SQLAlchemy Core) so that
fitting the engines is not trivially small. ``--database-url`` puts it in an
empty PostgreSQL database of your own instead of the folder's SQLite file.

Then, for each mode, starts gunicorn with the shipped configuration (``-c
python:matchmaker.gunicorn_config matchmaker.wsgi:app``) on a free loopback
port with ``--workers`` workers and an access log:

* ``preload`` -- as shipped: the master loads the kernels and fits the engines,
  then forks;
* ``no preload`` -- ``MATCHMAKER_PRELOAD=0``: each worker imports
  :mod:`matchmaker.wsgi` itself, so each loads the kernels and fits the
  engines while it boots;
* ``no warm-up`` -- ``MATCHMAKER_PRELOAD=0 MATCHMAKER_WARM=0``: each worker
  fits the engines on its first matching page (the cold baseline);

and measures

* **start-up**: from starting the process until ``/api/v1/health`` answers;
* right after that it logs in as the demo buyer and requests the buyer's
  published demand page (``/demands/<id>``, whose suggested suppliers are
  ranked by the matching engine) over ``--concurrency`` connections, a new
  connection per request, until every worker process of the server has served
  that page (the log-in, health and other requests do not count);
* **first matching page per worker**: the seconds the worker took for its
  first such page, from the access log (``%(L)s``; with several pages in
  flight in one worker, the one that started first: the log is written as
  pages complete, so each line's start is estimated as the moment it appeared
  minus its seconds), and the slowest page of the worker during that phase;
* **client latency** of those pages (first, median, slowest), seen from the
  benchmark, queueing included; when the last worker served its first page;
  and the memory of the master and workers together then (proportional set
  size, which counts pages shared after the fork once).

Printed: one row per mode and one per worker, then whether the target "first
matching page of each worker under 1 s with preload" is MET or NOT MET. The
benchmark prints, it does not assert: the exit status is 0 either way (1 when
a step could not be carried out). Everything lives in the
temporary folder, removed at the end (``--keep`` keeps it), and each server's
process group is stopped even when a step fails.
"""

from __future__ import annotations

import argparse
import contextlib
import html.parser
import http.cookiejar
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

TARGET_SECONDS = 1.0
SHIPPED_CONFIG = "python:matchmaker.gunicorn_config"
#: MATCHMAKER_PRELOAD and MATCHMAKER_WARM of each mode.
MODES = {"preload": ("1", "1"), "no preload": ("0", "1"), "no warm-up": ("0", "0")}
#: Variables that would point the server somewhere else than the prepared database.
_FOREIGN_ENV = ("DATABASE_URL", "REDIS_URL", "MATCHMAKER_INSTANCE", "MATCHMAKER_BIND",
                "MATCHMAKER_WORKERS", "MATCHMAKER_PRELOAD", "MATCHMAKER_ACCESS_LOG", "MATCHMAKER_WARM")


class BenchmarkError(RuntimeError):
    """A step of the benchmark could not be carried out."""


# --------------------------------------------------------------------------- the database

def _matchmaker_command() -> list[str]:
    script = Path(sys.executable).with_name("matchmaker")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from matchmaker.cli import main; sys.exit(main())"]


def prepare_database(folder: Path, env: dict, database_url: str | None, capabilities: int,
                     seed: int) -> str:
    """Run the demo set-up in ``folder`` and add synthetic capabilities; return the database URL."""
    started = time.perf_counter()
    proc = subprocess.run([*_matchmaker_command(), "demo", "--no-serve"], cwd=folder, env=env,
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise BenchmarkError(f"matchmaker demo --no-serve failed ({proc.returncode}):\n"
                             f"{_tail(proc.stdout + proc.stderr)}")
    url = database_url or f"sqlite:///{folder / 'instance' / 'matchmaker.sqlite'}"
    print(f"demo database ready in {time.perf_counter() - started:.1f} s")
    if capabilities:
        started = time.perf_counter()
        if insert_capabilities(url, capabilities, seed):
            print(f"inserted {capabilities:,} synthetic capabilities in "
                  f"{time.perf_counter() - started:.1f} s")
        else:
            print(f"the {capabilities:,} synthetic capabilities of an earlier run are in place")
    return url


def insert_capabilities(url: str, n: int, seed: int, per_enterprise: int = 10) -> bool:
    """Add ``n`` active capabilities of :mod:`synth`, ``per_enterprise`` to a synthetic SME.

    Returns False when an earlier run already added them to this database.
    """
    from sqlalchemy import create_engine, func, insert, select
    from synth import generate

    from matchmaker.models import Capability, Enterprise

    rng = random.Random(f"warm-start-{seed}")
    tag = f"91WS{seed % 100:02d}"  # credit codes are 18 characters
    engine = create_engine(url)
    batch = 200 * per_enterprise
    try:
        with engine.begin() as conn:
            present = conn.scalar(select(func.count()).select_from(Capability).join(Enterprise)
                                  .where(Enterprise.uscc.startswith(tag)))
            if present == n:
                return False  # a database prepared by an earlier run with the same figures
            if present:
                raise BenchmarkError(f"the database already holds {present:,} synthetic capabilities of seed "
                                     f"{seed}; give an empty database (or another --seed)")
            records = generate("capability", n, seed)
            for first in range(0, n, batch):
                chunk = [next(records) for _ in range(min(batch, n - first))]
                numbers = range(first // per_enterprise,
                                (first + len(chunk) + per_enterprise - 1) // per_enterprise)
                enterprises = [
                    {"name": f"合成供应商{seed:02d}{number:07d}有限公司", "uscc": f"{tag}{number:012d}",
                     "size": rng.choice(("micro", "small", "medium")),
                     "region": chunk[j * per_enterprise]["region"][:20], "verified": True}
                    for j, number in enumerate(numbers)]
                ids = conn.execute(insert(Enterprise).returning(Enterprise.id, sort_by_parameter_order=True),
                                   enterprises).scalars().all()
                conn.execute(insert(Capability), [
                    {"enterprise_id": ids[k // per_enterprise], "ref": r["id"], "title": r["title"][:200],
                     "description": r["description"], "chain_nodes": r.get("chain_nodes", []),
                     "qualifications": r.get("qualifications", []), "region": r["region"][:20],
                     "active": True}
                    for k, r in enumerate(chunk)])
    finally:
        engine.dispose()
    return True


def active_capabilities(url: str) -> int:
    from sqlalchemy import create_engine, func, select

    from matchmaker.models import Capability

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.scalar(select(func.count()).select_from(Capability).where(Capability.active))
    finally:
        engine.dispose()


def buyer_demand(url: str, email: str) -> int:
    """The id of a published demand of ``email``'s enterprise."""
    from sqlalchemy import create_engine, select

    from matchmaker.models import Demand, User

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            demand_id = conn.scalar(
                select(Demand.id).join(User, User.enterprise_id == Demand.enterprise_id)
                .where(User.email == email, Demand.status == "published").order_by(Demand.id).limit(1))
    finally:
        engine.dispose()
    if demand_id is None:
        raise BenchmarkError(f"{email} has no published demand in the prepared database")
    return demand_id


# --------------------------------------------------------------------------- HTTP

class _CsrfField(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.token = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") == "csrf_token" and self.token is None:
            self.token = attrs.get("value")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def log_in(base: str, email: str, password: str) -> str:
    """Log in through the form; return the ``Cookie`` header of the signed-in session.

    The redirect after logging in is not followed: the page it leads to may
    use the engines, and no page but the matching one should reach them first.
    """
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect())
    with opener.open(f"{base}/login", timeout=60) as response:
        parser = _CsrfField()
        parser.feed(response.read().decode("utf-8", "replace"))
    if not parser.token:
        raise BenchmarkError("the log-in page has no csrf_token field")
    form = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": parser.token})
    try:
        with opener.open(f"{base}/login", data=form.encode(), timeout=60) as response:
            status, location = response.status, ""
    except urllib.error.HTTPError as exc:
        status, location = exc.code, exc.headers.get("Location", "")
    if status not in (302, 303) or urllib.parse.urlsplit(location).path.rstrip("/") == "/login":
        raise BenchmarkError(f"logging in as {email} failed (status {status}, the form did not redirect)")
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def _get(url: str, headers: dict | None = None, timeout: float = 120) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --------------------------------------------------------------------------- the server

def _children(pid: int) -> set[int]:
    """Live child processes of ``pid`` (Linux /proc)."""
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


def _pss_mb(pids) -> float | None:
    """Proportional set size of ``pids`` together, in MB (None where Linux does not say)."""
    total = 0
    for pid in pids:
        try:
            text = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            return None
        total += next(int(line.split()[1]) for line in text.splitlines() if line.startswith("Pss:"))
    return total / 1024


def _read_access_log(path: Path, matching_path: str) -> list[tuple[int, float]]:
    """(worker pid, seconds) of each logged request of ``matching_path``, in log order."""
    rows = []
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return rows
    for line in text.splitlines():
        parts = line.split(" ", 3)  # <pid> status seconds "METHOD /path"
        pid = parts[0].strip("<>")
        if len(parts) < 4 or not pid.isdigit():
            continue
        request_line = parts[3].strip('"').split(" ")
        if len(request_line) >= 2 and request_line[1] == matching_path:
            rows.append((int(pid), float(parts[2])))
    return rows


class Server:
    """gunicorn with the shipped configuration in its own process group."""

    def __init__(self, folder: Path, env: dict, mode: str, workers: int, config: str):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        slug = mode.replace(" ", "-")
        self.access_log = folder / f"access-{slug}.log"
        self.output = folder / f"gunicorn-{slug}.log"
        self.env = dict(env, MATCHMAKER_BIND=f"127.0.0.1:{self.port}", MATCHMAKER_WORKERS=str(workers),
                        MATCHMAKER_ACCESS_LOG=str(self.access_log), MATCHMAKER_PRELOAD=MODES[mode][0],
                        MATCHMAKER_WARM=MODES[mode][1])
        # The control socket defaults to one path per user; a private one keeps
        # the benchmark clear of any other gunicorn on the machine.
        self.command = [sys.executable, "-m", "gunicorn", "-c", config,
                        "--control-socket", str(folder / f"gunicorn-{slug}.ctl"), "matchmaker.wsgi:app"]
        self.folder = folder
        self.proc: subprocess.Popen | None = None
        self.started = 0.0

    def start(self) -> None:
        with open(self.output, "wb") as out:
            self.started = time.perf_counter()
            self.proc = subprocess.Popen(self.command, cwd=self.folder, env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)

    def since_start(self) -> float:
        return time.perf_counter() - self.started

    def wait_healthy(self, timeout: float) -> float:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise BenchmarkError(f"gunicorn exited with status {self.proc.returncode}:\n{self.tail()}")
            with contextlib.suppress(OSError):
                status, _ = _get(f"{self.base}/api/v1/health", timeout=5)
                if status == 200:
                    return self.since_start()
            time.sleep(0.02)
        raise BenchmarkError(f"gunicorn did not answer /api/v1/health within {timeout:.0f} s:\n{self.tail()}")

    def workers(self) -> set[int]:
        return _children(self.proc.pid)

    def tail(self) -> str:
        try:
            return _tail(self.output.read_text(encoding="utf-8", errors="replace"))
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


def _tail(text: str, limit: int = 3000) -> str:
    tail = text[-limit:]
    if len(text) > len(tail):
        tail = tail[tail.find("\n") + 1:]
    return tail


# --------------------------------------------------------------------------- one run

def run_mode(folder: Path, env: dict, mode: str, args, demand_id: int) -> dict:
    """Start a server in ``mode`` and measure each worker's first matching page."""
    from matchmaker.services.seeding import DEMO_PASSWORD

    server = Server(folder, env, mode, args.workers, args.config)
    matching_path = f"/demands/{demand_id}"
    results: list[tuple[float, float, int, bytes]] = []  # (sent at, latency, status, body)
    lock = threading.Lock()
    stop = threading.Event()
    try:
        server.start()
        startup = server.wait_healthy(args.timeout)
        cookie = log_in(server.base, args.email, DEMO_PASSWORD)

        def client():
            while not stop.is_set():
                sent = server.since_start()
                try:
                    status, body = _get(server.base + matching_path, {"Cookie": cookie})
                except OSError as exc:
                    status, body = 0, str(exc).encode()
                latency = server.since_start() - sent
                with lock:
                    results.append((sent, latency, status, body))

        clients = [threading.Thread(target=client, daemon=True) for _ in range(args.concurrency)]
        for t in clients:
            t.start()
        deadline = time.perf_counter() + args.timeout
        # Each logged page with the moment this loop first saw it: the log is
        # written as pages complete, so (seen - seconds) orders them by start.
        logged: list[tuple[int, float, float]] = []
        first_seen: dict[int, float] = {}
        ever: set[int] = set()
        while True:
            now = server.since_start()
            for pid, seconds in _read_access_log(server.access_log, matching_path)[len(logged):]:
                logged.append((pid, seconds, now))
                first_seen.setdefault(pid, now)
            live = server.workers()
            ever |= live
            if live and live <= first_seen.keys():
                break
            if server.proc.poll() is not None:
                raise BenchmarkError(f"gunicorn exited with status {server.proc.returncode}:\n{server.tail()}")
            if time.perf_counter() > deadline:
                missing = sorted(live - first_seen.keys())
                raise BenchmarkError(f"workers {missing} served no matching page within {args.timeout:.0f} s"
                                     f"\n{server.tail()}")
            time.sleep(0.05)
        all_warm = server.since_start()
        memory = _pss_mb([server.proc.pid, *live])
        stop.set()
        for t in clients:
            t.join(timeout=150)
    finally:
        stop.set()
        server.stop()
    per_worker: dict[int, list[tuple[float, float]]] = {}
    for pid, seconds, seen in logged:
        per_worker.setdefault(pid, []).append((seen - seconds, seconds))
    workers = {}
    for pid in sorted(per_worker, key=first_seen.get):
        pages = per_worker[pid]
        workers[pid] = {"first": min(pages, key=lambda page: (page[0], -page[1]))[1],
                        "slowest": max(seconds for _, seconds in pages), "pages": len(pages),
                        "seen_at": first_seen[pid]}
    with lock:
        done = sorted(results)
    warmup = [r for r in done if r[0] <= all_warm]
    failed = [r for r in warmup if r[2] != 200]
    if failed:
        raise BenchmarkError(f"{len(failed)} matching page(s) failed, first with status {failed[0][2]}: "
                             f"{failed[0][3][:300]!r}")
    body = warmup[0][3].decode("utf-8", "replace") if warmup else ""
    if 'id="suggestions"' not in body:
        raise BenchmarkError(f"{matching_path} shows no suggested suppliers to the demo buyer")
    section = body[body.find('id="suggestions"'):]
    latencies = [r[1] for r in warmup]
    log = server.output.read_text(encoding="utf-8", errors="replace")
    return {
        "mode": mode, "startup": startup, "all_warm": all_warm,
        "workers": workers,
        "replaced": len(ever) - len(live), "memory": memory, "timeouts": log.count("WORKER TIMEOUT"),
        "requests": len(warmup), "client_first": latencies[0], "client_median": statistics.median(latencies),
        "client_max": max(latencies), "suggestions": section.count('<li class="card">'),
    }


# --------------------------------------------------------------------------- report

def print_report(args, described: dict, results: list[dict]) -> None:
    print()
    print(f"gunicorn -c {args.config} matchmaker.wsgi:app: {args.workers} workers, "
          f"{os.cpu_count()} cores, {args.concurrency} connections; database {described['database']}, "
          f"{described['capabilities']:,} active capabilities; matching page {described['path']} "
          f"({results[0]['suggestions'] if results else 0} suggested suppliers shown)")
    print()
    head = (f"{'mode':<11} {'start-up s':>10} {'first page/worker s':>20} {'slowest/worker s':>17} "
            f"{'client s':>21} {'all warm s':>10} {'pages':>6} {'PSS MB':>7}")
    print(head)
    print(f"{'':<11} {'':>10} {'max':>9} {'median':>10} {'max':>17} {'first':>7} {'med':>6} {'max':>6} "
          f"{'':>10} {'':>6} {'':>7}")
    print("-" * len(head))
    for r in results:
        firsts = [w["first"] for w in r["workers"].values()]
        slowest = [w["slowest"] for w in r["workers"].values()]
        print(f"{r['mode']:<11} {r['startup']:>10.2f} {max(firsts):>9.3f} {statistics.median(firsts):>10.3f} "
              f"{max(slowest):>17.3f} {r['client_first']:>7.3f} {r['client_median']:>6.3f} "
              f"{r['client_max']:>6.3f} {r['all_warm']:>10.2f} {r['requests']:>6} "
              f"{'-' if r['memory'] is None else format(r['memory'], '.0f'):>7}")
    print()
    print(f"{'mode':<11} {'worker':>8} {'first page s':>13} {'slowest s':>10} {'pages':>6} "
          f"{'first served at s':>18}")
    for r in results:
        for pid, w in r["workers"].items():
            print(f"{r['mode']:<11} {pid:>8} {w['first']:>13.3f} {w['slowest']:>10.3f} {w['pages']:>6} "
                  f"{w['seen_at']:>18.2f}")
        if r["replaced"] or r["timeouts"]:
            print(f"{r['mode']:<11} note: {r['replaced']} worker(s) replaced, "
                  f"{r['timeouts']} WORKER TIMEOUT line(s) in gunicorn's log")
    print()
    print("start-up: process start -> /api/v1/health answers; first page/worker: the access log's "
          "seconds for each worker's first matching page;")
    print("slowest/worker: its slowest matching page until every worker had served one; client: "
          "latency seen by the benchmark, queueing included;")
    print("all warm: process start -> every worker has served a matching page; pages: matching pages "
          "served until then; PSS: master and workers together, then.")
    preload = next((r for r in results if r["mode"] == "preload"), None)
    print()
    if preload is None:
        print("target (first matching page of each worker < 1 s with preload): not measured (--modes)")
        return
    worst = max(w["first"] for w in preload["workers"].values())
    verdict = "MET" if worst < TARGET_SECONDS else "NOT MET"
    print(f"target (first matching page of each worker < {TARGET_SECONDS:.0f} s with preload): {verdict} "
          f"(slowest first page {worst:.3f} s; every worker warm {preload['all_warm']:.2f} s after "
          f"the process started)")
    for r in results:
        if r is not preload:
            print(f"  {r['mode']}: slowest first page {max(w['first'] for w in r['workers'].values()):.3f} s, "
                  f"every worker warm after {r['all_warm']:.2f} s")


# --------------------------------------------------------------------------- main

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--capabilities", type=int, default=0,
                        help="synthetic active capabilities added to the demo's (e.g. 20000)")
    parser.add_argument("--database-url",
                        help="an empty PostgreSQL database to prepare instead of the temporary "
                             "folder's SQLite file (postgresql+psycopg://...)")
    parser.add_argument("--workers", type=int, default=3, help="MATCHMAKER_WORKERS")
    parser.add_argument("--concurrency", type=int, default=4,
                        help="connections requesting the matching page at once")
    parser.add_argument("--modes", default=",".join(MODES),
                        help=f"comma-separated, from {', '.join(MODES)} (default: all)")
    parser.add_argument("--email", default=None, help="the buyer to log in as (default: the demo buyer)")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds allowed for start-up, and then for every worker to serve a page")
    parser.add_argument("--config", default=SHIPPED_CONFIG,
                        help="the gunicorn configuration to measure (default: the shipped one)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs, database)")
    args = parser.parse_args(argv)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        parser.error(f"unknown mode(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(MODES)}")
    if args.workers < 1 or args.concurrency < 1:
        parser.error("--workers and --concurrency must be at least 1")

    from sqlalchemy.engine import make_url

    from matchmaker.services.seeding import DEMO_ACCOUNTS

    args.email = args.email or next(a["email"] for a in DEMO_ACCOUNTS if a.get("enterprise") == "large")
    # Stopped from outside: unwind, so that the servers are stopped and the folder removed.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    folder = Path(tempfile.mkdtemp(prefix="matchmaker-warm-start-"))
    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_ENV}
    env["MATCHMAKER_INSTANCE"] = str(folder / "instance")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    try:
        url = prepare_database(folder, env, args.database_url, args.capabilities, args.seed)
        demand_id = buyer_demand(url, args.email)
        described = {"database": make_url(url).get_backend_name(), "capabilities": active_capabilities(url),
                     "path": f"/demands/{demand_id}"}
        results = []
        for mode in modes:
            print(f"{mode}: starting gunicorn ...", flush=True)
            results.append(run_mode(folder, env, mode, args, demand_id))
        print_report(args, described, results)
    except BenchmarkError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        if args.keep:
            print(f"logs and database kept in {folder}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
