"""Where a fair is held (省/市/区县), and whom an organiser limited to a region may pick.

An organiser answering for a region (:mod:`matchmaker.services.scope`) creates
fairs only in it, may not move one out of it, and registers only the enterprises
located in it; admins and national organisers are not limited.
"""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ...domain.regions import normalize_region
from ...domain.scope import place_key
from ...i18n import tr
from ...models import Enterprise
from ..errors import ServiceError
from ..scope import enterprise_clause, scope_of

__all__ = ["check_place", "clean_place", "find_enterprise"]


def clean_place(region: str | None, city: str | None, district: str | None) -> tuple[str | None, ...]:
    """The province as its full name (``江苏`` → ``江苏省``), city and district trimmed; unknown provinces refused."""
    region, city, district = ((value or "").strip() or None for value in (region, city, district))
    if region is not None:
        full = normalize_region(region)
        if full is None:
            raise ServiceError(tr("未知的省份：{r}", "Unknown province: {r}", r=region), field="region")
        region = full
    if district and not city:
        raise ServiceError(tr("填写区县时请同时填写城市。", "Give the city of the district."), field="city")
    return region, city, district


def check_place(user, region: str | None, city: str | None, district: str | None) -> None:
    """Refuse a place outside the organiser's region, naming the first field that leaves it."""
    scope = scope_of(user)
    if scope.contains(region, city, district):
        return
    message = tr("对接会须在您的管辖范围（{s}）内举办。", "The fair must be held within your region ({s}).",
                 s=scope.label)
    if not region or normalize_region(region) != scope.province:
        field = "region"
    elif scope.city and place_key(city) != place_key(scope.city):
        field = "city"
    else:
        field = "district"
    raise ServiceError(message, field=field)


def find_enterprise(session: Session, text: str, user=None) -> Enterprise:
    """An enterprise by exact name or credit code (for organisers registering on its behalf).

    An organiser limited to a region finds only the enterprises located in it.
    """
    text = (text or "").strip()
    stmt = select(Enterprise).where(or_(Enterprise.name == text, Enterprise.uscc == text.upper()))
    clause = enterprise_clause(scope_of(user))
    if clause is not None:
        stmt = stmt.where(clause)
    ent = session.scalar(stmt)
    if ent is None:
        if clause is not None:
            raise ServiceError(tr("您的管辖范围（{s}）内找不到名称或统一社会信用代码为“{t}”的企业。",
                                  "No enterprise named “{t}” or with that credit code in your region ({s}).",
                                  t=text, s=scope_of(user).label), field="enterprise")
        raise ServiceError(tr("找不到名称或统一社会信用代码为“{t}”的企业。",
                              "No enterprise named “{t}” or with that credit code.", t=text), field="enterprise")
    return ent
