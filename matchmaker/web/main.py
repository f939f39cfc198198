"""Home page: what is open on the platform right now."""
from __future__ import annotations

from flask import Blueprint, render_template

from ..db import get_session
from ..services import postings

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    session = get_session()
    overview = postings.home_overview(session, limit=12)
    return render_template("main/index.html", **overview)
