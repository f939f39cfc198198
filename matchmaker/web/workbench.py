"""工作台: the page a user lands on after log-in, saying what needs them today."""
from __future__ import annotations

import datetime as dt

from flask import Blueprint, render_template
from flask import session as browser_session
from flask_login import current_user

from ..db import get_session
from ..models.event import EVENT_STATUSES
from ..models.posting import APPLICATION_STATUSES
from ..services import workbench as service
from ..services.events.followup import OPEN_STAGES, stage_label
from .access import login_required

bp = Blueprint("workbench", __name__, url_prefix="/workbench")

#: Where the log-in keeps the user's previous log-in time (ISO 8601, UTC) for this browser session.
PREVIOUS_LOGIN_KEY = "previous_login_at"


def previous_visit() -> dt.datetime | None:
    """The user's previous visit: the log-in before this one as noted at log-in, else the last log-in
    on record (a session restored from a remember-me cookie logs in without the form)."""
    noted = browser_session.get(PREVIOUS_LOGIN_KEY)
    if noted:
        try:
            value = dt.datetime.fromisoformat(noted)
        except (TypeError, ValueError):
            value = None
        if value is not None:
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if PREVIOUS_LOGIN_KEY in browser_session:  # noted as None: the first log-in ever
        return None
    return current_user.last_login_at


@bp.get("/")
@login_required
def index():
    session = get_session()
    role = current_user.role
    context = {"since": previous_visit(), "enterprise": None, "organiser": None, "admin": None,
               "application_statuses": APPLICATION_STATUSES, "event_statuses": EVENT_STATUSES,
               "open_stages": OPEN_STAGES, "stage_label": stage_label,
               "suggestion_demands": service.SUGGESTION_DEMANDS}
    if role == "enterprise" and current_user.enterprise_id is not None:
        context["enterprise"] = service.enterprise_workbench(session, current_user, context["since"])
    if role in ("organiser", "admin"):
        context["organiser"] = service.organiser_workbench(session, current_user)
    if role == "admin":
        context["admin"] = service.admin_workbench(session)
    return render_template("workbench/index.html", **context)
