"""What is open on the platform right now: the home page's and the API's overview."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ...models import Capability, Demand, Enterprise
from ..ranked_cache import cache_of

__all__ = ["COUNTS_SECONDS", "home_overview"]

#: How long the platform counts of the home page may lag behind (seconds).
COUNTS_SECONDS = 30


def home_overview(session: Session, limit: int = 12) -> dict:
    """Latest published demands plus platform counts for the home page."""
    demands = session.scalars(
        select(Demand).options(joinedload(Demand.enterprise))
        .where(Demand.status == "published")
        .order_by(Demand.published_at.desc().nulls_last(), Demand.id.desc())
        .limit(limit)
    ).all()
    # Four counts over whole tables (50 ms at 300,000 postings): kept for a short while, shared by the workers.
    cache = cache_of(session)
    key = cache.key("home-counts")
    counts = cache.get(key)
    if counts is None:
        counts = {
            "demands": session.scalar(select(func.count()).select_from(Demand).where(Demand.status == "published")),
            "capabilities": session.scalar(select(func.count()).select_from(Capability).where(Capability.active)),
            "large": session.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.size == "large")),
            "smes": session.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.size != "large")),
        }
        cache.put(key, counts, seconds=COUNTS_SECONDS)
    return {"demands": demands, "counts": counts}
