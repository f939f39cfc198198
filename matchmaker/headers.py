"""Response headers that harden every answer, and cookies that stay on HTTPS.

* ``Content-Security-Policy``: scripts, styles, images and fonts from this site
  only, no plug-ins, no ``<base>`` elsewhere, forms post here only and no other
  site may frame a page. The templates hold no inline script, event handler or
  style (behaviour lives in ``static/js``, looks in ``static/css``); the chain
  maps and charts are SVG drawn with presentation attributes, which the policy
  does not touch.
* ``X-Frame-Options: DENY`` for browsers without ``frame-ancestors``,
  ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy``.
* On HTTPS (as the request arrived, after :class:`~werkzeug.middleware.proxy_fix.ProxyFix`
  when ``PROXY_FIX_X_FOR`` names trusted proxies): ``Strict-Transport-Security``,
  and every cookie set on the answer is marked ``Secure`` — the session, the
  remember-me cookie and any other — so none of them is ever sent back over
  plain HTTP.
* A 429 answer says when to come back (``Retry-After``, seconds).
"""
from __future__ import annotations

import math
import time

from flask import Flask, current_app, request
from flask.wrappers import Response
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import limiter

__all__ = ["CONTENT_SECURITY_POLICY", "init_app", "SecureCookies"]

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
))
#: Retry-After when the limiter cannot say when its window ends.
DEFAULT_RETRY_AFTER = 60


class SecureCookies:
    """WSGI middleware: on an HTTPS request, add ``Secure`` to every ``Set-Cookie`` that lacks it.

    Working on the finished answer makes it independent of which extension set
    the cookie, and of the order in which their hooks run.
    """

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return self.app(environ, start_response)

        def secure_start_response(status, headers, exc_info=None):
            headers = [(name, _secure(value) if name.lower() == "set-cookie" else value) for name, value in headers]
            return start_response(status, headers, exc_info)

        return self.app(environ, secure_start_response)


def _secure(cookie: str) -> str:
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    return cookie if "secure" in attributes else f"{cookie}; Secure"


def _harden(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if request.is_secure:
        max_age = int(current_app.config.get("HSTS_MAX_AGE") or 0)
        if max_age > 0:
            value = f"max-age={max_age}"
            if current_app.config.get("HSTS_INCLUDE_SUBDOMAINS"):
                value += "; includeSubDomains"
            headers.setdefault("Strict-Transport-Security", value)
    if response.status_code == 429 and "Retry-After" not in headers:
        headers["Retry-After"] = str(_retry_after())
    return response


def _retry_after() -> int:
    limit = limiter.current_limit
    if limit is None:
        return DEFAULT_RETRY_AFTER
    return max(1, math.ceil(limit.reset_at - time.time()))


def init_app(app: Flask) -> None:
    """Register the header hook, and wrap the WSGI app for proxies and secure cookies."""
    app.after_request(_harden)
    app.wsgi_app = SecureCookies(app.wsgi_app)
    x_for = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    x_proto = app.config.get("PROXY_FIX_X_PROTO")
    x_proto = x_for if x_proto is None else int(x_proto)
    x_host = int(app.config.get("PROXY_FIX_X_HOST") or 0)
    x_prefix = int(app.config.get("PROXY_FIX_X_PREFIX") or 0)
    if x_for or x_proto or x_host or x_prefix:
        # Outside SecureCookies, so that the scheme it reads is the one the client used.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=x_proto, x_host=x_host, x_prefix=x_prefix)
