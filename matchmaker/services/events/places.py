"""Where a fair is held (省/市/区县).

An organiser answering for a region (:mod:`matchmaker.services.scope`) creates
fairs only in it and may not move one out of it (whom they may register:
:mod:`.admission`); admins and national organisers are not limited.
"""
from __future__ import annotations

from ...domain.regions import normalize_region
from ...domain.scope import place_key
from ...i18n import tr
from ..errors import ServiceError
from ..scope import scope_of

__all__ = ["check_place", "clean_place"]


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

