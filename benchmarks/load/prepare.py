"""The load benchmark's databases: chains, demo data, bulk enterprises and postings, accounts.

Two PostgreSQL databases are prepared and kept between runs:

* the **full** one (``load_bench`` by default): the seed chains and the chains of
  the development sets, the demo data, then ``--enterprises`` enterprises and
  ``--postings`` postings written with COPY (:func:`matchmaker.services.imports.bulk.insert_rows`,
  the import's fast path) together with their search-index entries;
* the **demo** one (``load_bench_demo``): the same chains and the demo data only,
  the baseline of the same mix at demo size.

Both get the benchmark's accounts (buyers, SMEs, organisers, one password) and one
API token each, whose clear text is derived from the e-mail address, so nothing
but the database has to be kept. A database is reused when its comment (written
last, after everything committed) names the same parameters; ``--rebuild`` drops
it first. Every run upgrades the kept database to the current migrations.

Postings recombine real postings of the development sets (:mod:`realistic`);
about a quarter are demands of large enterprises, the rest capabilities of SMEs.
Postings per enterprise follow a heavy-tailed (Pareto) law, as on real platforms.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import realistic

__all__ = ["ACCOUNTS", "PASSWORD", "Spec", "api_token_of", "database_url", "ensure_database", "pg_admin"]

#: Bump when the prepared data change for the same parameters, so kept databases are rebuilt.
VERSION = 1
ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
#: The password of every benchmark account.
PASSWORD = "load-bench-2026"
#: Accounts per role: (role, how many).
ACCOUNTS = (("buyer", 6), ("sme", 12), ("organiser", 3))
DEMAND_SHARE = 0.25
LARGE_SHARE = 0.08
DEMAND_STATUS = (("published", 75), ("closed", 10), ("awarded", 5), ("draft", 7), ("cancelled", 3))

_CITIES = {"江苏省": ("苏州", "无锡", "常州", "南京"), "浙江省": ("宁波", "杭州", "温州"), "广东省": ("东莞", "佛山", "深圳"),
           "安徽省": ("合肥", "芜湖"), "山东省": ("青岛", "烟台", "济南"), "四川省": ("成都", "绵阳"), "陕西省": ("西安",),
           "湖北省": ("武汉", "襄阳"), "湖南省": ("长沙", "株洲"), "河南省": ("郑州", "洛阳"), "福建省": ("厦门", "泉州"),
           "上海市": ("上海",), "北京市": ("北京",), "天津市": ("天津",), "重庆市": ("重庆",), "辽宁省": ("沈阳", "大连"),
           "河北省": ("石家庄", "保定"), "江西省": ("南昌",)}
_DIVISIONS = {"江苏省": "320500", "浙江省": "330200", "广东省": "441900", "安徽省": "340100", "山东省": "370200",
              "四川省": "510100", "陕西省": "610100", "湖北省": "420100", "湖南省": "430100", "河南省": "410100",
              "福建省": "350200", "上海市": "310115", "北京市": "110108", "天津市": "120116", "重庆市": "500112",
              "辽宁省": "210100", "河北省": "130100", "江西省": "360100"}
_BRAND = "澜曜擎骁晶华科创恒瑞泰达宏鑫盛远锐博精诚卓越天宇中联新源海川光明汇通永信金谷德康嘉禾蓝翔星辰云启智融东方"
_TRADES = ("精密机械", "智能装备", "新材料", "电子科技", "自动化", "光电", "传感技术", "半导体", "医疗器械", "新能源",
           "机器人", "通信技术", "汽车零部件", "模具", "环保科技")
_INDUSTRIES = ("工业", "制造业", "信息技术", "能源")


@dataclass(frozen=True)
class Spec:
    """What a prepared database holds; its JSON form is the database's comment."""

    enterprises: int
    postings: int
    seed: int = 0
    demo_only: bool = False

    def comment(self) -> str:
        return json.dumps({"matchmaker_load_bench": VERSION, "enterprises": self.enterprises,
                           "postings": self.postings, "seed": self.seed, "demo_only": self.demo_only,
                           "source": realistic.fingerprint()}, sort_keys=True)


def pg_admin(url: str = ADMIN_URL):
    """An autocommit connection to the server's maintenance database."""
    import psycopg
    return psycopg.connect(url, autocommit=True, connect_timeout=5)


