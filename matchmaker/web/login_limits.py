"""Failed log-ins counted per account, besides the attempts counted per address.

A fair's registration desk signs many people in from one address, so the
per-address ceiling (``LOGIN_RATE_LIMIT``) is high; guessing one account's
password is stopped by counting that account's failures
(``LOGIN_FAILURE_LIMIT``, default 10 per 15 minutes) wherever they come from.
Every attempt is counted before the password is checked (so simultaneous guesses
stay within the limit) and a successful log-in clears the account's count. The counters live in the
site's rate-limit storage (Redis, or the instance folder's file) under a hash
of the address, so the storage holds no e-mail addresses.
"""
from __future__ import annotations

import hashlib
import math
import time

from flask import current_app
from limits import parse

from ..extensions import limiter

__all__ = ["attempt", "minutes_text", "succeeded", "wait_seconds"]

NAMESPACE = "login-failures"
DEFAULT = "10 per 15 minutes"


def _item():
    return parse(current_app.config.get("LOGIN_FAILURE_LIMIT") or DEFAULT)


def _key(email: str | None) -> str:
    return hashlib.sha256((email or "").strip().lower().encode("utf-8")).hexdigest()


def _strategy():
    if not limiter.enabled or not (current_app.config.get("RATELIMIT_ENABLED", True)):
        return None
    return limiter.limiter


def wait_seconds(email: str | None) -> int:
    """Seconds until the account may try again; 0 when it may now."""
    strategy = _strategy()
    if strategy is None or not email:
        return 0
    item = _item()
    if strategy.test(item, NAMESPACE, _key(email)):
        return 0
    reset = strategy.get_window_stats(item, NAMESPACE, _key(email)).reset_time
    return max(1, math.ceil(reset - time.time()))


def attempt(email: str | None) -> int:
    """Count a log-in attempt on the account before its password is checked; returns the seconds to
    wait when the account has none left (0 to go on). Counting first keeps simultaneous guesses
    within the limit; a success clears the count (:func:`succeeded`)."""
    strategy = _strategy()
    if strategy is None or not email:
        return 0
    if strategy.hit(_item(), NAMESPACE, _key(email)):
        return 0
    return wait_seconds(email) or 1


def succeeded(email: str | None) -> None:
    strategy = _strategy()
    if strategy is not None and email:
        strategy.clear(_item(), NAMESPACE, _key(email))


def minutes_text(seconds: int) -> int:
    """The wait in whole minutes for the message (at least one)."""
    return max(1, math.ceil(seconds / 60))
