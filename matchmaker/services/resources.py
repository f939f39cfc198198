"""Open innovation resources (开放创新资源) and SMEs' requests to use them.

A large enterprise opens R&D and design capability, instruments and equipment,
test sites or spare production capacity to SMEs. An SME asks for access with a
message; the owner approves or declines with a reply; the SME may withdraw a
pending request. Each step tells the other side.
"""
from __future__ import annotations

import networkx as nx
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload

from ..i18n import tr
from ..models import Enterprise, OpenResource, ResourceRequest
from ..models.resource import RESOURCE_KINDS, RESOURCE_REQUEST_STATUSES
from ..presentation import resource_request_status_label
from . import audit
from .errors import NotAllowed, NotFound, ServiceError
from .postings.fields import (
    clean_chain_nodes,
    clean_region,
    clean_text,
    owned_by,
    where_chain_and_region,
    where_text,
)
from .postings.notices import tell_enterprise

__all__ = [
    "DECISIONS",
    "create_resource",
    "decide",
    "enterprise_resources",
    "kind_label",
    "owned_resource",
    "public_resources",
    "request_access",
    "requests_received",
    "requests_sent",
    "set_active",
    "update_resource",
    "visible_request",
    "visible_resource",
    "withdraw_request",
]

DECISIONS = ("approved", "declined")


def kind_label(kind: str) -> str:
    return {"rnd": tr("研发能力", "R&D"), "design": tr("设计能力", "Design"),
            "equipment": tr("仪器设备", "Instruments and equipment"), "test_site": tr("试验验证场景", "Test sites"),
            "capacity": tr("富余产能", "Spare capacity")}.get(kind, kind)


def _apply_fields(resource: OpenResource, G: nx.DiGraph, data: dict) -> None:
    kind = data.get("kind")
    if kind not in RESOURCE_KINDS:
        raise ServiceError(tr("请选择资源类型。", "Choose the kind of resource."), field="kind")
    title = clean_text(data.get("title"), 200)
    if not title:
        raise ServiceError(tr("请填写资源名称。", "Enter a title."), field="title")
    resource.kind = kind
    resource.title = title
    resource.description = clean_text(data.get("description"))
    resource.chain_nodes = clean_chain_nodes(G, data.get("chain_nodes"))
    for field, limit in (("conditions", None), ("fee", 200), ("location", 200), ("availability", 200)):
        setattr(resource, field, clean_text(data.get(field), limit) or None)
    resource.region = clean_region(data.get("region"))


def create_resource(session: Session, enterprise: Enterprise, user_id: int | None, G: nx.DiGraph,
                    data: dict) -> OpenResource:
    if not enterprise.verified:
        raise NotAllowed(tr("贵单位的信息核验通过后才能开放资源。", "Your organisation must be verified before it opens resources."))
    resource = OpenResource(enterprise_id=enterprise.id, active=True)
    _apply_fields(resource, G, data)
    resource.region = resource.region or enterprise.region
    session.add(resource)
    session.flush()
    audit.record(session, user_id, "resource.create", resource)
    return resource


def update_resource(session: Session, resource: OpenResource, user_id: int | None, G: nx.DiGraph,
                    data: dict) -> OpenResource:
    _apply_fields(resource, G, data)
    session.flush()
    audit.record(session, user_id, "resource.update", resource)
    return resource


def set_active(session: Session, resource: OpenResource, user_id: int | None, active: bool) -> OpenResource:
    resource.active = bool(active)
    session.flush()
    audit.record(session, user_id, "resource.activate" if active else "resource.deactivate", resource)
    return resource


def request_access(session: Session, resource: OpenResource, enterprise: Enterprise, user_id: int | None,
                   message: str, link: str | None = None) -> ResourceRequest:
    if resource.enterprise_id == enterprise.id:
        raise NotAllowed(tr("这是贵单位自己开放的资源。", "This resource is your own organisation's."))
    if not resource.active:
        raise NotAllowed(tr("该资源已暂停开放。", "This resource is not open at the moment."))
    message = clean_text(message, 2000)
    if not message:
        raise ServiceError(tr("请说明使用需求（用途、时间、规模）。", "Say what you need it for, when and how much."),
                           field="message")
    pending = session.scalar(select(ResourceRequest.id).where(
        ResourceRequest.resource_id == resource.id, ResourceRequest.enterprise_id == enterprise.id,
        ResourceRequest.status == "pending"))
    if pending is not None:
        raise ServiceError(tr("贵企业已有一份待答复的申请。", "Your enterprise already has a pending request."))
    req = ResourceRequest(resource_id=resource.id, enterprise_id=enterprise.id, message=message, status="pending")
    session.add(req)
    session.flush()
    audit.record(session, user_id, "resource.request", req, resource=resource.id)
    tell_enterprise(session, resource.enterprise_id,
                    tr("{e}申请使用开放资源《{t}》。", "{e} asks to use your open resource “{t}”.",
                       e=enterprise.name, t=resource.title), link)
    return req


