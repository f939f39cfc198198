"""Idempotent loading of the seed chains and the demo data set.

Every row is looked up by a natural key (credit code, posting ref, e-mail, event key)
before it is inserted, so running the seed twice leaves the same row counts. The demo
holds enterprises of every size, universities, research institutes and a public
hospital (``org_type``), a few organiser-designated 链主 (``chain_leader_of``), and
demands with their payment terms.
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..domain import slots as slotrules
from ..domain.qualifications import normalize_qualification
from ..domain.regions import normalize_region
from ..models import (Capability, ChainGraph, Demand, Enterprise, Event, EventParticipant, Meeting,
                      MeetingRequest, OpenResource, Qualification, User)
from ..security import hash_password
from . import chains as chain_service

DEMO = chain_service.SEEDS / "demo"
#: Demo-only password, printed by ``matchmaker demo``; never use demo accounts in production.
DEMO_PASSWORD = "demo-pass-2026"
DEMO_ACCOUNTS = (
    {"email": "admin@demo.matchmaker.cn", "name": "平台管理员", "role": "admin",
     "role_label": "admin 平台管理员"},
    {"email": "organiser@demo.matchmaker.cn", "name": "对接会组织方", "role": "organiser",
     "organisation": "示范市工业和信息化局", "scope": ("national",), "role_label": "organiser 组织方"},
    {"email": "suzhou@demo.matchmaker.cn", "name": "苏州市工信局对接专员", "role": "organiser",
     "organisation": "苏州市工业和信息化局", "scope": ("city", "江苏省", "苏州"),
     "role_label": "city organiser 市级组织方（苏州）"},
    {"email": "buyer@demo.matchmaker.cn", "name": "大型企业采购经理", "role": "enterprise",
     "enterprise": "large", "role_label": "large enterprise 大型企业"},
    {"email": "sme@demo.matchmaker.cn", "name": "中小企业销售总监", "role": "enterprise",
     "enterprise": "sme", "role_label": "SME 专精特新中小企业"},
)


def _count(session: Session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _date(value):
    return dt.date.fromisoformat(value) if value else None


def seed_chains(session: Session, folder: Path | None = None) -> dict:
    added, _updated = chain_service.store_chains(session, chain_service.read_seed_chains(folder))
    return {"chains": (added, _count(session, ChainGraph))}


def seed_demo(session: Session, folder: Path | None = None) -> dict:
    folder = folder or DEMO
    report = {}
    by_key, added = _seed_enterprises(session, _jsonl(folder / "enterprises.jsonl"))
    report["enterprises"] = (added, _count(session, Enterprise))
    report["users"] = (_seed_users(session, by_key), _count(session, User))
    report["demands"] = (_seed_postings(session, Demand, _jsonl(folder / "demands.jsonl"), by_key),
                         _count(session, Demand))
    report["capabilities"] = (_seed_postings(session, Capability, _jsonl(folder / "capabilities.jsonl"),
                                             by_key), _count(session, Capability))
    report["resources"] = (_seed_resources(session, _jsonl(folder / "resources.jsonl"), by_key),
                           _count(session, OpenResource))
    events = json.loads((folder / "events.json").read_text(encoding="utf-8"))
    report["events"] = (_seed_events(session, events, by_key), _count(session, Event))
    return report


def _seed_enterprises(session: Session, rows: list[dict]) -> tuple[dict[str, Enterprise], int]:
    existing = {e.uscc: e for e in session.scalars(select(Enterprise))}
    by_key, added = {}, 0
    for row in rows:
        ent = existing.get(row["uscc"])
        if ent is not None and row.get("chain_leader_of") and not ent.chain_leader_of:
            # A database seeded before designations existed gets them; nothing else is touched.
            ent.chain_leader_of = list(row["chain_leader_of"])
        if ent is None:
            ent = Enterprise(
                name=row["name"], uscc=row["uscc"], org_type=row.get("org_type") or "enterprise",
                size=row.get("size"), industry=row.get("industry"),
                employees=row.get("employees"), revenue_wan=row.get("revenue_wan"),
                region=row.get("region"), city=row.get("city"), description=row.get("description"),
                contact=row.get("contact") or {}, chains=row.get("chains") or [],
                chain_leader_of=list(row.get("chain_leader_of") or []),
                verified=bool(row.get("verified")),
            )
            seen = set()
            for name in row.get("qualifications") or []:
                canonical = normalize_qualification(name)
                if canonical in seen:
                    continue
                seen.add(canonical)
                ent.qualifications.append(Qualification(name=name, canonical=canonical,
                                                        verified=bool(row.get("verified"))))
            session.add(ent)
            existing[row["uscc"]] = ent
            added += 1
        by_key[row["key"]] = ent
    session.flush()
    return by_key, added


def _seed_users(session: Session, by_key: dict[str, Enterprise]) -> int:
    emails = set(session.scalars(select(User.email)))
    firms = [e for e in by_key.values() if e.org_type == "enterprise"]
    large = next((e for e in firms if e.size == "large"), None)
    sme = next((e for e in firms if e.size in ("micro", "small", "medium") and e.verified), None)
    added = 0
    for account in DEMO_ACCOUNTS:
        if account["email"] in emails:
            continue
        enterprise = {"large": large, "sme": sme}.get(account.get("enterprise"))
        level, province, city = (*account.get("scope", ()), None, None, None)[:3]
        session.add(User(email=account["email"], name=account["name"], role=account["role"],
                         organisation=account.get("organisation"),
                         enterprise_id=enterprise.id if enterprise else None,
                         scope_level=level, scope_province=province, scope_city=city,
                         password_hash=hash_password(DEMO_PASSWORD)))
        added += 1
    session.flush()
    return added


_POSTING_FIELDS = {
    Demand: ("kind", "title", "description", "chain_nodes", "quantity", "unit", "budget", "region",
             "required_qualifications", "payment_days", "acceptance_days", "payment_method", "instrument_days",
             "third_party_condition", "payment_terms", "acceptance_criteria", "ip_terms", "status"),
    Capability: ("title", "description", "chain_nodes", "qualifications", "capacity", "region"),
}


def _seed_postings(session: Session, model, rows: list[dict], by_key: dict[str, Enterprise]) -> int:
    existing = set(session.execute(select(model.enterprise_id, model.ref)).all())
    added = 0
    now = dt.datetime.now(dt.timezone.utc)
    for row in rows:
        enterprise = by_key[row["enterprise_key"]]
        if (enterprise.id, row["id"]) in existing:
            continue
        values = {f: row[f] for f in _POSTING_FIELDS[model] if row.get(f) is not None}
        if model is Demand:
            values["deadline"] = _date(row.get("deadline"))
            if values.get("status", "draft") != "draft":
                values["published_at"] = now
        session.add(model(ref=row["id"], enterprise_id=enterprise.id, **values))
        added += 1
    session.flush()
    return added


_RESOURCE_FIELDS = ("kind", "title", "description", "chain_nodes", "conditions", "fee", "location",
                   "availability", "region")


def _seed_resources(session: Session, rows: list[dict], by_key: dict[str, Enterprise]) -> int:
    """Open resources have no file id column; (enterprise, title) is their natural key."""
    existing = set(session.execute(select(OpenResource.enterprise_id, OpenResource.title)).all())
    added = 0
    for row in rows:
        enterprise = by_key[row["enterprise_key"]]
        if (enterprise.id, row["title"]) in existing:
            continue
        session.add(OpenResource(enterprise_id=enterprise.id,
                                 **{f: row[f] for f in _RESOURCE_FIELDS if row.get(f) is not None}))
        added += 1
    session.flush()
    return added


def _seed_events(session: Session, events: list[dict], by_key: dict[str, Enterprise]) -> int:
    added = 0
    # The demo fairs are the national organiser's (the first organiser account).
    first = next(a["email"] for a in DEMO_ACCOUNTS if a["role"] == "organiser")
    organiser = (session.scalar(select(User).where(User.email == first))
                 or session.scalar(select(User).where(User.role == "organiser").order_by(User.id)))
    for data in events:
        owner = organiser
        if data.get("organiser"):  # a fair of another demo organiser (the city bureau's own)
            owner = session.scalar(select(User).where(User.email == data["organiser"])) or organiser
        event = session.scalar(select(Event).where(Event.key == data["key"]))
        if event is not None:
            if event.region is None and data.get("region"):  # loaded before fairs had a province
                event.region = normalize_region(data["region"])
            continue
        slots = slotrules.generate_slots(data["start"], data["end"], data["meeting_minutes"],
                                         data.get("breaks") or ())
        event = Event(
            key=data["key"], name=data["name"], description=data.get("description"),
            organiser_id=owner.id if owner else None,
            organisation=owner.organisation if owner else None,
            theme_chains=data.get("theme_chains") or [], theme_nodes=data.get("theme_nodes") or [],
            venue=data.get("venue"), region=normalize_region(data.get("region")) if data.get("region") else None,
            city=data.get("city"), district=data.get("district"), date=_date(data["date"]),
            start=data["start"], end=data["end"], meeting_minutes=data["meeting_minutes"],
            breaks=data.get("breaks") or [], slots=slots, tables=data["tables"],
            # Demo fairs take registrations from the day the demo is loaded.
            registration_opens=min(_date(data.get("registration_opens")) or dt.date.today(), dt.date.today()),
            registration_closes=_date(data.get("registration_closes")),
            max_meetings=data.get("max_meetings"), max_open_requests=data.get("max_open_requests"),
            status=data.get("status", "open"),
        )
        session.add(event)
        session.flush()
        participants = {}
        for p in data["participants"]:
            participant = EventParticipant(
                event_id=event.id, enterprise_id=by_key[p["enterprise_key"]].id, role=p["role"],
                status="approved", table=p.get("table"), unavailable=p.get("unavailable") or [])
            session.add(participant)
            participants[p["enterprise_key"]] = participant
        session.flush()
        for r in data.get("requests") or []:
            session.add(MeetingRequest(
                event_id=event.id, buyer_id=participants[r["buyer"]].id,
                supplier_id=participants[r["supplier"]].id,
                requested_by_id=participants[r["buyer"]].id,
                priority=r.get("priority", 1), status=r.get("status", "pending")))
        _seed_meetings(session, event, data.get("meetings") or [], participants, owner)
        added += 1
    session.flush()
    return added


def _seed_meetings(session: Session, event: Event, rows: list[dict], participants: dict, owner) -> None:
    """A past fair's meetings as they went: check-in, outcome and the follow-up since (意向 → 签约)."""
    from .events.schedule import meeting_uid

    for n, m in enumerate(rows):
        buyer, supplier = participants[m["buyer"]], participants[m["supplier"]]
        request = MeetingRequest(event_id=event.id, buyer_id=buyer.id, supplier_id=supplier.id,
                                 requested_by_id=buyer.id, priority=m.get("priority", 1), status="accepted")
        session.add(request)
        session.flush()
        demand = None
        if m.get("demand"):
            demand = session.scalar(select(Demand.id).where(Demand.enterprise_id == buyer.enterprise_id,
                                                            Demand.ref == m["demand"]))
        stage = m.get("stage")
        session.add(Meeting(
            event_id=event.id, request_id=request.id, buyer_id=buyer.id, supplier_id=supplier.id,
            slot=m["slot"], table=m["table"], priority=m.get("priority", 1), status="scheduled",
            uid=meeting_uid(event.id, buyer.id, supplier.id), sequence=0, checkin=m.get("checkin", "pending"),
            intent=m.get("intent"), amount=m.get("amount"), notes=m.get("notes"), stage=stage,
            stage_reason=m.get("stage_reason"),
            stage_updated_at=dt.datetime.combine(_date(m.get("contract_date")) or event.date + dt.timedelta(days=10),
                                                 dt.time(2), dt.timezone.utc) if stage else None,
            stage_updated_by_id=owner.id if (stage and owner) else None,
            contract_amount=m.get("contract_amount"), contract_date=_date(m.get("contract_date")),
            contract_type=m.get("contract_type"), demand_id=demand, reminders_sent=m.get("reminders_sent") or []))
    if rows:
        # The agenda as it was published: every accepted request placed, nothing left out.
        met = {m[side] for m in rows for side in ("buyer", "supplier")}
        priority = sum(m.get("priority", 1) for m in rows)
        built = dt.datetime.combine(event.date - dt.timedelta(days=3), dt.time(2), dt.timezone.utc)
        event.schedule_version = 1
        event.schedule_stats = {
            "version": 1, "built_at": built.isoformat(timespec="seconds"), "built_by": owner.id if owner else None,
            "allow_moves": False, "published": True, "published_version": 1, "meetings": len(rows),
            "requests": len(rows), "total_priority": priority, "upper_bound": priority, "gap": 0.0,
            "participants_met": len(met), "participants_with_request": len(met), "coverage_bound": len(met),
            "optimal": True, "seconds": 0.0, "method": "as held", "warnings": [], "unscheduled": [],
            "changes": [], "state": "done"}
