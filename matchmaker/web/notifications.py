"""The user's notifications: list, open (marks read), mark all read."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..db import get_session
from ..i18n import tr
from ..services import notifications as service
from .access import login_required
from .pagination import paginate

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
    session = get_session()
    note = service.mark_read(session, current_user.id, notification_id)
    if note is None:
        abort(404)
    session.commit()
    if request.form.get("open") == "1" and _local(note.link):
        return redirect(_local(note.link))
    return redirect(url_for("notifications.index"))


@bp.post("/read-all")
@login_required
def read_all():
    session = get_session()
    service.mark_all_read(session, current_user.id)
    session.commit()
    flash(tr("全部通知已标为已读。", "All notifications marked read."), "success")
    return redirect(url_for("notifications.index"))
