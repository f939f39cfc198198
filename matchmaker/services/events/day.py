"""On the day of a fair: check-in per meeting, outcomes, and the organisers' figures."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from ...i18n import tr
from ...models import Capability, Event, EventParticipant, Meeting, MeetingRequest
from .. import audit
from .. import chains as chain_service
from ..errors import NotAllowed, NotFound, ServiceError
from ..postings.fields import MAX_AMOUNT
from .core import manageable
from .requests import acts_for
from .schedule import stored_meetings

__all__ = ["CHECKINS", "METRICS", "check_in", "dashboard", "meeting_for_outcome", "record_outcome"]

CHECKINS = ("pending", "held", "no_show")
#: Dashboard figures in display order: (key, Chinese, English).
METRICS = (("requested", "邀约", "Requested"), ("accepted", "已接受", "Accepted"),
           ("scheduled", "已排程", "Scheduled"), ("held", "已洽谈", "Held"), ("no_show", "缺席", "No-show"),
           ("intents", "合作意向", "Intents"))


def meeting_for_outcome(session: Session, event: Event, meeting_id: int, user) -> Meeting:
    """A scheduled meeting of ``event`` the user may record (organisers, or either side), else NotFound."""
    m = session.get(Meeting, meeting_id)
    if m is None or m.event_id != event.id or not (acts_for(user, m.buyer) or acts_for(user, m.supplier)):
        raise NotFound(tr("会谈不存在。", "No such meeting."))
    return m


def check_in(session: Session, user, meeting: Meeting, status: str) -> Meeting:
    """An organiser marks a meeting held or no-show (or back to pending)."""
    manageable(user, meeting.buyer.event)
    if status not in CHECKINS:
        raise ServiceError(tr("签到状态无效。", "Unknown check-in status."), field="checkin")
    if meeting.status != "scheduled":
        raise NotAllowed(tr("已取消的会谈不能签到。", "A cancelled meeting cannot be checked in."))
    if status == "no_show":
        if meeting.stage not in (None, "intent"):
            raise NotAllowed(tr("这场会谈的后续跟进已进入洽谈、签约或终止，不能登记为缺席。",
                                "The follow-up of this meeting has moved on; it cannot be marked a no-show."))
        meeting.intent, meeting.amount, meeting.stage = None, None, None
    meeting.checkin = status
    audit.record(session, user.id, "event.checkin", meeting, checkin=status)
    return meeting


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise ServiceError(tr("金额应为数字（万元）。", "The amount must be a number (10k CNY)."),
                           field="amount") from None
    # NaN and infinities pass Decimal() but break comparison and quantize (and the column).
    if not amount.is_finite():
        raise ServiceError(tr("金额应为数字（万元）。", "The amount must be a number (10k CNY)."), field="amount")
    if amount < 0:
        raise ServiceError(tr("金额不能为负数。", "The amount cannot be negative."), field="amount")
    if amount >= MAX_AMOUNT:
        raise ServiceError(tr("金额过大（单位为万元）。", "The amount is too large (it is in 10k CNY)."),
                           field="amount")
    return amount.quantize(Decimal("0.01"))


def record_outcome(session: Session, user, meeting: Meeting, intent: bool | None, amount=None,
                   notes: str | None = None) -> Meeting:
    """Record whether the two sides intend to cooperate and the amount (万元) they named.

    An outcome means the meeting took place, so a pending check-in becomes ``held``.
    An intent starts the meeting's follow-up at 意向 (``stage`` ``intent``, see
    :mod:`.followup`); taking the intent back ends a follow-up still at 意向, and is
    refused once the follow-up went further (洽谈中, 签约 or 终止).
    """
    if not (acts_for(user, meeting.buyer) or acts_for(user, meeting.supplier)):
        raise NotFound(tr("会谈不存在。", "No such meeting."))
    if meeting.status != "scheduled":
        raise NotAllowed(tr("已取消的会谈不能记录成果。", "A cancelled meeting has no outcome."))
    if meeting.checkin == "no_show":
        raise NotAllowed(tr("该会谈已登记为缺席。", "This meeting was marked as a no-show."))
    value = _amount(amount)
    if value is not None and not intent:
        raise ServiceError(tr("只有达成合作意向时才填写金额。", "Give an amount only with an intent to cooperate."),
                           field="amount")
    if not intent and meeting.stage not in (None, "intent"):
        raise NotAllowed(tr("这场会谈的后续跟进已进入洽谈、签约或终止，不能撤销合作意向；如需更正，请在洽谈跟进中修改。",
                            "The follow-up of this meeting has moved on (negotiating, signed or ended), so its "
                            "intent cannot be taken back; correct it under follow-up instead."))
    old_stage = meeting.stage
    if intent and meeting.stage is None:
        meeting.stage, meeting.stage_reason = "intent", None
    elif not intent and meeting.stage == "intent":
        meeting.stage, meeting.stage_reason = None, None
    if meeting.stage != old_stage:
        meeting.stage_updated_at, meeting.stage_updated_by_id = dt.datetime.now(dt.UTC), user.id
    meeting.checkin = "held"
    meeting.intent, meeting.amount = intent, value
    meeting.notes = (notes or "").strip() or None
    audit.record(session, user.id, "event.outcome", meeting, intent=intent, amount=str(value) if value else None,
                 old_stage=old_stage if meeting.stage != old_stage else None,
                 new_stage=meeting.stage if meeting.stage != old_stage else None)
    return meeting



def _supplier_nodes(session: Session, event: Event) -> dict[int, set[str]]:
    """Chain nodes of each supplier participant's active capabilities."""
    suppliers = session.scalars(select(EventParticipant).where(
        EventParticipant.event_id == event.id, EventParticipant.role == "supplier")).all()
    by_enterprise = defaultdict(set)
    ids = {p.enterprise_id for p in suppliers}
    if ids:
        for cap in session.scalars(select(Capability).where(Capability.enterprise_id.in_(ids), Capability.active)):
            by_enterprise[cap.enterprise_id].update(cap.chain_nodes or [])
    return {p.id: by_enterprise[p.enterprise_id] for p in suppliers}