def database_url(name: str, admin_url: str = ADMIN_URL) -> str:
    from sqlalchemy.engine import make_url
    return (make_url(admin_url.replace("postgresql://", "postgresql+psycopg://", 1)).set(database=name)
            .render_as_string(hide_password=False))


def api_token_of(email: str) -> str:
    """The clear API token of a benchmark account (only its SHA-256 is stored)."""
    return f"mm_loadbench_{email.split('@')[0]}_{VERSION}"


def account_emails() -> list[tuple[str, str]]:
    return [(role, f"{role}{i + 1}@loadbench.matchmaker.cn") for role, n in ACCOUNTS for i in range(n)]


# --------------------------------------------------------------------------- keeping

def _comment(admin, name: str) -> str | None:
    row = admin.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                        (name,)).fetchone()
    return None if row is None else (row[0] or "")


def ensure_database(name: str, spec: Spec, rebuild: bool = False, admin_url: str = ADMIN_URL,
                    log=print) -> str:
    """The URL of database ``name`` holding ``spec``: kept when it does, built (again) when not."""
    from matchmaker import migrate

    url = database_url(name, admin_url)
    with pg_admin(admin_url) as admin:
        present = _comment(admin, name)
        if present is not None and (rebuild or present != spec.comment()):
            log(f"{name}: dropping ({'--rebuild' if rebuild else 'prepared with other parameters'})")
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            present = None
        if present is not None:
            migrate.upgrade(url)  # a kept database follows the schema of the code under test
            log(f"{name}: kept from an earlier run ({spec.enterprises:,} enterprises, {spec.postings:,} postings "
                f"requested; --rebuild builds it again)")
            return url
        admin.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    try:
        _build(url, spec, log)
    except BaseException:
        with pg_admin(admin_url) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        raise
    with pg_admin(admin_url) as admin:
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS {_literal(spec.comment())}")
    log(f"{name}: prepared in {time.perf_counter() - started:.0f} s")
    return url


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# --------------------------------------------------------------------------- building

def _build(url: str, spec: Spec, log) -> None:
    from matchmaker import create_app, migrate
    from matchmaker.db import session_scope
    from matchmaker.services import chains as chain_service
    from matchmaker.services import seeding

    migrate.upgrade(url)
    app = create_app({"DATABASE_URL": url, "ENGINE_BACKGROUND_REBUILDS": False})
    try:
        with app.app_context(), session_scope(app) as session:
            seeding.seed_chains(session)
            chain_service.store_chains(session, realistic.merged_chains())
            seeding.seed_demo(session)
        log("chains and demo data loaded")
        if not spec.demo_only:
            with app.app_context(), session_scope(app) as session:
                _bulk(session, spec, log)
        with app.app_context(), session_scope(app) as session:
            _accounts(session)
        engine = app.extensions["sqlalchemy_engine"]
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
    finally:
        app.extensions["sqlalchemy_engine"].dispose()


def _enterprise_rows(spec: Spec, rng: random.Random, now: dt.datetime) -> list[dict]:
    from matchmaker.domain import uscc as uscc_rules

    regions = list(_CITIES)
    names: set[str] = set()
    rows = []
    large = int(spec.enterprises * LARGE_SHARE)
    for n in range(spec.enterprises):
        region = rng.choice(regions)
        city = rng.choice(_CITIES[region])
        is_large = n < large
        while True:
            brand = rng.choice(_BRAND) + rng.choice(_BRAND)
            suffix = ("集团股份有限公司" if is_large and rng.random() < 0.5 else "股份有限公司"
                      if rng.random() < 0.2 else "有限公司")
            name = f"{city}{brand}{rng.choice(_TRADES)}{suffix}"
            if name not in names:
                break
        names.add(name)
        created = now - dt.timedelta(days=rng.uniform(30, 900))
        employees = rng.randint(1200, 60000) if is_large else int(rng.paretovariate(1.2) * 8)
        rows.append({
            "name": name, "uscc": uscc_rules.build("9", "1", _DIVISIONS[region], f"L{n:07d}"),
            "size": "large" if is_large else rng.choices(("micro", "small", "medium"), (3, 5, 2))[0],
            "industry": rng.choice(_INDUSTRIES), "employees": min(employees, 300000),
            "revenue_wan": round(rng.uniform(200000, 9000000) if is_large else rng.uniform(50, 40000), 2),
            "region": region, "city": city, "description": None, "contact": {}, "chains": [],
            "chain_leader_of": [], "verified": rng.random() < (0.9 if is_large else 0.6),
            "created_at": created, "updated_at": created,
        })
    return rows


