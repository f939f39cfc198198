"""Meeting requests at a fair: ask, accept or decline, expire, and organiser-made meetings.

A request joins one buyer and one supplier of the same event (one row per pair).
Either side asks with a priority; the other side answers before the request
expires (the event's ``request_expiry_hours``). Reads never write: a pending
request past its expiry is shown as expired (:func:`shown_status`) and stored
as such by the next change that touches it (an answer, a new request at the
fair) or in bulk by ``matchmaker events expire``, which also tells who asked.
Organisers may add a meeting directly (hosted-buyer mode): it is accepted at once.

Every notice sent here points at the event's meeting-requests page, whose
address the caller passes in (``link``, or ``link_for(event id)`` where
several events are involved).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from ... import transactions
from ...i18n import tr
from ...models import Event, EventParticipant, MeetingRequest
from ...models.event import REQUEST_STATUSES as MEETING_REQUEST_STATUSES
from ...presentation import meeting_request_status_label
from .. import audit, notifications
from ..errors import NotAllowed, NotFound, ServiceError
from .core import can_manage

__all__ = [
    "PRIORITIES",
    "acts_for",
    "aware",
    "cancel",
    "event_requests",
    "expire_pending",
    "is_past_expiry",
    "open_request_count",
    "organiser_meeting",
    "priority_label",
    "request_meeting",
    "request_of",
    "requests_allowed",
    "requests_of",
    "respond",
    "shown_status",
    "utcnow",
]

PRIORITIES = (3, 2, 1)
#: Event statuses in which participants may still ask for meetings.
REQUEST_STATUSES = ("open", "closed", "provisional")


def priority_label(priority: int) -> str:
    return {3: tr("必须见面", "Must meet"), 2: tr("希望见面", "Would like to meet"),
            1: tr("时间允许时见面", "If time allows")}.get(priority, str(priority))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def aware(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive UTC datetimes; make them comparable with aware ones."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def is_past_expiry(req: MeetingRequest, now: dt.datetime | None = None) -> bool:
    """Whether ``req`` is pending but its time to answer has run out (stored as expired or not)."""
    return (req.status == "pending" and req.expires_at is not None
            and aware(req.expires_at) < (now or utcnow()))


def shown_status(req: MeetingRequest, now: dt.datetime | None = None) -> str:
    """The status a reader sees: ``"expired"`` for a pending request past its expiry, else the stored one."""
    return "expired" if is_past_expiry(req, now) else req.status


def _shown_status_column(now: dt.datetime):
    """:func:`shown_status` in SQL, for filtering and ordering lists."""
    return case((and_(MeetingRequest.status == "pending", MeetingRequest.expires_at.is_not(None),
                      MeetingRequest.expires_at < now), "expired"), else_=MeetingRequest.status)


def acts_for(user, participant: EventParticipant) -> bool:
    """Members of the participant's enterprise act for it; so do the event's organisers."""
    member = getattr(user, "enterprise_id", None)
    return (member is not None and member == participant.enterprise_id) or can_manage(user, participant.event)


def requests_allowed(event: Event, organiser: bool = False) -> bool:
    return event.status in REQUEST_STATUSES or (organiser and event.status == "final")


def expire_pending(session: Session, event_id: int | None = None, now: dt.datetime | None = None,
                   link_for: Callable[[int], str] | None = None) -> int:
    """Mark pending requests past their expiry as ``expired`` and tell whoever asked.

    ``link_for(event id)`` gives the address of an event's meeting-requests page,
    linked from each notice.
    """
    now = now or utcnow()
    # Rows another transaction is answering or expiring right now are left to it (or to
    # the next run), so two callers never wait on each other's rows in a different order.
    stmt = (select(MeetingRequest).options(joinedload(MeetingRequest.buyer), joinedload(MeetingRequest.supplier))
            .where(MeetingRequest.status == "pending", MeetingRequest.expires_at.is_not(None),
                   MeetingRequest.expires_at < now)
            .order_by(MeetingRequest.id).with_for_update(of=MeetingRequest, skip_locked=True))
    if event_id is not None:
        stmt = stmt.where(MeetingRequest.event_id == event_id)
    rows = session.scalars(stmt).unique().all()
    for req in rows:
        req.status = "expired"
        asker = req.buyer if req.requested_by_id == req.buyer_id else req.supplier
        other = req.supplier if asker is req.buyer else req.buyer
        notifications.notify_enterprise(session, asker.enterprise_id, tr(
            "您向{n}发出的会谈邀约已过期。", "Your meeting request to {n} expired.", n=other.enterprise.name),
            link=link_for(req.event_id) if link_for else None)
    session.flush()
    return len(rows)


def open_request_count(session: Session, participant: EventParticipant) -> int:
    return session.scalar(select(func.count()).select_from(MeetingRequest).where(
        MeetingRequest.requested_by_id == participant.id, MeetingRequest.status == "pending")) or 0


def _pair(a: EventParticipant, b: EventParticipant) -> tuple[EventParticipant, EventParticipant]:
    if a.event_id != b.event_id:
        raise ServiceError(tr("双方不在同一场对接会。", "The two enterprises are not at the same fair."))
    if {a.role, b.role} != {"buyer", "supplier"}:
        raise ServiceError(tr("会谈须在一家采购方和一家供应方之间进行。",
                              "A meeting joins one buyer and one supplier."))
    for p in (a, b):
        if p.status != "approved":
            raise NotAllowed(tr("{n}的报名尚未通过审核。", "{n} is not an approved participant.",
                                n=p.enterprise.name))
    return (a, b) if a.role == "buyer" else (b, a)


def _existing(session: Session, buyer: EventParticipant, supplier: EventParticipant) -> MeetingRequest | None:
    return session.scalar(select(MeetingRequest).where(
        MeetingRequest.event_id == buyer.event_id, MeetingRequest.buyer_id == buyer.id,
        MeetingRequest.supplier_id == supplier.id))


def _same(link: str | None) -> Callable[[int], str] | None:
    """``link_for`` of a single event's page."""
    return (lambda _event_id: link) if link else None


