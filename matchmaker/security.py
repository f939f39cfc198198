"""Log-in, CSRF, rate limits and password hashing."""
from __future__ import annotations

import hashlib
import secrets

from flask import Flask, current_app
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import csrf, limiter, login_manager


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    app.config.setdefault("RATELIMIT_ENABLED", True)
    limiter.init_app(app)

    @login_manager.user_loader
    def _load_user(user_id: str):
        from .db import get_session
        from .models import User
        try:
            return get_session().get(User, int(user_id))
        except (TypeError, ValueError):
            return None


def hash_password(password: str) -> str:
    method = current_app.config.get("PASSWORD_HASH_METHOD") if _has_app() else None
    return generate_password_hash(password, method=method) if method else generate_password_hash(password)


def verify_password(pwhash: str, password: str) -> bool:
    return check_password_hash(pwhash, password)


def new_token() -> tuple[str, str]:
    """A random token and its SHA-256 hex digest (only the digest is stored)."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _has_app() -> bool:
    from flask import has_app_context
    return has_app_context()
