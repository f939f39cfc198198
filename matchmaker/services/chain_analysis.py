"""What the platform's postings say about each chain: coverage, node pages, orphans, the
chain's key enterprises and its 补链/固链/强链 projects (demands organisers tag).

Coverage counts the verified suppliers and open demands posted on this platform
at each node (:func:`graph.weak_links`); it measures the platform, not the real
chain, and every page that shows it says so and when it was computed.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

import graph as chaingraph

from ..domain.qualifications import LITTLE_GIANT, SRDI, meets, qualification_set
from ..domain.scope import Scope
from ..i18n import tr
from ..models import Capability, Demand, Enterprise, Event, OpenResource
from ..models.posting import CHAIN_TAGS
from . import audit
from . import chains as chain_service
from .errors import NotAllowed, NotFound, ServiceError
from .scope import sees_enterprise

#: Tiers of quality SMEs counted per node, as tags of the supply records
#: (专精特新 = the provincial tier or higher, 小巨人 = the national tier).
TIERS = (SRDI, LITTLE_GIANT)

#: Demand statuses that still want suppliers.
OPEN_DEMAND = ("published",)


def active_capabilities(session: Session) -> list[Capability]:
    """Every active capability, with its enterprise and the enterprise's qualifications."""
    return session.scalars(select(Capability)
                           .options(joinedload(Capability.enterprise).selectinload(Enterprise.qualifications))
                           .where(Capability.active)).all()


def tiers(enterprise: Enterprise) -> tuple[str, ...]:
    """The tiers of :data:`TIERS` an enterprise's verified qualifications meet."""
    held = qualification_set(enterprise.qualification_names(verified_only=True))
    return tuple(tier for tier in TIERS if meets([tier], held))


def open_demands(session: Session) -> list[Demand]:
    """Every demand still wanting suppliers (:data:`OPEN_DEMAND`), with its enterprise."""
    return session.scalars(select(Demand).options(joinedload(Demand.enterprise))
                           .where(Demand.status.in_(OPEN_DEMAND))).all()


def supply_and_demand(G: nx.DiGraph, capabilities, demands) -> tuple[list[dict], list[dict]]:
    """Rows for :func:`graph.weak_links` from postings (only nodes in ``G``), each supplier
    tagged with the :data:`TIERS` it is recognised in."""
    held: dict[int, tuple[str, ...]] = {}
    for cap in capabilities:
        if cap.enterprise_id not in held:
            held[cap.enterprise_id] = tiers(cap.enterprise)
    supply = [
        {"node": node, "enterprise": cap.enterprise.name, "region": cap.region or cap.enterprise.region,
         "verified": bool(cap.enterprise.verified), "tags": held[cap.enterprise_id]}
        for cap in capabilities for node in (cap.chain_nodes or []) if node in G
    ]
    demand = [
        {"node": node, "enterprise": d.enterprise.name}
        for d in demands for node in (d.chain_nodes or []) if node in G
    ]
    return supply, demand


def _weak_links(G: nx.DiGraph, capabilities, demands, chain: str | None) -> list[chaingraph.WeakLink]:
    if chain is not None and chain not in G.graph["chains"]:
        raise chaingraph.UnknownChainError(chain)
    supply, demand = supply_and_demand(G, capabilities, demands)
    return chaingraph.weak_links(G, supply, demand, chain=chain)


@dataclass
class Coverage:
    """The coverage of the chains by the platform's postings, and when it was measured."""

    links: list[chaingraph.WeakLink]
    #: When it was computed (UTC): the postings it counts are those stored then.
    as_of: dt.datetime
    #: The last change of the newest posting it counts (UTC), None without postings.
    latest_posting: dt.datetime | None


def _latest(postings) -> dt.datetime | None:
    times = [p.updated_at.replace(tzinfo=dt.UTC) if p.updated_at.tzinfo is None else p.updated_at
             for p in postings if p.updated_at is not None]
    return max(times, default=None)


