"""Finishing a request's writes: commit what a service did, or roll all of it back.

Services change the session they are given and never commit; the door that called
them does. Both doors of a request, the site and the API, end a
write with :func:`run`, so there is one place where a request commits and a
refusal or a failure can never leave half a change in the session for a later
commit to pick up. The site's :func:`matchmaker.web.service_calls.attempt` adds the
flashed messages on top; CLI commands and jobs use :func:`matchmaker.db.session_scope`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.orm import Session

from .db import get_session

__all__ = ["run"]

T = TypeVar("T")


def run(action: Callable[[Session], T], session: Session | None = None) -> T:
    """``action(session)``, committed; returns its result.

    Any exception (a service's refusal included) rolls the session back and is
    raised again. ``session`` defaults to the request's own.
    """
    session = session if session is not None else get_session()
    try:
        result = action(session)
    except BaseException:
        session.rollback()
        raise
    session.commit()
    return result
