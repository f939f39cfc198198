"""Probes for the process manager and the load balancer, and the answer while the database is down.

``/healthz``
    Liveness: the process answers (200, no I/O).
``/readyz``
    Readiness: the database answers ``SELECT 1``, Redis a ping when the site
    uses it, and the matching engines are fitted. 200 when all pass, else 503;
    the JSON body names each check.

A database that cannot be reached (or a connection pool with no connection to
spare) answers 503 with a short page or JSON error instead of a traceback,
and the site recovers by itself once the database is back: the pool replaces
dropped connections before use (:func:`matchmaker.db.make_engine`). A visitor
gets the site's own error page; a signed-in user the plain one
(:func:`matchmaker.web.errors.plain_response`), since drawing the site's page
would load the user, reach for the database once more and wait for its
connection timeout a second time.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request, session
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .. import health
from .errors import RETRY_AFTER, discard_unfinished_writes, error_response, plain_response

bp = Blueprint("health", __name__)

log = logging.getLogger(__name__)

UNAVAILABLE_ZH = "服务暂时不可用（数据库无法连接），请稍后再试。"
UNAVAILABLE_EN = "The service is temporarily unavailable (the database cannot be reached); please try again shortly."


@bp.get("/healthz")
def healthz():
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz():
    ready, checks = health.readiness(current_app)
    degraded = any(c.status == "degraded" for c in checks.values())
    body = {"status": ("degraded" if degraded else "ready") if ready else "unavailable",
            "checks": {n: c.to_dict() for n, c in checks.items()}}
    return jsonify(body), 200 if ready else 503


def database_unavailable(exc: Exception):
    """503 for a request that could not reach the database."""
    detail = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    log.error("database unavailable during %s %s: %s: %s", request.method, request.path, type(exc).__name__,
              detail[0] if detail else "")
    headers = {"Retry-After": str(RETRY_AFTER)}
    if "_user_id" not in session:
        return error_response(503, UNAVAILABLE_ZH, UNAVAILABLE_EN, headers=headers)
    discard_unfinished_writes()
    response = plain_response(503, UNAVAILABLE_ZH, UNAVAILABLE_EN)
    response.headers.update(headers)
    return response


def init_app(app) -> None:
    for error in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(error, database_unavailable)
