"""Accounts: sign-up, log-in, passwords, password reset and enterprise membership.

Membership rule: a sign-up that registers a new enterprise makes the user its first
member at once. A sign-up (or a later request) to join an enterprise that is already
registered creates the account straight away but only *asks* to join: the user can
sign in, yet acts for the enterprise only after an active member of that enterprise,
or a platform admin, approves the request. Members and admins are notified of it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..domain import passwords as password_rules
from ..domain import uscc as uscc_rules
from ..i18n import tr
from ..models import ApiToken, Enterprise, PasswordResetToken, User
from ..security import hash_password, hash_token, new_token, verify_password
from . import audit, notifications
from .enterprises import EnterpriseDetails, bilingual, create_enterprise
from .errors import ServiceError
from .names import fuzzy_enterprises

__all__ = ["AccountError", "DuplicateEnterpriseError", "SimilarEnterprisesError", "SignUp", "MIN_PASSWORD",
           "RESET_TTL", "SIMILAR_CUTOFF", "password_problems", "password_rules_hint", "normalise_uscc",
           "similar_enterprises", "duplicate_hints", "register", "create_user", "authenticate",
           "record_failed_login", "end_sessions", "change_password", "start_password_reset", "check_reset_token",
           "reset_password", "request_membership", "approve_membership", "reject_membership", "can_manage_members"]

MIN_PASSWORD = password_rules.MIN_LENGTH
MAX_PASSWORD = password_rules.MAX_LENGTH
RESET_TTL = dt.timedelta(hours=1)
#: Names scoring at least this (RapidFuzz WRatio on normalised names) are shown as possible duplicates.
SIMILAR_CUTOFF = 80
_DUMMY_HASH: str | None = None


class AccountError(ServiceError):
    """A refused account action; ``field`` names the form field at fault, if any."""


class DuplicateEnterpriseError(AccountError):
    """The credit code is already registered: the user should ask to join instead."""

    def __init__(self, enterprise: Enterprise):
        super().__init__(tr("该统一社会信用代码已由“{name}”注册。如您是该企业员工，请选择“加入已注册企业”。",
                            "This credit code is already registered by “{name}”. If you work there, "
                            "choose “join a registered enterprise”.", name=enterprise.name), "uscc")
        self.enterprise = enterprise


class SimilarEnterprisesError(AccountError):
    """Enterprises with similar names exist; the user must confirm this is another one."""

    def __init__(self, candidates: list[tuple[Enterprise, float]]):
        super().__init__(tr("已有名称相近的企业注册，请确认不是同一家企业。",
                            "Enterprises with similar names are registered; confirm yours is a different one."),
                         "name")
        self.candidates = candidates


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


def _email(email: str) -> str:
    return (email or "").strip().lower()


# --------------------------------------------------------------------------- checks

def _problem_text(problem: password_rules.PasswordProblem) -> str:
    figures = problem.figures
    if problem.kind == "too_short":
        return tr("密码至少需要 {n} 个字符（当前 {k} 个）。", "The password needs at least {n} characters (it has {k}).",
                  n=figures["minimum"], k=figures["length"])
    if problem.kind == "too_long":
        return tr("密码不能超过 {n} 个字符。", "The password may have at most {n} characters.", n=figures["maximum"])
    if problem.kind == "repetitive":
        return tr("密码不能由同一两个字符重复组成。", "The password may not repeat one or two characters.")
    if problem.kind == "digits":
        return tr("密码不能全是（或几乎全是）数字，请加入至少 {n} 个不同的字母或符号。",
                  "The password may not be all (or nearly all) digits; add at least {n} different letters or "
                  "symbols.", n=figures["minimum"])
    if problem.kind == "common":
        return tr("这是常见密码（或其简单变形），很容易被猜中，请换一个。",
                  "This is a common password (or a simple variant of one) and easy to guess; choose another.")
    if problem.kind == "contains_email":
        return tr("密码不能包含邮箱用户名。", "The password may not contain the name part of your e-mail address.")
    return tr("密码不能包含企业（单位）名称。", "The password may not contain your enterprise's (organisation's) name.")


def password_problems(password: str, email: str | None = None, names: Iterable[str | None] = ()) -> list[str]:
    """Why ``password`` is refused, in the user's language (empty when it is fine).

    The rules are :func:`matchmaker.domain.passwords.password_problems`; ``names`` are
    the enterprise's or organisation's names the password may not contain.
    """
    return [_problem_text(p) for p in password_rules.password_problems(password, email=email, names=names)]


def password_rules_hint() -> str:
    """The password rules in one line, for the forms that set a password."""
    return tr("至少 {n} 个字符；不能全是数字，不能是常见密码（如 password12），也不能包含邮箱用户名或企业名称。"
              "建议使用一句容易记住的短语。",
              "At least {n} characters; not all digits, not a common password (such as password12), and not "
              "containing your e-mail name or your enterprise's name. A phrase you remember works well.",
              n=MIN_PASSWORD)


def _check_password(password: str, email: str | None, field_name: str = "password",
                    names: Iterable[str | None] = ()) -> None:
    problems = password_problems(password, email, names)
    if problems:
        raise AccountError(" ".join(problems), field_name)


def _user_names(user: User) -> list[str | None]:
    """Names a user's password may not contain: the enterprise's and the organisation's."""
    return [user.enterprise.name if user.enterprise else None, user.organisation]


