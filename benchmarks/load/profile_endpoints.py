"""Where the time of each page of the load mix goes: wall and CPU time, SQL statements, hot functions.

::

    .venv/bin/python benchmarks/load/profile_endpoints.py                      # the full database
    .venv/bin/python benchmarks/load/profile_endpoints.py --database load_bench_demo
    .venv/bin/python benchmarks/load/profile_endpoints.py --only opportunities --cprofile 25

Runs in one process, without gunicorn and without concurrency, so the figures
are the cost of one request, not queueing: the application is built on a
database prepared by :mod:`run` (it must exist), the engines fitted, the
benchmark's accounts logged in through the log-in form (CSRF token from the
page) with Flask's test client, and every request of the load mix is made
``--repeat`` times with ids drawn as the locustfile draws them. Printed per
request: mean wall and CPU milliseconds, SQL statements and their milliseconds
(measured at the driver) and the ranked-results cache's hits and misses
(:mod:`matchmaker.services.ranked_cache`; round 0 fills it, and the SME's capability
edit in every round makes 我的商机 rank that capability again); with ``--sql`` the
costliest statements of each; with ``--cprofile N`` the N functions of largest
cumulative time of each; ``--no-cache`` ranks on every view (the cost of a miss).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import prepare
from run import write_catalogue

_CHECKED_NODE = re.compile(r'name="chain_nodes" value="([^"]+)" checked')
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def _csrf(text: str) -> str:
    found = _CSRF.search(text)
    return (found.group(1) or found.group(2)) if found else ""


class SqlLog:
    """Statements and their driver-side time, while ``on``."""

    def __init__(self, engine):
        from sqlalchemy import event
        self.on = False
        self.items: list[tuple[str, float]] = []
        self._started: dict[int, float] = {}
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        started = self._started.pop(id(cursor), None)
        if self.on and started is not None:
            self.items.append((statement, time.perf_counter() - started))


def requests_of(catalogue: dict, rng: random.Random):
    """(role, name, method, path, form) of each request of the load mix, ids drawn at random."""
    buyer = catalogue["accounts"]["buyer"][0]
    sme = catalogue["accounts"]["sme"][0]
    term = rng.choice(catalogue["terms"])
    region = rng.choice(catalogue["regions"])
    capability = sme["capabilities"][0]
    yield "anonymous", "/", "GET", "/", None
    yield "anonymous", "/demands/", "GET", f"/demands/?page={rng.choice((1, 2, 3))}", None
    yield "anonymous", "/demands/?region=", "GET", f"/demands/?region={quote(region)}", None
    yield "anonymous", "/demands/[id]", "GET", f"/demands/{rng.choice(catalogue['demands'])}", None
    yield "anonymous", "/capabilities/[id]", "GET", f"/capabilities/{rng.choice(catalogue['capabilities'])}", None
    yield "anonymous", "/enterprises/[id]", "GET", f"/enterprises/{rng.choice(catalogue['enterprises'])}", None
    yield "anonymous", "/search/?q=", "GET", f"/search/?q={quote(term)}", None
    yield "anonymous", "/healthz", "GET", "/healthz", None
    yield "sme", "/opportunities/ (我的商机)", "GET", "/opportunities/", None
    yield "sme", "/demands/[id] (SME)", "GET", f"/demands/{rng.choice(catalogue['demands'])}", None
    yield "sme", "/capabilities/mine", "GET", "/capabilities/mine", None
    yield "sme", "/capabilities/[id]/edit", "GET", f"/capabilities/{capability['id']}/edit", None
    marker = "（可提供样品）"
    description = capability["description"]
    capability["description"] = description[:-len(marker)] if description.endswith(marker) else description + marker
    yield "sme", "POST /capabilities/[id]/edit", "POST", f"/capabilities/{capability['id']}/edit", {
        "title": capability["title"], "description": capability["description"],
        "chain_nodes": capability["chain_nodes"], "inferred_nodes": "", "qualifications": capability["qualifications"],
        "capacity": capability["capacity"] or "", "region": capability["region"] or ""}
    if sme["can_apply"]:
        demand = sme["can_apply"].pop()
        yield "sme", "/demands/[id]/apply", "GET", f"/demands/{demand}/apply", None
        yield "sme", "POST /demands/[id]/apply", "POST", f"/demands/{demand}/apply", {
            "proposal": "可按贵方技术要求定制，交期四周。", "price": "12.5",
            "capability_id": str(capability["id"])}
    yield "buyer", "/demands/[id] (buyer, suggestions)", "GET", f"/demands/{rng.choice(buyer['demands'])}", None
    yield "buyer", "/demands/mine", "GET", "/demands/mine", None
    yield "buyer", "/applications/received", "GET", "/applications/received", None
    yield "organiser", "/events/", "GET", "/events/", None
    if catalogue["events"]:
        yield "organiser", "/events/[id]", "GET", f"/events/{rng.choice(catalogue['events'])}", None
    yield "api", "/api/v1/demands", "GET", f"/api/v1/demands?page={rng.randint(1, 5)}", None
    yield "api", "/api/v1/demands/[id]", "GET", f"/api/v1/demands/{rng.choice(catalogue['demands'])}", None
    yield "api", "/api/v1/capabilities?region=", "GET", f"/api/v1/capabilities?region={quote(region)}", None
    yield "api", "/api/v1/search?q=", "GET", f"/api/v1/search?q={quote(term)}", None
    yield "api", "/api/v1/demands/[id]/suggestions", "GET", \
        f"/api/v1/demands/{rng.choice(buyer['demands'])}/suggestions", None
    yield "api", "/api/v1/me", "GET", "/api/v1/me", None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", default="load_bench")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", help="only the requests whose name contains one of these (comma-separated) texts")
    parser.add_argument("--sql", type=int, default=0, help="show the N costliest statements of each request")
    parser.add_argument("--sql-chars", type=int, default=300, help="characters of each statement shown by --sql")
    parser.add_argument("--cprofile", type=int, default=0, help="show the N top functions (cumulative) of each")
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"),
                        help="order of --cprofile: time in the function and its callees, or in the function alone")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-cache", action="store_true",
                        help="rank on every view (RANKED_CACHE_SECONDS=0): the cost of a cache miss")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="matchmaker-profile-"))
    try:
        return _profile(args, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _profile(args, folder: Path) -> int:
    os.environ["MATCHMAKER_INSTANCE"] = str(folder / "instance")
    for name in ("REDIS_URL", "DATABASE_URL"):
        os.environ.pop(name, None)
    url = prepare.database_url(args.database)
    catalogue_path = folder / "catalogue.json"
    write_catalogue(url, catalogue_path, args.seed)
    import json
    catalogue = json.loads(catalogue_path.read_text(encoding="utf-8"))

    from matchmaker import create_app
    from matchmaker.services.engines import warm_up

    overrides = {"DATABASE_URL": url, "LOGIN_RATE_LIMIT": "100000 per minute"}
    if args.no_cache:
        overrides["RANKED_CACHE_SECONDS"] = 0
    app = create_app(overrides)
    cache = app.extensions["matchmaker.ranked_cache"]
    started = time.perf_counter()
    warm_up(app)
    print(f"engines fitted in {time.perf_counter() - started:.1f} s")
    sql = SqlLog(app.extensions["sqlalchemy_engine"])
    clients = {"anonymous": app.test_client()}
    for role in ("sme", "buyer", "organiser"):
        client = app.test_client()
        account = catalogue["accounts"][role][0]
        token = _csrf(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"email": account["email"], "password": catalogue["password"],
                                               "csrf_token": token})
        if response.status_code not in (302, 303):
            raise SystemExit(f"log-in as {account['email']} failed ({response.status_code})")
        clients[role] = client
    api_headers = {"Authorization": f"Bearer {catalogue['accounts']['buyer'][0]['token']}"}

    rng = random.Random(args.seed)
    stats: dict[str, dict] = defaultdict(lambda: {"wall": [], "cpu": [], "sql_n": [], "sql_s": [], "hits": 0, "misses": 0,
                                                  "statements": defaultdict(lambda: [0, 0.0]), "status": set()})
    profiles: dict[str, cProfile.Profile] = {}
    for round_ in range(args.repeat + 1):  # round 0 warms every page up and is not counted
        for role, name, method, path, form in requests_of(catalogue, rng):
            if args.only and not any(part in name for part in args.only.split(",")):
                continue
            client = clients["buyer" if role == "api" else role]
            headers = api_headers if role == "api" else {}
            if method == "POST":
                page = client.get(path).get_data(as_text=True)
                form = {**form, "csrf_token": _csrf(page)}
            profile = profiles.setdefault(name, cProfile.Profile()) if args.cprofile and round_ else None
            sql.items = []
            sql.on = True
            hits, misses = cache.hits, cache.misses
            wall, cpu = time.perf_counter(), time.process_time()
            if profile is not None:
                profile.enable()
            response = (client.post(path, data=form, headers=headers) if method == "POST"
                        else client.get(path, headers=headers))
            nodes = _CHECKED_NODE.findall(response.get_data(as_text=True)) if method == "POST" \
                and response.status_code == 200 else []
            if nodes:  # chain nodes inferred for a capability that had none: the SME confirms them
                page = response.get_data(as_text=True)
                response = client.post(path, data={**form, "chain_nodes": nodes, "inferred_nodes": ",".join(nodes),
                                                   "csrf_token": _csrf(page)}, headers=headers)
            if profile is not None:
                profile.disable()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            sql.on = False
            if not round_:
                continue
            s = stats[name]
            s["wall"].append(wall)
            s["cpu"].append(cpu)
            s["sql_n"].append(len(sql.items))
            s["sql_s"].append(sum(t for _, t in sql.items))
            s["status"].add(response.status_code)
            s["hits"] += cache.hits - hits
            s["misses"] += cache.misses - misses
            for statement, seconds in sql.items:
                entry = s["statements"][" ".join(statement.split())[:max(400, args.sql_chars)]]
                entry[0] += 1
                entry[1] += seconds

    width = max(len(n) for n in stats) if stats else 10
    print(f"\n{'request':<{width}} {'wall ms':>8} {'cpu ms':>7} {'SQL n':>6} {'SQL ms':>7}  status  cache hits/misses")
    for name, s in sorted(stats.items(), key=lambda kv: -statistics.mean(kv[1]["wall"])):
        hits = f"{s['hits']}/{s['misses']}" if s["hits"] or s["misses"] else ""
        print(f"{name:<{width}} {1000 * statistics.mean(s['wall']):>8.1f} {1000 * statistics.mean(s['cpu']):>7.1f} "
              f"{statistics.mean(s['sql_n']):>6.1f} {1000 * statistics.mean(s['sql_s']):>7.1f}  "
              f"{','.join(map(str, sorted(s['status']))):<6}  "
              f"{hits}")
    for name, s in sorted(stats.items(), key=lambda kv: -statistics.mean(kv[1]["wall"])):
        if args.sql:
            print(f"\n-- {name}: costliest statements (count per request, ms per request)")
            ranked = sorted(s["statements"].items(), key=lambda kv: -kv[1][1])[:args.sql]
            for statement, (count, seconds) in ranked:
                print(f"  {count / args.repeat:>5.1f} x {1000 * seconds / args.repeat:>7.1f} ms  {statement[:args.sql_chars]}")
        if args.cprofile and name in profiles:
            out = io.StringIO()
            pstats.Stats(profiles[name], stream=out).sort_stats(args.sort).print_stats(args.cprofile)
            text = out.getvalue()
            print(f"\n-- {name}: top functions by {args.sort} time over {args.repeat} requests")
            print(text[text.find("   ncalls"):].rstrip())
    app.extensions["sqlalchemy_engine"].dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
