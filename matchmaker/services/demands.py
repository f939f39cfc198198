"""Demands: procurement needs and 揭榜挂帅 challenges posted by large enterprises.

A demand is written as a draft, published, then closed, awarded or cancelled
(:data:`~matchmaker.models.posting.DEMAND_TRANSITIONS`). Only drafts are edited;
a published demand changes only by moving along its lifecycle, so suppliers who
already applied answered the text they read. Payment terms are checked against
《保障中小企业款项支付条例》 on every save and again on publishing
(:mod:`matchmaker.services.payment_terms`).
"""
from __future__ import annotations

import datetime as dt

import networkx as nx
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload

from ..i18n import tr
from ..models import Application, AuditLog, Demand, Enterprise
from ..models.posting import DEMAND_KINDS, DEMAND_STATUSES
from ..presentation import demand_status_label
from . import audit, matching
from .errors import FieldErrors, NotAllowed, NotFound, ServiceError
from .payment_terms import (
    apply_payment_fields,
    check_demand_terms,
    check_payment_terms,
    payment_rows,
)
from .postings.fields import (
    clean_amount,
    clean_chain_nodes,
    clean_qualifications,
    clean_region,
    clean_text,
    owned_by,
    today,
    where_chain_and_region,
)
from .postings.notices import tell_enterprise

__all__ = [
    "ACTIVE_APPLICATION_STATUSES",
    "change_status",
    "check_payment_terms",
    "create_demand",
    "enterprise_demands",
    "invitations",
    "invite_supplier",
    "kind_label",
    "owned_demand",
    "payment_rows",
    "published_demands",
    "update_demand",
    "visible_demand",
]

ACTIVE_APPLICATION_STATUSES = ("submitted", "shortlisted", "accepted")


def kind_label(kind: str) -> str:
    return {"challenge": tr("揭榜挂帅", "Challenge"), "procurement": tr("采购", "Procurement")}.get(kind, kind)


def _apply_fields(demand: Demand, G: nx.DiGraph, data: dict) -> None:
    kind = data.get("kind") or "procurement"
    if kind not in DEMAND_KINDS:
        raise ServiceError(tr("需求类型无效。", "Unknown demand type."), field="kind")
    title = clean_text(data.get("title"), 200)
    if not title:
        raise ServiceError(tr("请填写标题。", "Enter a title."), field="title")
    demand.kind = kind
    demand.title = title
    demand.description = clean_text(data.get("description"))
    demand.chain_nodes = clean_chain_nodes(G, data.get("chain_nodes"))
    demand.quantity = clean_amount(data.get("quantity"), "quantity")
    demand.unit = clean_text(data.get("unit"), 20) or None
    demand.budget = clean_amount(data.get("budget"), "budget")
    demand.deadline = data.get("deadline")
    demand.region = clean_region(data.get("region"))
    demand.required_qualifications = clean_qualifications(data.get("required_qualifications"))
    apply_payment_fields(demand, data)
    demand.acceptance_criteria = clean_text(data.get("acceptance_criteria")) or None
    demand.ip_terms = clean_text(data.get("ip_terms")) or None


def create_demand(session: Session, enterprise: Enterprise, user_id: int | None, G: nx.DiGraph,
                  data: dict) -> Demand:
    """A new draft demand of ``enterprise`` (any organisation; publishing needs it verified)."""
    demand = Demand(enterprise_id=enterprise.id, status="draft", extra={})
    demand.enterprise = enterprise
    _apply_fields(demand, G, data)
    check_demand_terms(demand)
    session.add(demand)
    session.flush()
    audit.record(session, user_id, "demand.create", demand)
    matching.demand_changed(session, demand)
    return demand


def update_demand(session: Session, demand: Demand, user_id: int | None, G: nx.DiGraph, data: dict) -> Demand:
    if demand.status != "draft":
        raise NotAllowed(tr("只有草稿可以修改；已发布的需求可以截止或取消后重新发布新需求。",
                            "Only drafts can be edited; close or cancel a published demand and post a new one."))
    _apply_fields(demand, G, data)
    check_demand_terms(demand)
    session.flush()
    audit.record(session, user_id, "demand.update", demand)
    matching.demand_changed(session, demand)
    return demand


