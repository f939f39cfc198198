"""Calling a service from a view: commit what it did, or roll back and say why it refused.

Every form post runs the same few steps: call one service function, commit, flash
what happened; on a refusal roll back and show the service's message, next to its
field when the form has one. :func:`attempt` is those steps, so each view says
only what it calls and what it tells the user.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, request
from sqlalchemy.orm import Session

from .. import transactions
from ..services.errors import NotFound, ServiceError
from .forms.feedback import show_error

__all__ = ["attempt", "local_next", "or_404"]


def or_404(lookup: Callable, *args, **kwargs):
    """``lookup(*args, **kwargs)``, or the 404 page when it raises :class:`NotFound`."""
    try:
        return lookup(*args, **kwargs)
    except NotFound:
        abort(404)


def attempt(action: Callable[[Session], Any], *, success: str | None = None, form=None,
            field_map: dict | None = None, flash_always: bool = True,
            abort_on: dict[type, int] | None = None) -> tuple[bool, Any]:
    """Run ``action(session)`` and commit (:func:`matchmaker.transactions.run`); returns ``(True, its result)``.

    When a service refuses (:class:`ServiceError`), the session is rolled back, the
    message is shown (see :func:`~.forms.feedback.show_error`; ``form``, ``field_map``
    and ``flash_always`` are passed on) and ``(False, None)`` is returned. Errors
    listed in ``abort_on`` answer with their HTTP status instead, e.g. ``{NotFound: 404}``
    where an id in the URL named something the user may not see.
    ``success`` is flashed after the commit.
    """
    try:
        result = transactions.run(action)
    except ServiceError as exc:
        for error_type, status in (abort_on or {}).items():
            if isinstance(exc, error_type):
                abort(status)
        show_error(form, exc, field_map, flash_always=flash_always)
        return False, None
    if success:
        flash(success, "success")
    return True, result


def local_next(default: str, prefix: str = "/") -> str:
    """The form's ``next`` address when it is a path on this site under ``prefix``, else ``default``."""
    target = request.form.get("next") or ""
    return target if target.startswith(prefix) and not target.startswith("//") else default
