"""我的商机: demands ranked for an organisation's capabilities, and open resources on its chain."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template
from flask_login import current_user

from ..db import get_session
from ..services import matching
from ..services.capabilities import has_active_capability
from .access import enterprise_required
from .pagination import page_number
from .postings.helpers import arg, arg_date, current_graph

bp = Blueprint("opportunities", __name__, url_prefix="/opportunities")


@bp.get("/")
@enterprise_required
def index():
    enterprise = current_user.enterprise
    filters = {"chain": arg("chain"), "region": arg("region"), "kind": arg("kind"),
               "deadline_before": arg_date("deadline"), "q": arg("q")}
    session = get_session()
    page = matching.opportunities_for(session, enterprise, **filters, page=page_number(),
                                      per_page=current_app.config.get("PER_PAGE", 20))
    has_capabilities = bool(page.total) or has_active_capability(session, enterprise.id)
    resources = matching.resources_for(session, current_graph(), enterprise)
    return render_template("opportunities/index.html", page=page, filters=filters,
                           has_capabilities=has_capabilities, resources=resources)

