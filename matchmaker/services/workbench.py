"""The workbench: what needs a user today, gathered for the page they land on after log-in.

Each block is a handful of counting queries (GROUP BY, never one query per row):
the buyer's open demands and their new applications, the supplier's new
opportunities and applications, the fairs an organisation attends, the follow-ups
waiting, and for organisers the fairs they manage with what blocks each.
``since`` is the user's previous visit (None: everything counts as new).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import String, and_, case, cast, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from ..models import (
    Application,
    AuditLog,
    Capability,
    Demand,
    Enterprise,
    Event,
    EventParticipant,
    Meeting,
    MeetingRequest,
    User,
)
from ..models.event import EVENT_STATUSES
from . import admin as admin_service
from . import matching
from .demands import invitations, published_demands
from .engines import registry_of
from .events import core as event_core
from .events.followup import OPEN_STAGES, enterprise_followups
from .events.schedule import PUBLISHED
from .records import capability_record

__all__ = [
    "SUGGESTION_DEMANDS",
    "TOP_OPPORTUNITIES",
    "BuyerBlock",
    "DemandRow",
    "FairRow",
    "ManagedFair",
    "SupplierBlock",
    "admin_workbench",
    "enterprise_workbench",
    "organiser_workbench",
    "previous_login",
]

#: Suggested suppliers are ranked for at most this many open demands, the most recent.
SUGGESTION_DEMANDS = 5
#: How many of the new opportunities the page names.
TOP_OPPORTUNITIES = 5
#: How many suggestions a demand's page shows first; those not yet contacted are counted.
SUGGESTIONS_SHOWN = 20


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _after(column, since: dt.datetime | None):
    """SQL truth of ``column > since`` as 1/0 (every row when ``since`` is None)."""
    return case((column > since, 1), else_=0) if since is not None else 1


# --------------------------------------------------------------------------- the buyer

@dataclass
class DemandRow:
    demand: Demand
    applications: int = 0
    new_applications: int = 0
    #: Suggested suppliers (among the first shown on the demand's page) neither invited nor applied;
    #: None when not computed (beyond the most recent :data:`SUGGESTION_DEMANDS`).
    uncontacted: int | None = None


@dataclass
class BuyerBlock:
    open_demands: list[DemandRow]
    status_counts: dict[str, int]
    new_applications: int
    received_counts: dict[str, int]
    suggestions_limited: bool
    answered: list[Application]
    answered_count: int


def _buyer(session: Session, enterprise_id: int, since: dt.datetime | None,
           status_counts: dict[str, int]) -> BuyerBlock:
    demands = session.scalars(select(Demand).where(Demand.enterprise_id == enterprise_id,
                                                   Demand.status == "published")
                              .order_by(Demand.published_at.desc().nulls_last(), Demand.id.desc())).all()
    ids = [d.id for d in demands]
    counts = {row.demand_id: row for row in session.execute(
        select(Application.demand_id, func.count().label("total"),
               func.sum(_after(Application.created_at, since)).label("new"))
        .where(Application.demand_id.in_(ids)).group_by(Application.demand_id))} if ids else {}
    rows = [DemandRow(d, counts[d.id].total if d.id in counts else 0,
                      int(counts[d.id].new or 0) if d.id in counts else 0) for d in demands]
    for row in rows[:SUGGESTION_DEMANDS]:
        row.uncontacted = _uncontacted(session, row.demand)
    received = dict(session.execute(select(Application.status, func.count()).join(Application.demand)
                                    .where(Demand.enterprise_id == enterprise_id)
                                    .group_by(Application.status)).all())
    answered, answered_count = _answered_invitations(session, enterprise_id)
    # Demands with news first; the order among them stays newest first.
    rows.sort(key=lambda r: r.new_applications == 0)
    return BuyerBlock(rows, status_counts, sum(r.new_applications for r in rows), received,
                      len(demands) > SUGGESTION_DEMANDS, answered, answered_count)


def _uncontacted(session: Session, demand: Demand) -> int:
    """Suggested suppliers on the first page of the demand's suggestions not invited and not applied."""
    shown = set(matching.suggested_enterprise_ids(session, demand, SUGGESTIONS_SHOWN))
    if not shown:
        return 0
    contacted = set(invitations(session, demand.id))
    contacted |= set(session.scalars(select(Application.enterprise_id).where(
        Application.demand_id == demand.id, Application.enterprise_id.in_(shown))))
    return len(shown - contacted)


