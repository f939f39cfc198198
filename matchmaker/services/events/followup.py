"""After a fair: each meeting followed from an intent to a signed contract.

A meeting whose outcome was an intent to cooperate starts at 意向 (``intent``,
set by :func:`matchmaker.services.events.day.record_outcome`); the two sides then
move it to 洽谈中 (``negotiating``) and 签约 (``signed``, with the contract's
amount in 万元, date and kind), or end it at 终止 (``terminated``, with a reason)
from either open stage. The fields mean:

- ``stage`` None: no follow-up (no intent recorded);
- ``contract_amount``, ``contract_date``, ``contract_type`` and ``demand_id`` are
  set only while the stage is ``signed``;
- ``stage_reason`` is required for ``terminated`` (a note otherwise).

Either side of a meeting updates it (moving forward only; a signed contract's
details may be corrected); the fair's organisers, within their region, see every
meeting of their fair and may set any stage to correct one. Anyone else gets
:class:`NotFound`. Every change is audited with the old and new stage.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased, joinedload

from ...i18n import tr
from ...models import Demand, Event, EventParticipant, Meeting
from ...models.event import CONTRACT_TYPES, FOLLOWUP_STAGES
from .. import audit, notifications
from ..errors import FieldErrors, NotAllowed, NotFound, ServiceError
from ..scope import sees_event
from .core import can_manage
from .core import today as beijing_today
from .day import _amount

__all__ = [
    "CONTRACT_TYPES",
    "CONTRACT_TYPE_WORDS",
    "FOLLOWUP_STAGES",
    "OPEN_STAGES",
    "REMINDER_DAYS",
    "STAGE_WORDS",
    "UNCHANGED",
    "FieldErrors",
    "buyer_demands",
    "contract_type_label",
    "enterprise_followups",
    "event_followups",
    "funnel",
    "may_link_demand",
    "may_organise",
    "meeting_for_followup",
    "next_stages",
    "send_followup_reminders",
    "side_of",
    "stage_label",
    "table_rows",
    "update_followup",
]

#: Stages a follow-up can still move on from.
OPEN_STAGES = ("intent", "negotiating")
#: Reminders go out this many days after the fair's last day, while the follow-up is open.
REMINDER_DAYS = (30, 90)
#: A reminder is sent within this many days after its day, never later (an old fair sends none).
REMINDER_WINDOW = 60
#: Where each side may move a follow-up from each stage (organisers may set any stage).
_FORWARD = {"intent": ("intent", "negotiating", "signed", "terminated"),
            "negotiating": ("negotiating", "signed", "terminated"),
            "signed": ("signed",), "terminated": ("terminated",)}
#: The words for each stage and kind of contract: (Chinese, English).
STAGE_WORDS = {"intent": ("意向", "Intent"), "negotiating": ("洽谈中", "Negotiating"),
                "signed": ("签约", "Signed"), "terminated": ("终止", "Terminated")}
CONTRACT_TYPE_WORDS = {"purchase": ("采购", "Purchase"), "technology": ("技术合作", "Technology cooperation"),
               "joint_rnd": ("联合研发", "Joint R&D"), "investment": ("投资", "Investment")}
MAX_REASON = 2000


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


#: Passed as ``demand_id`` to leave a meeting's linked demand as it is.
UNCHANGED = _Unchanged()


def stage_label(stage: str | None) -> str:
    pair = STAGE_WORDS.get(stage)
    return tr(*pair) if pair else (stage or tr("（无）", "(none)"))


def contract_type_label(kind: str | None) -> str:
    pair = CONTRACT_TYPE_WORDS.get(kind)
    return tr(*pair) if pair else (kind or "")


# --------------------------------------------------------------------------- who may

def side_of(user, meeting: Meeting) -> str | None:
    """``"buyer"`` or ``"supplier"`` when the user is a member of that side's enterprise."""
    member = getattr(user, "enterprise_id", None)
    if member is None:
        return None
    if member == meeting.buyer.enterprise_id:
        return "buyer"
    if member == meeting.supplier.enterprise_id:
        return "supplier"
    return None