def _owners(ids: list[int], n: int, rng: random.Random) -> list[int]:
    """``n`` owners drawn from ``ids`` with heavy-tailed weights (a few enterprises post a lot)."""
    weights = [min(rng.paretovariate(1.3), 200.0) for _ in ids]
    return rng.choices(ids, weights, k=n)


def _bulk(session, spec: Spec, log) -> None:
    from sqlalchemy import select

    from matchmaker.domain.qualifications import normalize_qualification
    from matchmaker.domain.regions import normalize_region
    from matchmaker.models import (
        Capability,
        Demand,
        Enterprise,
        Qualification,
        SearchEntry,
    )
    from matchmaker.services import search
    from matchmaker.services.imports.bulk import insert_rows

    started = time.perf_counter()
    rng = random.Random(f"load-bench-{spec.seed}")
    now = dt.datetime.now(dt.UTC)
    today = now.date()
    enterprises = _enterprise_rows(spec, rng, now)
    ids = insert_rows(session, Enterprise.__table__, enterprises)
    large = [i for i, e in zip(ids, enterprises) if e["size"] == "large"]
    smes = [i for i, e in zip(ids, enterprises) if e["size"] != "large"]
    by_id = dict(zip(ids, enterprises))
    log(f"{len(ids):,} enterprises written in {time.perf_counter() - started:.1f} s")

    n_demands = int(spec.postings * DEMAND_SHARE)
    n_capabilities = spec.postings - n_demands
    statuses, status_weights = zip(*DEMAND_STATUS)
    claims: dict[int, dict[str, str]] = {}

    def region_of(record, owner):
        return normalize_region(record.get("region") or "") or by_id[owner]["region"]

    def stamp():
        created = now - dt.timedelta(days=rng.uniform(0, 400), seconds=rng.uniform(0, 86400))
        return created, min(now, created + dt.timedelta(days=rng.expovariate(1 / 20)))

    demands = []
    for record, owner in zip(realistic.generate("demand", n_demands, seed=spec.seed),
                             _owners(large, n_demands, rng)):
        created, updated = stamp()
        status = rng.choices(statuses, status_weights)[0]
        roll = rng.random()
        deadline = (None if roll < 0.15 else today - dt.timedelta(days=rng.randint(1, 90)) if roll < 0.3
                    else today + dt.timedelta(days=rng.randint(7, 180)))
        budget = record.get("budget")
        demands.append({
            "ref": record["id"], "enterprise_id": owner, "kind": record.get("kind") or "procurement",
            "title": record["title"][:200], "description": record["description"],
            "chain_nodes": record.get("chain_nodes") or [], "budget": budget,
            "deadline": deadline, "region": region_of(record, owner),
            "required_qualifications": record.get("required_qualifications") or [],
            "payment_days": record.get("payment_days"), "third_party_condition": False,
            "status": status, "extra": {}, "created_at": created, "updated_at": updated,
            "published_at": None if status == "draft" else created,
        })
    capabilities = []
    for record, owner in zip(realistic.generate("capability", n_capabilities, seed=spec.seed),
                             _owners(smes, n_capabilities, rng)):
        created, updated = stamp()
        quals = []
        held = claims.setdefault(owner, {})
        for name in record.get("qualifications") or []:
            key = normalize_qualification(name) or name
            quals.append(held.setdefault(key[:80], name[:80]))
        capabilities.append({
            "ref": record["id"], "enterprise_id": owner, "title": record["title"][:200],
            "description": record["description"], "chain_nodes": record.get("chain_nodes") or [],
            "chain_nodes_inferred": False, "qualifications": list(dict.fromkeys(quals)),
            "capacity": None, "region": region_of(record, owner), "active": rng.random() < 0.95,
            "extra": {}, "created_at": created, "updated_at": updated,
        })
    log(f"{len(demands):,} demands and {len(capabilities):,} capabilities generated in "
        f"{time.perf_counter() - started:.1f} s")

    # Capabilities without chain nodes get them inferred, as the import does.
    inferrer = _inferrer(session)
    missing = [c for c in capabilities if not c["chain_nodes"]]
    for start in range(0, len(missing), 2000):
        part = missing[start:start + 2000]
        found = inferrer.infer_many([f"{c['title']}\n{c['description']}" for c in part], 3)
        for capability, nodes in zip(part, found):
            capability["chain_nodes"] = [node for node, _ in nodes]
            capability["chain_nodes_inferred"] = bool(nodes)
    log(f"chain nodes inferred for {len(missing):,} capabilities ({time.perf_counter() - started:.1f} s)")

    insert_rows(session, Qualification.__table__, [
        {"enterprise_id": owner, "name": name, "canonical": key, "verified": by_id[owner]["verified"],
         "created_at": now} for owner, held in claims.items() for key, name in held.items()])
    for model, rows, kind in ((Demand, demands, "demand"), (Capability, capabilities, "capability")):
        for start in range(0, len(rows), 5000):
            part = rows[start:start + 5000]
            new_ids = insert_rows(session, model.__table__, part)
            titles = search.index_texts([r["title"] for r in part])
            bodies = search.index_texts([r["description"] or "" for r in part])
            insert_rows(session, SearchEntry.__table__, [
                {"object_type": kind, "object_id": i, "title": t, "body": b, "source_updated_at": r["updated_at"]}
                for i, r, t, b in zip(new_ids, part, titles, bodies)])
        log(f"{len(rows):,} {kind} rows and their index entries written ({time.perf_counter() - started:.1f} s)")
    count = session.scalar(select(Enterprise.id).order_by(Enterprise.id.desc()).limit(1))
    log(f"bulk data complete in {time.perf_counter() - started:.1f} s (last enterprise id {count})")


