"""One page of a longer list: ``Page`` and the two ways to cut one (a select, a list).

Shared by the site, the API and the services; the request-reading helpers live
with each door (``web.pagination``, ``api.params``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

__all__ = ["MAX_PAGE", "Page", "page_of", "paginate"]

#: The highest page number a request may ask for.
MAX_PAGE = 100_000


@dataclass
class Page:
    """The items of page ``page`` (from 1) of ``total`` items, ``per_page`` at a time."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(session: Session, stmt: Select, per_page: int, page: int, scalars: bool = True) -> Page:
    """Page ``page`` of the rows of ``stmt``, counted with one extra query.

    ``scalars`` False keeps whole rows (for selects of several columns).
    """
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = result.scalars().unique().all() if scalars else result.all()
    return Page(items=list(items), page=page, per_page=per_page, total=total or 0)


def page_of(items: list, per_page: int, page: int) -> Page:
    """Page ``page`` of a list already in memory."""
    start = (page - 1) * per_page
    return Page(items=items[start:start + per_page], page=page, per_page=per_page, total=len(items))