def _check_priority(priority: int) -> int:
    if priority not in PRIORITIES:
        raise ServiceError(tr("优先级应为 1、2 或 3。", "Priority must be 1, 2 or 3."), field="priority")
    return priority


def request_meeting(session: Session, user, requester: EventParticipant, counterpart: EventParticipant,
                    priority: int = 2, message: str | None = None, reasons=None,
                    source: str = "participant", link: str | None = None) -> MeetingRequest:
    """``requester`` asks ``counterpart`` for a meeting; returns the (pending or accepted) request.

    When the counterpart has already asked for the same meeting, asking back accepts it.
    ``link`` is the event's meeting-requests page, linked from the notices.
    """
    event = requester.event
    if not acts_for(user, requester):
        raise NotFound(tr("参会企业不存在。", "No such participant."))
    if not requests_allowed(event, can_manage(user, event)):
        raise NotAllowed(tr("本场对接会当前不接受会谈邀约。", "This fair is not taking meeting requests now."))
    buyer, supplier = _pair(requester, counterpart)
    _check_priority(priority)
    expire_pending(session, event.id, link_for=_same(link))
    req = _existing(session, buyer, supplier)
    if req is None:
        _check_open_requests(session, event, requester)
        # Both sides may ask at the same moment (or one side twice): one row is stored,
        # and the later asker goes on with it below, accepting when the other side asked.
        req, created = transactions.add_unique(
            session, _asking(MeetingRequest(event_id=event.id, buyer_id=buyer.id, supplier_id=supplier.id),
                             event, requester, priority, message, reasons, source),
            lambda: _existing(session, buyer, supplier))
        if created:
            return _announce(session, user, req, requester, counterpart, link)
    transactions.lock_for_write(session, req)
    if req.status == "pending" and req.requested_by_id == counterpart.id:
        req.priority = max(req.priority, priority)
        return _answer(session, user, req, True, link)
    if req.status in ("pending", "accepted"):
        raise ServiceError(tr("与{n}的会谈邀约已存在。", "A request with {n} already exists.",
                              n=counterpart.enterprise.name))
    _check_open_requests(session, event, requester)
    _asking(req, event, requester, priority, message, reasons, source)
    session.flush()
    return _announce(session, user, req, requester, counterpart, link)


def _check_open_requests(session: Session, event: Event, requester: EventParticipant) -> None:
    cap = event.max_open_requests
    if cap is None:
        return
    # Requests sent at the same moment by one participant are counted one after another.
    transactions.lock_for_write(session, requester)
    if open_request_count(session, requester) >= cap:
        raise NotAllowed(tr("待回复的邀约已达上限（{n} 个），请等对方回复或撤回部分邀约。",
                            "You have {n} requests awaiting an answer, the most allowed; wait for answers "
                            "or withdraw some.", n=cap))


