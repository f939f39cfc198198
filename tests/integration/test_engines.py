"""The application's engine registry: one fit, kept fresh off the request path."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from matchmaker.services import engines as engines_module
from matchmaker.services import matching
from matchmaker.services.engines import registry_of
from tests.integration import helpers
from tests.integration.postings_support import bonding_wire_world, member, text


@pytest.fixture
def world(db):
    return bonding_wire_world(db)


def _ranked_ids(db, demand_title="蚀刻引线框架"):
    engine = registry_of(db).engine(db)
    with engine.lock:
        return [m.capability_id for m in engine.matcher.rank([{"id": "q", "title": demand_title}], top=50)[0]]


def test_one_registry_per_application_shared_by_its_sessions(app, db, world):
    registry = app.extensions["matchmaker.engines"]
    assert registry_of(db) is registry
    first = registry.engine(db)
    db.commit()  # a new transaction checks the stamp again
    assert registry.engine(db) is first, "an unchanged database keeps the fitted engine"
    assert registry.graph(db) is first.graph
    assert registry.inferrer(db) is registry.inferrer(db)


def test_a_change_through_the_services_is_visible_at_once(app, db, world):
    cap = helpers.capability(db, world["sme_ent"], title="引线框架", description="蚀刻引线框架",
                             chain_nodes=["icpkg.leadframe"], active=True)
    matching.capability_changed(db, cap)
    db.rollback()
    assert str(cap.id) not in _ranked_ids(db), "a rolled-back change is never applied"
    cap = helpers.capability(db, world["sme_ent"], title="引线框架", description="蚀刻引线框架",
                             chain_nodes=["icpkg.leadframe"], active=True)
    matching.capability_changed(db, cap)
    db.commit()
    assert str(cap.id) in _ranked_ids(db)


def test_changes_made_elsewhere_are_read_back_and_large_indexes_patched(app, db, world, monkeypatch):
    monkeypatch.setattr(engines_module, "INCREMENTAL_MIN_POSTINGS", 0)
    monkeypatch.setattr(engines_module, "MAX_INCREMENTAL_SHARE", 100)
    registry = app.extensions["matchmaker.engines"]
    fitted = registry.engine(db)
    # written without the services' hook, as another worker or a script would
    cap = helpers.capability(db, world["sme_ent"], title="键合丝（金）", description="金键合丝 镀钯铜键合丝",
                             chain_nodes=["icpkg.bonding-wire"], active=True)
    db.commit()
    assert registry.engine(db) is fitted, "patched in place, not refitted"
    assert fitted.changes >= 1
    assert str(cap.id) in _ranked_ids(db, "镀钯铜键合丝")
    cap.active = False
    db.commit()
    assert str(cap.id) not in _ranked_ids(db, "镀钯铜键合丝")


def test_a_posting_deleted_outright_is_dropped_by_a_background_rebuild(app, db, world, monkeypatch):
    registry = app.extensions["matchmaker.engines"]
    monkeypatch.setattr(engines_module, "RECONCILE_SECONDS", 0)  # counts compared at every check
    cap = helpers.capability(db, world["sme_ent"], title="引线框架", description="蚀刻引线框架",
                             chain_nodes=["icpkg.leadframe"], active=True)
    matching.capability_changed(db, cap)
    db.commit()
    assert str(cap.id) in _ranked_ids(db)
    db.delete(cap)
    db.commit()
    registry.engine(db)  # the background thread compares the counts and rebuilds
    assert registry.wait_idle(30)
    db.commit()
    assert str(cap.id) not in _ranked_ids(db)


def test_a_failed_rebuild_is_logged_kept_serving_and_retried(app, db, world, monkeypatch, caplog):
    registry = app.extensions["matchmaker.engines"]
    before = registry.engine(db)
    real_build = registry._build
    calls = []

    def flaky(session):
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return real_build(session)

    monkeypatch.setattr(registry, "_build", flaky)
    monkeypatch.setattr(engines_module, "RETRY_DELAYS", (0.05,))
    registry.request_rebuild()
    assert registry.wait_idle(30)
    assert len(calls) == 2 and registry.failures == 0
    assert "rebuilding the matching engine failed" in caplog.text
    db.commit()
    assert registry.engine(db) is not before


def test_fifty_requests_during_a_rebuild_are_answered_by_the_old_or_the_new_engine(app, db, world, monkeypatch):
    """Never a 500, never a fit on a request thread."""
    registry = app.extensions["matchmaker.engines"]
    registry.warm()
    demand_id = world["demand"].id
    real_build = registry._build
    started, release = threading.Event(), threading.Event()
    fitted_on = []

    def slow_build(session):
        fitted_on.append(threading.current_thread().name)
        started.set()
        release.wait(30)  # the rebuild stays in progress while the requests run
        return real_build(session)

    monkeypatch.setattr(registry, "_build", slow_build)
    registry.request_rebuild()
    assert started.wait(10)

    clients = []
    for _ in range(50):
        clients.append(app.test_client())
        helpers.login(clients[-1], world["buyer"])

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(lambda client: client.get(f"/demands/{demand_id}"), clients))
    release.set()
    assert registry.wait_idle(30)
    assert [r.status_code for r in responses] == [200] * 50
    assert all("苏州键合丝有限公司" in text(r) for r in responses), "suggestions served during the rebuild"
    assert fitted_on == ["matching-engine-rebuild"]


def test_a_filter_narrower_than_the_first_candidates_still_fills_the_page(app, db, world, monkeypatch):
    monkeypatch.setattr(matching, "CANDIDATES", 5)
    for i in range(12):  # strong matches elsewhere
        ent, _ = member(db, size="small", name=f"浙江键合丝{i}号有限公司", region="浙江省")
        helpers.capability(db, ent, title="镀钯铜键合丝", description="镀钯铜键合丝 QFN封装 线径20μm",
                           chain_nodes=["icpkg.bonding-wire"], region="浙江省", active=True)
    for i in range(3):  # weaker matches in the filtered province, one whose size is not known yet
        ent, _ = member(db, size="small" if i else None, name=f"安徽封装材料{i}号有限公司", region="安徽省")
        helpers.capability(db, ent, title="键合丝", description="键合丝",
                           chain_nodes=["icpkg.bonding-wire"], region="安徽省", active=True)
    db.commit()
    demand = world["demand"]
    page = matching.suggested_suppliers(db, demand, region="安徽省", per_page=3)
    assert sorted(s.enterprise.name for s in page.items) == [f"安徽封装材料{i}号有限公司" for i in range(3)]
    everyone = matching.suggested_suppliers(db, demand, per_page=20)
    assert len(everyone.items) == 16, "every SME once, the buyer left out, more candidates asked for"


def test_a_verified_qualification_reaches_the_engine(app, db, world):
    """The record's qualifications come from the enterprise's verified ones."""
    from matchmaker.models import Qualification
    from matchmaker.services import admin

    ent = world["sme_ent"]
    claim = Qualification(name="ISO 9001", canonical="ISO 9001", verified=False)
    ent.qualifications.append(claim)
    db.commit()
    demand = helpers.demand(db, world["buyer_ent"], title="镀钯铜键合丝采购", description="镀钯铜键合丝",
                            required_qualifications=["ISO 9001"], chain_nodes=["icpkg.bonding-wire"])
    db.commit()
    assert matching.suggested_suppliers(db, demand).items == [], "an unverified claim does not count"
    admin.verify_qualification(db, helpers.user(db, role="admin"), claim.id)
    db.commit()
    assert [s.enterprise.id for s in matching.suggested_suppliers(db, demand).items] == [ent.id]