def normalise_uscc(code: str) -> str:
    """The normalised credit code, or an :class:`AccountError` saying what is wrong with it."""
    result = uscc_rules.validate(code)
    if not result.valid:
        raise AccountError(tr("统一社会信用代码无效：{reason}", "Invalid unified social credit code: {reason}",
                              reason=bilingual(result.reason)), "uscc")
    return result.code


def similar_enterprises(session: Session, name: str | None, uscc: str | None = None,
                        cutoff: float = SIMILAR_CUTOFF) -> list[tuple[Enterprise, float]]:
    """Registered enterprises that may be the same as ``name``/``uscc``: same code first (score 100)."""
    found: list[tuple[Enterprise, float]] = []
    same = None
    if uscc:
        result = uscc_rules.validate(uscc)
        if result.valid:
            same = session.scalar(select(Enterprise).where(Enterprise.uscc == result.code))
            if same is not None:
                found.append((same, 100.0))
    if name and name.strip():
        found += [(e, s) for e, s in fuzzy_enterprises(session, name, limit=8, score_cutoff=cutoff)
                  if same is None or e.id != same.id]
    return found


def duplicate_hints(session: Session, name: str | None, uscc: str | None) -> list[dict]:
    """What the sign-up form shows while typing: same-code and similar-name enterprises."""
    code = uscc_rules.validate(uscc).code if uscc else None
    return [{"id": e.id, "name": e.name, "region": e.region, "score": score, "same_code": e.uscc == code}
            for e, score in similar_enterprises(session, name, uscc)]


# --------------------------------------------------------------------------- sign-up

@dataclass
class SignUp:
    email: str
    name: str
    password: str
    uscc: str
    join: bool = False
    confirm_new: bool = False
    enterprise: EnterpriseDetails | None = None
    locale: str | None = None
    extra: dict = field(default_factory=dict)


def create_user(session: Session, email: str, name: str, password: str, role: str = "enterprise", *,
                names: Iterable[str | None] = (), **values) -> User:
    """A new active account; refuses a taken e-mail address or a weak password.

    The password may contain neither the e-mail's name part, nor ``names`` (the
    enterprise the user registers or joins), nor the ``organisation`` value.
    """
    email = _email(email)
    if "@" not in email or email.startswith("@") or email.endswith("@"):
        raise AccountError(tr("请填写有效的邮箱地址。", "Enter a valid e-mail address."), "email")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError(tr("该邮箱已注册，请直接登录或找回密码。",
                              "This e-mail address is already registered; log in or reset the password."), "email")
    if not (name or "").strip():
        raise AccountError(tr("请填写姓名。", "Enter your name."), "name")
    _check_password(password, email, names=[*names, values.get("organisation")])
    user = User(email=email, name=name.strip()[:80], password_hash=hash_password(password), role=role,
                active=True, **values)
    session.add(user)
    session.flush()
    return user