def may_organise(user, event: Event) -> bool:
    """The fair's organisers (and admins), an organiser limited to a region only for fairs in it."""
    return can_manage(user, event) and sees_event(user, event)


def meeting_for_followup(session: Session, meeting_id: int, user) -> Meeting:
    """A meeting under follow-up the user may see and update (either side, or the organisers), else NotFound."""
    meeting = session.get(Meeting, meeting_id)
    if (meeting is None or meeting.status != "scheduled" or meeting.stage is None
            or not (side_of(user, meeting) or may_organise(user, meeting.buyer.event))):
        raise NotFound(tr("会谈不存在。", "No such meeting."))
    return meeting


def next_stages(user, meeting: Meeting) -> tuple[str, ...]:
    """The stages the user may choose for the meeting (the current one first)."""
    if may_organise(user, meeting.buyer.event):
        rest = tuple(s for s in FOLLOWUP_STAGES if s != meeting.stage)
        return (meeting.stage, *rest) if meeting.stage else FOLLOWUP_STAGES
    return _FORWARD.get(meeting.stage, ())


def may_link_demand(user, meeting: Meeting) -> bool:
    """The buyer's members and the organisers choose which of the buyer's demands a contract fulfilled."""
    return side_of(user, meeting) == "buyer" or may_organise(user, meeting.buyer.event)


#: Demands a contract may fulfil: those the buyer has made public (never a draft).
LINKABLE_DEMAND_STATUSES = ("published", "closed", "awarded")


def buyer_demands(session: Session, meeting: Meeting) -> list[Demand]:
    """The buyer enterprise's public demands and challenges, newest first (the choices for a linked demand)."""
    return session.scalars(select(Demand).where(Demand.enterprise_id == meeting.buyer.enterprise_id,
                                                Demand.status.in_(LINKABLE_DEMAND_STATUSES))
                           .order_by(Demand.created_at.desc(), Demand.id.desc())).all()


# --------------------------------------------------------------------------- changing the stage

def _contract_date(value, meeting: Meeting, today: dt.date, errors: dict) -> dt.date | None:
    if value in (None, ""):
        errors.setdefault("contract_date", []).append(tr("请填写签约日期。", "Give the contract date."))
        return None
    if not isinstance(value, dt.date):
        try:
            value = dt.date.fromisoformat(str(value).strip())
        except ValueError:
            errors.setdefault("contract_date", []).append(
                tr("签约日期格式应为 YYYY-MM-DD。", "The contract date must be a date (YYYY-MM-DD)."))
            return None
    fair_day = meeting.buyer.event.date
    if value < fair_day:
        errors.setdefault("contract_date", []).append(tr(
            "签约日期不能早于对接会日期（{d}）。", "The contract date cannot be before the fair ({d}).",
            d=fair_day.isoformat()))
    elif value > today:
        errors.setdefault("contract_date", []).append(tr(
            "签约日期不能晚于今天（{d}）。", "The contract date cannot be after today ({d}).", d=today.isoformat()))
    return value


def _contract_amount(value, errors: dict) -> Decimal | None:
    try:
        amount = _amount(value)
    except ServiceError as exc:
        errors.setdefault("contract_amount", []).append(exc.message)
        return None
    if amount is None:
        errors.setdefault("contract_amount", []).append(tr("请填写合同金额（万元）。",
                                                           "Give the contract amount (10k CNY)."))
    elif amount <= 0:
        errors.setdefault("contract_amount", []).append(tr("合同金额应大于零。",
                                                           "The contract amount must be more than zero."))
    return amount


def _demand(session: Session, user, meeting: Meeting, demand_id, errors: dict) -> int | None:
    if demand_id is UNCHANGED:
        return meeting.demand_id
    if demand_id in (None, "", 0, "0"):
        demand_id = None
    else:
        try:
            demand_id = int(demand_id)
        except (TypeError, ValueError):
            demand_id = -1
    if demand_id == meeting.demand_id:
        return demand_id
    if not may_link_demand(user, meeting):
        errors.setdefault("demand_id", []).append(tr("只有采购方可以关联其需求。",
                                                     "Only the buyer links one of its demands."))
        return meeting.demand_id
    if demand_id is None:
        return None
    demand = session.get(Demand, demand_id)
    if (demand is None or demand.enterprise_id != meeting.buyer.enterprise_id
            or demand.status not in LINKABLE_DEMAND_STATUSES):
        errors.setdefault("demand_id", []).append(tr("请选择采购方自己发布的需求或榜单。",
                                                     "Choose one of the buyer's own demands or challenges."))
        return meeting.demand_id
    return demand.id