def coverage(session: Session, chain: str | None = None, G: nx.DiGraph | None = None) -> Coverage:
    """Coverage of ``chain`` (or of every chain) by the stored postings, with its date."""
    G = G if G is not None else chain_service.current_graph(session)
    capabilities, demands = active_capabilities(session), open_demands(session)
    links = _weak_links(G, capabilities, demands, chain)
    return Coverage(links=links, as_of=dt.datetime.now(dt.UTC), latest_posting=_latest([*capabilities, *demands]))


def weak_link_report(session: Session, chain: str | None = None,
                     G: nx.DiGraph | None = None) -> list[chaingraph.WeakLink]:
    """Coverage of ``chain`` (or of every chain) from the stored postings, node by node."""
    return coverage(session, chain, G).links


def chain_overview(session: Session, links: list[chaingraph.WeakLink] | None = None) -> list[dict]:
    """One row per chain: node count and counts per coverage status, for the chain index
    (from ``links`` of every chain when given)."""
    G = chain_service.current_graph(session)
    if links is None:
        links = weak_link_report(session, G=G)
    rows = []
    for cid, meta in G.graph["chains"].items():
        mine = [w for w in links if w.chain == cid]
        rows.append({**meta, "nodes": len(mine),
                     **{status: sum(w.status == status for w in mine) for status in chaingraph.STATUSES}})
    return rows


@dataclass
class NodePage:
    node: str
    data: dict
    chain: dict
    weak: chaingraph.WeakLink
    upstream: list[tuple[str, dict]]
    downstream: list[tuple[str, dict]]
    capabilities: list[Capability]
    demands: list[Demand]
    #: (supplier, customer) of the node's recycling edges (material returning upstream).
    recycling: frozenset[tuple[str, str]] = frozenset()
    #: When the coverage was computed (UTC), and the newest posting it counts.
    as_of: dt.datetime | None = None
    latest_posting: dt.datetime | None = None
    #: The :data:`TIERS` each listed supplier is recognised in, by enterprise id.
    tiers: dict[int, tuple[str, ...]] | None = None


def node_page(session: Session, node: str) -> NodePage:
    G = chain_service.current_graph(session)
    if node not in G:
        raise chaingraph.UnknownNodeError(node)
    data = G.nodes[node]
    all_caps, all_demands = active_capabilities(session), open_demands(session)
    weak = next(w for w in _weak_links(G, all_caps, all_demands, data["chain"]) if w.node == node)
    caps = [c for c in all_caps if node in (c.chain_nodes or [])]
    caps.sort(key=lambda c: (not c.enterprise.verified, c.enterprise.name))
    demands = [d for d in all_demands if node in (d.chain_nodes or [])]
    return NodePage(
        as_of=dt.datetime.now(dt.UTC), latest_posting=_latest([*all_caps, *all_demands]),
        tiers={c.enterprise_id: tiers(c.enterprise) for c in caps},
        node=node, data=data, chain=G.graph["chains"][data["chain"]], weak=weak,
        upstream=[(u, G.nodes[u]) for u in G.predecessors(node)],
        downstream=[(v, G.nodes[v]) for v in G.successors(node)],
        capabilities=caps, demands=demands,
        recycling=frozenset(
            edge for edge in (*G.in_edges(node), *G.out_edges(node))
            if chaingraph.edge_kind(G, *edge) == "recycle"),
    )


def references(session: Session) -> list[tuple[str, str, str]]:
    """Every (kind, posting label, node id) a posting, resource or event points to."""
    refs: list[tuple[str, str, str]] = []
    for model, kind in ((Demand, "demand"), (Capability, "capability"), (OpenResource, "resource")):
        for row_id, title, nodes in session.execute(select(model.id, model.title, model.chain_nodes)):
            refs.extend((kind, f"#{row_id} {title}", n) for n in nodes or [])
    for row_id, name, nodes in session.execute(select(Event.id, Event.name, Event.theme_nodes)):
        refs.extend(("event", f"#{row_id} {name}", n) for n in nodes or [])
    return refs


def orphans(session: Session) -> list[tuple[str, str, str]]:
    """References to nodes the stored chains no longer have (kept, listed for fixing)."""
    G = chain_service.current_graph(session)
    return [ref for ref in references(session) if ref[2] not in G]


