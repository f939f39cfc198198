"""Meetings the platform suggests at a fair, ranked by the matching engine with reasons.

Buyers' published demands are ranked against suppliers' active capabilities by
the platform's matching engine (the application's one :class:`matchmaker.matching.Matcher`,
restricted to the fair's participants; records of :mod:`matchmaker.services.engines`, reasons worded
by :mod:`matchmaker.presentation`); a pair of participants scores as its best
demand-capability pairing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from ...models import Capability, Demand, Enterprise, EventParticipant, MeetingRequest

__all__ = ["Suggestion", "pair_scores", "suggest"]


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
    stmt = select(model).where(model.enterprise_id.in_(enterprise_ids)).order_by(model.id).options(
        selectinload(model.enterprise).selectinload(Enterprise.qualifications))
    stmt = stmt.where(model.status == "published") if model is Demand else stmt.where(model.active)
    out: dict[int, list] = {}
    for row in session.scalars(stmt):
        out.setdefault(row.enterprise_id, []).append(row)
    return out


def _engine_scores(session: Session, demands: list[Demand], capabilities: list[Capability]) -> dict:
    """``{(demand id, capability id): (score, reasons)}`` from the platform's matching engine.

    Every capability of the fair is scored for every buyer demand
    (:meth:`Matcher.score_pairs`), with the same engine, statistics and
    calibration as the demand page and 我的商机, so a pair shows one score
    everywhere.
    """
    # Imported here so that the fair pages load even while no engine can be built.
    from ...matching import MatchingError
    from ...presentation import reason_text
    from ..engines import registry_of
    from ..records import demand_record
    registry = registry_of(session)
    engine, G = registry.engine(session), registry.graph(session)
    if engine.matcher is None:
        return {}
    with engine.lock:
        indexed = engine.matcher.capabilities_.row_of
        ids = [str(c.id) for c in capabilities if str(c.id) in indexed]
        if not ids:
            return {}
        try:
            ranked = engine.matcher.score_pairs([demand_record(d) for d in demands], ids)
        except MatchingError:
            return {}
    return {(d.id, int(m.capability_id)): (m.score, [reason_text(G, r) for r in m.reasons])
            for d, matches in zip(demands, ranked) for m in matches}


def pair_scores(session: Session, buyers: list[EventParticipant], suppliers: list[EventParticipant]):
    """``{(buyer id, supplier id): (score, reasons, demand title, capability title)}`` for scoring pairs."""
    demands = _postings(session, Demand, {p.enterprise_id for p in buyers})
    caps = _postings(session, Capability, {p.enterprise_id for p in suppliers})
    all_d = [d for rows in demands.values() for d in rows]
    all_c = [c for rows in caps.values() for c in rows]
    engine = _engine_scores(session, all_d, all_c) if all_d and all_c else {}
    out = {}
    for b in buyers:
        for s in suppliers:
            best = None
            for d in demands.get(b.enterprise_id, []):
                for c in caps.get(s.enterprise_id, []):
                    score, reasons = engine.get((d.id, c.id), (0.0, []))
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
