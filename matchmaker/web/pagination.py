"""Paging for the site's lists: ``?page=N`` and the site's ``PER_PAGE``."""
from __future__ import annotations

from flask import current_app, request
from sqlalchemy.orm import Session

from ..paging import MAX_PAGE, Page, page_of
from ..paging import paginate as _paginate

__all__ = ["page_number", "paginate", "paginate_list"]


def page_number() -> int:
    """The ``page`` query argument, from 1; 1 when absent or not a number."""
    try:
        return min(MAX_PAGE, max(1, int(request.args.get("page", 1))))
    except ValueError:
        return 1


def _per_page(per_page: int | None) -> int:
    return per_page or current_app.config.get("PER_PAGE", 20)


def paginate(session: Session, stmt, per_page: int | None = None, page: int | None = None,
             scalars: bool = True) -> Page:
    """The requested page of ``stmt``'s rows (see :func:`matchmaker.paging.paginate`)."""
    return _paginate(session, stmt, _per_page(per_page), page or page_number(), scalars=scalars)


def paginate_list(items: list, per_page: int | None = None, page: int | None = None) -> Page:
    """The requested page of a list already in memory."""
    return page_of(items, _per_page(per_page), page or page_number())