def _ready_to_publish(demand: Demand) -> None:
    """Refuse to publish with every missing or stale field named at once (:class:`FieldErrors`)."""
    errors: dict[str, list[str]] = {}
    if demand.deadline is not None and demand.deadline < today():
        errors["deadline"] = [tr("截止日期已过，请先修改截止日期。", "The deadline has passed; change it first.")]
    if demand.kind == "challenge":
        if not demand.acceptance_criteria:
            errors["acceptance_criteria"] = [tr("揭榜挂帅榜单须写明验收标准。", "A challenge needs acceptance criteria.")]
        if not demand.ip_terms:
            errors["ip_terms"] = [tr("揭榜挂帅榜单须写明知识产权归属。", "A challenge needs its IP terms.")]
    try:
        check_demand_terms(demand)
    except FieldErrors as exc:
        for name, messages in exc.errors.items():
            errors.setdefault(name, []).extend(messages)
    except ServiceError as exc:
        errors.setdefault(exc.field or "payment_days", []).append(exc.message)
    if errors:
        raise FieldErrors(errors)


def change_status(session: Session, demand: Demand, user_id: int | None, status: str,
                  reason: str | None = None, link: str | None = None) -> Demand:
    """Move ``demand`` along its lifecycle; illegal moves are refused with a message.

    Cancelling needs a reason, which applicants are told. Applicants with an open
    application hear about every move away from "published".
    """
    if not demand.can_move_to(status):
        raise NotAllowed(tr("需求不能从“{a}”变为“{b}”。", "A demand cannot go from “{a}” to “{b}”.",
                            a=demand_status_label(demand.status, demand.kind),
                            b=demand_status_label(status, demand.kind)))
    reason = clean_text(reason) or None
    if status == "cancelled" and not reason:
        raise ServiceError(tr("取消需求须说明原因。", "Give a reason for cancelling."), field="reason")
    if status == "published":
        # An organisation publishes to every SME only once the platform has checked who it is;
        # an organiser's or admin's import publishes as the platform (and is audited as such).
        if demand.enterprise is not None and not demand.enterprise.verified:
            raise NotAllowed(tr("贵单位的信息核验通过后才能发布需求；可先保存为草稿。",
                                "Your organisation must be verified before it publishes; keep this as a draft "
                                "meanwhile."))
        _ready_to_publish(demand)
        demand.published_at = dt.datetime.now(dt.UTC)
    previous = demand.status
    demand.status = status
    demand.status_reason = reason
    session.flush()
    audit.record(session, user_id, f"demand.{status}", demand, previous=previous, reason=reason)
    if status != "published":
        _tell_applicants(session, demand, link)
    matching.demand_changed(session, demand)
    return demand


def _tell_applicants(session: Session, demand: Demand, link: str | None) -> None:
    enterprise_ids = session.scalars(select(Application.enterprise_id).where(
        Application.demand_id == demand.id, Application.status.in_(ACTIVE_APPLICATION_STATUSES))).all()
    text = tr("您申请的需求《{t}》状态变为“{s}”。", "The demand “{t}” you applied to is now “{s}”.",
              t=demand.title, s=demand_status_label(demand.status, demand.kind))
    if demand.status_reason:
        text += " " + tr("原因：{r}", "Reason: {r}", r=demand.status_reason)
    for enterprise_id in enterprise_ids:
        tell_enterprise(session, enterprise_id, text, link)


def visible_demand(session: Session, demand_id: int, enterprise_id: int | None, admin: bool = False) -> Demand:
    """The demand if this viewer may see it: drafts only by their own enterprise (and admins)."""
    demand = session.get(Demand, demand_id, options=[joinedload(Demand.enterprise)])
    if demand is None or (demand.status == "draft" and demand.enterprise_id != enterprise_id and not admin):
        raise NotFound()
    return demand


def owned_demand(session: Session, demand_id: int, enterprise_id: int | None) -> Demand:
    return owned_by(session, Demand, demand_id, enterprise_id)


