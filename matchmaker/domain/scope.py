"""The region an organiser answers for (省/市/区县), and whether a place lies in it.

A provincial bureau sees its province, a city bureau its city, a district
bureau its district; the national level (and an organiser without a region)
sees everything. Places are written in many ways (``常州`` and ``常州市``,
``武进区`` and ``武进``, traditional characters), so names are compared by
their key (:func:`place_key`).

Examples
--------
>>> city = Scope("city", "江苏", "常州市")
>>> city.province, city.contains("江苏省", "常州"), city.contains("江苏省", "苏州")
('江苏省', True, False)
>>> Scope("district", "江苏省", "常州", "武进区").contains("江苏省", "常州市", "武进")
True
>>> Scope().contains("广东省", "深圳"), Scope().label, Scope("city", "江苏", "苏州").label
(True, '全国', '江苏省苏州市')
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from ._hanzi import to_simplified
from .regions import normalize_region

__all__ = ["LEVELS", "Scope", "place_key", "place_variants"]

#: Levels from the widest to the narrowest: (key, Chinese, English).
LEVELS = (("national", "全国", "National"), ("province", "省级", "Provincial"), ("city", "市级", "City"),
          ("district", "区县级", "District"))
_LEVEL_KEYS = tuple(key for key, _zh, _en in LEVELS)
#: Suffixes dropped when comparing city and district names (longest first).
_SUFFIXES = ("自治州", "自治县", "地区", "新区", "盟", "市", "区", "县", "旗")


def place_key(name: str | None) -> str | None:
    """A city or district name reduced for comparison: simplified, no spaces, no 市/区/县 suffix."""
    if not name:
        return None
    text = to_simplified(unicodedata.normalize("NFKC", name)).strip().replace(" ", "")
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            return text[: -len(suffix)]
    return text or None


def place_variants(name: str | None) -> list[str]:
    """The spellings a stored city or district may have (``常州`` → ``常州``, ``常州市``), for a SQL ``IN``."""
    key = place_key(name)
    if key is None:
        return []
    variants = {key, name.strip()}
    variants.update(key + suffix for suffix in _SUFFIXES)
    return sorted(variants)


@dataclass(frozen=True)
class Scope:
    """An organiser's region. ``level`` is one of :data:`LEVELS`; the names are as typed."""

    level: str = "national"
    province: str | None = None
    city: str | None = None
    district: str | None = None

    def __post_init__(self):
        level = self.level if self.level in _LEVEL_KEYS else "national"
        province = normalize_region(self.province) if self.province else None
        # A level without its names falls back to the widest level it has names for.
        if level == "district" and not (province and self.city and self.district):
            level = "city"
        if level == "city" and not (province and self.city):
            level = "province"
        if level == "province" and not province:
            level = "national"
        object.__setattr__(self, "level", level)
        object.__setattr__(self, "province", province if level != "national" else None)
        object.__setattr__(self, "city", self.city.strip() if level in ("city", "district") else None)
        object.__setattr__(self, "district", self.district.strip() if level == "district" else None)

    @property
    def national(self) -> bool:
        return self.level == "national"

    def contains(self, province: str | None, city: str | None = None, district: str | None = None) -> bool:
        """Whether a place (an enterprise's or a fair's) lies in this region. Unknown places lie in none."""
        if self.national:
            return True
        if normalize_region(province) != self.province if province else True:
            return False
        if self.level in ("city", "district") and place_key(city) != place_key(self.city):
            return False
        if self.level == "district" and place_key(district) != place_key(self.district):
            return False
        return True

    @property
    def label(self) -> str:
        """The region in words: ``全国``, ``江苏省``, ``江苏省常州市``, ``江苏省常州市武进区``."""
        if self.national:
            return "全国"
        parts = [self.province]
        if self.city:
            parts.append(self.city if self.city.endswith(("市", "自治州", "盟", "地区")) else self.city + "市")
        if self.district:
            parts.append(self.district)
        return "".join(parts)
