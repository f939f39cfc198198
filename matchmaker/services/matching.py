"""Matching on the site: suppliers suggested for a demand, opportunities for an SME.

The engine (:mod:`matchmaker.matching`, kept per process by
:mod:`.matching_engine`) ranks postings; this module turns its matches back into
rows the pages show, applies the page filters, and words the reasons in the
user's language. See :mod:`.matching_engine` for which qualifications count.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ..domain.qualifications import normalize_qualification, qualification_set
from ..i18n import tr
from ..models import Capability, Demand, Enterprise, OpenResource
from .errors import ServiceError
from .matching_engine import (
    capability_changed,
    capability_record,
    demand_changed,
    demand_record,
    engine_for,
)
from .posting_fields import clean_region, json_list_contains_any, node_label

__all__ = [
    "CANDIDATES",
    "MIN_SCORE",
    "Opportunity",
    "ResourceMatch",
    "Suggestion",
    "capability_changed",
    "demand_changed",
    "localize_reason",
    "opportunities_for",
    "resources_for",
    "suggested_suppliers",
]

#: How many postings the engine is asked for before the page filters apply.
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


def localize_reason(G: nx.DiGraph, reason) -> str:
    """An engine reason (a :class:`~matchmaker.matching.result.Reason`) in the user's language,
    chain nodes by name."""
    kind, values = reason.kind, list(reason.values)
    if kind == "chain":
        rest = " ".join(_node_name(G, token) for token in values)
    else:
        rest = tr("、", ", ").join(values)
    label = {"text": tr("共同关键词", "Shared terms"), "chain": tr("产业链关系", "Chain link"),
             "region": tr("同一地区", "Same region"), "qualification": tr("满足资质", "Meets qualifications")}.get(kind)
    return f"{label}{tr('：', ': ')}{rest}" if label else str(reason)


def _node_name(G: nx.DiGraph, token: str) -> str:
    if token not in G:
        return token
    data = G.nodes[token]
    return tr(data.get("name", token), data.get("name_en") or data.get("name", token))


def _page(items: list, page: int, per_page: int):
    from ..web.pagination import Page
    page = max(1, int(page or 1))
    start = (page - 1) * per_page
    return Page(items=items[start:start + per_page], page=page, per_page=per_page, total=len(items))


def suggested_suppliers(session: Session, demand: Demand, region: str | None = None,
                        qualification: str | None = None, size: str | None = None,
                        page: int = 1, per_page: int = 20):
    """SMEs ranked for ``demand``, best capability per enterprise, with reasons; a Page.

    ``region`` keeps suppliers whose capability is in that province;
    ``qualification`` those holding it (after normalisation, 小巨人 implies 专精特新);
    ``size`` those of that size class.
    """
    engine = engine_for(session)
    if engine.matcher is None:
        return _page([], page, per_page)
    with engine.lock:
        matches = engine.matcher.rank([demand_record(demand)], top=CANDIDATES)[0]
    ids = [int(m.capability_id) for m in matches]
    rows = {c.id: c for c in session.scalars(
        select(Capability).where(Capability.id.in_(ids), Capability.active)
        .options(selectinload(Capability.enterprise).selectinload(Enterprise.qualifications)))} if ids else {}
    try:
        region = clean_region(region)
    except ServiceError:  # an unknown province matches nobody
        return _page([], page, per_page)
    wanted = normalize_qualification(qualification) if qualification else None
    out, seen = [], set()
    for match in matches:
        capability = rows.get(int(match.capability_id))
        if capability is None or match.score < MIN_SCORE:
            continue
        enterprise = capability.enterprise
        if enterprise.id in seen or enterprise.id == demand.enterprise_id or enterprise.is_large:
            continue
        record = capability_record(capability)
        if region and record["region"] != region:
            continue
        if size and enterprise.size != size:
            continue
        if wanted and wanted not in qualification_set(record["qualifications"]):
            continue
        seen.add(enterprise.id)
        verified = {q.canonical or normalize_qualification(q.name) for q in enterprise.qualifications if q.verified}
        quals = [(name, (normalize_qualification(name) or name) in verified) for name in record["qualifications"]]
        out.append(Suggestion(capability, enterprise, match.score,
                              [localize_reason(engine.graph, r) for r in match.reasons],
                              [str(r) for r in match.reasons], quals))
    return _page(out, page, per_page)


def opportunities_for(session: Session, enterprise: Enterprise, chain: str | None = None,
                      region: str | None = None, kind: str | None = None,
                      deadline_before: dt.date | None = None, q: str | None = None) -> list[Opportunity]:
    """Open published demands ranked for all of the SME's active capabilities, best first.

    Each demand appears once, with the score and reasons of the capability that
    fits it best. Filters are those of the demand hall.
    """
    from .demands import published_demands

    capabilities = session.scalars(
        select(Capability).where(Capability.enterprise_id == enterprise.id, Capability.active)
        .options(selectinload(Capability.enterprise).selectinload(Enterprise.qualifications))).all()
    if not capabilities:
        return []
    engine = engine_for(session)
    if engine.matcher is None or not engine.has_demands:
        return []
    with engine.lock:
        ranked = engine.matcher.rank_demands([capability_record(c) for c in capabilities], top=CANDIDATES)
    best: dict[int, tuple] = {}
    for capability, matches in zip(capabilities, ranked):
        for match in matches:
            if match.score < MIN_SCORE:
                continue
            demand_id = int(match.demand_id)
            if demand_id not in best or match.score > best[demand_id][0]:
                best[demand_id] = (match.score, match.reasons, capability)
    if not best:
        return []
    stmt = published_demands(engine.graph, kind=kind, chain=chain, region=region, deadline_before=deadline_before,
                             q=q, open_only=True).where(Demand.id.in_(list(best)),
                                                        Demand.enterprise_id != enterprise.id)
    demands = session.scalars(stmt).unique().all()
    out = [Opportunity(d, best[d.id][0], [localize_reason(engine.graph, r) for r in best[d.id][1]],
                       [str(r) for r in best[d.id][1]], best[d.id][2]) for d in demands]
    out.sort(key=lambda o: (-o.score, -o.demand.id))
    return out


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