def _as_stored(meeting: Meeting, name: str, value) -> bool:
    """Whether ``value`` is the contract detail ``name`` already on record (as a form shows it)."""
    stored = getattr(meeting, name)
    if stored is None:
        return False
    if name == "contract_amount":
        try:
            return Decimal(str(value).replace(",", "")) == Decimal(str(stored))
        except (InvalidOperation, ValueError):
            return False
    if name == "contract_date":
        return str(value) == stored.isoformat()
    return str(value) == str(stored)


def update_followup(session: Session, user, meeting: Meeting, stage: str, *, contract_amount=None,
                    contract_date=None, contract_type: str | None = None, reason: str | None = None,
                    demand_id=UNCHANGED, today: dt.date | None = None) -> Meeting:
    """Move ``meeting``'s follow-up to ``stage``; every refused field is reported at once (:class:`FieldErrors`).

    ``signed`` needs the contract amount (万元, more than zero), its date (from the
    fair's first day to ``today`` in Beijing time) and its kind (:data:`CONTRACT_TYPES`);
    ``terminated`` needs a reason. Contract details and a linked demand are given
    only with ``signed``. ``demand_id`` (one of the buyer's demands, None to unlink,
    :data:`UNCHANGED` to keep) links the demand or challenge the contract fulfilled;
    the demand itself is not changed.
    """
    if not (side_of(user, meeting) or may_organise(user, meeting.buyer.event)) or meeting.stage is None:
        raise NotFound(tr("会谈不存在。", "No such meeting."))
    if meeting.status != "scheduled":
        raise NotAllowed(tr("已取消的会谈没有后续跟进。", "A cancelled meeting has no follow-up."))
    today = today or beijing_today()
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip() or None
    contract_type = (contract_type or "").strip() or None
    if stage not in FOLLOWUP_STAGES:
        errors["stage"] = [tr("请选择跟进阶段。", "Choose a follow-up stage.")]
    elif stage not in next_stages(user, meeting):
        errors["stage"] = [tr("不能从“{a}”改为“{b}”；如需更正，请联系对接会组织方。",
                              "A follow-up at “{a}” cannot be changed to “{b}”; ask the fair's organisers "
                              "to correct it.", a=stage_label(meeting.stage), b=stage_label(stage))]
    signed = stage == "signed"
    amount = date = None
    if signed:
        amount = _contract_amount(contract_amount, errors)
        date = _contract_date(contract_date, meeting, today, errors)
        if contract_type is None:
            errors.setdefault("contract_type", []).append(tr("请选择合同类型。", "Choose the kind of contract."))
        elif contract_type not in CONTRACT_TYPES:
            errors.setdefault("contract_type", []).append(tr("合同类型无效。", "Unknown kind of contract."))
    else:
        given = {"contract_amount": contract_amount, "contract_date": contract_date, "contract_type": contract_type}
        for name, value in given.items():
            # The contract on record, sent back by a form that showed it, is cleared with the stage;
            # only details typed anew for a stage without a contract are refused.
            if value not in (None, "") and not _as_stored(meeting, name, value):
                errors.setdefault(name, []).append(tr(
                    "只有签约时才填写合同信息（改为其他阶段时请清空）。",
                    "Give contract details only for a signed contract (clear them for another stage)."))
    if stage == "terminated" and reason is None:
        errors.setdefault("reason", []).append(tr("终止跟进时请说明原因。", "Say why the follow-up ended."))
    if reason and len(reason) > MAX_REASON:
        errors.setdefault("reason", []).append(tr("说明不能超过 {n} 字。", "At most {n} characters.", n=MAX_REASON))
    demand = _demand(session, user, meeting, demand_id, errors)
    if demand is not None and not signed and demand != meeting.demand_id:
        errors.setdefault("demand_id", []).append(tr("只有签约时才关联需求。",
                                                     "Link a demand only when the contract is signed."))
    if errors:
        raise FieldErrors(errors)
    old = meeting.stage
    meeting.stage, meeting.stage_reason = stage, reason
    meeting.contract_amount, meeting.contract_date = amount, date
    meeting.contract_type = contract_type if signed else None
    meeting.demand_id = demand if signed else None
    meeting.stage_updated_at = dt.datetime.now(dt.UTC)
    meeting.stage_updated_by_id = user.id
    audit.record(session, user.id, "meeting.followup", meeting, old_stage=old, new_stage=stage,
                 contract_amount=str(amount) if amount is not None else None,
                 contract_date=date.isoformat() if date else None, contract_type=meeting.contract_type,
                 demand_id=meeting.demand_id, reason=reason)
    return meeting


