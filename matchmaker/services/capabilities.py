"""Capabilities: what an SME offers, placed on the industrial chain.

Chain nodes are either picked from the graph or inferred from the text
(:func:`suggest_chain_nodes`); an inferred set is shown to the SME to confirm
before it is saved, and ``chain_nodes_inferred`` records that it was inferred and
accepted unchanged. The qualifications of a capability are chosen among the
claims its enterprise holds, so an SME cannot attach a certificate to a product
that the enterprise never claimed.
"""
from __future__ import annotations

import networkx as nx
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from ..domain.qualifications import normalize_qualification
from ..i18n import tr
from ..models import Capability, Enterprise
from ..models.enterprise import SIZES
from . import audit, matching
from .errors import NotAllowed, NotFound, ServiceError
from .postings.fields import (
    clean_chain_nodes,
    clean_qualifications,
    clean_region,
    clean_text,
    owned_by,
    where_chain_and_region,
    where_text,
)

__all__ = [
    "claim_names",
    "create_capability",
    "enterprise_capabilities",
    "has_active_capability",
    "owned_capability",
    "public_capabilities",
    "set_active",
    "suggest_chain_nodes",
    "update_capability",
    "visible_capability",
]

def suggest_chain_nodes(session: Session, text: str, top: int = 3) -> list[tuple[str, float]]:
    """Chain nodes the text is about, best first, as ``(node, confidence)``.

    The inferrer belongs to the application's engine registry and follows the
    stored chains.
    """
    if not (text or "").strip():
        return []
    from .engines import registry_of
    inferrer = registry_of(session).inferrer(session)
    return inferrer.infer(text, top) if inferrer is not None else []


def claim_names(enterprise: Enterprise) -> list[str]:
    """The enterprise's qualification claims (verified or not), as named by the enterprise."""
    return [q.name for q in enterprise.qualifications]


def _clean_claims(enterprise: Enterprise, names) -> list[str]:
    # Keys from the names: a stored canonical key may predate the current rules.
    claims = {normalize_qualification(q.name): q.name for q in enterprise.qualifications}
    out = []
    for name in clean_qualifications(names):
        key = normalize_qualification(name) or name
        if key not in claims:
            raise ServiceError(tr("“{q}”不在贵企业的资质中；请先在企业资料中添加该资质。",
                                  "“{q}” is not among your enterprise's qualifications; add it to the profile first.",
                                  q=name), field="qualifications")
        out.append(claims[key])
    return out


def _apply_fields(capability: Capability, enterprise: Enterprise, G: nx.DiGraph, data: dict) -> None:
    title = clean_text(data.get("title"), 200)
    if not title:
        raise ServiceError(tr("请填写能力名称。", "Enter a title."), field="title")
    nodes = clean_chain_nodes(G, data.get("chain_nodes"))
    capability.title = title
    capability.description = clean_text(data.get("description"))
    capability.chain_nodes = nodes
    inferred = clean_chain_nodes(G, data.get("inferred_nodes")) if data.get("inferred_nodes") else []
    capability.chain_nodes_inferred = bool(nodes) and sorted(nodes) == sorted(inferred)
    capability.qualifications = _clean_claims(enterprise, data.get("qualifications"))
    capability.capacity = clean_text(data.get("capacity"), 200) or None
    capability.region = clean_region(data.get("region")) or enterprise.region


def create_capability(session: Session, enterprise: Enterprise, user_id: int | None, G: nx.DiGraph,
                      data: dict) -> Capability:
    capability = Capability(enterprise_id=enterprise.id, active=True, extra={})
    capability.enterprise = enterprise
    _apply_fields(capability, enterprise, G, data)
    session.add(capability)
    session.flush()
    audit.record(session, user_id, "capability.create", capability)
    matching.capability_changed(session, capability)
    return capability


def update_capability(session: Session, capability: Capability, user_id: int | None, G: nx.DiGraph,
                      data: dict) -> Capability:
    _apply_fields(capability, capability.enterprise, G, data)
    session.flush()
    audit.record(session, user_id, "capability.update", capability)
    matching.capability_changed(session, capability)
    return capability


def set_active(session: Session, capability: Capability, user_id: int | None, active: bool) -> Capability:
    capability.active = bool(active)
    session.flush()
    audit.record(session, user_id, "capability.activate" if active else "capability.deactivate", capability)
    matching.capability_changed(session, capability)
    return capability


def owned_capability(session: Session, capability_id: int, enterprise_id: int | None) -> Capability:
    return owned_by(session, Capability, capability_id, enterprise_id)


def visible_capability(session: Session, capability_id: int, enterprise_id: int | None,
                       admin: bool = False) -> Capability:
    """An active capability, or an inactive one to its own enterprise (and admins)."""
    capability = session.get(Capability, capability_id, options=[joinedload(Capability.enterprise)])
    if capability is None or (not capability.active and capability.enterprise_id != enterprise_id and not admin):
        raise NotFound()
    return capability


def public_capabilities(G: nx.DiGraph, chain: str | None = None, region: str | None = None,
                        q: str | None = None, size: str | None = None) -> Select:
    stmt = (select(Capability).options(joinedload(Capability.enterprise))
            .where(Capability.active).order_by(Capability.updated_at.desc(), Capability.id.desc()))
    stmt = where_chain_and_region(stmt, Capability, G, chain, region)
    if size in SIZES or (q or "").strip():
        # The enterprise is joined only to filter on it: every capability has one, and counting a
        # province's listed capabilities then reads ix_capability_listed_region alone (47,000 in
        # 江苏省 of 225,000: 64 ms with the join, a few without).
        stmt = stmt.join(Capability.enterprise)
    if size in SIZES:
        stmt = stmt.where(Enterprise.size == size)
    return where_text(stmt, Capability, q)


def enterprise_capabilities(enterprise_id: int, active_only: bool = False) -> Select:
    stmt = select(Capability).where(Capability.enterprise_id == enterprise_id).order_by(
        Capability.active.desc(), Capability.updated_at.desc(), Capability.id.desc())
    if active_only:
        stmt = stmt.where(Capability.active)
    return stmt


def has_active_capability(session: Session, enterprise_id: int) -> bool:
    return session.scalar(select(Capability.id).where(Capability.enterprise_id == enterprise_id, Capability.active)
                          .limit(1)) is not None
