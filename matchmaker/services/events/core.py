"""Matchmaking fairs: who runs them, their settings and time slots, and who takes part.

Times of a fair are local to the venue (China Standard Time); the registration
window is checked against today's date there.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, joinedload

from ... import transactions
from ...domain.slots import MAX_DAYS, SlotError, generate_fair_slots
from ...i18n import tr
from ...models import Enterprise, Event, EventParticipant, Meeting, MeetingRequest, User
from ...models.event import PARTICIPANT_ROLES, PARTICIPANT_STATUSES
from .. import audit, notifications
from ..errors import NotAllowed, NotFound, ServiceError
from ..scope import event_clause, scope_of, sees_enterprise, sees_event
from .admission import admits, check_admission, find_enterprise
from .places import check_place, clean_place

__all__ = [
    "EVENT_TZ",
    "EventData",
    "assign_table",
    "can_manage",
    "create_event",
    "event_counts",
    "event_for",
    "find_enterprise",
    "list_events",
    "manageable",
    "parse_breaks",
    "participant_for",
    "participant_of",
    "participants_overview",
    "register",
    "registration_open",
    "review_participant",
    "set_availability",
    "set_status",
    "today",
    "update_event",
    "withdraw",
]

EVENT_TZ = ZoneInfo("Asia/Shanghai")
#: Statuses an organiser may move an event to by hand (publishing has its own service).
MANUAL_STATUSES = {"draft": ("open",), "open": ("closed", "draft"), "closed": ("open",),
                   "provisional": ("closed",), "final": ("archived",), "archived": ()}
VISIBLE_STATUSES = ("open", "closed", "provisional", "final", "archived")


def today() -> dt.date:
    return dt.datetime.now(EVENT_TZ).date()


@dataclass
class EventData:
    """What an organiser enters for a fair."""

    name: str
    date: dt.date
    start: str = "09:00"
    end: str = "12:00"
    meeting_minutes: int = 20
    breaks: list = field(default_factory=list)
    tables: int = 10
    description: str | None = None
    end_date: dt.date | None = None
    theme_chains: list = field(default_factory=list)
    theme_nodes: list = field(default_factory=list)
    venue: str | None = None
    city: str | None = None
    region: str | None = None
    district: str | None = None
    registration_opens: dt.date | None = None
    registration_closes: dt.date | None = None
    max_meetings: int | None = None
    max_open_requests: int | None = None
    request_expiry_hours: int = 72
    unverified_may_register: bool = True


def parse_breaks(text: str | None) -> list[list[str]]:
    """``"12:00-13:00; 15:00-15:15"`` -> ``[["12:00", "13:00"], ["15:00", "15:15"]]``."""
    spans = []
    for part in (text or "").replace("；", ";").replace("，", ";").replace(",", ";").split(";"):
        part = part.strip().replace("–", "-").replace("~", "-").replace("—", "-")
        if not part:
            continue
        bounds = [p.strip() for p in part.split("-")]
        if len(bounds) != 2 or not all(bounds):
            raise ServiceError(tr("休息时段应写成“12:00-13:00”，多个用分号分隔：{p}",
                                  "Write breaks as “12:00-13:00”, separated by semicolons: {p}", p=part),
                               field="breaks")
        spans.append(bounds)
    return spans


def can_manage(user, event: Event) -> bool:
    """Admins, the event's organiser and organisers of the same organisation whose region it lies in manage it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.role == "admin":
        return True
    if user.role != "organiser":
        return False
    if event.organiser_id == user.id:
        return True
    return bool(user.organisation and user.organisation == event.organisation) and sees_event(user, event)


def manageable(user, event: Event) -> Event:
    if not can_manage(user, event):
        raise NotAllowed(tr("只有本场对接会的组织方可以执行此操作。", "Only the organisers of this fair may do that."))
    return event


def event_for(session: Session, event_id: int, user=None) -> Event:
    """The event, or :class:`NotFound` when it does not exist or is a draft the user may not see."""
    event = session.get(Event, event_id)
    if event is None or (event.status == "draft" and not can_manage(user, event)):
        raise NotFound(tr("对接会不存在。", "No such fair."))
    return event


def list_events(user=None, upcoming_only: bool = False):
    """A select of the events the user may see, soonest first (for pagination)."""
    stmt = select(Event)
    visible = Event.status.in_(VISIBLE_STATUSES)
    if user is not None and getattr(user, "is_authenticated", False) and user.role == "admin":
        pass
    elif user is not None and getattr(user, "is_authenticated", False) and user.role == "organiser":
        mine = Event.organiser_id == user.id
        if user.organisation:
            in_scope = event_clause(scope_of(user), user)
            ours = Event.organisation == user.organisation
            mine = or_(mine, ours if in_scope is None else and_(ours, in_scope))
        stmt = stmt.where(or_(visible, mine))
    else:
        stmt = stmt.where(visible)
    if upcoming_only:
        stmt = stmt.where(or_(Event.date >= today(), Event.end_date >= today()))
    return stmt.order_by(Event.date.desc(), Event.id.desc())