def _answered_invitations(session: Session, enterprise_id: int, limit: int = 5) -> tuple[list[Application], int]:
    """Applications that came in after their sender was invited to apply, newest first, and how many."""
    demand_ids = select(cast(Demand.id, String)).where(Demand.enterprise_id == enterprise_id)
    invited: dict[tuple[int, int], dt.datetime] = {}
    for object_id, details, at in session.execute(
            select(AuditLog.object_id, AuditLog.details, AuditLog.created_at)
            .where(AuditLog.action == "demand.invite_apply", AuditLog.object_type == "Demand",
                   AuditLog.object_id.in_(demand_ids))):
        supplier = (details or {}).get("supplier")
        if isinstance(supplier, int) and str(object_id).isdigit():
            key = (int(object_id), supplier)
            invited[key] = min(invited.get(key, _utc(at)), _utc(at))
    if not invited:
        return [], 0
    found = session.scalars(
        select(Application).options(joinedload(Application.demand), joinedload(Application.enterprise))
        .where(Application.demand_id.in_({d for d, _ in invited}),
               Application.enterprise_id.in_({e for _, e in invited}))
        .order_by(Application.created_at.desc(), Application.id.desc())).all()
    answered = [a for a in found if (a.demand_id, a.enterprise_id) in invited
                and _utc(a.created_at) >= invited[(a.demand_id, a.enterprise_id)]]
    return answered[:limit], len(answered)


# --------------------------------------------------------------------------- the supplier

@dataclass
class SupplierBlock:
    capabilities: int
    new_opportunities: int
    top: list[tuple[Demand, float]]
    application_counts: dict[str, int]


def _new_opportunities(session: Session, enterprise_id: int, since: dt.datetime | None) -> tuple[int, list]:
    """Open demands published since ``since`` that fit the organisation's capabilities (ranked without
    reasons, as on 我的商机) and that it has not applied to, and the best :data:`TOP_OPPORTUNITIES` of them."""
    capabilities = session.scalars(select(Capability).where(Capability.enterprise_id == enterprise_id,
                                                            Capability.active)
                                   .options(joinedload(Capability.enterprise)
                                            .selectinload(Enterprise.qualifications))).unique().all()
    if not capabilities:
        return 0, []
    registry = registry_of(session)
    engine = registry.engine(session)
    if engine.matcher is None or not engine.has_demands:
        return 0, []
    applied = select(Application.demand_id).where(Application.enterprise_id == enterprise_id)
    eligible = (published_demands(registry.graph(session), open_only=True)
                .where(Demand.enterprise_id != enterprise_id, Demand.id.not_in(applied))
                .with_only_columns(Demand.id).order_by(None))
    if since is not None:
        eligible = eligible.where(func.coalesce(Demand.published_at, Demand.created_at) > since)
    among = [str(i) for i in session.scalars(eligible)]
    if not among:
        return 0, []
    records = [capability_record(c) for c in capabilities]
    with engine.lock:
        ranked = engine.matcher.rank_demands(records, top=matching.CANDIDATES, among=among, explain=False)
    best: dict[int, float] = {}
    for matches in ranked:
        for match in matches:
            if match.score >= matching.MIN_SCORE:
                best[int(match.demand_id)] = max(best.get(int(match.demand_id), 0.0), match.score)
    order = sorted(best.items(), key=lambda kv: (-kv[1], -kv[0]))[:TOP_OPPORTUNITIES]
    rows = {d.id: d for d in session.scalars(select(Demand).options(joinedload(Demand.enterprise))
                                             .where(Demand.id.in_([i for i, _ in order])))} if order else {}
    return len(best), [(rows[i], score) for i, score in order if i in rows]


