"""Log-in, CSRF, rate limits, password hashing, and the hardening of every answer.

Sessions carry ``"<user id>:<session version>"`` (``User.get_id``), and so does the
remember-me cookie. Log-out, a password change and a password reset raise the
user's session version (:func:`matchmaker.services.accounts.end_sessions`), so a
copied session cookie or remember-me cookie of that user stops working at once.
"""
from __future__ import annotations

import hashlib
import secrets

from flask import Flask, current_app
from werkzeug.security import check_password_hash, generate_password_hash

from . import external_urls, headers
from .db import get_session
from .extensions import csrf, limiter, login_manager
from .models import User

__all__ = ["init_app", "parse_user_id", "load_user", "hash_password", "verify_password", "new_token",
           "hash_token"]


def init_app(app: Flask) -> None:
    """CSRF, log-in, rate limits, response headers (:mod:`matchmaker.headers`) and the site address."""
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)
    login_manager.user_loader(lambda user_id: load_user(get_session(), user_id))
    headers.init_app(app)
    external_urls.init_app(app)


def parse_user_id(value: str | None) -> tuple[int, int] | None:
    """``(user id, session version)`` from a session's or remember-me cookie's user id.

    A bare ``"<id>"``, as written before session versions existed, counts as version 0:
    it keeps working until the user first logs out or changes the password.
    """
    user_id, _, version = (value or "").partition(":")
    try:
        return int(user_id), int(version or 0)
    except ValueError:
        return None


def load_user(session, value: str | None) -> User | None:
    """The user a session or remember-me cookie names, or None once its session version is outdated."""
    parsed = parse_user_id(value)
    if parsed is None:
        return None
    user = session.get(User, parsed[0])
    if user is None or (user.session_version or 0) != parsed[1]:
        return None
    return user


def hash_password(password: str) -> str:
    """The stored form of ``password`` (``PASSWORD_HASH_METHOD``, else werkzeug's default)."""
    method = current_app.config.get("PASSWORD_HASH_METHOD") if _has_app() else None
    return generate_password_hash(password, method=method) if method else generate_password_hash(password)


def verify_password(pwhash: str, password: str) -> bool:
    """Whether ``password`` matches the stored ``pwhash``."""
    return check_password_hash(pwhash, password)


def new_token() -> tuple[str, str]:
    """A random token and its SHA-256 hex digest (only the digest is stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _has_app() -> bool:
    from flask import has_app_context
    return has_app_context()
