"""The full facts of some demands' histories: content, parties and awards at each event.

A release shows the demand as it stood after its event: the status reached, the
awards made so far and the content as amended so far. An amendment's audit entry
carries ``changed={field: [old, new]}``; the present content rolled back through the
later amendments gives the content of an earlier release (an entry without it
leaves the earlier releases showing the present content). Names of enterprises
and chain nodes are the present ones.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ...io import ocds as mapping
from ...models import Application, AuditLog, Demand, Enterprise
from ..chains import chains_document
from .history import STATUS_AFTER, Event

__all__ = ["node_names", "release_facts"]

_TERM_FIELDS = ("kind", "title", "description", "chain_nodes", "quantity", "unit", "budget", "deadline", "region",
                "required_qualifications", "payment_days", "acceptance_days", "acceptance_criteria", "ip_terms")
_TAGS = {"tender": ("tender",), "update": ("tenderAmendment",), "award": ("award",),
         "cancelled": ("tenderCancellation",)}


def _organisation(ent: Enterprise) -> mapping.Organisation:
    return mapping.Organisation(key=ent.id, name=ent.name, credit_code=ent.uscc, region=ent.region, city=ent.city,
                                size=ent.size, industry=ent.industry)


def _terms(demand: Demand) -> mapping.Terms:
    return mapping.Terms(
        kind=demand.kind, title=demand.title, description=demand.description or "",
        chain_nodes=tuple(demand.chain_nodes or ()), quantity=demand.quantity, unit=demand.unit,
        budget=demand.budget, deadline=demand.deadline, region=demand.region,
        required_qualifications=tuple(demand.required_qualifications or ()), payment_days=demand.payment_days,
        acceptance_days=demand.acceptance_days, acceptance_criteria=demand.acceptance_criteria,
        ip_terms=demand.ip_terms)


def _old_value(name: str, value):
    """A value as an audit entry stored it, in the type of :class:`~matchmaker.io.ocds.Terms`."""
    if value is None:
        return None
    if name in ("quantity", "budget"):
        return Decimal(str(value))
    if name == "deadline":
        return dt.date.fromisoformat(str(value))
    if name in ("chain_nodes", "required_qualifications"):
        if not isinstance(value, list):
            raise ValueError(value)
        return tuple(str(v) for v in value)
    if name in ("payment_days", "acceptance_days"):
        if isinstance(value, bool):
            raise ValueError(value)
        return int(value)
    return str(value)


def _changes(details) -> list[tuple[str, object, object]]:
    """``(field, old, new)`` of an amendment's audit details; fields that cannot be read are left out."""
    changed = (details or {}).get("changed") if isinstance(details, dict) else None
    out = []
    if isinstance(changed, dict):
        for name, pair in changed.items():
            if name not in _TERM_FIELDS or not isinstance(pair, (list, tuple)) or len(pair) != 2:
                continue
            try:
                out.append((name, _old_value(name, pair[0]), _old_value(name, pair[1])))
            except (ValueError, TypeError, InvalidOperation):
                continue
    return out


def node_names(session: Session) -> dict[str, tuple[str, str]]:
    names = {}
    for chain in chains_document(session)["chains"]:
        for node in chain.get("nodes", []):
            names[node["id"]] = (node.get("name") or node["id"], chain.get("name") or "")
    return names


def release_facts(session: Session, histories: Mapping[int, list[Event]],
                  ocid_prefix: str) -> dict[tuple[int, int], mapping.ReleaseFacts]:
    """``(demand id, seq) -> ReleaseFacts`` for every event of the given demands."""
    ids = list(histories)
    if not ids:
        return {}
    demands = {d.id: d for d in session.scalars(select(Demand).options(joinedload(Demand.enterprise))
                                                 .where(Demand.id.in_(ids)))}
    app_ids = [e.application_id for events in histories.values() for e in events if e.application_id]
    applications = {a.id: a for a in session.scalars(
        select(Application).options(joinedload(Application.enterprise)).where(Application.id.in_(app_ids)))
    } if app_ids else {}
    audit_ids = [e.audit_id for events in histories.values() for e in events if e.kind == "update" and e.audit_id]
    details = dict(session.execute(select(AuditLog.id, AuditLog.details).where(AuditLog.id.in_(audit_ids))).all()
                   ) if audit_ids else {}
    out = {}
    for demand_id, events in histories.items():
        if demand_id in demands:  # else deleted since the histories were read
            out.update(_demand_facts(demands[demand_id], events, applications, details, ocid_prefix))
    return out


def _demand_facts(demand: Demand, events: list[Event], applications: Mapping, details: Mapping,
                  ocid_prefix: str) -> dict[tuple[int, int], mapping.ReleaseFacts]:
    ocid = f"{ocid_prefix}-{demand.id}"
    release_id = {e.seq: f"{ocid}-{e.seq}" for e in events}
    changes = {e.seq: _changes(details.get(e.audit_id)) for e in events if e.kind == "update"}
    # Content after each event: the present content, rolled back through later amendments.
    terms_after = {}
    terms = _terms(demand)
    for event in reversed(events):
        terms_after[event.seq] = terms
        if event.kind == "update" and changes[event.seq]:
            terms = replace(terms, **{name: old for name, old, _ in changes[event.seq]})
    buyer = _organisation(demand.enterprise)
    status, awards, amendments, out = "published", [], [], {}
    for event in events:
        tags = _TAGS.get(event.kind, ("tenderUpdate",))
        status = STATUS_AFTER.get(event.kind, status)
        if event.kind == "award" and event.application_id in applications:
            application = applications[event.application_id]
            # The price an applicant quoted is private on the site: awards carry no value.
            awards.append(mapping.AwardFacts(key=application.id, date=event.date,
                                             supplier=_organisation(application.enterprise)))
        elif event.kind == "update":
            amendments.append(mapping.AmendmentFacts(
                date=event.date, release_id=release_id[event.seq], amends_release_id=release_id[event.seq - 1],
                changed=tuple(changes[event.seq])))
        if event.kind == "cancelled" and awards:
            tags += ("awardCancellation",)
        out[(demand.id, event.seq)] = mapping.ReleaseFacts(
            ocid=ocid, release_id=release_id[event.seq], date=event.date, tags=tags, demand_id=demand.id,
            status=status, buyer=buyer, terms=terms_after[event.seq], tender_start=events[0].date,
            awards=tuple(awards), amendments=tuple(amendments))
    return out
