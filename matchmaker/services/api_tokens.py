"""Personal API tokens: shown once when created, stored only as a SHA-256 digest."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..i18n import tr
from ..models import ApiToken, User
from ..security import hash_token, new_token
from . import audit
from .errors import ServiceError

__all__ = ["TokenError", "TOKEN_PREFIX", "MAX_TOKENS", "create_token", "revoke_token", "user_tokens",
           "authenticate_token"]

#: Prefix of every token, so that a leaked one is recognisable in logs and by secret scanners.
TOKEN_PREFIX = "mm_"
MAX_TOKENS = 20
#: ``last_used_at`` is refreshed at most this often, so API reads do not all become writes.
LAST_USED_GRANULARITY = dt.timedelta(minutes=1)


class TokenError(ServiceError):
    """A token could not be created or revoked; ``message`` says why."""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def user_tokens(session: Session, user_id: int) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                                .order_by(ApiToken.revoked, ApiToken.created_at.desc())))


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the clear token is returned here and never again."""
    name = " ".join((name or "").split())
    if not name:
        raise TokenError(tr("请为令牌命名，例如“ERP 对接”。", "Name the token, e.g. “ERP link”."), "name")
    live = [t for t in user_tokens(session, user.id) if not t.revoked]
    if len(live) >= MAX_TOKENS:
        raise TokenError(tr("有效令牌最多 {n} 个，请先撤销不用的令牌。",
                            "You may hold at most {n} live tokens; revoke one you no longer use.", n=MAX_TOKENS))
    raw, _ = new_token()
    raw = TOKEN_PREFIX + raw
    token = ApiToken(user_id=user.id, name=name[:80], token_hash=hash_token(raw), revoked=False)
    session.add(token)
    session.flush()
    audit.record(session, user.id, "api_token.create", token, name=token.name)
    return token, raw


def revoke_token(session: Session, user: User, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None or (token.user_id != user.id and not user.is_admin):
        raise TokenError(tr("令牌不存在。", "No such token."))
    if not token.revoked:
        token.revoked = True
        audit.record(session, user.id, "api_token.revoke", token, name=token.name, owner=token.user_id)
    return token


def authenticate_token(session: Session, raw: str) -> User | None:
    """The active user owning the live token ``raw``, or None."""
    if not raw:
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    now = _utcnow()
    last = token.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=dt.timezone.utc)
    if last is None or now - last >= LAST_USED_GRANULARITY:
        token.last_used_at = now
    return user