def _supplier(session: Session, enterprise_id: int, since: dt.datetime | None, capabilities: int,
              application_counts: dict[str, int]) -> SupplierBlock:
    count, top = _new_opportunities(session, enterprise_id, since)
    return SupplierBlock(capabilities, count, top, application_counts)


# --------------------------------------------------------------------------- fairs and follow-up

@dataclass
class FairRow:
    event: Event
    participant: EventParticipant
    to_answer: int = 0
    agenda_ready: bool = False


def _fairs(session: Session, enterprise_id: int) -> list[FairRow]:
    """Fairs ahead (or under way) where the organisation is registered, soonest first, with the meeting
    requests waiting for its answer."""
    today = event_core.today()
    participants = session.scalars(
        select(EventParticipant).join(Event, Event.id == EventParticipant.event_id)
        .options(joinedload(EventParticipant.event))
        .where(EventParticipant.enterprise_id == enterprise_id,
               EventParticipant.status.in_(("pending", "approved")),
               Event.status.in_(event_core.VISIBLE_STATUSES), Event.status != "archived",
               func.coalesce(Event.end_date, Event.date) >= today)
        .order_by(Event.date, Event.id)).all()
    ids = [p.id for p in participants]
    now = _utcnow()
    waiting = dict(session.execute(
        select(MeetingRequest.event_id, func.count())
        .join(EventParticipant, or_(EventParticipant.id == MeetingRequest.buyer_id,
                                    EventParticipant.id == MeetingRequest.supplier_id))
        .where(EventParticipant.id.in_(ids), MeetingRequest.status == "pending",
               MeetingRequest.requested_by_id != EventParticipant.id,
               or_(MeetingRequest.expires_at.is_(None), MeetingRequest.expires_at >= now))
        .group_by(MeetingRequest.event_id)).all()) if ids else {}
    return [FairRow(p.event, p, waiting.get(p.event_id, 0),
                    p.status == "approved" and p.event.status in PUBLISHED) for p in participants]


def _followups(session: Session, user) -> dict[str, int]:
    """Meetings under follow-up at an open stage where the organisation is buyer or supplier, per stage."""
    listed = enterprise_followups(user).where(Meeting.stage.in_(OPEN_STAGES)).order_by(None).subquery()
    counts = dict(session.execute(select(listed.c.stage, func.count()).group_by(listed.c.stage)).all())
    return {stage: counts.get(stage, 0) for stage in OPEN_STAGES}


# --------------------------------------------------------------------------- the enterprise member

@dataclass
class EnterpriseWorkbench:
    enterprise: Enterprise
    since: dt.datetime | None
    buyer: BuyerBlock | None
    supplier: SupplierBlock | None
    fairs: list[FairRow]
    followups: dict[str, int]
    buyer_first: bool = True

    @property
    def followups_waiting(self) -> int:
        return sum(self.followups.values())


def enterprise_workbench(session: Session, user, since: dt.datetime | None) -> EnterpriseWorkbench:
    """What needs a member of an organisation: its buyer side when it has demands, its supplier side when
    it offers capabilities or has applied (both for a new organisation, to show where to start)."""
    enterprise = user.enterprise
    since = _utc(since)
    demand_counts = dict(session.execute(select(Demand.status, func.count()).where(
        Demand.enterprise_id == enterprise.id).group_by(Demand.status)).all())
    application_counts = dict(session.execute(select(Application.status, func.count()).where(
        Application.enterprise_id == enterprise.id).group_by(Application.status)).all())
    capabilities = session.scalar(select(func.count()).select_from(Capability).where(
        Capability.enterprise_id == enterprise.id, Capability.active)) or 0
    is_buyer = bool(demand_counts)
    is_supplier = bool(capabilities or application_counts)
    new = not (is_buyer or is_supplier)
    return EnterpriseWorkbench(
        enterprise=enterprise, since=since,
        buyer=_buyer(session, enterprise.id, since, demand_counts) if is_buyer or new else None,
        supplier=_supplier(session, enterprise.id, since, capabilities, application_counts)
        if is_supplier or new else None,
        fairs=_fairs(session, enterprise.id), followups=_followups(session, user), buyer_first=is_buyer)


