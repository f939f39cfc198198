"""Who may do what: role decorators and ownership checks used by every blueprint.

Every object fetched from a URL id goes through :func:`owned_or_404` (or a service
that does the same), so changing an id in a URL never reaches another enterprise's
data: it answers 404, not 403, so ids of others' drafts are not even confirmed.
"""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

__all__ = ["login_required", "role_required", "enterprise_required", "organiser_required", "admin_required",
           "owned_or_404", "current_enterprise_id"]


def role_required(*roles: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


admin_required = role_required("admin")
organiser_required = role_required("organiser", "admin")


def enterprise_required(view):
    """A signed-in user who belongs to an organisation.

    Every member organisation may post and apply, whatever its size (a small firm
    buys from others, a university answers a challenge); the services decide what
    needs verification, and ownership is checked per object.
    """
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "enterprise" or current_user.enterprise_id is None:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def current_enterprise_id() -> int | None:
    return current_user.enterprise_id if current_user.is_authenticated else None


def owned_or_404(obj, enterprise_id: int | None = None):
    """``obj`` if it exists and belongs to the user's enterprise (admins pass), else 404."""
    if obj is None:
        abort(404)
    if current_user.is_authenticated and current_user.role == "admin":
        return obj
    owner = enterprise_id if enterprise_id is not None else current_enterprise_id()
    if owner is None or getattr(obj, "enterprise_id", None) != owner:
        abort(404)
    return obj
