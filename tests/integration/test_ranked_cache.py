"""Rankings kept for a while (services/ranked_cache.py): served again, never stale for the viewer's own
postings, expired for the rest of the market; and only the page shown is explained, with the reasons a
full explanation gives."""
from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from matchmaker.matching import Matcher
from matchmaker.models import Capability
from matchmaker.services import matching
from matchmaker.services import ranked_cache as cache_module
from matchmaker.services.engines import registry_of
from matchmaker.services.ranked_cache import RankedCache, cache_of
from matchmaker.services.records import capability_record, demand_record
from tests.conftest import need_service
from tests.integration import helpers
from tests.integration.postings_support import (
    bonding_wire_world,
    in_days,
    login,
    member,
    text,
)

WIRES = ("镀钯铜键合丝", "金键合丝", "银合金键合丝", "铜键合丝", "铝硅键合丝", "镀金铜键合丝")


@pytest.fixture
def world(db):
    """The bonding-wire world plus a dozen more bonding-wire suppliers and a second demand."""
    world = bonding_wire_world(db)
    for n in range(12):
        ent, _user = member(db, size="small", name=f"键合材料{n:02d}有限公司", region="江苏省" if n % 2 else "广东省")
        wire = WIRES[n % len(WIRES)]
        helpers.capability(db, ent, title=wire, description=f"{wire}，线径{15 + n}μm，用于QFN与BGA封装，月产{n + 1}万米。",
                           chain_nodes=["icpkg.bonding-wire"], region=ent.region, active=True)
    helpers.demand(db, world["buyer_ent"], title="金键合丝采购", description="采购金键合丝，线径25μm，用于BGA封装。",
                   chain_nodes=["icpkg.bonding-wire"], region="江苏省", deadline=in_days(40))
    db.commit()
    return world


class _Clock:
    """time.monotonic of the cache module, moved by hand."""

    def __init__(self, monkeypatch):
        self.now = 1000.0
        monkeypatch.setattr(cache_module.time, "monotonic", lambda: self.now)


@pytest.fixture
def rankings(monkeypatch):
    """How many rankings without reasons the engine made (the costly part a cache hit saves)."""
    calls = {"rank": 0, "rank_demands": 0, "records": []}
    for name in ("rank", "rank_demands"):
        original = getattr(Matcher, name)

        def counting(self, records, *args, _name=name, _original=original, **kwargs):
            if kwargs.get("explain") is False:
                calls[_name] += 1
                calls["records"].append(len(records))
            return _original(self, records, *args, **kwargs)
        monkeypatch.setattr(Matcher, name, counting)
    return calls


def _suppliers(db, demand, **kw):
    return [(s.capability.id, s.score, s.raw_reasons) for s in matching.suggested_suppliers(db, demand, **kw).items]


# --------------------------------------------------------------------------- the cache itself

def test_an_entry_is_served_until_it_expires(monkeypatch):
    clock = _Clock(monkeypatch)
    cache = RankedCache(seconds=60)
    key = cache.key("suppliers", 1, "2026-01-01T00:00:00", {"title": "键合丝"})
    assert cache.get(key) is None
    cache.put(key, {"kept": [["7", 3, 0.91]], "exhausted": True})
    assert cache.get(key) == {"kept": [["7", 3, 0.91]], "exhausted": True}
    assert cache.key("suppliers", 1, "2026-01-01T00:00:01", {"title": "键合丝"}) != key, "another stamp, another key"
    clock.now += 59
    assert cache.get(key) is not None
    clock.now += 2
    assert cache.get(key) is None, "expired after RANKED_CACHE_SECONDS"
    assert (cache.hits, cache.misses) == (2, 2)


def test_zero_seconds_keeps_nothing_and_the_process_keeps_a_bounded_number():
    off = RankedCache(seconds=0)
    off.put("k", [1])
    assert off.get("k") is None and not off.enabled
    small = RankedCache(seconds=60, max_entries=2)
    for k in "abc":
        small.put(k, k)
    assert small.get("a") is None and small.get("b") == "b" and small.get("c") == "c"


def test_many_at_once_and_large_entries_kept_in_the_process(monkeypatch):
    cache = RankedCache(seconds=60)
    cache.put("a", [1])
    assert cache.get_many(["a", "b"]) == [[1], None]
    monkeypatch.setattr(cache_module, "MAX_LARGE_ENTRIES", 2)
    for k in "xyz":
        cache.put(k, list(range(5)), large=True)
    assert cache.get("x", large=True) is None and cache.get("z", large=True) == [0, 1, 2, 3, 4]
    assert cache.get("z") is None, "large entries are looked up as such"


def _redis_url() -> str:
    redis = pytest.importorskip("redis")
    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError as exc:
        need_service(f"Redis at {url}: {exc}")
    return url