def register(session: Session, data: SignUp, members_link: Callable[[int], str] | None = None) -> User:
    """Sign up an enterprise user, registering the enterprise or asking to join it.

    ``members_link(enterprise id)`` is the address of an enterprise's members page,
    linked from the join request sent to its members.

    Raises
    ------
    AccountError
        Invalid e-mail, password or credit code, or nothing registered to join.
    DuplicateEnterpriseError
        Registering an enterprise whose credit code is taken.
    SimilarEnterprisesError
        Registering an enterprise with a name close to a registered one, unconfirmed.
    """
    code = normalise_uscc(data.uscc)
    existing = session.scalar(select(Enterprise).where(Enterprise.uscc == code))
    if data.join:
        if existing is None:
            raise AccountError(tr("尚无企业以该统一社会信用代码注册，请选择“注册新企业”。",
                                  "No enterprise is registered with this credit code; choose “register a new "
                                  "enterprise”."), "uscc")
        user = create_user(session, data.email, data.name, data.password, locale=data.locale, names=[existing.name])
        _ask_to_join(session, user, existing, members_link)
        audit.record(session, user.id, "user.register", user, join_request=existing.id)
        return user
    if existing is not None:
        raise DuplicateEnterpriseError(existing)
    if data.enterprise is None:
        raise AccountError(tr("请填写企业信息。", "Enter the enterprise's details."), "name")
    if not data.confirm_new:
        similar = similar_enterprises(session, data.enterprise.name)
        if similar:
            raise SimilarEnterprisesError(similar)
    user = create_user(session, data.email, data.name, data.password, locale=data.locale,
                       names=[data.enterprise.name])
    ent = create_enterprise(session, code, data.enterprise)
    user.enterprise_id = ent.id
    audit.record(session, user.id, "enterprise.register", ent, uscc=ent.uscc, size=ent.size)
    audit.record(session, user.id, "user.register", user, enterprise=ent.id)
    return user


# --------------------------------------------------------------------------- membership

def can_manage_members(actor, enterprise_id: int) -> bool:
    return bool(actor.is_authenticated and actor.active and
                (actor.is_admin or (actor.role == "enterprise" and actor.enterprise_id == enterprise_id)))


def _ask_to_join(session: Session, user: User, ent: Enterprise, members_link: Callable[[int], str] | None) -> None:
    user.pending_enterprise_id = ent.id
    approvers = session.scalars(select(User.id).where(User.enterprise_id == ent.id, User.active.is_(True))).all()
    if not approvers:
        approvers = session.scalars(select(User.id).where(User.role == "admin", User.active.is_(True))).all()
    link = members_link(ent.id) if members_link else None
    notifications.notify(session, approvers, tr("{user}（{email}）申请加入{ent}，请审核。",
                                               "{user} ({email}) asks to join {ent}; please review.",
                                               user=user.name, email=user.email, ent=ent.name), link)


def request_membership(session: Session, user: User, code: str,
                       members_link: Callable[[int], str] | None = None) -> Enterprise:
    """An enterprise-less user asks to join the enterprise registered under ``code``
    (``members_link`` as in :func:`register`)."""
    if user.role != "enterprise" or user.enterprise_id is not None:
        raise AccountError(tr("您已属于一家企业。", "You already belong to an enterprise."))
    ent = session.scalar(select(Enterprise).where(Enterprise.uscc == normalise_uscc(code)))
    if ent is None:
        raise AccountError(tr("尚无企业以该统一社会信用代码注册。", "No enterprise is registered with this credit code."),
                           "uscc")
    _ask_to_join(session, user, ent, members_link)
    audit.record(session, user.id, "membership.request", ent)
    return ent


