"""Platform administration: verification, user management and the audit trail."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from ..domain.regions import normalize_region
from ..domain.scope import LEVELS, Scope
from ..i18n import tr
from ..models import AuditLog, Capability, Demand, Enterprise, Qualification, User
from ..models.user import ROLES
from ..transactions import lock_for_write
from . import audit, notifications, verification
from .accounts import create_user, end_sessions
from .engines import enterprise_changed
from .errors import ServiceError

__all__ = ["AdminError", "dashboard", "enterprises_query", "pending_qualifications_query", "verify_enterprise",
           "reject_enterprise", "verify_qualification", "users_query", "set_active", "set_role", "create_organiser",
           "audit_query", "audit_actions", "scope_errors", "clean_scope", "account_scope", "organiser", "set_scope"]


class AdminError(ServiceError):
    """An administrative action was refused; ``message`` says why."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _get(session: Session, model, object_id: int, missing: str):
    obj = session.get(model, object_id)
    if obj is None:
        raise AdminError(missing)
    return obj


def _count(session: Session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where)) or 0


def dashboard(session: Session) -> dict:
    """Figures and to-do lists of the admin home page."""
    return {
        "counts": {
            "users": _count(session, User),
            "active_users": _count(session, User, User.active.is_(True)),
            "enterprises": _count(session, Enterprise),
            # Waiting for a decision (not those refused and not yet edited since).
            "unverified": _count(session, Enterprise, verification.state_clause("pending")),
            "rejected": _count(session, Enterprise, verification.state_clause("rejected")),
            "claims": _count(session, Qualification, Qualification.verified.is_(False)),
            "pending_members": _count(session, User, User.pending_enterprise_id.is_not(None)),
            "demands": _count(session, Demand, Demand.status == "published"),
            "capabilities": _count(session, Capability, Capability.active.is_(True)),
        },
        "recent": session.execute(audit_query().limit(10)).all(),
    }


def enterprises_query(q: str | None = None, status: str | None = None):
    """Organisations for the verification list: ``status`` is one of
    :data:`~.verification.STATES` ('unverified' meaning 'pending') or None (all).

    Those waiting longest come first in the queue; the other lists show the newest first.
    """
    status = "pending" if status == "unverified" else status
    stmt = select(Enterprise).options(selectinload(Enterprise.qualifications))
    if q:
        q = q.strip()
        stmt = stmt.where(or_(Enterprise.name.contains(q, autoescape=True),
                              Enterprise.uscc.contains(q.upper(), autoescape=True)))
    clause = verification.state_clause(status)
    if clause is not None:
        stmt = stmt.where(clause)
    if status == "pending":
        return stmt.order_by(Enterprise.updated_at, Enterprise.id)
    return stmt.order_by(Enterprise.verified, Enterprise.created_at.desc(), Enterprise.id.desc())


def pending_qualifications_query():
    return (select(Qualification).options(selectinload(Qualification.enterprise))
            .where(Qualification.verified.is_(False)).order_by(Qualification.created_at, Qualification.id))


def _decided_enterprise(session: Session, enterprise_id: int, checked_name: str | None) -> Enterprise:
    """The enterprise to decide on, locked; refused when it was renamed since the admin read ``checked_name``."""
    ent = lock_for_write(session, _get(session, Enterprise, enterprise_id, tr("企业不存在。", "No such enterprise.")))
    if checked_name is not None and checked_name != ent.name:
        raise AdminError(tr("该单位刚刚更名为“{name}”，请重新核对后再操作。",
                            "The organisation was just renamed “{name}”; check it again first.", name=ent.name))
    return ent


def verify_enterprise(session: Session, admin: User, enterprise_id: int, verified: bool = True,
                      link: str | None = None, checked_name: str | None = None) -> Enterprise:
    """Mark an enterprise's identity (name and credit code) as checked, or withdraw that.

    Verifying records the name checked (``verified_name``) and settles a former refusal;
    ``checked_name``, when given, is the name the admin saw, and the decision is refused if
    the organisation was renamed since. The enterprise is told, with ``link`` (its page) on the notice.
    """
    ent = _decided_enterprise(session, enterprise_id, checked_name)
    if ent.verified == verified:
        return ent
    if verified:
        verification.mark_verified(ent)
    else:
        verification.mark_withdrawn(ent)
    audit.record(session, admin.id, "enterprise.verify" if verified else "enterprise.unverify", ent, name=ent.name)
    text = (tr("贵企业“{name}”已通过平台核验。", "Your enterprise “{name}” is now verified.", name=ent.name) if verified
            else tr("贵企业“{name}”的核验已撤销。", "The verification of “{name}” was withdrawn.", name=ent.name))
    notifications.notify_enterprise(session, ent.id, text, link)
    return ent


