"""Region scope for organisers: which enterprises and fairs an organiser may see, export and report.

An organiser limited to a region (:class:`matchmaker.domain.scope.Scope`) sees the
enterprises located in it and the fairs held in it (and any fair it organises
itself); admins, national organisers and organisers without a region see all.
Enterprise accounts are not limited by this: they act for their own enterprise.

Use :func:`scope_of` for the user, then :func:`enterprise_clause` /
:func:`event_clause` in a query's ``where`` (``None`` means no limit), or
:func:`sees_enterprise` / :func:`sees_event` for one object.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from ..domain.scope import Scope, place_variants
from ..models import Enterprise, Event

__all__ = ["Scope", "enterprise_clause", "event_clause", "scope_of", "sees_enterprise", "sees_event"]


def scope_of(user) -> Scope:
    """The user's region: national for admins, enterprise accounts and organisers without one."""
    if user is None or not getattr(user, "is_authenticated", False) or getattr(user, "role", None) != "organiser":
        return Scope()
    return Scope(user.scope_level or "national", user.scope_province, user.scope_city, user.scope_district)


def _place_clause(scope: Scope, province, city, district) -> ColumnElement | None:
    if scope.national:
        return None
    parts = [province == scope.province]
    if scope.city:
        parts.append(city.in_(place_variants(scope.city)))
    if scope.district:
        parts.append(district.in_(place_variants(scope.district)))
    return and_(*parts)


def enterprise_clause(scope: Scope) -> ColumnElement | None:
    """``where`` clause for enterprises in ``scope``; None for no limit."""
    return _place_clause(scope, Enterprise.region, Enterprise.city, Enterprise.district)


def event_clause(scope: Scope, user=None) -> ColumnElement | None:
    """``where`` clause for fairs held in ``scope`` (and those ``user`` organises); None for no limit."""
    clause = _place_clause(scope, Event.region, Event.city, Event.district)
    if clause is None:
        return None
    if user is not None and getattr(user, "id", None) is not None:
        return or_(clause, Event.organiser_id == user.id)
    return clause


def sees_enterprise(user, enterprise: Enterprise) -> bool:
    return scope_of(user).contains(enterprise.region, enterprise.city, enterprise.district)


def sees_event(user, event: Event) -> bool:
    if user is not None and event.organiser_id is not None and event.organiser_id == getattr(user, "id", None):
        return True
    return scope_of(user).contains(event.region, event.city, event.district)