def _pending(session: Session, actor, enterprise_id: int, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or user.pending_enterprise_id != enterprise_id or not can_manage_members(actor, enterprise_id):
        raise AccountError(tr("没有待审核的加入申请。", "There is no pending request to review."))
    return user


def approve_membership(session: Session, actor, enterprise_id: int, user_id: int, link: str | None = None) -> User:
    """Let a user who asked to join ``enterprise_id`` act for it (members and admins decide);
    ``link``, the enterprise's page, goes with the notice to the user."""
    user = _pending(session, actor, enterprise_id, user_id)
    ent_id = user.pending_enterprise_id
    user.enterprise_id, user.pending_enterprise_id = ent_id, None
    audit.record(session, actor.id, "membership.approve", user, enterprise_id=ent_id)
    notifications.notify(session, [user.id], tr("您加入企业的申请已通过。", "Your request to join the enterprise was approved."),
                         link)
    return user


def reject_membership(session: Session, actor, enterprise_id: int, user_id: int, link: str | None = None) -> User:
    user = _pending(session, actor, enterprise_id, user_id)
    ent_id = user.pending_enterprise_id
    user.pending_enterprise_id = None
    audit.record(session, actor.id, "membership.reject", user, enterprise_id=ent_id)
    notifications.notify(session, [user.id], tr("您加入企业的申请未获通过。", "Your request to join the enterprise was declined."))
    return user


# --------------------------------------------------------------------------- log-in and passwords

def authenticate(session: Session, email: str, password: str) -> User:
    """The active user with these credentials, or an :class:`AccountError` that names neither half."""
    global _DUMMY_HASH
    user = session.scalar(select(User).where(User.email == _email(email)))
    if user is None:
        # Spend the same time as a real check so that timing does not reveal registered e-mails.
        _DUMMY_HASH = _DUMMY_HASH or hash_password("not-a-real-password")
        verify_password(_DUMMY_HASH, password or "")
        raise AccountError(tr("邮箱或密码不正确。", "Wrong e-mail address or password."))
    if not verify_password(user.password_hash, password or ""):
        raise AccountError(tr("邮箱或密码不正确。", "Wrong e-mail address or password."))
    if not user.active:
        raise AccountError(tr("该账号已停用，请联系平台管理员。", "This account is deactivated; contact the platform admin."))
    user.last_login_at = _utcnow()
    audit.record(session, user.id, "user.login", user)
    return user


def record_failed_login(session: Session, email: str) -> None:
    """Audit a refused log-in: the address tried (never the password), and the account if there is one.

    Called in a transaction of its own, since the refused attempt's is rolled back.
    """
    address = _email(email)[:254]
    user = session.scalar(select(User).where(User.email == address)) if address else None
    audit.record(session, None, "user.login_failed", user, object_type="User", email=address)


def end_sessions(session: Session, user: User) -> None:
    """Make every session and remember-me cookie issued to ``user`` so far stop working."""
    user.session_version = (user.session_version or 0) + 1


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; every other session of the user ends.

    The caller logs the current session in afresh (its session version is outdated too).
    """
    if not verify_password(user.password_hash, current or ""):
        raise AccountError(tr("当前密码不正确。", "The current password is wrong."), "current")
    if current == new:
        raise AccountError(tr("新密码不能与当前密码相同。", "The new password must differ from the current one."), "password")
    _check_password(new, user.email, names=_user_names(user))
    user.password_hash = hash_password(new)
    end_sessions(session, user)
    audit.record(session, user.id, "user.password_change", user)


def start_password_reset(session: Session, email: str, link_for: Callable[[str], str]) -> bool:
    """E-mail a one-hour, single-use reset link if ``email`` is an active account.

    Returns whether a link was sent; callers show the same message either way so that
    the form does not reveal which addresses are registered.
    """
    user = session.scalar(select(User).where(User.email == _email(email), User.active.is_(True)))
    if user is None:
        return False
    token, digest = new_token()
    session.add(PasswordResetToken(user_id=user.id, token_hash=digest, expires_at=_utcnow() + RESET_TTL))
    notifications.send_mail(session, user.email, tr("重置 Matchmaker 密码", "Reset your Matchmaker password"), tr(
        "您好，{name}：\n\n请在 1 小时内打开以下链接设置新密码（链接仅可使用一次）：\n{link}\n\n如果不是您本人操作，请忽略此邮件。",
        "Hello {name},\n\nOpen this link within one hour to choose a new password (it works once):\n{link}\n\n"
        "If you did not ask for this, ignore this message.", name=user.name, link=link_for(token)))
    audit.record(session, user.id, "user.password_reset_request", user)
    return True


def check_reset_token(session: Session, token: str) -> PasswordResetToken:
    """The stored reset token for ``token`` if it is unused and unexpired."""
    row = session.scalar(select(PasswordResetToken).where(PasswordResetToken.token_hash == hash_token(token or "")))
    if row is None or row.used_at is not None:
        raise AccountError(tr("重置链接无效或已使用，请重新申请。",
                              "The reset link is invalid or was already used; ask for a new one."))
    if _aware(row.expires_at) <= _utcnow():
        raise AccountError(tr("重置链接已过期（有效期 1 小时），请重新申请。",
                              "The reset link has expired (links last one hour); ask for a new one."))
    return row


def reset_password(session: Session, token: str, new: str) -> User:
    """Set a new password from a reset link; the link (and any other open link) then stops working,
    and so does every session and API token of the user (a reset is what one does after a break-in,
    and a token made from a stolen session would otherwise outlive it)."""
    row = check_reset_token(session, token)
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        raise AccountError(tr("该账号已停用，请联系平台管理员。", "This account is deactivated; contact the platform admin."))
    _check_password(new, user.email, names=_user_names(user))
    user.password_hash = hash_password(new)
    end_sessions(session, user)
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
                    .values(revoked=True))
    now = _utcnow()
    session.execute(update(PasswordResetToken).where(PasswordResetToken.user_id == user.id,
                                                     PasswordResetToken.used_at.is_(None)).values(used_at=now))
    audit.record(session, user.id, "user.password_reset", user)
    return user