def reject_enterprise(session: Session, admin: User, enterprise_id: int, reason: str | None,
                      link: str | None = None, checked_name: str | None = None) -> Enterprise:
    """Refuse to verify an organisation, for ``reason`` (required; shown to the organisation and sent
    to its members with ``link``). It stays refused until its members save its details again."""
    text = verification.clean_reason(reason)
    if text is None:
        raise AdminError(tr("请填写不予核验的原因（不超过 {n} 字），单位将看到该原因。",
                            "Give the reason for refusing, up to {n} characters; the organisation is shown it.",
                            n=verification.REASON_MAX_LENGTH), "reason")
    ent = _decided_enterprise(session, enterprise_id, checked_name)
    verification.mark_rejected(ent, text)
    audit.record(session, admin.id, "enterprise.reject", ent, name=ent.name, reason=text)
    notifications.notify_enterprise(session, ent.id, tr(
        "贵单位“{name}”未通过平台核验。原因：{reason}。请按原因修改并保存单位资料，保存后将重新提交核验。",
        "“{name}” was not verified. Reason: {reason}. Correct the organisation's details accordingly and save "
        "them; saving sends them for verification again.", name=ent.name, reason=text.rstrip("。.")), link)
    return ent


def verify_qualification(session: Session, admin: User, qualification_id: int, verified: bool = True,
                         link_for: Callable[[int], str] | None = None) -> Qualification:
    """Confirm a qualification claim after checking its certificate, or withdraw that.

    A confirmation is told to the enterprise, linking to ``link_for(enterprise id)`` (its page).
    """
    qual = _get(session, Qualification, qualification_id, tr("资质不存在。", "No such qualification."))
    if qual.verified == verified:
        return qual
    qual.verified = verified
    qual.verified_by_id = admin.id if verified else None
    qual.verified_at = _utcnow() if verified else None
    enterprise_changed(qual.enterprise)  # a verified certificate counts for its capabilities
    audit.record(session, admin.id, "qualification.verify" if verified else "qualification.unverify", qual,
                 enterprise_id=qual.enterprise_id, name=qual.name)
    if verified:
        notifications.notify_enterprise(session, qual.enterprise_id, tr(
            "资质“{name}”已通过平台核验。", "The qualification “{name}” was verified.", name=qual.name),
            link_for(qual.enterprise_id) if link_for else None)
    return qual


def users_query(q: str | None = None, role: str | None = None, active: bool | None = None,
                pending: bool = False):
    """Users for the admin list; ``pending`` keeps those waiting to join an enterprise."""
    stmt = select(User).options(selectinload(User.enterprise), selectinload(User.pending_enterprise))
    if q:
        q = q.strip()
        stmt = stmt.where(or_(func.lower(User.email).contains(q.lower(), autoescape=True),
                              User.name.contains(q, autoescape=True),
                              User.enterprise.has(Enterprise.name.contains(q, autoescape=True))))
    if role in ROLES:
        stmt = stmt.where(User.role == role)
    if active is not None:
        stmt = stmt.where(User.active.is_(active))
    if pending:
        stmt = stmt.where(User.pending_enterprise_id.is_not(None))
    return stmt.order_by(User.created_at.desc(), User.id.desc())


def _other_user(session: Session, admin: User, user_id: int) -> User:
    user = _get(session, User, user_id, tr("用户不存在。", "No such user."))
    if user.id == admin.id:
        # An admin locking themselves out could leave the platform with no admin at all.
        raise AdminError(tr("不能修改自己的状态或角色。", "You cannot change your own status or role."))
    return user


def set_active(session: Session, admin: User, user_id: int, active: bool) -> User:
    user = _other_user(session, admin, user_id)
    if user.active != active:
        user.active = active
        end_sessions(session, user)  # a reactivated account starts afresh: no old cookie works again
        audit.record(session, admin.id, "user.activate" if active else "user.deactivate", user, email=user.email)
    return user