def _node_labels(session: Session, event: Event, seen: set[str]) -> dict[str, str]:
    G = chain_service.current_graph(session)
    theme = list(event.theme_nodes or [])
    for chain in event.theme_chains or []:
        theme.extend(n for n, d in G.nodes(data=True) if d.get("chain") == chain and n not in theme)
    nodes = theme or sorted(seen)
    labels = {}
    for n in nodes:
        if n not in G:  # a node the chains no longer have: named as such, never by its id
            labels[n] = tr("（已停用的环节）", "(retired chain node)")
            continue
        data = G.nodes[n]
        labels[n] = tr(data.get("name", n), data.get("name_en") or data.get("name", n))
    return labels


def _empty() -> dict:
    return {key: 0 for key, _zh, _en in METRICS} | {"amount": Decimal(0)}


#: The row of meetings whose supplier has no chain node among those listed.
OTHER_NODE = "_other"


def dashboard(session: Session, user, event: Event) -> dict:
    """Totals and per-chain-node figures of requests, meetings, attendance and outcomes.

    Each request and meeting counts under exactly one node: the first of the supplier's
    capability nodes in the list (the fair's theme nodes, in their order, when it has them),
    else under "其他/未归类". So the rows add up to the totals, which ``total_row`` repeats.
    """
    manageable(user, event)
    nodes_of = _supplier_nodes(session, event)
    labels = _node_labels(session, event, set().union(*nodes_of.values()) if nodes_of else set())
    order = {n: i for i, n in enumerate(labels)}
    primary = {pid: min((n for n in nodes if n in order), key=order.get, default=OTHER_NODE)
               for pid, nodes in nodes_of.items()}
    totals, per_node = _empty(), defaultdict(_empty)

    def add(key, supplier_id, value=1):
        totals[key] += value
        per_node[primary.get(supplier_id, OTHER_NODE)][key] += value

    for req in session.scalars(select(MeetingRequest).where(MeetingRequest.event_id == event.id)):
        add("requested", req.supplier_id)
        if req.status == "accepted":
            add("accepted", req.supplier_id)
    for m in stored_meetings(session, event):
        add("scheduled", m.supplier_id)
        if m.checkin == "held":
            add("held", m.supplier_id)
        elif m.checkin == "no_show":
            add("no_show", m.supplier_id)
        if m.intent:
            add("intents", m.supplier_id)
            add("amount", m.supplier_id, Decimal(m.amount or 0))
    rows = [{"node": n, "label": label, **per_node.get(n, _empty())} for n, label in labels.items()]
    rows.sort(key=lambda r: (-r["scheduled"], -r["requested"], r["node"]))
    other = per_node.get(OTHER_NODE)
    if other is not None:
        rows.append({"node": OTHER_NODE, "label": tr("其他/未归类（供应方无所列环节）",
                                                      "Other / unclassified (supplier on no listed node)"), **other})
    return {"totals": totals, "nodes": rows, "metrics": [(k, tr(zh, en)) for k, zh, en in METRICS],
            "total_row": {"node": None, "label": tr("合计", "Total"), **totals}}


def meetings_for_checkin(session: Session, user, event: Event) -> list[Meeting]:
    manageable(user, event)
    return stored_meetings(session, event, names=True)


def participant_meetings(session: Session, participant: EventParticipant) -> list[Meeting]:
    return session.scalars(select(Meeting).options(joinedload(Meeting.buyer), joinedload(Meeting.supplier))
                           .where(Meeting.event_id == participant.event_id, Meeting.status == "scheduled",
                                  (Meeting.buyer_id == participant.id) | (Meeting.supplier_id == participant.id))
                           ).unique().all()
