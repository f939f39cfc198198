"""Matching on the site: suppliers suggested for a demand, opportunities for an SME.

The engine (:mod:`matchmaker.matching`, kept by the application's
:class:`~.engines.EngineRegistry`) ranks postings; this module turns the page
filters into a restriction the engine applies before choosing its best matches
(so a filtered page is as full as the postings allow), turns matches back into
rows the pages show, and words the reasons in the user's language
(:mod:`matchmaker.presentation`). See :mod:`.engines` for which qualifications
count.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import networkx as nx
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..domain.qualifications import meets, qualification_set
from ..i18n import tr
from ..matching.result import Reason
from ..models import Application, Capability, Demand, Enterprise, OpenResource
from ..paging import Page, page_of
from ..presentation import reason_text
from .engines import registry_of
from .errors import ServiceError
from .postings.fields import clean_region, json_list_contains_any, node_label, today
from .ranked_cache import cache_of
from .records import capability_record, demand_record

__all__ = [
    "CANDIDATES",
    "MIN_SCORE",
    "Opportunity",
    "ResourceMatch",
    "Suggestion",
    "capability_changed",
    "demand_changed",
    "opportunities_for",
    "resources_for",
    "suggested_enterprise_ids",
    "suggested_suppliers",
]

#: How many postings the engine is asked for at first; more are asked for while
#: the suppliers left after one-per-enterprise do not fill the page.
CANDIDATES = 200
#: Matches scoring less are not shown: at that level the only link is a long chain
#: path or a common word, which sends a busy buyer or SME on a wasted visit.
MIN_SCORE = 0.12


@dataclass
class Suggestion:
    capability: Capability
    enterprise: Enterprise
    score: float
    reasons: list[str]
    raw_reasons: list[str]
    qualifications: list[tuple[str, bool]] = field(default_factory=list)  # (name, verified)


@dataclass
class Opportunity:
    demand: Demand
    score: float
    reasons: list[str]
    raw_reasons: list[str]
    capability: Capability
    #: The organisation's own application to the demand, when it has applied (one per demand).
    application: Application | None = None


@dataclass
class ResourceMatch:
    resource: OpenResource
    reasons: list[str]
    closeness: float


def _page(items: list, page: int, per_page: int):
    return page_of(items, per_page, max(1, int(page or 1)))


def capability_changed(session: Session, capability: Capability) -> None:
    """Queue the capability's new state for the engine (applied when the transaction commits)."""
    record = capability_record(capability) if capability.active else None
    registry_of(session).queue(session, "capability", str(capability.id), record)


def demand_changed(session: Session, demand: Demand) -> None:
    """Queue the demand's new state for the engine (applied when the transaction commits)."""
    record = demand_record(demand) if demand.status == "published" else None
    registry_of(session).queue(session, "demand", str(demand.id), record)


def _eligible_suppliers(session: Session, demand: Demand, region: str | None, size: str | None) -> list[str]:
    """Ids of the active capabilities a filtered supplier page may show."""
    stmt = (select(Capability.id).join(Capability.enterprise)
            .where(Capability.active, Enterprise.id != demand.enterprise_id))
    if region:
        stmt = stmt.where(func.coalesce(Capability.region, Enterprise.region) == region)
    if size:
        stmt = stmt.where(Enterprise.size == size)
    return [str(i) for i in session.scalars(stmt)]


def _reasons_of(data) -> list[Reason]:
    return [Reason(kind, tuple(values)) for kind, values in data]


def _reasons_data(reasons) -> list:
    return [[r.kind, list(r.values)] for r in reasons]