def set_role(session: Session, admin: User, user_id: int, role: str) -> tuple[User, str]:
    """Give another user ``role``; returns the user and the role it had before."""
    if role not in ROLES:
        raise AdminError(tr("未知角色。", "Unknown role."), "role")
    user = _other_user(session, admin, user_id)
    if role == "enterprise" and user.enterprise_id is None and user.pending_enterprise_id is None:
        raise AdminError(tr("企业用户须属于一家企业。", "An enterprise user must belong to an enterprise."), "role")
    previous = user.role
    if previous != role:
        audit.record(session, admin.id, "user.role", user, email=user.email, old=previous, new=role)
        user.role = role
    return user, previous


def scope_errors(level: str | None, province: str | None, city: str | None, district: str | None) -> dict[str, str]:
    """What is wrong with an organiser's region (field → message; empty when it is complete).

    A provincial organiser needs its province, a city one the province and the
    city, a district one all three; a national organiser needs none.
    """
    level = level or "national"
    province, city, district = ((v or "").strip() for v in (province, city, district))
    errors = {}
    if level not in {key for key, _zh, _en in LEVELS}:
        return {"scope_level": tr("请选择管辖级别。", "Choose the level of the region.")}
    if level == "national":
        return errors
    if not province:
        errors["scope_province"] = tr("请选择省份。", "Choose the province.")
    elif normalize_region(province) is None:
        errors["scope_province"] = tr("未知的省份：{p}", "Unknown province: {p}", p=province)
    if level in ("city", "district") and not city:
        errors["scope_city"] = tr("市级、区县级须填写城市。", "A city or district region needs its city.")
    if level == "district" and not district:
        errors["scope_district"] = tr("区县级须填写区县。", "A district region needs its district.")
    return errors


def clean_scope(level: str | None, province: str | None, city: str | None, district: str | None) -> Scope:
    """The region as a :class:`~matchmaker.domain.scope.Scope`, or :class:`AdminError` naming the first bad field."""
    errors = scope_errors(level, province, city, district)
    if errors:
        field, message = next(iter(errors.items()))
        raise AdminError(message, field)
    return Scope(level or "national", (province or "").strip() or None, (city or "").strip() or None,
                 (district or "").strip() or None)


def account_scope(user: User) -> Scope:
    """The region of an organiser account (national for the other roles)."""
    if user.role != "organiser":
        return Scope()
    return Scope(user.scope_level or "national", user.scope_province, user.scope_city, user.scope_district)


def _store_scope(user: User, scope: Scope) -> None:
    user.scope_level, user.scope_province = scope.level, scope.province
    user.scope_city, user.scope_district = scope.city, scope.district


def create_organiser(session: Session, admin: User, email: str, name: str, password: str,
                     organisation: str | None = None, scope: Scope | None = None) -> User:
    """An organiser account (organisers run matchmaking fairs; only admins create them), for ``scope``'s region."""
    user = create_user(session, email, name, password, role="organiser",
                       organisation=(organisation or "").strip() or None)
    scope = scope or Scope()
    _store_scope(user, scope)
    audit.record(session, admin.id, "user.create_organiser", user, email=user.email, scope=scope.label)
    return user


def organiser(session: Session, user_id: int) -> User | None:
    """The organiser account ``user_id``, or None."""
    user = session.get(User, user_id)
    return user if user is not None and user.role == "organiser" else None


def set_scope(session: Session, admin: User, user_id: int, scope: Scope) -> User:
    """Change the region an organiser answers for (audited)."""
    user = _get(session, User, user_id, tr("用户不存在。", "No such user."))
    if user.role != "organiser":
        raise AdminError(tr("只有组织方账号有管辖范围。", "Only organiser accounts have a region."), "scope_level")
    old = account_scope(user)
    if old != scope:
        _store_scope(user, scope)
        audit.record(session, admin.id, "user.scope", user, email=user.email, old=old.label, new=scope.label)
    return user


def audit_query(action: str | None = None, user: str | None = None):
    """Audit entries newest first, as ``(entry, user e-mail)`` rows; ``user`` matches e-mail or id."""
    stmt = select(AuditLog, User.email).outerjoin(User, User.id == AuditLog.user_id)
    if action:
        stmt = stmt.where(AuditLog.action.startswith(action.strip(), autoescape=True))
    if user:
        user = user.strip()
        stmt = stmt.where(AuditLog.user_id == int(user)) if user.isdigit() else \
            stmt.where(func.lower(User.email).contains(user.lower(), autoescape=True))
    return stmt.order_by(AuditLog.created_at.desc(), AuditLog.id.desc())


def audit_actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditLog.action).distinct().order_by(AuditLog.action)))
