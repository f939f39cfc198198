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

__all__ = ["AUTONOMOUS_PREFECTURES", "LEVELS", "Scope", "place_key", "place_variants"]

#: Levels from the widest to the narrowest: (key, Chinese, English).
LEVELS = (("national", "全国", "National"), ("province", "省级", "Provincial"), ("city", "市级", "City"),
          ("district", "区县级", "District"))
_LEVEL_KEYS = tuple(key for key, _zh, _en in LEVELS)
#: Suffixes dropped when comparing city and district names (longest first).
_SUFFIXES = ("自治州", "自治县", "自治旗", "地区", "新区", "盟", "市", "区", "县", "旗")
_AUTONOMOUS = ("自治州", "自治县", "自治旗")
#: The peoples named in autonomous prefectures' and counties' names (恩施土家族苗族自治州), longest first,
#: so that ``恩施土家族苗族自治州``, ``恩施州`` and ``恩施`` compare equal.
_PEOPLES = tuple(sorted((
    "蒙古", "回", "藏", "维吾尔", "苗", "彝", "壮", "布依", "朝鲜", "满", "侗", "瑶", "白", "土家", "哈尼",
    "哈萨克", "傣", "黎", "傈僳", "佤", "畲", "高山", "拉祜", "水", "东乡", "纳西", "景颇", "柯尔克孜", "土",
    "达斡尔", "仫佬", "羌", "布朗", "撒拉", "毛南", "仡佬", "锡伯", "阿昌", "普米", "塔吉克", "怒", "乌孜别克",
    "俄罗斯", "鄂温克", "德昂", "保安", "裕固", "京", "塔塔尔", "独龙", "鄂伦春", "赫哲", "门巴", "珞巴", "基诺",
    "各族"), key=len, reverse=True))
#: The 30 autonomous prefectures by their full names, so that a short name (``恩施``, ``恩施州``) also finds
#: records that spell the prefecture out in a SQL ``IN`` (:func:`place_variants`).
AUTONOMOUS_PREFECTURES = (
    "延边朝鲜族自治州", "恩施土家族苗族自治州", "湘西土家族苗族自治州", "阿坝藏族羌族自治州", "甘孜藏族自治州",
    "凉山彝族自治州", "黔东南苗族侗族自治州", "黔南布依族苗族自治州", "黔西南布依族苗族自治州", "楚雄彝族自治州",
    "红河哈尼族彝族自治州", "文山壮族苗族自治州", "西双版纳傣族自治州", "大理白族自治州", "德宏傣族景颇族自治州",
    "怒江傈僳族自治州", "迪庆藏族自治州", "临夏回族自治州", "甘南藏族自治州", "海北藏族自治州", "黄南藏族自治州",
    "海南藏族自治州", "果洛藏族自治州", "玉树藏族自治州", "海西蒙古族藏族自治州", "昌吉回族自治州",
    "博尔塔拉蒙古自治州", "巴音郭楞蒙古自治州", "克孜勒苏柯尔克孜自治州", "伊犁哈萨克自治州")


#: Short forms in everyday use that are not the place name plus 州: 博州 (博尔塔拉), 巴州 (巴音郭楞), 克州
#: (克孜勒苏). Only the whole name maps: 巴州区 (a district of 巴中) stays 巴州.
_SHORT_FORMS = {"博州": "博尔塔拉", "巴州": "巴音郭楞", "克州": "克孜勒苏"}


def _without_peoples(text: str) -> str:
    """``恩施土家族苗族`` → ``恩施``: the peoples' names at the end of an autonomous area's name dropped."""
    while True:
        for people in _PEOPLES:
            for ending in (people + "族", people):
                if text.endswith(ending) and len(text) > len(ending) + 1:
                    text = text[: -len(ending)]
                    break
            else:
                continue
            break
        else:
            return text


def place_key(name: str | None) -> str | None:
    """A city or district name reduced for comparison: simplified, no spaces, no 市/区/县 suffix.

    Autonomous areas compare by their place name alone: ``恩施土家族苗族自治州``, ``恩施州`` and ``恩施``
    are one prefecture.

    >>> place_key("恩施土家族苗族自治州"), place_key("恩施州"), place_key("海西蒙古族藏族自治州")
    ('恩施', '恩施', '海西')
    >>> place_key("苏州"), place_key("苏州市"), place_key("长阳土家族自治县"), place_key("鄂伦春自治旗")
    ('苏州', '苏州', '长阳', '鄂伦春')
    >>> place_key("博州"), place_key("巴音郭楞蒙古自治州"), place_key("巴州区")
    ('博尔塔拉', '巴音郭楞', '巴州')
    """
    if not name:
        return None
    text = to_simplified(unicodedata.normalize("NFKC", name)).strip().replace(" ", "")
    if text in _SHORT_FORMS:
        return _SHORT_FORMS[text]
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text = text[: -len(suffix)]
            return (_without_peoples(text) if suffix in _AUTONOMOUS else text) or None
    if text.endswith("州") and len(text) >= 3 and any(full.startswith(text[:-1]) for full in AUTONOMOUS_PREFECTURES):
        return text[:-1]  # 恩施州, 黔东南州: the usual short form of an autonomous prefecture
    return text or None


def place_variants(name: str | None) -> list[str]:
    """The spellings a stored city or district may have (``常州`` → ``常州``, ``常州市``), for a SQL ``IN``."""
    key = place_key(name)
    if key is None:
        return []
    variants = {key, name.strip()}
    variants.update(key + suffix for suffix in _SUFFIXES)
    variants.update(full for full in AUTONOMOUS_PREFECTURES if place_key(full) == key)
    if any(place_key(full) == key for full in AUTONOMOUS_PREFECTURES):
        variants.add(key + "州")
    variants.update(short for short, place in _SHORT_FORMS.items() if place == key)
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
            prefecture = any(place_key(full) == place_key(self.city) for full in AUTONOMOUS_PREFECTURES)
            if self.city.endswith(("市", "自治州", "盟", "地区")) or (prefecture and self.city.endswith("州")):
                parts.append(self.city)
            else:  # 苏州 → 苏州市; 恩施 (a city-level region, so the prefecture) → 恩施州
                parts.append(self.city + ("州" if prefecture else "市"))
        if self.district:
            parts.append(self.district)
        return "".join(parts)
