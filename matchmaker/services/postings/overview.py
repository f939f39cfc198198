"""What is open on the platform right now: the home page's and the API's overview."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from ...models import Capability, Demand, Enterprise

__all__ = ["home_overview"]


def home_overview(session: Session, limit: int = 12) -> dict:
    """Latest published demands plus platform counts for the home page."""
    demands = session.scalars(
        select(Demand).options(joinedload(Demand.enterprise))
        .where(Demand.status == "published")
        .order_by(Demand.published_at.desc().nulls_last(), Demand.id.desc())
        .limit(limit)
    ).all()
    counts = {
        "demands": session.scalar(select(func.count()).select_from(Demand).where(Demand.status == "published")),
        "capabilities": session.scalar(select(func.count()).select_from(Capability).where(Capability.active)),
        "large": session.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.size == "large")),
        "smes": session.scalar(select(func.count()).select_from(Enterprise).where(Enterprise.size != "large")),
    }
    return {"demands": demands, "counts": counts}
