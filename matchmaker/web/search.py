"""Search: demands and capabilities by text, enterprises by name (fuzzy)."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from ..db import get_session
from ..paging import Page
from ..services import search as service
from ..services.enterprises import size_label
from .pagination import page_number

bp = Blueprint("search", __name__, url_prefix="/search")
MAX_QUERY = 100


@bp.get("/")
def index():
    query = (request.args.get("q") or "").strip()[:MAX_QUERY]
    tab = "enterprises" if request.args.get("tab") == "enterprises" else "postings"
    kind = request.args.get("kind") if request.args.get("kind") in service.KINDS else None
    per_page = current_app.config.get("PER_PAGE", 20)
    session = get_session()
    postings = enterprises = None
    counts = {"postings": 0, "enterprises": 0}
    if query:
        number = page_number()
        found = service.search_postings(session, query, kind, page=number if tab == "postings" else 1,
                                        per_page=per_page)
        postings = Page(items=found.items, page=number, per_page=per_page, total=found.total)
        enterprises = service.fuzzy_enterprise_page(session, query, page=number, per_page=per_page)
        counts = {"postings": found.total, "enterprises": enterprises.total}
        if "tab" not in request.args and not found.total and enterprises.total:
            tab = "enterprises"  # nothing to show on the first tab, but names match
    return render_template("search/index.html", query=query, tab=tab, kind=kind, postings=postings,
                           enterprises=enterprises, counts=counts, size_label=size_label)