def test_redis_shares_entries_between_processes_and_expires_them():
    import redis

    url = _redis_url()
    worker_a = RankedCache(seconds=60, redis_url=url, namespace="test-ranked-cache")
    worker_b = RankedCache(seconds=60, redis_url=url, namespace="test-ranked-cache")
    other_site = RankedCache(seconds=60, redis_url=url, namespace="test-ranked-other")
    key = worker_a.key("opportunities", 5, ["2026-01-01"])
    worker_a.put(key, [[11, 0.8, 4]])
    assert worker_b.get(key) == [[11, 0.8, 4]], "another worker is served the same ranking"
    assert other_site.get(other_site.key("opportunities", 5, ["2026-01-01"])) is None
    assert not worker_a._local, "with Redis, the process keeps no copy of its own"
    assert worker_b.get_many([key, worker_b.key("opportunities", 6)]) == [[[11, 0.8, 4]], None]
    worker_a.put("big", list(range(3)), large=True)
    assert worker_b.get("big", large=True) is None, "large entries stay in their process"
    ttl = redis.Redis.from_url(url).pttl(key)
    assert 0 < ttl <= 60_000, "Redis expires the entry after RANKED_CACHE_SECONDS"
    short = RankedCache(seconds=0.05, redis_url=url, namespace="test-ranked-cache")
    short.put(key, [1])
    import time
    time.sleep(0.2)
    assert short.get(key) is None


def test_a_redis_that_does_not_answer_falls_back_to_the_process(caplog):
    cache = RankedCache(seconds=60, redis_url="redis://127.0.0.1:1/0", namespace="test")
    cache.put("k", [1, 2])
    assert cache.get("k") == [1, 2]
    assert "cannot use Redis" in caplog.text


def test_the_site_uses_redis_when_it_has_one(tmp_path, monkeypatch):
    from matchmaker import create_app

    url = _redis_url()
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}", "REDIS_URL": url,
                      "RANKED_CACHE_SECONDS": 30})
    cache = app.extensions["matchmaker.ranked_cache"]
    assert cache.redis_url == url and cache.seconds == 30
    session = app.extensions["sqlalchemy_sessionmaker"]()
    try:
        assert cache_of(session) is cache
        assert registry_of(session) is app.extensions["matchmaker.engines"], "the engines stay on the sessions"
    finally:
        session.close()
        app.extensions["sqlalchemy_engine"].dispose()


# --------------------------------------------------------------------------- suggested suppliers

def test_suggestions_are_ranked_once_and_served_again(db, world, rankings):
    demand = world["demand"]
    first = _suppliers(db, demand, per_page=5)
    assert len(first) == 5 and rankings["rank"] == 1
    db.commit()
    assert _suppliers(db, demand, per_page=5) == first
    second_page = _suppliers(db, demand, per_page=5, page=2)
    assert rankings["rank"] == 1, "the same question, and the next page, are answered from the cache"
    assert not {c for c, _, _ in first} & {c for c, _, _ in second_page}
    assert matching.suggested_enterprise_ids(db, demand, 5) == [
        db.get(Capability, c).enterprise_id for c, _, _ in first], "the workbench counts the same suppliers"
    assert rankings["rank"] == 1
    _suppliers(db, demand, per_page=5, region="广东省")
    assert rankings["rank"] == 2, "other filters are another question"


def test_editing_the_own_demand_ranks_again_at_once(db, world, rankings):
    demand = world["demand"]
    before = _suppliers(db, demand)
    assert rankings["rank"] == 1
    demand.title, demand.description = "金键合丝采购计划", "采购金键合丝，线径25μm。"
    matching.demand_changed(db, demand)
    db.commit()
    after = _suppliers(db, demand)
    assert rankings["rank"] == 2, "the viewer's own posting changed: never served from the cache"
    assert after != before and any("25μm" in reason for _, _, reasons in after for reason in reasons)


def test_other_suppliers_changes_show_once_the_entry_expires(app, db, world, rankings, monkeypatch):
    clock = _Clock(monkeypatch)
    demand = world["demand"]
    newcomer, _ = member(db, size="small", name="无锡新键合丝有限公司", region="江苏省")
    db.commit()
    shown = {c for c, _, _ in _suppliers(db, demand)}
    cap = helpers.capability(db, newcomer, title="镀钯铜键合丝", description="采购镀钯铜键合丝，线径20μm，QFN。",
                             chain_nodes=["icpkg.bonding-wire"], region="江苏省", active=True)
    matching.capability_changed(db, cap)
    db.commit()
    assert app.extensions["matchmaker.engines"].wait_idle(60)
    assert {c for c, _, _ in _suppliers(db, demand)} == shown, "another organisation's capability waits"
    clock.now += cache_module.DEFAULT_SECONDS + 1
    assert cap.id in {c for c, _, _ in _suppliers(db, demand)}, "and is suggested once the entry expired"


def test_a_withdrawn_supplier_is_never_shown_from_the_cache(db, world):
    demand = world["demand"]
    first = _suppliers(db, demand)
    gone = db.get(Capability, first[0][0])
    gone.active = False
    db.commit()
    assert gone.id not in {c for c, _, _ in _suppliers(db, demand)}