def _supplier_ranking(session: Session, engine, demand: Demand, region: str | None, qualification: str | None,
                      size: str | None, wanted: int):
    """The demand's record and its suppliers best first, ``[capability id, enterprise id, score]``, one per
    enterprise: at least ``wanted`` when that many qualify (ranked without reasons, kept for a while, see
    :mod:`.ranked_cache`). None when the region is unknown."""
    try:
        region = clean_region(region)
    except ServiceError:  # an unknown province matches nobody
        return None
    record = demand_record(demand)
    if qualification:
        # the engine's own hard filter: 小巨人 counts as 专精特新, spacing and versions as it knows them
        record["required_qualifications"] = [*record["required_qualifications"], qualification]
    cache = cache_of(session)
    # In the key: the viewer's own posting (its record and stamps), so an edit is never served stale,
    # and the engines' stamps of the chains and of the enterprises (a qualification verified). Other
    # organisations' capabilities change often; their changes are picked up when the entry expires.
    chains, _, _, enterprises = registry_of(session).stamp(session)
    market = (chains, enterprises)
    base = (demand.id, demand.updated_at, demand.enterprise.updated_at, record, region, size, market)
    among = None
    top = CANDIDATES
    while True:  # ranked without reasons: only the page shown is explained
        key = cache.key("suppliers", *base, top)
        entry = cache.get(key)
        if entry is None:
            if among is None and (region or size):
                among = _eligible_suppliers(session, demand, region, size)
            with engine.lock:
                matches = engine.matcher.rank([record], top=top, among=among, explain=False)[0]
            entry = {"kept": _one_per_enterprise(session, demand, matches),
                     "exhausted": len(matches) < top or matches[-1].score < MIN_SCORE}
            cache.put(key, entry)
        if len(entry["kept"]) >= wanted or entry["exhausted"]:
            return record, market, entry["kept"]
        top *= 4


def suggested_suppliers(session: Session, demand: Demand, region: str | None = None,
                        qualification: str | None = None, size: str | None = None,
                        page: int = 1, per_page: int = 20):
    """Suppliers ranked for ``demand``, best capability per organisation, with reasons; a Page.

    ``region`` keeps suppliers whose capability is in that province;
    ``qualification`` those holding it (after normalisation, 小巨人 implies 专精特新);
    ``size`` those of that size class. The filters restrict the engine's ranking
    itself, so a page is full whenever enough suppliers qualify. The ranking is
    kept for a short while (:mod:`.ranked_cache`); only the page shown is read and
    explained.
    """
    registry = registry_of(session)
    engine = registry.engine(session)
    G = registry.graph(session)
    page = max(1, int(page or 1))
    if engine.matcher is None:
        return _page([], page, per_page)
    wanted = page * per_page + 1  # one more than the page, to know whether another follows
    ranked = _supplier_ranking(session, engine, demand, region, qualification, size, wanted)
    if ranked is None:
        return _page([], page, per_page)
    record, market, kept = ranked
    chosen = kept[(page - 1) * per_page:page * per_page]
    return Page(items=_suppliers(session, engine, record, market, chosen, G), page=page, per_page=per_page,
                total=len(kept))


def suggested_enterprise_ids(session: Session, demand: Demand, limit: int = 20) -> list[int]:
    """The organisations of the first ``limit`` suggested suppliers of ``demand``, best first, as
    :func:`suggested_suppliers` shows them (without reading or explaining them)."""
    engine = registry_of(session).engine(session)
    if engine.matcher is None:
        return []
    ranked = _supplier_ranking(session, engine, demand, None, None, None, limit + 1)
    return [enterprise_id for _, enterprise_id, _ in ranked[2][:limit]] if ranked else []


def _one_per_enterprise(session: Session, demand: Demand, matches) -> list[list]:
    """The matches worth showing, best first, as ``[capability id, enterprise id, score]``: one per
    enterprise (its best capability), never the buyer's own."""
    ids = [int(m.capability_id) for m in matches if m.score >= MIN_SCORE]
    owner = dict(session.execute(select(Capability.id, Capability.enterprise_id)
                                 .where(Capability.id.in_(ids), Capability.active)).all()) if ids else {}
    kept, seen = [], set()
    for match in matches:
        enterprise_id = owner.get(int(match.capability_id))
        if enterprise_id is None or match.score < MIN_SCORE:
            continue
        if enterprise_id in seen or enterprise_id == demand.enterprise_id:
            continue
        seen.add(enterprise_id)
        kept.append([match.capability_id, enterprise_id, match.score])
    return kept


def _suppliers(session: Session, engine, record: dict, market: tuple, chosen: list, G) -> list[Suggestion]:
    """The page's suggestions, read and explained (a ranking restricted to them gives their reasons)."""
    ids = [str(capability_id) for capability_id, _, _ in chosen]
    if not ids:
        return []
    rows = {c.id: c for c in session.scalars(
        select(Capability).where(Capability.id.in_([int(i) for i in ids]))
        .options(selectinload(Capability.enterprise).selectinload(Enterprise.qualifications)))}
    cache = cache_of(session)
    key = cache.key("supplier-reasons", record, market, ids)
    reasons = cache.get(key)
    if reasons is None:
        with engine.lock:
            found = engine.matcher.rank([record], top=len(ids), among=ids)[0]
        reasons = {m.capability_id: _reasons_data(m.reasons) for m in found}
        cache.put(key, reasons)
    out = []
    for capability_id, _, score in chosen:
        capability = rows.get(int(capability_id))
        if capability is None or not capability.active:  # withdrawn since it was ranked
            continue
        enterprise = capability.enterprise
        names = capability_record(capability)["qualifications"]
        verified = qualification_set([q.name for q in enterprise.qualifications if q.verified])
        quals = [(name, meets([name], verified)) for name in names]
        why = _reasons_of(reasons.get(str(capability_id), []))
        out.append(Suggestion(capability, enterprise, score, [reason_text(G, r) for r in why],
                              [str(r) for r in why], quals))
    return out