def _apply(event: Event, data: EventData) -> None:
    if not (data.name or "").strip():
        raise ServiceError(tr("请填写对接会名称。", "Give the fair a name."), field="name")
    if data.end_date == data.date:
        data.end_date = None
    if data.end_date is not None and data.end_date < data.date:
        raise ServiceError(tr("结束日期不能早于开始日期。", "The last day cannot be before the first."),
                           field="end_date")
    if data.end_date is not None and (data.end_date - data.date).days >= MAX_DAYS:
        raise ServiceError(tr("对接会最长 {n} 天。", "A fair lasts at most {n} days.", n=MAX_DAYS), field="end_date")
    try:
        slots = generate_fair_slots(data.date, data.end_date, data.start, data.end, int(data.meeting_minutes),
                                    data.breaks or ())
    except SlotError as exc:
        raise ServiceError(tr("时间设置无效：{e}", "The times do not make a valid day: {e}", e=exc),
                           field="end") from None
    if not slots:
        raise ServiceError(tr("开始与结束时间之间放不下一场会谈。", "Not a single meeting fits between start and end."),
                           field="end")
    if data.tables < 1:
        raise ServiceError(tr("洽谈桌数至少为 1。", "There must be at least one table."), field="tables")
    if data.registration_opens and data.registration_closes and data.registration_closes < data.registration_opens:
        raise ServiceError(tr("报名截止日期早于报名开始日期。", "Registration closes before it opens."),
                           field="registration_closes")
    if data.registration_closes and data.registration_closes > (data.end_date or data.date):
        raise ServiceError(tr("报名截止日期不能晚于活动日期。", "Registration must close by the day of the fair."),
                           field="registration_closes")
    data.region, data.city, data.district = clean_place(data.region, data.city, data.district)
    if data.request_expiry_hours < 1:
        raise ServiceError(tr("邀约有效期至少 1 小时。", "Requests must stay open at least one hour."),
                           field="request_expiry_hours")
    for name in ("name", "description", "venue", "region", "city", "district", "date", "end_date", "start", "end", "breaks", "tables",
                 "theme_chains", "theme_nodes", "registration_opens", "registration_closes",
                 "max_meetings", "max_open_requests", "request_expiry_hours", "unverified_may_register"):
        setattr(event, name, getattr(data, name))
    event.name = data.name.strip()
    event.meeting_minutes = int(data.meeting_minutes)
    event.slots = slots


def create_event(session: Session, user: User, data: EventData) -> Event:
    if user.role not in ("organiser", "admin"):
        raise NotAllowed(tr("只有组织方可以创建对接会。", "Only organisers create fairs."))
    event = Event(organiser_id=user.id, organisation=user.organisation, status="draft", schedule_stats={})
    _apply(event, data)
    check_place(user, event.region, event.city, event.district)
    session.add(event)
    session.flush()
    audit.record(session, user.id, "event.create", event, name=event.name)
    return event


def update_event(session: Session, user: User, event: Event, data: EventData) -> Event:
    manageable(user, event)
    taken = [p.table for p in event.participants if p.table is not None and p.status == "approved"]
    if taken and max(taken) > data.tables:
        raise ServiceError(tr("已有采购方固定在第 {t} 桌，桌数不能少于 {t}。",
                              "A buyer sits at table {t}; keep at least {t} tables.", t=max(taken)), field="tables")
    before = (event.region, event.city, event.district)
    _apply(event, data)
    if (event.region, event.city, event.district) != before:  # a fair stays where it is, or moves within the region
        check_place(user, event.region, event.city, event.district)
    valid = set(event.slots)
    for p in event.participants:
        if any(s not in valid for s in p.unavailable or []):
            p.unavailable = [s for s in p.unavailable if s in valid]
    audit.record(session, user.id, "event.update", event)
    return event


def set_status(session: Session, user: User, event: Event, status: str) -> Event:
    manageable(user, event)
    if status not in MANUAL_STATUSES.get(event.status, ()):
        raise NotAllowed(tr("对接会当前状态不能改为该状态。", "The fair cannot move to that status from here."))
    event.status = status
    audit.record(session, user.id, "event.status", event, status=status)
    return event


def registration_open(event: Event, on: dt.date | None = None) -> bool:
    on = on or today()
    if event.status != "open":
        return False
    if event.registration_opens and on < event.registration_opens:
        return False
    if event.registration_closes and on > event.registration_closes:
        return False
    return on <= (event.end_date or event.date)