# --------------------------------------------------------------------------- organisers and admins

@dataclass
class ManagedFair:
    event: Event
    pending_registrations: int = 0
    unanswered_requests: int = 0
    unscheduled_accepted: int = 0
    checkin_today: bool = False

    @property
    def unpublished_schedule(self) -> bool:
        """A schedule was built and not published since (the agenda participants see is older or missing)."""
        stats = self.event.schedule_stats or {}
        return bool(self.event.schedule_version) and (
            self.event.status not in PUBLISHED or stats.get("published_version") != self.event.schedule_version)

    @property
    def blocked(self) -> bool:
        return bool(self.pending_registrations or self.unanswered_requests or self.unscheduled_accepted
                    or self.unpublished_schedule or self.event.status == "draft")


@dataclass
class OrganiserWorkbench:
    phases: dict[str, list[ManagedFair]]
    checkin_today: list[ManagedFair] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(fairs) for fairs in self.phases.values())


def organiser_workbench(session: Session, user) -> OrganiserWorkbench:
    """The fairs ``user`` may manage (:func:`~.events.core.list_events` narrowed by
    :func:`~.events.core.can_manage`), by phase, each with what keeps it from moving on."""
    events = [e for e in session.scalars(event_core.list_events(user)) if event_core.can_manage(user, e)]
    fairs = {e.id: ManagedFair(e) for e in events}
    active = [e.id for e in events if e.status != "archived"]
    if active:
        for event_id, n in session.execute(
                select(EventParticipant.event_id, func.count()).where(
                    EventParticipant.event_id.in_(active), EventParticipant.status == "pending")
                .group_by(EventParticipant.event_id)):
            fairs[event_id].pending_registrations = n
        now = _utcnow()
        for event_id, n in session.execute(
                select(MeetingRequest.event_id, func.count()).where(
                    MeetingRequest.event_id.in_(active), MeetingRequest.status == "pending",
                    or_(MeetingRequest.expires_at.is_(None), MeetingRequest.expires_at >= now))
                .group_by(MeetingRequest.event_id)):
            fairs[event_id].unanswered_requests = n
        booked = aliased(Meeting)
        for event_id, n in session.execute(
                select(MeetingRequest.event_id, func.count()).where(
                    MeetingRequest.event_id.in_(active), MeetingRequest.status == "accepted",
                    ~exists().where(and_(booked.event_id == MeetingRequest.event_id,
                                         booked.buyer_id == MeetingRequest.buyer_id,
                                         booked.supplier_id == MeetingRequest.supplier_id,
                                         booked.status == "scheduled")))
                .group_by(MeetingRequest.event_id)):
            fairs[event_id].unscheduled_accepted = n
    today = event_core.today()
    phases: dict[str, list[ManagedFair]] = {status: [] for status in EVENT_STATUSES}
    for event in sorted(events, key=lambda e: (e.date, e.id)):
        fair = fairs[event.id]
        fair.checkin_today = (event.status in PUBLISHED and event.date <= today <= (event.end_date or event.date))
        phases[event.status].append(fair)
    return OrganiserWorkbench(phases, [f for f in fairs.values() if f.checkin_today])


def admin_workbench(session: Session) -> dict:
    """The verification queue's counts and the last ten audit entries (:func:`~.admin.dashboard`)."""
    return admin_service.dashboard(session)


def previous_login(session: Session, email: str) -> dt.datetime | None:
    """When the account with ``email`` last logged in, read before a new log-in overwrites it."""
    return _utc(session.scalar(select(User.last_login_at).where(User.email == (email or "").strip().lower())))