# --------------------------------------------------------------------------- lists and figures

def _followed(stage: str | None) -> Select:
    stmt = select(Meeting).join(Event, Event.id == Meeting.event_id).where(
        Meeting.status == "scheduled", Meeting.stage.is_not(None))
    if stage:
        stmt = stmt.where(Meeting.stage == stage)
    return stmt.options(joinedload(Meeting.buyer).joinedload(EventParticipant.enterprise),
                        joinedload(Meeting.supplier).joinedload(EventParticipant.enterprise),
                        joinedload(Meeting.buyer).joinedload(EventParticipant.event))


def enterprise_followups(user, stage: str | None = None) -> Select:
    """A select of the meetings under follow-up of the user's enterprise at every fair, newest fair first."""
    buyer, supplier = aliased(EventParticipant), aliased(EventParticipant)
    member = getattr(user, "enterprise_id", None)
    return (_followed(stage).join(buyer, buyer.id == Meeting.buyer_id).join(supplier, supplier.id == Meeting.supplier_id)
            .where(or_(buyer.enterprise_id == member, supplier.enterprise_id == member))
            .order_by(func.coalesce(Event.end_date, Event.date).desc(), Event.id.desc(), Meeting.slot, Meeting.id))


def _organised(user, event: Event) -> Event:
    if not may_organise(user, event):
        raise NotFound(tr("对接会不存在。", "No such fair."))
    return event


def event_followups(user, event: Event, stage: str | None = None) -> Select:
    """A select of a fair's meetings under follow-up, for its organisers (NotFound for anyone else)."""
    _organised(user, event)
    return _followed(stage).where(Meeting.event_id == event.id).order_by(Meeting.slot, Meeting.table, Meeting.id)


def funnel(session: Session, user, event: Event) -> dict:
    """A fair's follow-up figures, for its organisers.

    ``held`` meetings; ``intents``: meetings that reached an intent (every follow-up);
    ``negotiating``, ``signed`` and ``terminated``: meetings at that stage now;
    ``signed_amount``: the signed contracts' total (万元); ``intent_amount``: the
    amounts named as intents on the day (万元), for comparison.
    """
    _organised(user, event)
    live = (Meeting.event_id == event.id, Meeting.status == "scheduled")
    held = session.scalar(select(func.count()).select_from(Meeting).where(*live, Meeting.checkin == "held")) or 0
    counts = dict(session.execute(select(Meeting.stage, func.count()).where(*live, Meeting.stage.is_not(None))
                                  .group_by(Meeting.stage)).all())
    signed_amount = session.scalar(select(func.sum(Meeting.contract_amount))
                                   .where(*live, Meeting.stage == "signed")) or 0
    intent_amount = session.scalar(select(func.sum(Meeting.amount)).where(*live, Meeting.intent.is_(True))) or 0
    return {"held": held, "intents": sum(counts.values()), "negotiating": counts.get("negotiating", 0),
            "signed": counts.get("signed", 0), "terminated": counts.get("terminated", 0),
            "signed_amount": Decimal(signed_amount), "intent_amount": Decimal(intent_amount)}