def participant_for(session: Session, event: Event, enterprise_id: int | None) -> EventParticipant | None:
    if enterprise_id is None:
        return None
    return session.scalar(select(EventParticipant).where(EventParticipant.event_id == event.id,
                                                         EventParticipant.enterprise_id == enterprise_id))


def participant_of(session: Session, event: Event, participant_id: int, user) -> EventParticipant:
    """A participant of ``event`` that ``user`` acts for (its members, or the organisers), else NotFound."""
    p = session.get(EventParticipant, participant_id)
    if p is None or p.event_id != event.id:
        raise NotFound(tr("参会企业不存在。", "No such participant."))
    member = getattr(user, "enterprise_id", None)
    if can_manage(user, event) or (member is not None and member == p.enterprise_id):
        return p
    raise NotFound(tr("参会企业不存在。", "No such participant."))


def _clean_slots(event: Event, unavailable) -> list[str]:
    chosen = set(unavailable or [])
    unknown = chosen - set(event.slots)
    if unknown:
        raise ServiceError(tr("未知的时段：{s}", "Unknown slots: {s}", s=", ".join(sorted(unknown))),
                           field="unavailable")
    return [s for s in event.slots if s in chosen]


def register(session: Session, user: User, event: Event, role: str, unavailable=(),
             enterprise: Enterprise | None = None, link: str | None = None,
             admit_unverified: bool = False) -> EventParticipant:
    """Register the user's enterprise (or, for organisers, ``enterprise``) as buyer or supplier.

    Enterprises register within the registration window and wait for approval;
    an organiser registering an enterprise may do so at any time and approves it at once,
    telling it with ``link`` (the event's page) on the notice. At a fair that admits only
    verified organisations an unverified one is refused, unless organisers register it
    with ``admit_unverified`` (see :func:`.admission.check_admission`).
    """
    organiser = can_manage(user, event)
    if enterprise is None:
        if user.role != "enterprise" or user.enterprise_id is None:
            raise NotAllowed(tr("请以企业账号报名。", "Register with an enterprise account."))
        enterprise = user.enterprise
    elif not organiser:
        raise NotAllowed(tr("只有组织方可以代企业报名。", "Only organisers register other enterprises."))
    elif not sees_enterprise(user, enterprise):
        raise ServiceError(tr("该企业不在您的管辖范围（{s}）内。", "This enterprise lies outside your region ({s}).",
                              s=scope_of(user).label), field="enterprise")
    if role not in ("buyer", "supplier"):
        raise ServiceError(tr("请选择以采购方或供应方身份参会。", "Choose to attend as buyer or supplier."), field="role")
    if not organiser and not registration_open(event):
        raise NotAllowed(tr("当前不在报名时间内。", "Registration for this fair is not open."))
    if event.status in ("final", "archived"):
        raise NotAllowed(tr("对接会日程已定稿，不再接受报名。", "The agenda is final; registration is over."))
    check_admission(event, enterprise, organiser=organiser, override=admit_unverified)
    overridden = not admits(event, enterprise)  # registered by the organisers' explicit choice
    unavailable = _clean_slots(event, unavailable)
    status = "approved" if organiser else "pending"
    p = participant_for(session, event, enterprise.id)
    if p is None:
        # The same enterprise registering twice at once (a double click, two colleagues)
        # stores one row; the later submission is told it is registered.
        p, created = transactions.add_unique(
            session, EventParticipant(event_id=event.id, enterprise_id=enterprise.id, role=role, status=status,
                                      unavailable=unavailable, registered_by_id=user.id),
            lambda: participant_for(session, event, enterprise.id))
        if not created:
            raise _already_registered()
    else:
        transactions.lock_for_write(session, p)
        if p.status not in ("withdrawn", "rejected"):
            raise _already_registered()
        if p.status == "rejected" and not organiser:
            raise NotAllowed(tr("该企业的报名未获通过，请联系组织方。",
                                "This registration was declined; contact the organisers."))
        p.role, p.unavailable, p.status, p.registered_by_id = role, unavailable, status, user.id
        session.flush()
    audit.record(session, user.id, "event.register", p, event=event.id, role=role, enterprise=enterprise.id,
                 unverified_admitted=True if overridden else None)
    if organiser and enterprise.id != user.enterprise_id:
        notifications.notify_enterprise(session, enterprise.id, tr(
            "组织方已为贵企业报名对接会“{e}”。", "The organisers registered you for the fair “{e}”.", e=event.name),
            link=link)
    return p


def _already_registered() -> ServiceError:
    return ServiceError(tr("该企业已报名本场对接会。", "This enterprise has already registered."))