def _asking(req: MeetingRequest, event: Event, requester: EventParticipant, priority: int, message, reasons,
            source: str) -> MeetingRequest:
    """``req`` as a fresh pending request from ``requester``."""
    req.requested_by_id, req.source, req.priority = requester.id, source, priority
    req.status, req.message, req.reasons = "pending", (message or "").strip() or None, list(reasons or [])
    req.expires_at = utcnow() + dt.timedelta(hours=event.request_expiry_hours or 72)
    req.responded_at = None
    return req


def _announce(session: Session, user, req: MeetingRequest, requester: EventParticipant,
              counterpart: EventParticipant, link: str | None) -> MeetingRequest:
    """Record a new request and tell the side that was asked."""
    event, priority = requester.event, req.priority
    audit.record(session, user.id, "event.request", req, priority=priority, source=req.source)
    notifications.notify_enterprise(session, counterpart.enterprise_id, tr(
        "{n}希望在“{e}”与您会谈（{p}），请在 {h} 小时内回复。",
        "{n} asks to meet you at “{e}” ({p}); please answer within {h} hours.",
        n=requester.enterprise.name, e=event.name, p=priority_label(priority), h=event.request_expiry_hours),
        link=link, email_subject=tr("新的会谈邀约", "New meeting request"))
    return req


def organiser_meeting(session: Session, user, buyer: EventParticipant, supplier: EventParticipant,
                      priority: int = 2, link: str | None = None) -> MeetingRequest:
    """An organiser adds a meeting directly; it counts as accepted by both sides.

    Both sides are told, with ``link`` (the event's meeting-requests page).
    """
    event = buyer.event
    if not can_manage(user, event):
        raise NotAllowed(tr("只有组织方可以直接安排会谈。", "Only organisers add meetings directly."))
    if not requests_allowed(event, True):
        raise NotAllowed(tr("本场对接会当前不接受会谈邀约。", "This fair is not taking meeting requests now."))
    buyer, supplier = _pair(buyer, supplier)
    _check_priority(priority)
    req = _existing(session, buyer, supplier)
    if req is None:
        req, _created = transactions.add_unique(
            session, MeetingRequest(event_id=event.id, buyer_id=buyer.id, supplier_id=supplier.id, source="organiser",
                                    priority=priority, status="accepted", responded_at=utcnow()),
            lambda: _existing(session, buyer, supplier))
    transactions.lock_for_write(session, req)
    req.source, req.priority, req.status = "organiser", priority, "accepted"
    req.requested_by_id, req.expires_at, req.responded_at = None, None, utcnow()
    session.flush()
    audit.record(session, user.id, "event.meeting.add", req, priority=priority)
    for mine, other in ((buyer, supplier), (supplier, buyer)):
        notifications.notify_enterprise(session, mine.enterprise_id, tr(
            "组织方为您安排了与{n}的会谈（{e}）。", "The organisers arranged a meeting with {n} at “{e}”.",
            n=other.enterprise.name, e=event.name), link=link)
    return req


def _answer(session: Session, user, req: MeetingRequest, accept: bool, link: str | None) -> MeetingRequest:
    req.status = "accepted" if accept else "declined"
    req.responded_at = utcnow()
    asker = req.buyer if req.requested_by_id == req.buyer_id else req.supplier
    other = req.supplier if asker is req.buyer else req.buyer
    audit.record(session, user.id, "event.request." + req.status, req)
    text = (tr("{n}接受了您的会谈邀约。", "{n} accepted your meeting request.", n=other.enterprise.name) if accept
            else tr("{n}婉拒了您的会谈邀约。", "{n} declined your meeting request.", n=other.enterprise.name))
    notifications.notify_enterprise(session, asker.enterprise_id, text, link=link)
    session.flush()
    return req


