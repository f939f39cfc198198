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
dropped connections before use (:func:`matchmaker.db.make_engine`). The page
is the site's error page when it can be drawn, and the plain one otherwise (the
site's page loads the signed-in user): see :func:`matchmaker.web.errors.error_response`.
"""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, request
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .. import health
from .errors import RETRY_AFTER, error_response

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
    return error_response(503, UNAVAILABLE_ZH, UNAVAILABLE_EN, headers={"Retry-After": str(RETRY_AFTER)})


def init_app(app) -> None:
    for error in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(error, database_unavailable)
