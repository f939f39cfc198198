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
from ..models import Capability, Demand, Enterprise, OpenResource
from ..paging import Page, page_of
from ..presentation import reason_text
from .engines import registry_of
from .errors import ServiceError
from .postings.fields import clean_region, json_list_contains_any, node_label
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


def suggested_suppliers(session: Session, demand: Demand, region: str | None = None,
                        qualification: str | None = None, size: str | None = None,
                        page: int = 1, per_page: int = 20):
    """Suppliers ranked for ``demand``, best capability per organisation, with reasons; a Page.

    ``region`` keeps suppliers whose capability is in that province;
    ``qualification`` those holding it (after normalisation, 小巨人 implies 专精特新);
    ``size`` those of that size class. The filters restrict the engine's ranking
    itself, so a page is full whenever enough suppliers qualify.
    """
    registry = registry_of(session)
    engine = registry.engine(session)
    G = registry.graph(session)
    if engine.matcher is None:
        return _page([], page, per_page)
    try:
        region = clean_region(region)
    except ServiceError:  # an unknown province matches nobody
        return _page([], page, per_page)
    record = demand_record(demand)
    if qualification:
        # the engine's own hard filter: 小巨人 counts as 专精特新, spacing and versions as it knows them
        record["required_qualifications"] = [*record["required_qualifications"], qualification]
    among = _eligible_suppliers(session, demand, region, size) if region or size else None
    page = max(1, int(page or 1))
    wanted = page * per_page + 1  # one more than the page, to know whether another follows
    top = CANDIDATES
    while True:  # ranked without reasons: only the page shown is explained
        with engine.lock:
            matches = engine.matcher.rank([record], top=top, among=among, explain=False)[0]
        kept = _one_per_enterprise(session, demand, matches)
        exhausted = len(matches) < top or matches[-1].score < MIN_SCORE
        if len(kept) >= wanted or exhausted:
            break
        top *= 4
    chosen = kept[(page - 1) * per_page:page * per_page]
    return Page(items=_suppliers(session, engine, record, chosen, G), page=page, per_page=per_page,
                total=len(kept))


def _one_per_enterprise(session: Session, demand: Demand, matches) -> list:
    """The matches worth showing, best first: one per enterprise (its best capability), never the buyer's own."""
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
        kept.append(match)
    return kept


def _suppliers(session: Session, engine, record: dict, matches, G) -> list[Suggestion]:
    """The page's suggestions, read and explained (a ranking restricted to them gives their reasons)."""
    ids = [str(m.capability_id) for m in matches]
    if not ids:
        return []
    rows = {c.id: c for c in session.scalars(
        select(Capability).where(Capability.id.in_([int(i) for i in ids]))
        .options(selectinload(Capability.enterprise).selectinload(Enterprise.qualifications)))}
    with engine.lock:
        reasons = {m.capability_id: m.reasons for m in engine.matcher.rank([record], top=len(ids), among=ids)[0]}
    out = []
    for match in matches:
        capability = rows.get(int(match.capability_id))
        if capability is None:
            continue
        enterprise = capability.enterprise
        names = capability_record(capability)["qualifications"]
        verified = qualification_set([q.name for q in enterprise.qualifications if q.verified])
        quals = [(name, meets([name], verified)) for name in names]
        why = reasons.get(match.capability_id, [])
        out.append(Suggestion(capability, enterprise, match.score, [reason_text(G, r) for r in why],
                              [str(r) for r in why], quals))
    return out


def opportunities_for(session: Session, enterprise: Enterprise, chain: str | None = None,
                      region: str | None = None, kind: str | None = None,
                      deadline_before: dt.date | None = None, q: str | None = None,
                      page: int = 1, per_page: int = 20):
    """Open published demands ranked for all of the organisation's active capabilities, best first; a Page.

    Each demand appears once, with the score and reasons of the capability that
    fits it best. Filters are those of the demand hall. The ranking is computed
    without reasons; only the page's demands are read and explained (a restricted
    ranking gives the same scores, with their reasons).
    """
    from .demands import published_demands

    capabilities = session.scalars(
        select(Capability).where(Capability.enterprise_id == enterprise.id, Capability.active)
        .options(selectinload(Capability.enterprise).selectinload(Enterprise.qualifications))).all()
    empty = _page([], page, per_page)
    if not capabilities:
        return empty
    registry = registry_of(session)
    engine = registry.engine(session)
    G = registry.graph(session)
    if engine.matcher is None or not engine.has_demands:
        return empty
    # The hall's filters (and: still open, not the organisation's own) restrict the ranking itself.
    eligible = (published_demands(G, kind=kind, chain=chain, region=region, deadline_before=deadline_before,
                                  q=q, open_only=True)
                .where(Demand.enterprise_id != enterprise.id).with_only_columns(Demand.id).order_by(None))
    among = [str(i) for i in session.scalars(eligible)]
    if not among:
        return empty
    records = [capability_record(c) for c in capabilities]
    with engine.lock:
        ranked = engine.matcher.rank_demands(records, top=CANDIDATES, among=among, explain=False)
    best: dict[int, tuple[float, int]] = {}  # demand id -> (score, index of the best capability)
    for index, matches in enumerate(ranked):
        for match in matches:
            if match.score < MIN_SCORE:
                continue
            demand_id = int(match.demand_id)
            if demand_id not in best or match.score > best[demand_id][0]:
                best[demand_id] = (match.score, index)
    order = sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[0]))
    page = max(1, int(page or 1))
    chosen = order[(page - 1) * per_page:page * per_page]
    demands = {d.id: d for d in session.scalars(select(Demand).where(Demand.id.in_([i for i, _ in chosen]))
                                                .options(selectinload(Demand.enterprise)))} if chosen else {}
    by_capability: dict[int, list[str]] = {}
    for demand_id, (_, index) in chosen:
        by_capability.setdefault(index, []).append(str(demand_id))
    reasons: dict[int, list] = {}
    with engine.lock:
        for index, ids in by_capability.items():
            for match in engine.matcher.rank_demands([records[index]], top=len(ids), among=ids)[0]:
                reasons[int(match.demand_id)] = match.reasons
    items = [Opportunity(demands[d], score, [reason_text(G, r) for r in reasons.get(d, ())],
                         [str(r) for r in reasons.get(d, ())], capabilities[index])
             for d, (score, index) in chosen if d in demands]
    return Page(items=items, page=page, per_page=per_page, total=len(order))


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