def respond(session: Session, user, req: MeetingRequest, accept: bool, link: str | None = None) -> MeetingRequest:
    """The asked side (or an organiser) accepts or declines a pending request.

    A request found past its expiry is marked ``expired`` and returned as such
    (not refused), so that the caller's commit keeps the expiry. ``link`` is the
    event's meeting-requests page, linked from the notice.
    """
    transactions.lock_for_write(session, req)  # one answer at a time: a second one sees the first
    if is_past_expiry(req):
        expire_pending(session, req.event_id, link_for=_same(link))
        return req
    if req.status != "pending":
        raise NotAllowed(tr("该邀约已不在待回复状态（{s}）。", "This request is no longer awaiting an answer ({s}).",
                            s=meeting_request_status_label(req.status)))
    answering = req.supplier if req.requested_by_id == req.buyer_id else req.buyer
    if not acts_for(user, answering):
        raise NotAllowed(tr("只有被邀约的一方可以回复。", "Only the side that was asked can answer."))
    return _answer(session, user, req, accept, link)


def cancel(session: Session, user, req: MeetingRequest, link: str | None = None) -> MeetingRequest:
    """Either side (or an organiser) withdraws a pending or accepted request.

    The other side is told, with ``link`` (the event's meeting-requests page).
    A pending request found past its expiry is marked ``expired`` and returned
    as such instead, as :func:`respond` does.
    """
    transactions.lock_for_write(session, req)
    if is_past_expiry(req):
        expire_pending(session, req.event_id, link_for=_same(link))
        return req
    if req.status not in ("pending", "accepted"):
        raise NotAllowed(tr("该邀约无法撤回。", "This request cannot be withdrawn."))
    if not (acts_for(user, req.buyer) or acts_for(user, req.supplier)):
        raise NotFound(tr("邀约不存在。", "No such request."))
    was = req.status
    req.status, req.responded_at = "cancelled", utcnow()
    audit.record(session, user.id, "event.request.cancelled", req, was=was)
    for side in (req.buyer, req.supplier):
        if getattr(user, "enterprise_id", None) != side.enterprise_id:
            notifications.notify_enterprise(session, side.enterprise_id, tr(
                "与{a}和{b}的会谈邀约已撤回。", "The meeting request between {a} and {b} was withdrawn.",
                a=req.buyer.enterprise.name, b=req.supplier.enterprise.name), link=link)
    return req


def request_of(session: Session, event: Event, request_id: int, user) -> MeetingRequest:
    """A request of ``event`` visible to ``user`` (either side or an organiser), else NotFound."""
    req = session.get(MeetingRequest, request_id)
    if req is None or req.event_id != event.id or not (acts_for(user, req.buyer) or acts_for(user, req.supplier)):
        raise NotFound(tr("邀约不存在。", "No such request."))
    return req


def requests_of(session: Session, participant: EventParticipant,
                now: dt.datetime | None = None) -> dict[str, list[MeetingRequest]]:
    """A participant's requests: incoming, outgoing (both pending), agreed, closed.

    A pending request past its expiry counts as closed (see :func:`shown_status`);
    nothing is written.
    """
    now = now or utcnow()
    rows = session.scalars(
        select(MeetingRequest).options(joinedload(MeetingRequest.buyer), joinedload(MeetingRequest.supplier))
        .where(or_(MeetingRequest.buyer_id == participant.id, MeetingRequest.supplier_id == participant.id))
        .order_by(MeetingRequest.priority.desc(), MeetingRequest.created_at.desc())).unique().all()
    out: dict[str, list] = {"incoming": [], "outgoing": [], "accepted": [], "closed": []}
    for req in rows:
        status = shown_status(req, now)
        if status == "pending":
            out["outgoing" if req.requested_by_id == participant.id else "incoming"].append(req)
        elif status == "accepted":
            out["accepted"].append(req)
        else:
            out["closed"].append(req)
    return out


def event_requests(event: Event, status: str | None = None, now: dt.datetime | None = None):
    """A select of the event's requests (for the organisers' paginated list), by shown status.

    ``status`` filters and the list is ordered by the status a reader sees
    (:func:`shown_status`): a pending request past its expiry is listed as expired.
    """
    shown = _shown_status_column(now or utcnow())
    stmt = (select(MeetingRequest).options(joinedload(MeetingRequest.buyer), joinedload(MeetingRequest.supplier))
            .where(MeetingRequest.event_id == event.id))
    if status in MEETING_REQUEST_STATUSES:
        stmt = stmt.where(shown == status)
    return stmt.order_by(shown, MeetingRequest.priority.desc(), MeetingRequest.id)
