"""Idempotent loading of the seed chains and the demo data set.

Every row is looked up by a natural key (credit code, posting ref, e-mail, event key,
demand and applicant) before it is inserted, so running the seed twice leaves the same
row counts. The demo holds enterprises of every size, universities, research institutes
and a public hospital (``org_type``), a few organiser-designated 链主 (``chain_leader_of``),
demands with their payment terms and publication dates, the applications sent to them in
every state (a 联合体 among them), and fairs: one past and followed up, two ahead, and one
held on the day the demo is loaded, so that check-in can be tried.
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
from ..models import (
    Application,
    Capability,
    ChainGraph,
    Demand,
    Enterprise,
    Event,
    EventParticipant,
    Meeting,
    MeetingRequest,
    OpenResource,
    Qualification,
    User,
)
from ..security import hash_password
from . import chains as chain_service
from .events.core import EVENT_TZ
from .events.core import today as fair_today
from .events.schedule import meeting_uid

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


def _moment(value, now: dt.datetime) -> dt.datetime:
    """A stored time (ISO, with its offset) in UTC, never later than ``now``: the demo does not date the future."""
    at = dt.datetime.fromisoformat(value)
    if at.tzinfo is None:
        at = at.replace(tzinfo=EVENT_TZ)
    return min(at.astimezone(dt.UTC), now)


def seed_chains(session: Session, folder: Path | None = None) -> dict:
    added, _updated = chain_service.store_chains(session, chain_service.read_seed_chains(folder))
    return {"chains": (added, _count(session, ChainGraph))}


def seed_demo(session: Session, folder: Path | None = None) -> dict:
    folder = folder or DEMO
    report = {}
    by_key, added = _seed_enterprises(session, _jsonl(folder / "enterprises.jsonl"))
    report["enterprises"] = (added, _count(session, Enterprise))
    report["users"] = (_seed_users(session, by_key), _count(session, User))
    demands = _jsonl(folder / "demands.jsonl")
    report["demands"] = (_seed_postings(session, Demand, demands, by_key), _count(session, Demand))
    report["capabilities"] = (_seed_postings(session, Capability, _jsonl(folder / "capabilities.jsonl"),
                                             by_key), _count(session, Capability))
    if (folder / "applications.jsonl").exists():
        owners = {row["id"]: row["enterprise_key"] for row in demands}
        report["applications"] = (_seed_applications(session, _jsonl(folder / "applications.jsonl"), by_key, owners),
                                  _count(session, Application))
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
                verified_name=row["name"] if row.get("verified") else None,
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
             "third_party_condition", "payment_terms", "acceptance_criteria", "ip_terms", "status",
             "status_reason"),
    Capability: ("title", "description", "chain_nodes", "qualifications", "capacity", "region"),
}


def _seed_postings(session: Session, model, rows: list[dict], by_key: dict[str, Enterprise]) -> int:
    existing = set(session.execute(select(model.enterprise_id, model.ref)).all())
    stored = {(d.enterprise_id, d.ref): d for d in session.scalars(select(Demand))} if model is Demand else {}
    added = 0
    now = dt.datetime.now(dt.UTC)
    for row in rows:
        enterprise = by_key[row["enterprise_key"]]
        if (enterprise.id, row["id"]) in existing:
            if model is Demand and row.get("published"):
                _backdate(stored[(enterprise.id, row["id"])], _moment(f"{row['published']}T10:00:00+08:00", now))
            continue
        values = {f: row[f] for f in _POSTING_FIELDS[model] if row.get(f) is not None}
        if model is Demand:
            values["deadline"] = _date(row.get("deadline"))
            if values.get("status", "draft") != "draft":
                # Published in the morning (Beijing time) of the day the file names; undated rows: now.
                published = _moment(f"{row['published']}T10:00:00+08:00", now) if row.get("published") else now
                values["published_at"] = values["created_at"] = published
        session.add(model(ref=row["id"], enterprise_id=enterprise.id, **values))
        added += 1
    session.flush()
    return added


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=dt.UTC) if value is not None and value.tzinfo is None else value


def _backdate(demand: Demand, published: dt.datetime) -> None:
    """A demo demand loaded before publication dates existed (published "now" then) gets its date, so the
    applications added since are not older than it; nothing else is touched."""
    if demand.published_at is not None and _utc(demand.published_at) > published:
        demand.published_at = published
        demand.created_at = min(_utc(demand.created_at) or published, published)


def _seed_applications(session: Session, rows: list[dict], by_key: dict[str, Enterprise],
                       owners: dict[str, str]) -> int:
    """Applications as they stand: sent on ``submitted``, moved to their state on ``decided`` (Beijing time).

    A row names its demand by ref (its owner comes from the demands file), the applicant and the
    capability it answers with by key and ref; a 联合体's partners by key when they are demo
    organisations, else by name and credit code (not on the platform, so never confirmed).
    """
    existing = set(session.execute(select(Application.demand_id, Application.enterprise_id)).all())
    members = {}
    for user in session.scalars(select(User).where(User.enterprise_id.is_not(None)).order_by(User.id)):
        members.setdefault(user.enterprise_id, user.id)
    now = dt.datetime.now(dt.UTC)
    added = 0
    for row in rows:
        applicant = by_key[row["enterprise_key"]]
        demand = session.scalar(select(Demand).where(Demand.enterprise_id == by_key[owners[row["demand"]]].id,
                                                     Demand.ref == row["demand"]))
        if demand is None or (demand.id, applicant.id) in existing:
            continue
        capability = None
        if row.get("capability"):
            capability = session.scalar(select(Capability.id).where(Capability.enterprise_id == applicant.id,
                                                                    Capability.ref == row["capability"]))
        partners = []
        for partner in row.get("partners") or []:
            member = by_key.get(partner.get("enterprise_key"))
            partners.append({"name": member.name if member else partner["name"],
                             "credit_code": member.uscc if member else partner.get("credit_code"),
                             "enterprise_id": member.id if member else None, "role": partner.get("role", "member"),
                             "state": partner.get("state") if member else "unregistered"})
        sent = _moment(row["submitted"], now)
        session.add(Application(
            demand_id=demand.id, enterprise_id=applicant.id, capability_id=capability,
            submitted_by_id=members.get(applicant.id), proposal=row["proposal"], price=row.get("price"),
            status=row["status"], message=row.get("message"), partners=partners, created_at=sent,
            updated_at=max(sent, _moment(row["decided"], now)) if row.get("decided") else sent))
        existing.add((demand.id, applicant.id))
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
        if data.get("held_on_load_day"):
            # The fair day is the day the demo is loaded (Beijing), its registration as far before it as written.
            shift = fair_today() - _date(data["date"])
            data = {**data, **{k: (_date(data[k]) + shift).isoformat() for k in
                               ("date", "registration_opens", "registration_closes") if data.get(k)}}
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
            status = p.get("status", "approved")  # "pending": registered, waiting for the organisers
            participant = EventParticipant(
                event_id=event.id, enterprise_id=by_key[p["enterprise_key"]].id, role=p["role"], status=status,
                table=p.get("table") if status == "approved" else None, unavailable=p.get("unavailable") or [])
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
    """A fair's published agenda: for a past fair, the meetings as they went (check-in, outcome and the
    follow-up since, 意向 → 签约); for a fair held today, the meetings waiting for check-in."""
    for m in rows:
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
                                                 dt.time(2), dt.UTC) if stage else None,
            stage_updated_by_id=owner.id if (stage and owner) else None,
            contract_amount=m.get("contract_amount"), contract_date=_date(m.get("contract_date")),
            contract_type=m.get("contract_type"), demand_id=demand, reminders_sent=m.get("reminders_sent") or []))
    if rows:
        # The agenda as it was published: every accepted request placed, nothing left out.
        met = {m[side] for m in rows for side in ("buyer", "supplier")}
        priority = sum(m.get("priority", 1) for m in rows)
        built = dt.datetime.combine(event.date - dt.timedelta(days=3), dt.time(2), dt.UTC)
        event.schedule_version = 1
        event.schedule_stats = {
            "version": 1, "built_at": built.isoformat(timespec="seconds"), "built_by": owner.id if owner else None,
            "allow_moves": False, "published": True, "published_version": 1, "meetings": len(rows),
            "requests": len(rows), "total_priority": priority, "upper_bound": priority, "gap": 0.0,
            "participants_met": len(met), "participants_with_request": len(met), "coverage_bound": len(met),
            "optimal": True, "seconds": 0.0,
            "method": "as held" if event.date < fair_today() else "as published", "warnings": [], "unscheduled": [],
            "changes": [], "state": "done"}
