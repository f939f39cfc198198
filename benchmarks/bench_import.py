"""Benchmark ``matchmaker import capabilities`` on 100,000 rows (XLSX and CSV) into PostgreSQL.

Generates a few thousand enterprises and 100,000 capability rows whose titles
and descriptions recombine the sentences of the development sets
(tests/data/match-dev*/capabilities.jsonl); about a third name their chain
nodes, the rest have them inferred as on the site. Each format is imported
into a fresh PostgreSQL database that the benchmark creates and drops
(``bench_import_<pid>_<format>``), after the chains and the enterprises. It
prints, per format, the seconds and rows per second of the import (and of a
second import of the same file, which changes nothing), and as baselines the
time the readers alone take and a naive import (one ORM object and one flush
per row, as a loop over the site's services would do) measured on 5,000 rows
and extrapolated to the whole file. Target: under 2 minutes per format.

    python benchmarks/bench_import.py                  # 100,000 rows, 3,000 enterprises
    python benchmarks/bench_import.py --rows 20000     # a quicker run
    BENCH_PG_URL=postgresql://user@host:5432/postgres python benchmarks/bench_import.py

PostgreSQL is reached at ``BENCH_PG_URL`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``); without it the benchmark
says so and stops.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from matchmaker.domain import uscc as uscc_rules
from matchmaker.io.schema import SCHEMAS
from matchmaker.io.sheets import write_table

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
TARGET_SECONDS = 120
NAIVE_ROWS = 5000
CITIES = ("苏州", "无锡", "常州", "南通", "宁波", "温州", "合肥", "芜湖", "东莞", "佛山", "青岛", "烟台", "成都",
          "西安", "武汉", "长沙", "郑州", "济南", "厦门", "泉州")
REGIONS = {"苏州": "江苏省", "无锡": "江苏省", "常州": "江苏省", "南通": "江苏省", "宁波": "浙江省", "温州": "浙江省",
           "合肥": "安徽省", "芜湖": "安徽省", "东莞": "广东省", "佛山": "广东省", "青岛": "山东省", "烟台": "山东省",
           "成都": "四川省", "西安": "陕西省", "武汉": "湖北省", "长沙": "湖南省", "郑州": "河南省", "济南": "山东省",
           "厦门": "福建省", "泉州": "福建省"}
TRADES = ("精密", "智能", "新材料", "电子", "机械", "自动化", "光电", "传感", "装备", "科技", "半导体", "医疗器械")
QUALIFICATIONS = ("ISO 9001", "专精特新", "高新技术企业", "IATF 16949", "ISO 13485", "ISO 14001", "小巨人")


def uscc(n: int) -> str:
    """A valid credit code (GB 32100 with its embedded GB 11714 check) for enterprise ``n``."""
    return uscc_rules.build("9", "1", f"{320500 + n % 7:06d}", f"{n:08d}")


def corpus() -> tuple[list[str], list[str], list[str]]:
    """Titles, sentences and name stems of the development sets."""
    titles, sentences, stems = [], [], []
    for path in sorted((ROOT / "tests" / "data").glob("match-dev*/capabilities.jsonl")):
        for line in path.open(encoding="utf-8"):
            record = json.loads(line)
            titles.append(record["title"])
            sentences += [s.strip() for s in re.split(r"[，。；;]", record.get("description") or "") if len(s.strip()) > 3]
            stem = re.sub(r"(有限公司|股份|集团|科技|新材料)+$", "", record["enterprise"])[2:6]
            if len(stem) >= 2:
                stems.append(stem)
    return titles, sentences, sorted(set(stems))


def make_enterprises(count: int, stems: list[str], rng: random.Random) -> list[dict]:
    """Enterprises with distinct names (also after 繁/简 and legal-form folding) and credit codes."""
    from matchmaker.services.names import name_key
    out, seen = [], set()
    n = 0
    while len(out) < count:
        n += 1
        city = rng.choice(CITIES)
        name = f"{city}{rng.choice(stems)}{rng.choice(TRADES)}{'有限公司' if rng.random() < 0.8 else '股份有限公司'}"
        if name_key(name) in seen:
            continue
        seen.add(name_key(name))
        out.append({"name": name, "credit_code": uscc(n), "region": REGIONS[city], "city": f"{city}市",
                    "industry": "工业", "employees": rng.randint(8, 900), "revenue": f"{rng.randint(50, 35000)}万",
                    "qualifications": "；".join(rng.sample(QUALIFICATIONS, rng.randint(0, 2)))})
    return out


def make_capabilities(rows: int, enterprises: list[dict], titles, sentences, nodes, rng: random.Random):
    for i in range(rows):
        ent = rng.choice(enterprises)
        description = "，".join(rng.sample(sentences, rng.randint(2, 5))) + "。"
        title = rng.choice(titles)
        if rng.random() < 0.3:
            title = f"{title}（{rng.choice(sentences)[:12]}）"
        chain = "；".join(rng.sample(nodes, rng.randint(1, 2))) if rng.random() < 0.33 else ""
        quals = ent["qualifications"].split("；")[:1] if ent["qualifications"] and rng.random() < 0.5 else []
        yield [f"C{i + 1:06d}", ent["name"], title[:200], description, chain, ent["region"] if rng.random() < 0.6 else "",
               "；".join(quals)]


def headers(kind: str, fields: list[str]) -> list[str]:
    return [SCHEMAS[kind][f].headers[0] for f in fields]


def pg_admin(url: str):
    import psycopg
    try:
        return psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True, connect_timeout=5)
    except Exception as exc:  # noqa: BLE001 - any failure means "no PostgreSQL here"
        print(f"PostgreSQL is not reachable at {url} ({exc.__class__.__name__}: {' '.join(str(exc).split())}); "
              "set BENCH_PG_URL to run this benchmark. Skipped.")
        return None


def database_url(base: str, name: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(base.replace("postgresql://", "postgresql+psycopg://", 1)).set(database=name).render_as_string(
        hide_password=False)


def fresh_app(url: str):
    from matchmaker import create_app, migrate
    from matchmaker.db import session_scope
    from matchmaker.services import seeding
    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url})
    with session_scope(app) as session:
        seeding.seed_chains(session)
    return app


def timed_import(app, kind: str, path: Path):
    from matchmaker.db import session_scope
    from matchmaker.services.imports import run_import
    started = time.perf_counter()
    with session_scope(app) as session:
        result = run_import(session, kind, path)
    return time.perf_counter() - started, result


def naive_import(app, path: Path, rows: int) -> float:
    """One query for the enterprise, one ORM object and one flush per row (the site's way, in a loop)."""
    from sqlalchemy import select

    from matchmaker.db import session_scope
    from matchmaker.io.records import read_records
    from matchmaker.models import Capability, Enterprise
    records = read_records(path, "capability").records[:rows]
    started = time.perf_counter()
    with session_scope(app) as session:
        for record in records:
            enterprise = session.scalar(select(Enterprise).where(Enterprise.name == record["enterprise"]))
            session.add(Capability(ref=f"N{record['id']}", enterprise_id=enterprise.id, title=record["title"],
                                   description=record["description"] or "", chain_nodes=record["chain_nodes"] or [],
                                   qualifications=record["qualifications"] or [],
                                   region=record["region"] or enterprise.region, extra={}))
            session.flush()
    return time.perf_counter() - started


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--formats", default="xlsx,csv")
    args = parser.parse_args(argv)
    base = os.environ.get("BENCH_PG_URL", DEFAULT_URL)
    admin = pg_admin(base)
    if admin is None:
        return 0
    with tempfile.TemporaryDirectory(prefix="bench_import_") as work:
        os.environ.setdefault("MATCHMAKER_INSTANCE", str(Path(work) / "instance"))
        try:
            return run(args, admin, base, Path(work))
        finally:
            admin.close()


def run(args, admin, base: str, work: Path) -> int:

    import graph as chaingraph
    from matchmaker.io.records import read_records
    from matchmaker.services.chains import read_seed_chains

    rng = random.Random(args.seed)
    titles, sentences, stems = corpus()
    nodes = sorted(chaingraph.load_chains(read_seed_chains()).nodes)
    enterprises = make_enterprises(args.enterprises, stems, rng)
    fields = ["id", "enterprise", "title", "description", "chain_nodes", "region", "qualifications"]
    started = time.perf_counter()
    rows = list(make_capabilities(args.rows, enterprises, titles, sentences, nodes, rng))
    ent_fields = ["name", "credit_code", "region", "city", "industry", "employees", "revenue", "qualifications"]
    ent_path = work / "enterprises.csv"
    write_table(ent_path, headers("enterprise", ent_fields), ([e[f] for f in ent_fields] for e in enterprises),
                fmt="csv")
    files = {}
    for fmt in args.formats.split(","):
        files[fmt] = work / f"capabilities.{fmt}"
        write_table(files[fmt], headers("capability", fields), rows, fmt=fmt, title="能力")
    print(f"generated {args.rows:,} capability rows of {len(enterprises):,} enterprises in "
          f"{time.perf_counter() - started:.1f} s ({', '.join(f'{p.name} {p.stat().st_size / 1e6:.1f} MB' for p in files.values())})")
    print(f"{'':24}{'seconds':>10}{'rows/s':>10}")

    def line(label: str, seconds: float, count: int, note: str = "") -> None:
        print(f"{label:<24}{seconds:>10.1f}{count / seconds:>10,.0f}  {note}".rstrip())

    worst = 0.0
    for fmt, path in files.items():
        started = time.perf_counter()
        read = read_records(path, "capability")
        line(f"{fmt}: read only", time.perf_counter() - started, len(read.records), "(baseline: the readers alone)")
        name = f"bench_import_{os.getpid()}_{fmt}"
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            url = database_url(base, name)
            app = fresh_app(url)
            seconds, result = timed_import(app, "enterprises", ent_path)
            line(f"{fmt}: enterprises", seconds, result.total, result.summary("en"))
            seconds, result = timed_import(app, "capabilities", path)
            worst = max(worst, seconds)
            line(f"{fmt}: import", seconds, result.total, result.summary("en"))
            seconds, again = timed_import(app, "capabilities", path)
            line(f"{fmt}: import again", seconds, again.total, again.summary("en"))
            if fmt == next(iter(files)):
                seconds = naive_import(app, path, min(NAIVE_ROWS, args.rows))
                per_row = seconds / min(NAIVE_ROWS, args.rows)
                line(f"naive ORM, {min(NAIVE_ROWS, args.rows):,} rows", seconds, min(NAIVE_ROWS, args.rows),
                     f"(baseline: {per_row * args.rows:.0f} s for {args.rows:,} rows, extrapolated)")
            app.extensions["sqlalchemy_engine"].dispose()
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    verdict = "within" if worst < TARGET_SECONDS else "OVER"
    print(f"slowest import {worst:.1f} s: {verdict} the target of {TARGET_SECONDS} s per format")
    return 0


if __name__ == "__main__":
    sys.exit(main())