@dataclass
class UploadPlan:
    diff: object
    affected: list[tuple[str, str, str]]
    document: dict
    #: (supplier, customer) of every recycling edge of the uploaded chains.
    recycling: frozenset[tuple[str, str]] = frozenset()


def plan_upload(session: Session, source) -> UploadPlan:
    """Validate an uploaded chains file and say what applying it would change.

    ``source`` is anything :func:`graph.load_chains` reads: the uploaded bytes or
    JSON text, or a :class:`~pathlib.Path`. Raises :class:`graph.ChainValidationError`
    (every problem, with where) on a bad file, including JSON nested too deeply
    to read.
    """
    new = chaingraph.load_chains(source)
    old = chain_service.current_graph(session)
    diff = chaingraph.diff_chains(old, new)
    removed = set(diff.nodes_removed)
    affected = [ref for ref in references(session) if ref[2] in removed]
    recycling = frozenset((u, v) for u, v, kind in new.edges(data="kind") if kind == "recycle")
    return UploadPlan(diff=diff, affected=affected, document=chaingraph.chains_to_dict(new),
                      recycling=recycling)


def apply_upload(session: Session, document: dict, user_id: int | None) -> tuple[int, int, int]:
    """Replace the stored chains by ``document``; returns (added, updated, removed) chains.

    Postings that point to removed nodes keep their node ids (see :func:`orphans`).
    """
    added, updated = chain_service.store_chains(session, document, user_id)
    removed = chain_service.remove_chains_except(session, {c["id"] for c in document["chains"]})
    return added, updated, removed


@dataclass
class KeyEnterprise:
    """An enterprise on a chain's key-enterprise list and why it is there."""

    enterprise: Enterprise
    #: Why, as data: ``{"kind": "leader"}``, ``{"kind": "buyer", "demands": n, "nodes": [...]}``,
    #: ``{"kind": "supplier", "tier": LITTLE_GIANT or SRDI, "nodes": [...]}``.
    reasons: list[dict]


#: Order of the key-enterprise list: 链主, then large buyers, then quality SME suppliers.
KEY_KINDS = ("leader", "buyer", "supplier")


def key_enterprises(session: Session, chain: str, scope: Scope | None = None,
                    G: nx.DiGraph | None = None) -> list[KeyEnterprise]:
    """The chain's key enterprises: its 链主, the large enterprises with published demands on its
    nodes and the 专精特新 / “小巨人” suppliers with active capabilities on them.

    Only verified enterprises are listed (as for 链主 and the tiers everywhere on the site), and,
    with ``scope``, only those located in it.
    """
    G = G if G is not None else chain_service.current_graph(session)
    if chain not in G.graph["chains"]:
        raise chaingraph.UnknownChainError(chain)
    nodes = set(chaingraph.chain_nodes(G, chain))
    order = {n: i for i, n in enumerate(chaingraph.chain_nodes(G, chain))}
    found: dict[int, KeyEnterprise] = {}

    def listed(ent: Enterprise) -> KeyEnterprise | None:
        if not ent.verified or (scope is not None and not scope.contains(ent.region, ent.city, ent.district)):
            return None
        return found.setdefault(ent.id, KeyEnterprise(ent, []))

    def node_list(values) -> list[str]:
        return sorted(values, key=order.__getitem__)

    leaders = session.scalars(select(Enterprise).where(Enterprise.verified, Enterprise.chain_leader_of.is_not(None)))
    for ent in leaders:
        if ent.is_chain_leader and chain in (ent.chain_leader_of or []) and (key := listed(ent)):
            key.reasons.append({"kind": "leader"})
    bought: dict[int, tuple[Enterprise, int, set]] = {}
    for d in open_demands(session):
        here = set(d.chain_nodes or ()) & nodes
        if here and d.enterprise.is_large:
            ent, count, seen = bought.get(d.enterprise_id, (d.enterprise, 0, set()))
            bought[d.enterprise_id] = (ent, count + 1, seen | here)
    for ent, count, seen in bought.values():
        if key := listed(ent):
            key.reasons.append({"kind": "buyer", "demands": count, "nodes": node_list(seen)})
    supplied: dict[int, tuple[Enterprise, set]] = {}
    for cap in active_capabilities(session):
        here = set(cap.chain_nodes or ()) & nodes
        if here:
            ent, seen = supplied.get(cap.enterprise_id, (cap.enterprise, set()))
            supplied[cap.enterprise_id] = (ent, seen | here)
    for ent, seen in supplied.values():
        held = tiers(ent)
        if held and (key := listed(ent)):
            tier = LITTLE_GIANT if LITTLE_GIANT in held else SRDI
            key.reasons.append({"kind": "supplier", "tier": tier, "nodes": node_list(seen)})

    def rank(key: KeyEnterprise):
        first = min(KEY_KINDS.index(r["kind"]) for r in key.reasons)
        demands = sum(r.get("demands", 0) for r in key.reasons)
        giant = any(r.get("tier") == LITTLE_GIANT for r in key.reasons)
        return (first, -demands, not giant, key.enterprise.name)
    return sorted(found.values(), key=rank)


