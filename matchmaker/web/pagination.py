"""One way to paginate every list: ``?page=N`` over a SQLAlchemy select."""
from __future__ import annotations

import math
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session


@dataclass
class Page:
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


MAX_PAGE = 100_000


def page_number() -> int:
    try:
        return min(MAX_PAGE, max(1, int(request.args.get("page", 1))))
    except ValueError:
        return 1


def paginate(session: Session, stmt, per_page: int | None = None, page: int | None = None,
             scalars: bool = True) -> Page:
    per_page = per_page or current_app.config.get("PER_PAGE", 20)
    page = page or page_number()
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    result = session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    items = result.scalars().unique().all() if scalars else result.all()
    return Page(items=list(items), page=page, per_page=per_page, total=total or 0)


def paginate_list(items: list, per_page: int | None = None, page: int | None = None) -> Page:
    per_page = per_page or current_app.config.get("PER_PAGE", 20)
    page = page or page_number()
    start = (page - 1) * per_page
    return Page(items=items[start:start + per_page], page=page, per_page=per_page, total=len(items))