def _open_demands(session: Session, G, enterprise: Enterprise, filters: dict, market: tuple) -> list[str]:
    """Ids of the open published demands the hall's ``filters`` keep, not ``enterprise``'s own.

    The list before leaving out the organisation's own demands is the same for every SME (tens of
    thousands of ids): it is kept in the process while the demands' stamp (in ``market``) stays.
    """
    from .demands import published_demands

    cache = cache_of(session)
    key = cache.key("open-demands", filters, today(), market)
    shared = cache.get(key, large=True)
    if shared is None:
        eligible = published_demands(G, **filters, open_only=True).with_only_columns(Demand.id).order_by(None)
        shared = [str(i) for i in session.scalars(eligible)]
        cache.put(key, shared, large=True)
    own = {str(i) for i in session.scalars(select(Demand.id).where(Demand.enterprise_id == enterprise.id,
                                                                   Demand.status == "published"))}
    return [i for i in shared if i not in own] if own else shared


def _opportunity_ranking(session: Session, engine, G, enterprise: Enterprise, capabilities, records,
                         filters: dict, market: tuple) -> list[list]:
    """Open demands ranked for the capabilities, best first, as ``[demand id, score, capability id]`` with
    the capability that fits each best (ranked without reasons, kept for a while, see :mod:`.ranked_cache`).

    Each capability's ranking is kept too: after an edit, only the edited capability is ranked again.
    """
    cache = cache_of(session)
    # In the key: the viewer's own postings (records and stamps), so an edit is never served stale, and
    # the engines' stamps of what is ranked (``market``: the chains, demands and enterprises), so a demand
    # published, edited or closed is seen at once; only demands deleted outright wait for the entry to expire.
    scope = (enterprise.id, enterprise.updated_at, filters, today(), market)
    key = cache.key("opportunities", *scope, [(c.id, c.updated_at) for c in capabilities], records)
    order = cache.get(key)
    if order is not None:
        return order
    keys = [cache.key("capability-opportunities", *scope, c.id, c.updated_at, record)
            for c, record in zip(capabilities, records)]
    lists = cache.get_many(keys)
    missing = [i for i, found in enumerate(lists) if found is None]
    if missing:
        # The hall's filters (and: still open, not the organisation's own) restrict the ranking itself.
        among = _open_demands(session, G, enterprise, filters, market)
        ranked = [[] for _ in missing]
        if among:
            with engine.lock:
                ranked = engine.matcher.rank_demands([records[i] for i in missing], top=CANDIDATES, among=among,
                                                     explain=False)
        for i, matches in zip(missing, ranked):
            lists[i] = [[int(m.demand_id), m.score] for m in matches if m.score >= MIN_SCORE]
            cache.put(keys[i], lists[i])
    best: dict[int, tuple[float, int]] = {}  # demand id -> (score, index of the best capability)
    for index, matches in enumerate(lists):
        for demand_id, score in matches:
            if demand_id not in best or score > best[demand_id][0]:
                best[demand_id] = (score, index)
    order = [[d, score, capabilities[index].id]
             for d, (score, index) in sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[0]))]
    cache.put(key, order)
    return order


