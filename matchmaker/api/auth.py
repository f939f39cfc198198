"""Bearer-token authentication for the JSON API.

``Authorization: Bearer <token>`` names a personal API token (created on the account
page). :func:`token_required` refuses a request without a live token with 401;
:func:`token_optional` lets anonymous requests through but still refuses a bad token.
Either way the token's user becomes flask_login's ``current_user`` for the request,
so views and services use the same permission checks as the web site. Cookies are
never used here: the API is exempt from CSRF, so it must not act on a browser session.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, jsonify, request

from .. import transactions
from ..services import api_tokens

__all__ = ["api_auth", "token_required", "token_optional", "bearer_token", "unauthorized"]


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header; '' for a malformed header, None when absent."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, token = header.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def unauthorized(message: str = "A valid API token is required (Authorization: Bearer <token>)."):
    response = jsonify({"error": {"code": 401, "message": message}})
    response.status_code = 401
    response.headers["WWW-Authenticate"] = 'Bearer realm="matchmaker"'
    return response


def api_auth():
    """Authenticate the request's bearer token: the user, None (no header) or False (refused).

    On success the user is installed as flask_login's ``current_user`` for this request;
    otherwise ``current_user`` is anonymous, whatever cookie came along.
    """
    token = bearer_token()
    user = None
    if token:
        # Committed here, before the view runs, so the transaction holds nothing but the
        # token's ``last_used_at``, which the service moves at most once a minute.
        user = transactions.run(lambda session: api_tokens.authenticate_token(session, token))
    # flask_login reads g._login_user; setting it bypasses the session cookie entirely.
    g._login_user = user if user is not None else current_app.login_manager.anonymous_user()
    if token is None:
        return None
    return user if user is not None else False


def token_required(view):
    """Refuse the request with 401 unless it carries a live API token of an active user."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not api_auth():
            return unauthorized()
        return view(*args, **kwargs)
    return wrapped


def token_optional(view):
    """Anonymous requests pass; a token that is sent must be valid (else 401)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if api_auth() is False:
            return unauthorized("The API token is invalid or revoked.")
        return view(*args, **kwargs)
    return wrapped