def _inferrer(session):
    import graph as chaingraph
    from matchmaker.matching.inference import NodeInferrer
    from matchmaker.services.chains import chains_document

    return NodeInferrer(chaingraph.load_chains(chains_document(session))).fit()


def _accounts(session) -> None:
    """The benchmark's accounts, on the newest enterprises with a typical amount of postings (the bulk
    ones when there are), and their API tokens."""
    from sqlalchemy import func, select

    from matchmaker.models import ApiToken, Capability, Demand, Enterprise, User
    from matchmaker.security import hash_password, hash_token

    password = hash_password(PASSWORD)
    open_demands = (select(Demand.enterprise_id, func.count().label("n")).where(Demand.status == "published")
                    .group_by(Demand.enterprise_id).subquery())
    buyers = session.scalars(
        select(Enterprise.id).join(open_demands, open_demands.c.enterprise_id == Enterprise.id)
        .where(Enterprise.size == "large", open_demands.c.n.between(3, 40))
        .order_by(Enterprise.id.desc())).all()
    offers = (select(Capability.enterprise_id, func.count().label("n")).where(Capability.active)
              .group_by(Capability.enterprise_id).subquery())
    smes = session.scalars(
        select(Enterprise.id).join(offers, offers.c.enterprise_id == Enterprise.id)
        .where(Enterprise.size != "large", offers.c.n.between(2, 12))
        .order_by(Enterprise.id.desc())).all()
    pools = {"buyer": list(buyers), "sme": list(smes)}
    now = dt.datetime.now(dt.UTC)
    for index, (role, email) in enumerate(account_emails()):
        pool = pools.get(role)
        enterprise_id = pool[index % len(pool)] if pool else None
        if role in pools and enterprise_id is None:
            raise RuntimeError(f"no enterprise fit for a {role} account")
        user = User(email=email, name=f"压测{role}{index}", role="organiser" if role == "organiser" else "enterprise",
                    enterprise_id=enterprise_id, organisation="压测组织方" if role == "organiser" else None,
                    password_hash=password, active=True)
        session.add(user)
        session.flush()
        session.add(ApiToken(user_id=user.id, name="load benchmark", token_hash=hash_token(api_token_of(email)),
                             revoked=False, created_at=now))
    session.flush()
