"""Posting records as the matching engine reads them (the fields of formats.md), built from rows.

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
"""
from __future__ import annotations

from ..models import Capability, Demand

__all__ = ["capability_record", "demand_record"]


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