def test_the_demand_page_and_the_api_are_served_from_the_cache(client, db, world, rankings):
    demand = world["demand"]
    login(client, world["buyer"])
    html = text(client.get(f"/demands/{demand.id}"))
    assert "苏州键合丝有限公司" in html and rankings["rank"] == 1
    assert text(client.get(f"/demands/{demand.id}")) == html
    assert rankings["rank"] == 1


# --------------------------------------------------------------------------- 我的商机

def test_opportunities_are_ranked_once_and_an_own_edit_ranks_again(client, db, world, rankings):
    helpers.capability(db, world["sme_ent"], title="键合设备维修", description="键合机维修保养。",
                       chain_nodes=["icpkg.bonding-wire"], region="江苏省", active=True)
    db.commit()
    login(client, world["sme"])
    html = text(client.get("/opportunities/"))
    assert "键合丝年度采购" in html and rankings["rank_demands"] == 1 and rankings["records"] == [2]
    assert text(client.get("/opportunities/")) == html
    assert rankings["rank_demands"] == 1, "served from the cache"
    capability = db.scalars(select(Capability).where(Capability.enterprise_id == world["sme_ent"].id)
                            .order_by(Capability.id)).first()
    client.post(f"/capabilities/{capability.id}/edit", data={
        "title": "金键合丝", "description": "金键合丝，线径25μm，用于BGA封装。", "chain_nodes": ["icpkg.bonding-wire"],
        "region": "江苏省", "qualifications": ""})
    html = text(client.get("/opportunities/"))
    assert rankings["rank_demands"] == 2, "the SME's own capability changed: ranked again"
    assert rankings["records"] == [2, 1], "only the edited capability"
    assert html.index("金键合丝采购") < html.index("键合丝年度采购")


def test_a_demand_closed_leaves_the_opportunities_at_once(client, db, world):
    login(client, world["sme"])
    assert "键合丝年度采购" in text(client.get("/opportunities/"))
    login(client, world["buyer"])
    client.post(f"/demands/{world['demand'].id}/status", data={"status": "closed"})
    login(client, world["sme"])
    assert "键合丝年度采购" not in text(client.get("/opportunities/"))


# --------------------------------------------------------------------------- explaining only the page

def test_a_page_of_suppliers_has_the_reasons_of_a_full_explanation(db, world):
    demand = world["demand"]
    engine = registry_of(db).engine(db)
    with engine.lock:
        full = {m.capability_id: m for m in engine.matcher.rank([demand_record(demand)], top=matching.CANDIDATES)[0]}
    seen, page = [], matching.suggested_suppliers(db, demand, per_page=3)
    assert page.pages >= 3
    for number in range(1, page.pages + 1):
        for s in matching.suggested_suppliers(db, demand, page=number, per_page=3).items:
            match = full[str(s.capability.id)]
            assert s.score == match.score
            assert s.raw_reasons == [str(r) for r in match.reasons] and s.raw_reasons
            seen.append(s.score)
    assert len(seen) == page.total and seen == sorted(seen, reverse=True)


def test_a_page_of_opportunities_has_the_reasons_of_a_full_explanation(db, world):
    sme = world["sme_ent"]
    helpers.capability(db, sme, title="金键合丝", description="金键合丝，线径25μm，BGA封装用。",
                       chain_nodes=["icpkg.bonding-wire"], region="江苏省", active=True)
    db.commit()
    capabilities = db.scalars(select(Capability).where(Capability.enterprise_id == sme.id)
                              .order_by(Capability.id)).all()
    engine = registry_of(db).engine(db)
    with engine.lock:
        ranked = engine.matcher.rank_demands([capability_record(c) for c in capabilities], top=matching.CANDIDATES)
    best = {}
    for capability, matches in zip(capabilities, ranked):
        for m in matches:
            if m.score >= matching.MIN_SCORE and (m.demand_id not in best or m.score > best[m.demand_id][0].score):
                best[m.demand_id] = (m, capability.id)
    page = matching.opportunities_for(db, sme, per_page=1)
    items = page.items + matching.opportunities_for(db, sme, page=2, per_page=1).items
    assert page.total == len(best) == 2 and len(items) == 2
    for o in items:
        match, capability_id = best[str(o.demand.id)]
        assert (o.score, o.capability.id) == (match.score, capability_id)
        assert o.raw_reasons == [str(r) for r in match.reasons] and o.raw_reasons
    assert {o.demand.title for o in items} == {"键合丝年度采购", "金键合丝采购"}


# --------------------------------------------------------------------------- the home page's counts

def test_the_home_page_counts_are_kept_for_a_short_while(client, db, world, monkeypatch):
    from matchmaker.services.postings.overview import COUNTS_SECONDS

    clock = _Clock(monkeypatch)

    def open_demands() -> str:
        html = text(client.get("/"))
        return html[:html.index("条在招需求")].rsplit("<strong>", 1)[1]
    assert open_demands() == "2</strong> "
    helpers.demand(db, world["buyer_ent"], title="银键合丝采购", description="银合金键合丝。", region="江苏省")
    db.commit()
    assert open_demands() == "2</strong> ", "counted again only after a while"
    clock.now += COUNTS_SECONDS + 1
    assert open_demands() == "3</strong> "