def decide(session: Session, req: ResourceRequest, user_id: int | None, decision: str, reply: str | None,
           link: str | None = None) -> ResourceRequest:
    """The resource's owner approves or declines a pending request with a reply."""
    if decision not in DECISIONS:
        raise ServiceError(tr("无效的操作。", "Unknown action."))
    if req.status != "pending":
        raise NotAllowed(tr("该申请已是“{s}”，不能再答复。", "This request is already “{s}”.",
                            s=resource_request_status_label(req.status)))
    reply = clean_text(reply, 2000)
    if decision == "declined" and not reply:
        raise ServiceError(tr("婉拒时请写明原因，便于对方调整。", "Give a reason when declining."), field="reply")
    req.status, req.reply = decision, reply or None
    session.flush()
    audit.record(session, user_id, f"resource.request_{decision}", req)
    text = tr("{o}对贵企业使用《{t}》的申请：{s}。", "{o} answered your request for “{t}”: {s}.",
              o=req.resource.enterprise.name, t=req.resource.title, s=resource_request_status_label(decision))
    if req.reply:
        text += " " + tr("答复：{r}", "Reply: {r}", r=req.reply)
    tell_enterprise(session, req.enterprise_id, text, link)
    return req


def withdraw_request(session: Session, req: ResourceRequest, user_id: int | None,
                     link: str | None = None) -> ResourceRequest:
    if req.status != "pending":
        raise NotAllowed(tr("只能撤回待答复的申请。", "Only pending requests can be withdrawn."))
    req.status = "withdrawn"
    session.flush()
    audit.record(session, user_id, "resource.request_withdraw", req)
    tell_enterprise(session, req.resource.enterprise_id,
                    tr("{e}撤回了使用《{t}》的申请。", "{e} withdrew its request for “{t}”.",
                       e=req.enterprise.name, t=req.resource.title), link)
    return req


def visible_resource(session: Session, resource_id: int, enterprise_id: int | None, admin: bool = False):
    resource = session.get(OpenResource, resource_id, options=[joinedload(OpenResource.enterprise)])
    if resource is None or (not resource.active and resource.enterprise_id != enterprise_id and not admin):
        raise NotFound()
    return resource


def owned_resource(session: Session, resource_id: int, enterprise_id: int | None) -> OpenResource:
    return owned_by(session, OpenResource, resource_id, enterprise_id)


def visible_request(session: Session, request_id: int, enterprise_id: int | None) -> ResourceRequest:
    """A request seen by the SME that sent it or the enterprise that owns the resource."""
    req = session.get(ResourceRequest, request_id)
    if req is None or enterprise_id is None or enterprise_id not in (req.enterprise_id, req.resource.enterprise_id):
        raise NotFound()
    return req


def public_resources(G: nx.DiGraph, kind: str | None = None, chain: str | None = None, region: str | None = None,
                     q: str | None = None) -> Select:
    stmt = (select(OpenResource).options(joinedload(OpenResource.enterprise)).join(OpenResource.enterprise)
            .where(OpenResource.active).order_by(OpenResource.updated_at.desc(), OpenResource.id.desc()))
    if kind in RESOURCE_KINDS:
        stmt = stmt.where(OpenResource.kind == kind)
    stmt = where_chain_and_region(stmt, OpenResource, G, chain, region)
    return where_text(stmt, OpenResource, q)


def enterprise_resources(enterprise_id: int) -> Select:
    return select(OpenResource).where(OpenResource.enterprise_id == enterprise_id).order_by(
        OpenResource.active.desc(), OpenResource.updated_at.desc(), OpenResource.id.desc())


def requests_received(enterprise_id: int, status: str | None = None, resource_id: int | None = None) -> Select:
    stmt = (select(ResourceRequest).join(ResourceRequest.resource)
            .options(joinedload(ResourceRequest.resource), joinedload(ResourceRequest.enterprise))
            .where(OpenResource.enterprise_id == enterprise_id)
            .order_by((ResourceRequest.status == "pending").desc(), ResourceRequest.created_at.desc(),
                      ResourceRequest.id.desc()))
    if resource_id is not None:
        stmt = stmt.where(ResourceRequest.resource_id == resource_id)
    return stmt.where(ResourceRequest.status == status) if status in RESOURCE_REQUEST_STATUSES else stmt


def requests_sent(enterprise_id: int) -> Select:
    return (select(ResourceRequest).options(joinedload(ResourceRequest.resource).joinedload(OpenResource.enterprise))
            .where(ResourceRequest.enterprise_id == enterprise_id)
            .order_by(ResourceRequest.created_at.desc(), ResourceRequest.id.desc()))