def table_rows(session: Session, user, event: Event, stage: str | None = None) -> tuple[list[str], list[list]]:
    """The organisers' follow-up table of a fair as a header and rows (for the CSV download)."""
    header = [tr("采购方", "Buyer"), tr("供应方", "Supplier"), tr("时段", "Slot"), tr("桌号", "Table"),
              tr("意向金额（万元）", "Intended amount (10k CNY)"), tr("跟进阶段", "Stage"),
              tr("合同金额（万元）", "Contract amount (10k CNY)"), tr("签约日期", "Contract date"),
              tr("合同类型", "Kind of contract"), tr("关联需求", "Linked demand"), tr("说明", "Reason"),
              tr("更新时间", "Updated")]
    meetings = session.scalars(event_followups(user, event, stage)).unique().all()
    demands = {d.id: d.title for d in session.scalars(select(Demand).where(
        Demand.id.in_({m.demand_id for m in meetings if m.demand_id})))}
    rows = [[m.buyer.enterprise.name, m.supplier.enterprise.name, m.slot, m.table, m.amount,
             stage_label(m.stage), m.contract_amount, m.contract_date, contract_type_label(m.contract_type),
             demands.get(m.demand_id), m.stage_reason, m.stage_updated_at] for m in meetings]
    return header, rows


# --------------------------------------------------------------------------- reminders

def send_followup_reminders(session: Session, today: dt.date | None = None,
                            link_for: Callable[[Meeting], str] | None = None) -> int:
    """Remind both sides of each open follow-up 30 and 90 days after the fair's last day; returns how many.

    Members of both enterprises get a notification and an e-mail. Each reminder
    sent is recorded in ``meeting.reminders_sent`` and never sent again; a meeting
    first seen after 90 days gets the 90-day reminder only, and one whose reminder
    day is more than :data:`REMINDER_WINDOW` days past (old fairs, data from before
    follow-up existed) gets none. ``link_for(meeting)``
    gives the address of the follow-up page linked from the notice.
    """
    today = today or beijing_today()
    first = min(REMINDER_DAYS)
    stmt = (select(Meeting).join(Event, Event.id == Meeting.event_id)
            .options(joinedload(Meeting.buyer).joinedload(EventParticipant.enterprise),
                     joinedload(Meeting.supplier).joinedload(EventParticipant.enterprise))
            .where(Meeting.status == "scheduled", Meeting.stage.in_(OPEN_STAGES),
                   func.coalesce(Event.end_date, Event.date) <= today - dt.timedelta(days=first),
                   func.coalesce(Event.end_date, Event.date)
                   >= today - dt.timedelta(days=max(REMINDER_DAYS) + REMINDER_WINDOW))
            .order_by(Meeting.id).with_for_update(of=Meeting, skip_locked=True))
    sent_count = 0
    for meeting in session.scalars(stmt).unique().all():
        event = meeting.buyer.event
        days = (today - (event.end_date or event.date)).days
        due = max((d for d in REMINDER_DAYS if d <= days <= d + REMINDER_WINDOW), default=None)
        sent = list(meeting.reminders_sent or [])
        if due is None or any(d >= due for d in sent):
            continue
        _remind(session, meeting, event, days, link_for(meeting) if link_for else None)
        meeting.reminders_sent = sorted({*sent, due})
        sent_count += 1
    session.flush()
    return sent_count


def _remind(session: Session, meeting: Meeting, event: Event, days: int, link: str | None) -> None:
    for me, other in ((meeting.buyer, meeting.supplier), (meeting.supplier, meeting.buyer)):
        text = tr("“{fair}”已结束 {days} 天：您与{other}的洽谈目前为“{stage}”。进展如何？请更新跟进情况（洽谈中、签约或终止）。",
                  "“{fair}” ended {days} days ago: your talks with {other} are at “{stage}”. How are they going? "
                  "Please update the follow-up (negotiating, signed or ended).",
                  fair=event.name, days=days, other=other.enterprise.name, stage=stage_label(meeting.stage))
        notifications.notify_enterprise(session, me.enterprise_id, text, link=link,
                                        email_subject=tr("对接会洽谈跟进提醒", "Fair follow-up reminder"),
                                        log_unsent=False)