def set_availability(session: Session, user: User, participant: EventParticipant, unavailable) -> EventParticipant:
    event = participant.event
    if event.status in ("final", "archived") and not can_manage(user, event):
        raise NotAllowed(tr("日程已定稿，请联系组织方修改时间。", "The agenda is final; ask the organisers to change times."))
    participant.unavailable = _clean_slots(event, unavailable)
    audit.record(session, user.id, "event.availability", participant, unavailable=participant.unavailable)
    return participant


def review_participant(session: Session, user: User, participant: EventParticipant, approve: bool,
                       link: str | None = None, admit_unverified: bool = False) -> EventParticipant:
    """Approve or decline a registration and tell the enterprise, with ``link`` (the event's page).

    At a fair that admits only verified organisations (perhaps since the registration
    was made), an unverified one is approved only with ``admit_unverified``, as when
    organisers register it (:func:`.admission.check_admission`); the audit log says so.
    """
    event = manageable(user, participant.event)
    if participant.status == "withdrawn":
        raise NotAllowed(tr("该企业已退出。", "This participant has withdrawn."))
    overridden = False
    if approve:
        check_admission(event, participant.enterprise, organiser=True, override=admit_unverified)
        overridden = not admits(event, participant.enterprise)
    participant.status = "approved" if approve else "rejected"
    if not approve:
        participant.table = None
    audit.record(session, user.id, "event.review", participant, status=participant.status,
                 unverified_admitted=True if overridden else None)
    text = (tr("贵企业参加对接会“{e}”的报名已通过。", "Your registration for “{e}” is approved.", e=event.name) if approve
            else tr("贵企业参加对接会“{e}”的报名未获通过。", "Your registration for “{e}” was declined.", e=event.name))
    notifications.notify_enterprise(session, participant.enterprise_id, text, link=link)
    return participant


def assign_table(session: Session, user: User, participant: EventParticipant, table: int | None,
                 max_meetings: int | None = None) -> EventParticipant:
    event = manageable(user, participant.event)
    if table is not None:
        if participant.role != "buyer":
            raise ServiceError(tr("只有采购方可以固定桌号。", "Only buyers get a fixed table."), field="table")
        if not 1 <= table <= event.tables:
            raise ServiceError(tr("桌号应在 1 到 {n} 之间。", "Tables run from 1 to {n}.", n=event.tables), field="table")
        clash = session.scalar(select(EventParticipant).where(
            EventParticipant.event_id == event.id, EventParticipant.table == table,
            EventParticipant.id != participant.id, EventParticipant.status == "approved"))
        if clash is not None:
            raise ServiceError(tr("第 {t} 桌已分配给{n}。", "Table {t} is already {n}'s.", t=table,
                                  n=clash.enterprise.name), field="table")
    if max_meetings is not None and max_meetings < 0:
        raise ServiceError(tr("会谈上限不能为负数。", "The meeting limit cannot be negative."), field="max_meetings")
    participant.table, participant.max_meetings = table, max_meetings
    audit.record(session, user.id, "event.table", participant, table=table, max_meetings=max_meetings)
    return participant


def withdraw(session: Session, user: User, participant: EventParticipant) -> EventParticipant:
    participant.status, participant.table = "withdrawn", None
    for req in session.scalars(select(MeetingRequest).where(
            MeetingRequest.status.in_(("pending", "accepted")),
            or_(MeetingRequest.buyer_id == participant.id, MeetingRequest.supplier_id == participant.id))):
        req.status = "cancelled"
    audit.record(session, user.id, "event.withdraw", participant)
    return participant


def participants_overview(session: Session, event: Event, status: str | None = None, role: str | None = None):
    """A select of the event's participants with their enterprises (for pagination)."""
    stmt = (select(EventParticipant).options(joinedload(EventParticipant.enterprise))
            .join(Enterprise, Enterprise.id == EventParticipant.enterprise_id)
            .where(EventParticipant.event_id == event.id))
    if status in PARTICIPANT_STATUSES:
        stmt = stmt.where(EventParticipant.status == status)
    if role in PARTICIPANT_ROLES:
        stmt = stmt.where(EventParticipant.role == role)
    return stmt.order_by(EventParticipant.role, EventParticipant.table.nulls_last(), Enterprise.name)


def event_counts(session: Session, event: Event) -> dict:
    """Head counts shown on the event page."""
    rows = session.execute(select(EventParticipant.role, EventParticipant.status, func.count())
                           .where(EventParticipant.event_id == event.id)
                           .group_by(EventParticipant.role, EventParticipant.status)).all()
    counts = {"buyers": 0, "suppliers": 0, "pending": 0}
    for role, status, n in rows:
        if status == "approved":
            counts["buyers" if role == "buyer" else "suppliers"] += n
        elif status == "pending":
            counts["pending"] += n
    counts["meetings"] = session.scalar(select(func.count()).select_from(Meeting).where(
        Meeting.event_id == event.id, Meeting.status == "scheduled")) or 0
    return counts
