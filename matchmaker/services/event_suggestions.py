"""Meetings the platform suggests at a fair, ranked by the matching engine with reasons.

Buyers' published demands are ranked against suppliers' active capabilities; a
pair of participants scores as its best demand-capability pairing. The ranking
comes from the platform's matching engine (:mod:`matchmaker.services.matching`)
when it is installed; otherwise from the chain graph and the shared words of
titles, so suggestions never disappear.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ..i18n import tr
from ..models import Capability, Demand, EventParticipant, MeetingRequest
from . import chains as chain_service

__all__ = ["Suggestion", "suggest", "pair_scores"]


@dataclass
class Suggestion:
    participant: EventParticipant
    score: float
    reasons: list[str] = field(default_factory=list)
    demand: str | None = None
    capability: str | None = None


def _approved(session: Session, event_id: int, role: str) -> list[EventParticipant]:
    return session.scalars(select(EventParticipant).options(joinedload(EventParticipant.enterprise))
                           .where(EventParticipant.event_id == event_id, EventParticipant.role == role,
                                  EventParticipant.status == "approved")).all()


def _postings(session: Session, model, enterprise_ids: set[int]):
    if not enterprise_ids:
        return {}
    stmt = select(model).where(model.enterprise_id.in_(enterprise_ids))
    stmt = stmt.where(model.status == "published") if model is Demand else stmt.where(model.active)
    out: dict[int, list] = {}
    for row in session.scalars(stmt):
        out.setdefault(row.enterprise_id, []).append(row)
    return out


def _engine_scores(session: Session, demands: list[Demand], capabilities: list[Capability]):
    """Scores from the platform's matching service, or None when it is not available."""
    try:
        from . import matching
    except ImportError:
        return None
    rank = getattr(matching, "score_pairs", None)
    if rank is None:
        return None
    return rank(session, demands, capabilities)


_WORD = re.compile(r"[A-Za-z0-9]{2,}|[\u4e00-\u9fff]")


def _grams(text: str) -> set[str]:
    tokens = _WORD.findall((text or "").lower())
    han = [t for t in tokens if len(t) == 1]
    return {t for t in tokens if len(t) > 1} | {a + b for a, b in zip(han, han[1:])}


def _node_name(G, node: str) -> str:
    data = G.nodes[node] if node in G else {}
    return tr(data.get("name", node), data.get("name_en") or data.get("name", node))


def _fallback(G, demand: Demand, cap: Capability) -> tuple[float, list[str]]:
    score, reasons = 0.0, []
    dn, cn = set(demand.chain_nodes or []), set(cap.chain_nodes or [])
    same = dn & cn
    if same:
        score += 0.6
        reasons.append(tr("同一产业链环节：{n}", "Same chain node: {n}", n="、".join(_node_name(G, n) for n in sorted(same))))
    else:
        feeds = [(c, d) for c in cn for d in dn if c in G and d in G and G.has_edge(c, d)]
        if feeds:
            score += 0.45
            c, d = feeds[0]
            reasons.append(tr("上下游：{a} → {b}", "Supplies: {a} → {b}", a=_node_name(G, c), b=_node_name(G, d)))
        elif any(G.nodes[c].get("chain") == G.nodes[d].get("chain") for c in cn for d in dn if c in G and d in G):
            score += 0.2
            reasons.append(tr("同一产业链", "Same industrial chain"))
    a, b = _grams(f"{demand.title} {demand.description}"), _grams(f"{cap.title} {cap.description}")
    shared = a & b
    if shared:
        score += min(0.4, 0.4 * len(shared) / max(1, min(len(a), len(b))))
        words = sorted(shared, key=len, reverse=True)[:4]
        reasons.append(tr("共同关键词：{w}", "Shared terms: {w}", w="、".join(words)))
    if demand.region and cap.region and demand.region == cap.region:
        score += 0.05
        reasons.append(tr("同一地区：{r}", "Same region: {r}", r=demand.region))
    return min(1.0, score), reasons


def pair_scores(session: Session, buyers: list[EventParticipant], suppliers: list[EventParticipant]):
    """``{(buyer id, supplier id): (score, reasons, demand title, capability title)}`` for scoring pairs."""
    demands = _postings(session, Demand, {p.enterprise_id for p in buyers})
    caps = _postings(session, Capability, {p.enterprise_id for p in suppliers})
    all_d = [d for rows in demands.values() for d in rows]
    all_c = [c for rows in caps.values() for c in rows]
    engine = _engine_scores(session, all_d, all_c) if all_d and all_c else None
    G = chain_service.current_graph(session) if engine is None else None
    out = {}
    for b in buyers:
        for s in suppliers:
            best = None
            for d in demands.get(b.enterprise_id, []):
                for c in caps.get(s.enterprise_id, []):
                    score, reasons = engine[(d.id, c.id)] if engine is not None and (d.id, c.id) in engine \
                        else ((0.0, []) if engine is not None else _fallback(G, d, c))
                    if score > 0 and (best is None or score > best[0]):
                        best = (score, list(reasons), d.title, c.title)
            if best is not None:
                out[(b.id, s.id)] = best
    return out


def suggest(session: Session, participant: EventParticipant, limit: int = 8) -> list[Suggestion]:
    """Counterparts the participant has no request with yet, best match first."""
    other_role = "supplier" if participant.role == "buyer" else "buyer"
    others = _approved(session, participant.event_id, other_role)
    asked = set()
    for req in session.scalars(select(MeetingRequest).where(
            MeetingRequest.event_id == participant.event_id,
            (MeetingRequest.buyer_id == participant.id) | (MeetingRequest.supplier_id == participant.id),
            MeetingRequest.status.in_(("pending", "accepted")))):
        asked.add(req.supplier_id if participant.role == "buyer" else req.buyer_id)
    others = [o for o in others if o.id not in asked]
    if participant.role == "buyer":
        scores = {k[1]: v for k, v in pair_scores(session, [participant], others).items()}
    else:
        scores = {k[0]: v for k, v in pair_scores(session, others, [participant]).items()}
    result = [Suggestion(o, round(scores[o.id][0], 3), scores[o.id][1], scores[o.id][2], scores[o.id][3])
              for o in others if o.id in scores]
    result.sort(key=lambda s: (-s.score, s.participant.enterprise.name))
    return result[:limit]
