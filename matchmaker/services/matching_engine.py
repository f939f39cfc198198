"""One fitted ranking engine per process and database, kept in step with the postings.

Records
    Built from the database with the fields of formats.md; ids are
    ``str(Capability.id)`` and ``str(Demand.id)``. Only active capabilities and
    published demands are indexed.

Qualifications of a capability
    The enterprise's *verified* qualifications plus the capability's own list.
    A verified certificate (ISO 9001, 专精特新 …) belongs to the whole
    enterprise, so it counts for each of its capabilities; the capability's own
    list is chosen by the SME among its claims (verified or not), because a
    product-specific certificate is often what a buyer asks for and waiting for
    verification would hide new suppliers. Pages show which ones are verified.

Keeping the engine current
    Services call :func:`capability_changed` / :func:`demand_changed` after a
    change. The change is applied to the engine only once the transaction
    commits (and forgotten if it rolls back). The TF-IDF vocabulary is learned
    at fitting, so a small or much-changed index is refitted rather than
    patched: changes are applied incrementally only when the index holds at
    least :data:`INCREMENTAL_MIN_POSTINGS` postings and fewer than
    :data:`MAX_INCREMENTAL_SHARE` of them changed since fitting. Before each use
    the engine compares a stamp of the tables (row counts and last update
    times) with the one it was fitted or patched against, so changes made by
    another process are picked up too.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import networkx as nx
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, selectinload

from ..matching import Matcher, MatchingError
from ..models import Capability, Demand, Enterprise
from . import chains

__all__ = [
    "INCREMENTAL_MIN_POSTINGS",
    "MAX_INCREMENTAL_SHARE",
    "Engine",
    "capability_changed",
    "capability_record",
    "demand_changed",
    "demand_record",
    "engine_for",
]

INCREMENTAL_MIN_POSTINGS = 200
MAX_INCREMENTAL_SHARE = 0.2
_MAX_ENGINES = 4  # databases served by one process (tests use many)

_engines: OrderedDict[str, Engine] = OrderedDict()
_engines_lock = threading.Lock()


@dataclass
class Engine:
    """A fitted :class:`~matchmaker.matching.Matcher` and what it was fitted on.

    ``matcher`` is None when there is no capability to rank yet. ``lock`` guards
    ranking against concurrent patching.
    """

    matcher: Matcher | None
    graph: nx.DiGraph
    stamp: tuple | None
    fitted_size: int
    has_demands: bool
    changes: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)


def capability_record(capability: Capability) -> dict:
    enterprise = capability.enterprise
    verified = [q.name for q in enterprise.qualifications if q.verified]
    return {
        "id": str(capability.id), "enterprise": enterprise.name, "enterprise_id": enterprise.id,
        "title": capability.title, "description": capability.description or "",
        "chain_nodes": list(capability.chain_nodes or []), "region": capability.region or enterprise.region,
        "qualifications": list(dict.fromkeys(verified + list(capability.qualifications or []))),
        "size": enterprise.size,
    }


def demand_record(demand: Demand) -> dict:
    return {
        "id": str(demand.id), "enterprise": demand.enterprise.name, "kind": demand.kind, "title": demand.title,
        "description": demand.description or "", "chain_nodes": list(demand.chain_nodes or []),
        "region": demand.region, "required_qualifications": list(demand.required_qualifications or []),
        "budget": float(demand.budget) if demand.budget is not None else None,
        "deadline": demand.deadline.isoformat() if demand.deadline else None, "payment_days": demand.payment_days,
    }


def _stamp(session: Session, G: nx.DiGraph) -> tuple:
    caps = session.execute(select(func.count(Capability.id), func.max(Capability.updated_at))
                           .where(Capability.active)).one()
    dems = session.execute(select(func.count(Demand.id), func.max(Demand.updated_at))
                           .where(Demand.status == "published")).one()
    return (id(G), caps[0], str(caps[1]), dems[0], str(dems[1]))


def _fit(session: Session, G: nx.DiGraph, stamp: tuple) -> Engine:
    capabilities = session.scalars(
        select(Capability).join(Capability.enterprise).where(Capability.active)
        .options(selectinload(Capability.enterprise).selectinload(Enterprise.qualifications))
        .order_by(Capability.id)).all()
    demands = session.scalars(
        select(Demand).where(Demand.status == "published")
        .options(selectinload(Demand.enterprise)).order_by(Demand.id)).all()
    if not capabilities:
        return Engine(None, G, stamp, 0, False)
    matcher = Matcher().fit([capability_record(c) for c in capabilities], G,
                            demands=[demand_record(d) for d in demands] if demands else None)
    return Engine(matcher, G, stamp, len(capabilities) + len(demands), bool(demands))


def _key(session: Session) -> str:
    return session.get_bind().url.render_as_string(hide_password=True)


def engine_for(session: Session) -> Engine:
    """The engine for this session's database, fitted or refitted as needed."""
    G = chains.current_graph(session)
    stamp = _stamp(session, G)
    key = _key(session)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is not None and engine.graph is G and engine.stamp in (None, stamp):
            engine.stamp = stamp
            _engines.move_to_end(key)
            return engine
    engine = _fit(session, G, stamp)
    with _engines_lock:
        _engines[key] = engine
        _engines.move_to_end(key)
        while len(_engines) > _MAX_ENGINES:
            _engines.popitem(last=False)
    return engine


# -- hooks called by the posting services ------------------------------------

def capability_changed(session: Session, capability: Capability) -> None:
    """Queue the capability's new state for the engine (applied on commit)."""
    record = capability_record(capability) if capability.active else None
    _queue(session, ("capability", str(capability.id), record))


def demand_changed(session: Session, demand: Demand) -> None:
    """Queue the demand's new state for the engine (applied on commit)."""
    record = demand_record(demand) if demand.status == "published" else None
    _queue(session, ("demand", str(demand.id), record))


def _queue(session: Session, change: tuple) -> None:
    if not session.info.get("matching_listening"):
        session.info["matching_listening"] = True
        event.listen(session, "after_commit", _apply_pending)
        event.listen(session, "after_rollback", _forget_pending)
    session.info.setdefault("matching_pending", []).append(change)
    session.info["matching_key"] = _key(session)


def _forget_pending(session: Session) -> None:
    session.info.pop("matching_pending", None)


def _apply_pending(session: Session) -> None:
    changes = session.info.pop("matching_pending", None) or []
    key = session.info.get("matching_key")
    with _engines_lock:
        engine = _engines.get(key)
    if engine is None or not changes:
        return
    with engine.lock:
        patchable = (engine.matcher is not None and engine.fitted_size >= INCREMENTAL_MIN_POSTINGS
                     and engine.changes + len(changes) <= MAX_INCREMENTAL_SHARE * engine.fitted_size)
        if patchable:
            try:
                for kind, record_id, record in changes:
                    _patch(engine, kind, record_id, record)
            except MatchingError:
                patchable = False
        if patchable:
            engine.changes += len(changes)
            engine.stamp = None  # the tables moved on; take the next stamp as the engine's
            return
    with _engines_lock:
        if _engines.get(key) is engine:
            del _engines[key]


def _patch(engine: Engine, kind: str, record_id: str, record: dict | None) -> None:
    from ..matching import UnknownRecordError

    if kind == "demand" and not engine.has_demands:
        raise MatchingError("no demand side to patch")
    if record is None:
        try:
            engine.matcher.remove(record_id, kind=kind)
        except UnknownRecordError:
            pass
        return
    try:
        engine.matcher.update(record, kind=kind)
    except UnknownRecordError:
        engine.matcher.add(record, kind=kind)
