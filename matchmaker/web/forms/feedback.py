"""Showing a service's refusal on the form that caused it."""
from __future__ import annotations

from flask import flash

__all__ = ["show_error"]


def show_error(form, exc, field_map: dict | None = None) -> None:
    """Attach ``exc.message`` to the form field it names (via ``field_map``), else flash it."""
    message = getattr(exc, "message", None) or str(exc)
    name = getattr(exc, "field", None)
    name = (field_map or {}).get(name, name) if name else None
    field = getattr(form, name, None) if name else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message]
    else:
        flash(message, "error")