def published_demands(G: nx.DiGraph, kind: str | None = None, chain: str | None = None,
                      region: str | None = None, deadline_before: dt.date | None = None,
                      q: str | None = None, open_only: bool = False) -> Select:
    """Published demands with the public filters, newest first."""
    stmt = (select(Demand).options(joinedload(Demand.enterprise)).where(Demand.status == "published")
            .order_by(Demand.published_at.desc().nulls_last(), Demand.id.desc()))
    if kind in DEMAND_KINDS:
        stmt = stmt.where(Demand.kind == kind)
    stmt = where_chain_and_region(stmt, Demand, G, chain, region)
    if deadline_before:
        stmt = stmt.where(Demand.deadline.is_not(None), Demand.deadline <= deadline_before)
    if open_only:
        stmt = stmt.where(or_(Demand.deadline.is_(None), Demand.deadline >= today()))
    text = clean_text(q, 100)
    if text:
        stmt = stmt.join(Demand.enterprise).where(or_(
            Demand.title.contains(text, autoescape=True), Demand.description.contains(text, autoescape=True),
            Enterprise.name.contains(text, autoescape=True)))
    return stmt


def enterprise_demands(enterprise_id: int, status: str | None = None) -> Select:
    stmt = select(Demand).where(Demand.enterprise_id == enterprise_id).order_by(Demand.updated_at.desc(),
                                                                                 Demand.id.desc())
    if status in DEMAND_STATUSES:
        stmt = stmt.where(Demand.status == status)
    return stmt


INVITE_PURPOSES = ("apply", "meet")


def invitations(session: Session, demand_id: int) -> dict[int, set[str]]:
    """Who was invited to ``demand_id`` and for what: supplier id → {"apply", "meet"}."""
    found: dict[int, set[str]] = {}
    for action, details in session.execute(select(AuditLog.action, AuditLog.details).where(
            AuditLog.action.in_([f"demand.invite_{p}" for p in INVITE_PURPOSES]),
            AuditLog.object_type == "Demand", AuditLog.object_id == str(demand_id))):
        supplier = (details or {}).get("supplier")
        if isinstance(supplier, int):
            found.setdefault(supplier, set()).add(action.rsplit("_", 1)[1])
    return found


def invite_supplier(session: Session, demand: Demand, supplier_id: int, user_id: int | None, purpose: str,
                    link: str, note: str | None = None) -> tuple[Enterprise, bool]:
    """Invite an organisation to apply to ``demand`` (``purpose='apply'``) or to meet (``'meet'``).

    Returns the organisation and whether it is a new invitation: inviting the same organisation for
    the same purpose again sends nothing (it was told once), and an organisation that has already
    applied is not invited to apply.
    """
    if demand.status != "published":
        raise NotAllowed(tr("只能就已发布的需求发出邀请。", "Invitations are for published demands."))
    supplier = session.get(Enterprise, supplier_id)
    if supplier is None or supplier.id == demand.enterprise_id:
        raise NotFound()
    if purpose in INVITE_PURPOSES and purpose in invitations(session, demand.id).get(supplier.id, ()):
        return supplier, False
    if purpose == "apply" and session.scalar(select(Application.id).where(
            Application.demand_id == demand.id, Application.enterprise_id == supplier.id)) is not None:
        raise NotAllowed(tr("{e}已提交申请，无需再邀请。", "{e} has already applied; no invitation needed.",
                            e=supplier.name))
    owner = demand.enterprise.name
    if purpose == "apply":
        text = tr("{o}邀请贵企业参与需求《{t}》的{k}。", "{o} invites you to answer “{t}” ({k}).",
                  o=owner, t=demand.title, k=tr("揭榜", "challenge") if demand.kind == "challenge" else tr("报价", "quote"))
    elif purpose == "meet":
        text = tr("{o}希望就需求《{t}》与贵企业洽谈，请通过链接查看需求并联系对方。",
                  "{o} would like to meet you about “{t}”; follow the link to see the demand and get in touch.",
                  o=owner, t=demand.title)
    else:
        raise ServiceError(tr("未知的邀请类型。", "Unknown invitation type."))
    note = clean_text(note, 500)
    if note:
        text += tr("留言：{n}", " Note: {n}", n=note)
    tell_enterprise(session, supplier.id, text, link)
    audit.record(session, user_id, f"demand.invite_{purpose}", demand, supplier=supplier.id)
    return supplier, True
