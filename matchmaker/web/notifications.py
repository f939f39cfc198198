"""The user's notifications: list, open (marks read), mark all read."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..db import get_session
from ..i18n import tr
from ..services import notifications as service
from .access import login_required
from .pagination import paginate
from .service_calls import attempt

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def _local(link: str | None) -> str | None:
    """Notification links are site paths; anything else is not followed."""
    if link and link.startswith("/") and not link.startswith(("//", "/\\")):
        return link
    return None


@bp.get("/")
@login_required
def index():
    unread_only = request.args.get("unread") == "1"
    page = paginate(get_session(), service.user_notifications(current_user.id, unread_only))
    return render_template("notifications/index.html", page=page, unread_only=unread_only)


@bp.post("/<int:notification_id>/read")
@login_required
def read(notification_id: int):
    _ok, note = attempt(lambda session: service.mark_read(session, current_user.id, notification_id))
    if note is None:
        abort(404)
    if request.form.get("open") == "1" and _local(note.link):
        return redirect(_local(note.link))
    return redirect(url_for("notifications.index"))


@bp.post("/read-all")
@login_required
def read_all():
    attempt(lambda session: service.mark_all_read(session, current_user.id),
            success=tr("全部通知已标为已读。", "All notifications marked read."))
    return redirect(url_for("notifications.index"))
