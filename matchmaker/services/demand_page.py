"""Everything the demand page shows, gathered for one viewer in one call."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Application, Enterprise
from . import matching
from .demands import invitations, visible_demand
from .postings.fields import today

__all__ = ["DemandPage", "demand_page"]


@dataclass
class DemandPage:
    demand: object
    is_owner: bool = False
    my_application: Application | None = None
    can_apply: bool = False
    application_counts: dict = field(default_factory=dict)
    suggestions: object = None  # a Page of matching.Suggestion, for the owner only
    #: For the owner: supplier id → what already links it to this demand: ``invited`` (a set of
    #: "apply"/"meet") and ``applied`` (the application's status), for the suggestions shown.
    contacts: dict = field(default_factory=dict)


def demand_page(session: Session, demand_id: int, enterprise: Enterprise | None, admin: bool = False,
                region: str | None = None, qualification: str | None = None, size: str | None = None,
                page: int = 1, per_page: int = 20) -> DemandPage:
    """The demand as ``enterprise`` may see it (drafts of others raise NotFound), with what is theirs to see:
    suggested suppliers and application counts for the owner, the own application for an SME."""
    enterprise_id = enterprise.id if enterprise is not None else None
    demand = visible_demand(session, demand_id, enterprise_id, admin=admin)
    result = DemandPage(demand=demand, is_owner=enterprise_id is not None and demand.enterprise_id == enterprise_id)
    if result.is_owner:
        rows = session.execute(select(Application.status, func.count()).where(Application.demand_id == demand.id)
                               .group_by(Application.status)).all()
        result.application_counts = {status: n for status, n in rows}
        result.suggestions = matching.suggested_suppliers(session, demand, region=region, qualification=qualification,
                                                          size=size, page=page, per_page=per_page)
        shown = {s.enterprise.id for s in (getattr(result.suggestions, "items", None) or [])}
        if shown:
            invited = invitations(session, demand.id)
            applied = dict(session.execute(select(Application.enterprise_id, Application.status).where(
                Application.demand_id == demand.id, Application.enterprise_id.in_(shown))).all())
            result.contacts = {e: {"invited": invited.get(e, set()), "applied": applied.get(e)} for e in shown}
    elif enterprise is not None:
        result.my_application = session.scalar(select(Application).where(
            Application.demand_id == demand.id, Application.enterprise_id == enterprise_id))
        result.can_apply = (result.my_application is None and demand.status == "published"
                            and (demand.deadline is None or demand.deadline >= today()))
    return result
