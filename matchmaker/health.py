"""What the site depends on, checked: the database, Redis when configured, the matching engines.

The readiness probe (``/readyz``) and the API's health operation ask these
checks; each answers a :class:`Check` whose ``status`` is ``"ok"``,
``"degraded"`` or ``"failing"``, with a short ``reason`` that names no address
or password (the full error goes to the log). Redis down is ``degraded``: the
site keeps serving without it (rate limits in memory, schedule builds in the
request), so a load balancer must not take the node out of rotation for it.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from . import redis_client
from .db import get_engine

__all__ = ["REDIS_TIMEOUT", "Check", "check_database", "check_engines", "check_redis", "readiness"]

log = logging.getLogger(__name__)

#: Seconds a Redis ping may take before Redis counts as unreachable.
REDIS_TIMEOUT = 1.0


@dataclass(frozen=True)
class Check:
    """The outcome of one check: ``status`` ``"ok"``, ``"degraded"`` (serving without it) or
    ``"failing"``, and why it is not ok."""

    name: str
    status: str
    reason: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the site can serve with this check as it is."""
        return self.status in ("ok", "degraded")

    def to_dict(self) -> dict:
        return {"status": self.status, "reason": self.reason}


def check_database(app: Flask) -> Check:
    """``SELECT 1`` on a connection of the site's pool (a stale one is replaced first)."""
    try:
        with get_engine(app).connect() as conn:
            conn.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        log.warning("readiness: the database cannot be reached: %s", _first_line(exc))
        return Check("database", "failing", "unreachable")
    return Check("database", "ok")


def check_redis(app: Flask) -> Check | None:
    """A ping to ``REDIS_URL``; None when the site has no Redis."""
    url = app.config.get("REDIS_URL")
    if not url:
        return None
    failures = redis_client.errors()
    if not failures:
        return Check("redis", "failing", "the redis client is not installed")
    client = redis_client.connect(url, timeout=REDIS_TIMEOUT)
    try:
        client.ping()
    except failures as exc:
        log.warning("readiness: Redis cannot be reached: %s", _first_line(exc))
        return Check("redis", "degraded", "unreachable")
    finally:
        client.close()
    return Check("redis", "ok")


def check_engines(app: Flask, database_ok: bool = True) -> Check:
    """Whether the matching engines are fitted; when not, fitting starts in the background
    (provided the database answers), so a probe that keeps asking sees them become ready."""
    registry = app.extensions.get("matchmaker.engines")
    if registry is None:
        return Check("engines", "failing", "no engine registry")
    if registry.ready:
        return Check("engines", "ok")
    if database_ok:
        registry.load_in_background()
    return Check("engines", "failing", "loading")


def readiness(app: Flask) -> tuple[bool, dict[str, Check]]:
    """Every check of the site: ``(all ok, {name: check})``."""
    database = check_database(app)
    checks = [database, check_redis(app), check_engines(app, database.ok)]
    named = {c.name: c for c in checks if c is not None}
    return all(c.ok for c in named.values()), named


def _first_line(exc: BaseException) -> str:
    detail = str(getattr(exc, "orig", None) or exc).strip()
    return detail.splitlines()[0] if detail else type(exc).__name__