def opportunities_for(session: Session, enterprise: Enterprise, chain: str | None = None,
                      region: str | None = None, kind: str | None = None,
                      deadline_before: dt.date | None = None, q: str | None = None,
                      page: int = 1, per_page: int = 20):
    """Open published demands ranked for all of the organisation's active capabilities, best first; a Page.

    Each demand appears once, with the score and reasons of the capability that
    fits it best. Filters are those of the demand hall. The ranking is computed
    without reasons and kept for a short while (:mod:`.ranked_cache`); only the
    page's demands are read and explained (a restricted ranking gives the same
    scores, with their reasons).
    """
    capabilities = session.scalars(
        select(Capability).where(Capability.enterprise_id == enterprise.id, Capability.active)
        .options(selectinload(Capability.enterprise).selectinload(Enterprise.qualifications))
        .order_by(Capability.id)).all()
    empty = _page([], page, per_page)
    if not capabilities:
        return empty
    registry = registry_of(session)
    engine = registry.engine(session)
    G = registry.graph(session)
    if engine.matcher is None or not engine.has_demands:
        return empty
    records = [capability_record(c) for c in capabilities]
    filters = {"kind": kind, "chain": chain, "region": region, "deadline_before": deadline_before, "q": q}
    chains, _, demand_stamp, enterprises = registry.stamp(session)
    market = (chains, demand_stamp, enterprises)
    order = _opportunity_ranking(session, engine, G, enterprise, capabilities, records, filters, market)
    page = max(1, int(page or 1))
    chosen = order[(page - 1) * per_page:page * per_page]
    demands = {d.id: d for d in session.scalars(select(Demand).where(Demand.id.in_([d for d, _, _ in chosen]))
                                                .options(selectinload(Demand.enterprise)))} if chosen else {}
    reasons = _opportunity_reasons(session, engine, capabilities, records, market, chosen)
    by_id = {c.id: c for c in capabilities}
    applied = _applications_to(session, enterprise.id, list(demands))
    items = [Opportunity(demands[d], score, [reason_text(G, r) for r in reasons.get(d, ())],
                         [str(r) for r in reasons.get(d, ())], by_id[c], applied.get(d))
             for d, score, c in chosen
             if d in demands and demands[d].status == "published"]  # never one no longer published
    return Page(items=items, page=page, per_page=per_page, total=len(order))


def _applications_to(session: Session, enterprise_id: int, demand_ids: list[int]) -> dict[int, Application]:
    """The organisation's application to each of ``demand_ids`` it has applied to, by demand id."""
    if not demand_ids:
        return {}
    return {a.demand_id: a for a in session.scalars(select(Application).where(
        Application.enterprise_id == enterprise_id, Application.demand_id.in_(demand_ids)))}


def _opportunity_reasons(session: Session, engine, capabilities, records, market: tuple,
                         chosen: list) -> dict[int, list[Reason]]:
    """Reasons of the page's demands, each for its best capability (a ranking restricted to the page)."""
    if not chosen:
        return {}
    index_of = {c.id: i for i, c in enumerate(capabilities)}
    by_capability: dict[int, list[str]] = {}
    for demand_id, _, capability_id in chosen:
        by_capability.setdefault(index_of[capability_id], []).append(str(demand_id))
    cache = cache_of(session)
    key = cache.key("opportunity-reasons", market, [(records[i], ids) for i, ids in sorted(by_capability.items())])
    data = cache.get(key)
    if data is None:
        data = {}
        with engine.lock:
            for index, ids in by_capability.items():
                for match in engine.matcher.rank_demands([records[index]], top=len(ids), among=ids)[0]:
                    data[match.demand_id] = _reasons_data(match.reasons)
        cache.put(key, data)
    return {int(d): _reasons_of(r) for d, r in data.items()}


def resources_for(session: Session, G: nx.DiGraph, enterprise: Enterprise, limit: int = 6) -> list[ResourceMatch]:
    """Open resources on the chain nodes of the SME's capabilities, or next to them.

    A resource on the same node comes first, then one on a direct supplier or
    customer node.
    """
    mine = {n for c in session.scalars(select(Capability.chain_nodes).where(
        Capability.enterprise_id == enterprise.id, Capability.active)) for n in (c or []) if n in G}
    if not mine:
        return []
    near = {n for m in mine for n in (*G.predecessors(m), *G.successors(m))} - mine
    resources = session.scalars(
        select(OpenResource).where(OpenResource.active, json_list_contains_any(OpenResource.chain_nodes,
                                                                                sorted(mine | near)))
        .options(selectinload(OpenResource.enterprise)).order_by(OpenResource.updated_at.desc())).all()
    out = []
    for resource in resources:
        nodes = set(resource.chain_nodes or [])
        same, adjacent = nodes & mine, nodes & near
        if same:
            reasons = [tr("同一产业链环节：{n}", "Same chain node: {n}", n="、".join(node_label(G, n) for n in sorted(same)))]
        else:
            reasons = [tr("上下游环节：{n}", "Next on the chain: {n}",
                          n="、".join(node_label(G, n) for n in sorted(adjacent)))]
        out.append(ResourceMatch(resource, reasons, 1.0 if same else 0.8))
    out.sort(key=lambda r: -r.closeness)
    return out[:limit]
