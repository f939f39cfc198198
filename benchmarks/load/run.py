"""Load benchmark: Matchmaker under gunicorn, driven by locust, against 100,000 enterprises and 300,000 postings.

::

    .venv/bin/python benchmarks/load/run.py                       # the full benchmark
    .venv/bin/python benchmarks/load/run.py --enterprises 5000 --postings 15000 --duration 20
    .venv/bin/python benchmarks/load/run.py --rebuild             # prepare the databases again

Prepares (or keeps, see :mod:`prepare`) two PostgreSQL databases on
127.0.0.1:5432: the full one and the demo-size one. For each it starts gunicorn
with the shipped configuration (``-c python:matchmaker.gunicorn_config
matchmaker.wsgi:app``) on a loopback port, with Redis db 12 behind the rate
limiter, waits until it answers (the engines are fitted before the workers
fork), and drives it with ``locust --headless`` from another process
(:mod:`locustfile`): ``--users`` simulated users, each aiming at
``--rate / --users`` requests per second, so that together they offer the
target rate. The warm-up (``--warmup`` seconds, and until every simulated
member has logged in) is not measured; then ``--duration`` seconds are.

Phases, in this order: the realistic mix on the demo-size database (baseline:
the same code and traffic without the data), ``GET /healthz`` on the full
server (baseline: the floor of gunicorn, Flask and locust on this machine), and
the realistic mix on the full database. Printed per phase: requests, throughput,
p50/p95/p99/max per endpoint and overall, failures, the server's CPU time per
request and the machine's load; then whether the full-size mix meets the target
(``--rate`` requests/s overall, p99 under ``--p99`` ms, no failure). It prints,
it does not assert: the exit status is 0 either way (1 when a step could not be
carried out).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import math
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import prepare
from server import Server, ServerError, backend_cpu, cpu_seconds, database_backends, machine_cpu

REDIS_URL = "redis://127.0.0.1:6379/12"
TARGET_RPS = 200.0
TARGET_P99_MS = 300.0
PERCENTILES = ("50%", "95%", "99%")


class BenchmarkError(RuntimeError):
    """A step of the benchmark could not be carried out."""


# --------------------------------------------------------------------------- the catalogue

def write_catalogue(url: str, path: Path, seed: int) -> dict:
    """Ids, accounts and search terms of the database at ``url`` for the locustfile; returns a summary.

    Applications sent by the benchmark's accounts in earlier runs are deleted first,
    so that every run finds the same database.
    """
    from sqlalchemy import create_engine, delete, func, or_, select
    from sqlalchemy.orm import Session

    import graph as chaingraph
    from matchmaker.models import (
        Application,
        Capability,
        Demand,
        Enterprise,
        Event,
        User,
    )
    from matchmaker.services.chains import chains_document

    rng = random.Random(seed)
    engine = create_engine(url)
    today = dt.date.today()
    try:
        with Session(engine) as session:
            ours = select(User.id).where(User.email.like("%@loadbench.matchmaker.cn"))
            session.execute(delete(Application).where(Application.submitted_by_id.in_(ours)))
            session.commit()

            def sample(stmt, n=2000):
                return list(session.scalars(stmt.order_by(func.random()).limit(n)))

            open_demand = (Demand.status == "published",
                           or_(Demand.deadline.is_(None), Demand.deadline > today))
            demands = sample(select(Demand.id).where(Demand.status == "published"))
            G = chaingraph.load_chains(chains_document(session))
            # What people type: chain products (光伏组件), their first word (光伏), English
            # names, and a city with a brand (苏州澜曜) when looking for an enterprise.
            terms = sorted({data.get("name") for _, data in G.nodes(data=True) if data.get("name")})
            terms += sorted({t[:2] for t in terms if len(t) >= 4})[:40]
            terms += sorted({data.get("name_en") for _, data in G.nodes(data=True) if data.get("name_en")})[:40]
            names = sample(select(Enterprise.name), 200)
            terms += [name[:4] for name in names[:60]]
            catalogue = {
                "password": prepare.PASSWORD,
                "demands": demands,
                "capabilities": sample(select(Capability.id).where(Capability.active)),
                "enterprises": sample(select(Enterprise.id)),
                "events": list(session.scalars(select(Event.id).where(Event.status != "draft"))),
                "regions": sorted(prepare._CITIES),
                "terms": terms,
                "accounts": {"buyer": [], "sme": [], "organiser": []},
            }
            for role, email in prepare.account_emails():
                user = session.scalar(select(User).where(User.email == email))
                if user is None:
                    raise BenchmarkError(f"{email} is missing from the prepared database (--rebuild)")
                account = {"email": email, "token": prepare.api_token_of(email)}
                if role == "buyer":
                    account["demands"] = list(session.scalars(
                        select(Demand.id).where(Demand.enterprise_id == user.enterprise_id,
                                                Demand.status == "published").order_by(Demand.id)))
                elif role == "sme":
                    account["capabilities"] = [
                        {"id": c.id, "title": c.title, "description": c.description or "",
                         "chain_nodes": list(c.chain_nodes or []), "qualifications": list(c.qualifications or []),
                         "capacity": c.capacity, "region": c.region}
                        for c in session.scalars(select(Capability).where(
                            Capability.enterprise_id == user.enterprise_id, Capability.active)
                            .order_by(Capability.id))]
                    account["can_apply"] = sample(select(Demand.id).where(
                        *open_demand, Demand.enterprise_id != user.enterprise_id), 300)
                catalogue["accounts"][role].append(account)
    finally:
        engine.dispose()
    rng.shuffle(catalogue["terms"])
    path.write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")
    return {"demands": len(catalogue["demands"]), "terms": len(catalogue["terms"])}


# --------------------------------------------------------------------------- one phase

@dataclass
class Row:
    name: str
    requests: int
    failures: int
    rps: float
    percentiles: dict
    max_ms: float
    mean_ms: float


@dataclass
class Phase:
    title: str
    rows: list[Row] = field(default_factory=list)
    total: Row | None = None
    failures: list[tuple[str, str, int]] = field(default_factory=list)
    server_cpu: float = 0.0
    database_cpu: float = 0.0
    driver_cpu: float = 0.0
    machine: tuple = (0.0, 0.0)
    load: tuple = ()
    startup: float = 0.0
    note: str = ""


def _number(value: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")


def read_stats(prefix: Path) -> tuple[list[Row], Row | None, list]:
    rows, total = [], None
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            label = r["Name"] if r["Type"] in ("", "GET") or r["Name"].startswith(r["Type"]) else \
                f"{r['Type']} {r['Name']}"
            row = Row(label, int(r["Request Count"]), int(r["Failure Count"]), _number(r["Requests/s"]),
                      {p: _number(r[p]) for p in PERCENTILES}, _number(r["Max Response Time"]),
                      _number(r["Average Response Time"]))
            if r["Name"] == "Aggregated":
                total = row
            else:
                rows.append(row)
    failures = []
    with open(f"{prefix}_failures.csv", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            failures.append((r["Name"], r["Error"], int(r["Occurrences"])))
    return rows, total, failures


def run_locust(server: Server, folder: Path, name: str, mix: str, args, catalogue: Path) -> Phase:
    prefix = folder / f"locust-{name}"
    duration = args.floor_duration if mix == "floor" else args.duration
    mark = folder / f"locust-{name}.measuring"
    env = dict(os.environ, LOAD_BENCH_CATALOGUE=str(catalogue), LOAD_BENCH_MIX=mix,
               LOAD_BENCH_RATE=str(args.rate / args.users), LOAD_BENCH_WARMUP=str(args.warmup),
               LOAD_BENCH_MARK=str(mark), LOAD_BENCH_DURATION=str(duration))
    command = [sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
               "--host", server.base, "-u", str(args.users), "-r", str(args.users),
               "-t", f"{int(4 * args.warmup + duration + 30)}s", "--stop-timeout", "10", "--csv", str(prefix),
               "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    before_cpu = None
    load_before = os.getloadavg()
    with open(folder / f"locust-{name}.log", "wb") as out:
        proc = subprocess.Popen(command, cwd=folder, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            while not mark.exists() and proc.poll() is None:  # the statistics are reset: measuring from now
                time.sleep(0.2)
            before_cpu = cpu_seconds(server.pids())
            before_db = backend_cpu(database_backends(server.database))
            before_driver = cpu_seconds([proc.pid])
            before_machine = machine_cpu()
            started = time.perf_counter()
            while proc.poll() is None and not _window_over(started, duration):
                time.sleep(0.1)
            # Every CPU figure over the same window as locust's statistics (locust takes a moment to exit).
            driver_cpu = max(0.0, cpu_seconds([proc.pid]) - before_driver)
            machine = tuple(after - before for after, before in zip(machine_cpu(), before_machine))
            server_cpu = cpu_seconds(server.pids()) - before_cpu
            # The backends serving the site (pooled, so alive throughout); parallel query workers come and
            # go uncounted (the machine's figure has them).
            database_cpu = sum(cpu - before_db.get(pid, 0.0)
                               for pid, cpu in backend_cpu(database_backends(server.database)).items())
            measured = time.perf_counter() - started
            proc.wait(timeout=4 * args.warmup + duration + 120)
        except BaseException:
            os.killpg(proc.pid, signal.SIGTERM)
            raise
    if proc.returncode != 0:
        log = (folder / f"locust-{name}.log").read_text(encoding="utf-8", errors="replace")
        raise BenchmarkError(f"locust exited with status {proc.returncode}:\n{log[-3000:]}")
    rows, total, failures = read_stats(prefix)
    phase = Phase(name, rows, total, failures, server_cpu, database_cpu, driver_cpu, machine,
                  (load_before, os.getloadavg()))
    phase.note = f"{len(server.workers())} gunicorn workers ({_shipped_workers()}); measured {measured:.0f} s"
    return phase


def _shipped_workers() -> str:
    """The worker class and keep-alive the server ran with: the shipped defaults (the server's
    environment leaves out the variables that change them)."""
    import importlib

    import matchmaker.gunicorn_config as shipped
    saved = {k: os.environ.pop(k) for k in ("MATCHMAKER_WORKER_CLASS", "MATCHMAKER_KEEPALIVE", "MATCHMAKER_THREADS")
             if k in os.environ}
    try:
        shipped = importlib.reload(shipped)
        return f"{shipped.worker_class}, {shipped.threads} threads, keep-alive {shipped.keepalive} s"
    finally:
        os.environ.update(saved)


def _window_over(started: float, duration: float) -> bool:
    """Whether the measured window (``duration`` seconds from ``started``) has ended."""
    return time.perf_counter() - started >= duration


# --------------------------------------------------------------------------- report

def _ms(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.0f}"


def print_phase(phase: Phase, header: str) -> None:
    print()
    print(header)
    width = max([len(r.name) for r in phase.rows] + [24])
    print(f"{'endpoint':<{width}} {'requests':>9} {'req/s':>7} {'fail':>5} {'p50':>6} {'p95':>6} {'p99':>6} "
          f"{'max':>6} {'mean':>6}  (ms)")
    for row in sorted((r for r in phase.rows if r.requests),
                      key=lambda r: 0 if math.isnan(r.percentiles["99%"]) else -r.percentiles["99%"]):
        print(f"{row.name:<{width}} {row.requests:>9,} {row.rps:>7.1f} {row.failures:>5} "
              + " ".join(f"{_ms(row.percentiles[p]):>6}" for p in PERCENTILES)
              + f" {_ms(row.max_ms):>6} {_ms(row.mean_ms):>6}")
    t = phase.total
    if t is not None:
        print("-" * (width + 62))
        print(f"{'overall':<{width}} {t.requests:>9,} {t.rps:>7.1f} {t.failures:>5} "
              + " ".join(f"{_ms(t.percentiles[p]):>6}" for p in PERCENTILES)
              + f" {_ms(t.max_ms):>6} {_ms(t.mean_ms):>6}")
        per_request = 1000 * phase.server_cpu / t.requests if t.requests else float("nan")
        (m1, _, _), (m1_after, _, _) = phase.load
        print(f"server CPU {phase.server_cpu:.1f} s = {per_request:.1f} ms per request; load average "
              f"{m1:.2f} before, {m1_after:.2f} after ({os.cpu_count()} cores); {phase.note}")
        if t.requests:
            print(f"PostgreSQL CPU (the site's connections) {phase.database_cpu:.1f} s = "
                  f"{1000 * phase.database_cpu / t.requests:.1f} ms per request; the load generator (locust) "
                  f"{phase.driver_cpu:.1f} s = {1000 * phase.driver_cpu / t.requests:.1f} ms per request")
            busy, idle = phase.machine
            if busy + idle:
                print(f"the machine: {100 * busy / (busy + idle):.0f}% busy over the window "
                      f"({busy:.1f} CPU s, {1000 * busy / t.requests:.1f} ms per request, everything included)")
    for name, error, count in phase.failures[:10]:
        print(f"  failure: {count} x {name}: {error[:160]}")


def verdict(phase: Phase, args) -> tuple[bool, str]:
    t = phase.total
    rps, p99, failures = t.rps, t.percentiles["99%"], t.failures
    ok = rps >= 0.98 * args.rate and p99 < args.p99 and failures == 0
    return ok, (f"{rps:.1f} req/s (target {args.rate:.0f}), p99 {p99:.0f} ms (target < {args.p99:.0f}), "
                f"{failures} failure(s) (target 0)")


# --------------------------------------------------------------------------- main

def check_services() -> None:
    try:
        with prepare.pg_admin():
            pass
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        raise BenchmarkError(f"PostgreSQL is not reachable at {prepare.ADMIN_URL}: {exc}") from None
    import redis
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).flushdb()  # only db 12: the limiter's counters
    except Exception as exc:  # noqa: BLE001
        raise BenchmarkError(f"Redis is not reachable at {REDIS_URL}: {exc}") from None


def phase_on(name: str, url: str, mixes: list[str], args, folder: Path) -> list[Phase]:
    catalogue = folder / f"catalogue-{name}.json"
    write_catalogue(url, catalogue, args.seed)
    import redis
    redis.Redis.from_url(REDIS_URL).flushdb()
    phases = []
    with Server(folder, name, url, REDIS_URL, workers=args.workers, access_log=args.access_log) as server:
        print(f"{name}: starting gunicorn (engines fitted before the workers fork) ...", flush=True)
        startup = server.wait_ready(args.timeout)
        print(f"{name}: ready in {startup:.1f} s", flush=True)
        for mix in mixes:
            label = f"{name} {mix}"
            print(f"{label}: {args.warmup:.0f} s warm-up + "
                  f"{args.floor_duration if mix == 'floor' else args.duration:.0f} s measured ...", flush=True)
            phase = run_locust(server, folder, f"{name}-{mix}", mix, args, catalogue)
            phase.startup = startup
            phases.append(phase)
        if "Traceback" in server.tail(200_000):
            print(f"{name}: gunicorn logged errors; see {server.output}", flush=True)
            args.keep = True
    return phases


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--postings", type=int, default=300_000)
    parser.add_argument("--database", default="load_bench", help="the full database's name")
    parser.add_argument("--rebuild", action="store_true", help="drop and prepare the databases again")
    parser.add_argument("--duration", type=float, default=60, help="measured seconds of each mix phase")
    parser.add_argument("--floor-duration", type=float, default=20, help="measured seconds of the /healthz phase")
    parser.add_argument("--warmup", type=float, default=15, help="seconds run before measuring")
    parser.add_argument("--users", type=int, default=50, help="simulated users")
    parser.add_argument("--rate", type=float, default=TARGET_RPS, help="requests/s offered (and the target)")
    parser.add_argument("--p99", type=float, default=TARGET_P99_MS, help="the target p99 in ms")
    parser.add_argument("--workers", type=int, default=None, help="MATCHMAKER_WORKERS (default: the config's)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed for the server to start")
    parser.add_argument("--phases", default="demo,floor,full", help="comma-separated subset of demo,floor,full")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, locust CSV files)")
    parser.add_argument("--access-log", action="store_true",
                        help="gunicorn's access log in the work folder (time in the application per request; with --keep)")
    args = parser.parse_args(argv)
    wanted = {p.strip() for p in args.phases.split(",") if p.strip()}
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    folder = Path(tempfile.mkdtemp(prefix="matchmaker-load-"))
    os.environ.setdefault("MATCHMAKER_INSTANCE", str(folder / "instance"))
    started = time.perf_counter()
    try:
        check_services()
        spec = prepare.Spec(args.enterprises, args.postings, args.seed)
        demo_name = f"{args.database}_demo"
        results = []
        if "demo" in wanted:
            demo_url = prepare.ensure_database(demo_name, prepare.Spec(0, 0, args.seed, demo_only=True))
            results += phase_on("demo", demo_url, ["mix"], args, folder)
        if wanted & {"floor", "full"}:
            url = prepare.ensure_database(args.database, spec, rebuild=args.rebuild)
            mixes = [m for m, p in (("floor", "floor"), ("mix", "full")) if p in wanted]
            results += phase_on("full", url, mixes, args, folder)
        report(results, args, spec)
    except (BenchmarkError, ServerError) as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        args.keep = True
        return 1
    finally:
        print(f"\nwhole run {time.perf_counter() - started:.0f} s")
        if args.keep:
            print(f"logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def report(results: list[Phase], args, spec) -> None:
    offered = f"{args.users} users offering {args.rate:.0f} req/s"
    titles = {
        "demo-mix": f"BASELINE demo-size database (demo data only), realistic mix, {offered}",
        "full-floor": f"BASELINE floor: GET /healthz on the full server, {offered}",
        "full-mix": f"FULL database ({spec.enterprises:,} enterprises, {spec.postings:,} postings), realistic mix, "
                    f"{offered}",
    }
    for phase in results:
        print_phase(phase, f"== {titles.get(phase.title, phase.title)} (server ready after {phase.startup:.0f} s)")
    by = {p.title: p for p in results}
    print()
    if "full-mix" in by and by["full-mix"].total is not None:
        ok, text = verdict(by["full-mix"], args)
        print(f"TARGET {'MET' if ok else 'NOT MET'} on the full database: {text}")
        full = by["full-mix"].total
        for key, label in (("demo-mix", "demo-size mix"), ("full-floor", "/healthz floor")):
            base = by.get(key)
            if base is not None and base.total is not None:
                b = base.total
                print(f"  vs {label}: {b.rps:.1f} req/s, p50 {_ms(b.percentiles['50%'])} ms, "
                      f"p99 {_ms(b.percentiles['99%'])} ms, {b.failures} failure(s); full-size p99 is "
                      f"{full.percentiles['99%'] / max(b.percentiles['99%'], 1):.1f}x")
    else:
        print("target: not measured (the full mix was not run)")


if __name__ == "__main__":
    sys.exit(main())
