"""Search: demands and capabilities by text, enterprises by name (fuzzy)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup, escape

from ..db import get_session
from ..domain.text import normalize
from ..paging import Page
from ..services import names
from ..services import search as service
from ..services.enterprises import size_label
from .pagination import page_number

bp = Blueprint("search", __name__, url_prefix="/search")
MAX_QUERY = 100


@dataclass
class _CountedPage(Page):
    """A page of hits counted up to a cap: ``total_label`` is what is shown (``1,000+``); a capped
    ``total`` counts one more, so that the page after the last counted one is offered."""

    total_label: str = ""


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
        postings = _CountedPage(items=found.items, page=number, per_page=per_page,
                                total=found.total + found.capped, total_label=found.total_label)
        enterprises = names.fuzzy_enterprise_page(session, query, page=number, per_page=per_page)
        counts = {"postings": found.total_label, "enterprises": enterprises.total}
        if "tab" not in request.args and not found.total and enterprises.total:
            tab = "enterprises"  # nothing to show on the first tab, but names match
    words = query.split() + (found.also if query else [])
    return render_template("search/index.html", query=query, tab=tab, kind=kind, postings=postings,
                           enterprises=enterprises, counts=counts, size_label=size_label,
                           also=found.also if query else [], marked=lambda text: highlight(text, words))


def highlight(text: str | None, words: list[str]) -> Markup:
    """``text`` escaped, with every occurrence of ``words`` in ``<mark>``.

    Matched in the search's foldings (traditional → simplified with its vocabulary,
    full-width → half-width, any case), so ``碳化矽`` in a posting is marked for the
    query ``碳化硅``. A folding that changes the text's length cannot be mapped back
    and is skipped.
    """
    text = text or ""
    keys = {k for w in words if w for k in (service.fold(w), normalize(w)) if k}
    if not keys or not text:
        return escape(text)
    pattern = re.compile("|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True)))
    marked = [False] * len(text)
    for folded in {service.fold(text), normalize(text), unicodedata.normalize("NFKC", text).casefold()}:
        if len(folded) == len(text):
            for match in pattern.finditer(folded):
                marked[match.start():match.end()] = [True] * (match.end() - match.start())
    parts, i = [], 0
    while i < len(text):
        j = i
        while j < len(text) and marked[j] == marked[i]:
            j += 1
        parts.append(Markup("<mark>{}</mark>").format(text[i:j]) if marked[i] else escape(text[i:j]))
        i = j
    return Markup("").join(parts)