@dataclass
class ChainProject:
    """A demand tagged 补链/固链/强链 and the chain's nodes it is on."""

    demand: Demand
    nodes: list[str]


def chain_projects(session: Session, chain: str, tag: str | None = None, scope: Scope | None = None,
                   G: nx.DiGraph | None = None) -> list[ChainProject]:
    """The chain's 补链/固链/强链 projects: tagged demands (never drafts) on its nodes, by tag
    (:data:`~matchmaker.models.posting.CHAIN_TAGS` order), then deadline; ``tag`` keeps one tag,
    ``scope`` only the demands of enterprises located in it."""
    G = G if G is not None else chain_service.current_graph(session)
    if chain not in G.graph["chains"]:
        raise chaingraph.UnknownChainError(chain)
    order = {n: i for i, n in enumerate(chaingraph.chain_nodes(G, chain))}
    stmt = (select(Demand).options(joinedload(Demand.enterprise))
            .where(Demand.chain_tag.is_not(None), Demand.status != "draft"))
    if tag is not None:
        stmt = stmt.where(Demand.chain_tag == tag)
    projects = []
    for d in session.scalars(stmt):
        here = sorted(set(d.chain_nodes or ()) & order.keys(), key=order.__getitem__)
        if here and (scope is None or scope.contains(d.enterprise.region, d.enterprise.city, d.enterprise.district)):
            projects.append(ChainProject(d, here))
    projects.sort(key=lambda p: (CHAIN_TAGS.index(p.demand.chain_tag), p.demand.deadline is None,
                                 p.demand.deadline or dt.date.max, p.demand.id))
    return projects


class OutOfScope(NotAllowed):
    """The demand's buyer lies outside the organiser's region."""


def set_chain_tag(session: Session, demand_id: int, tag: str | None, user) -> Demand:
    """Tag a published demand on a chain node 补链/固链/强链 (``tag`` None clears it), as ``user``.

    Only organisers and admins tag, organisers only the demands of enterprises in their region;
    clearing works in any status, tagging only while the demand is published. Audited.
    """
    demand = session.get(Demand, demand_id)
    if demand is None or demand.status == "draft":
        raise NotFound()
    if getattr(user, "role", None) not in ("organiser", "admin") or not sees_enterprise(user, demand.enterprise):
        raise OutOfScope(tr("只有辖区内的组织方可以标注该需求。",
                            "Only an organiser whose region includes this buyer may tag this demand."))
    if tag is not None and tag not in CHAIN_TAGS:
        raise ServiceError(tr("请选择补链、固链或强链。", "Choose fill, secure or strengthen."), field="tag")
    if tag is not None:
        if demand.status != "published":
            raise NotAllowed(tr("只能标注已发布的需求。", "Only a published demand can be tagged."))
        G = chain_service.current_graph(session)
        if not any(node in G for node in demand.chain_nodes or ()):
            raise NotAllowed(tr("该需求未关联任何产业链环节，无法标注。",
                                "This demand names no chain node, so it cannot be tagged."))
    before = demand.chain_tag
    if before != tag:
        demand.chain_tag = tag
        audit.record(session, user.id, "demand.chain_tag", demand, tag_before=before or "", tag_after=tag or "")
    return demand
