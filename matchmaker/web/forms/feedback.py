"""Showing a service's refusal, or a form's own errors, to the user."""
from __future__ import annotations

from flask import flash

from ...services.errors import ServiceError

__all__ = ["flash_form_errors", "show_error"]


def show_error(form, exc, field_map: dict | None = None, *, flash_always: bool = False) -> None:
    """Attach ``exc.message`` to the form field it names (via ``field_map``), else flash it.

    With ``flash_always`` the message is flashed as well, for pages whose fields
    may sit out of view (long posting and fair forms).
    """
    if isinstance(getattr(exc, "errors", None), dict):  # FieldErrors: each message at its own field
        for name, messages in exc.errors.items():
            for message in messages:
                show_error(form, ServiceError(message, field=name), field_map, flash_always=flash_always)
        return
    message = getattr(exc, "message", None) or str(exc)
    name = getattr(exc, "field", None)
    name = (field_map or {}).get(name, name) if name else None
    field = getattr(form, name, None) if (form is not None and name) else None
    attached = field is not None and hasattr(field, "errors")
    if attached:
        field.errors = [*(field.errors or []), message]
    if flash_always or not attached:
        flash(message, "error")


def flash_form_errors(form) -> None:
    """Flash every validation error of a form posted from a page that does not show it."""
    for errors in form.errors.values():
        for message in errors:
            flash(str(message), "error")
