"""Errors a service raises when it refuses a request; views flash ``message``.

Messages are written with :func:`matchmaker.i18n.tr`, so they reach the user in
the language of the request. :class:`NotFound` is what a view turns into a 404:
an object that does not exist and one the user may not see look the same.
"""
from __future__ import annotations

__all__ = ["FieldErrors", "NotAllowed", "NotFound", "ServiceError"]


class ServiceError(Exception):
    """A request the platform refuses; ``message`` says what to change.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(ServiceError):
    """The object does not exist, or is not visible to the one asking."""

    def __init__(self, message: str = "not found"):
        super().__init__(message)


class NotAllowed(ServiceError):
    """The object is visible, but this user or this state does not allow the action."""


class FieldErrors(ServiceError):
    """Several fields refused at once: ``errors`` maps each field name to its messages.

    ``message`` joins them all and ``field`` names the first, so a caller that knows
    only :class:`ServiceError` still shows every problem.
    """

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(" ".join(m for ms in errors.values() for m in ms), field=next(iter(errors), None))
        self.errors = errors
