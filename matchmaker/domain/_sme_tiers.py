"""Quality-SME designations (优质中小企业): tiers, levels and cultivation lists.

《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号) sets three tiers:
创新型中小企业 (evaluated by the provincial SME authority) → 专精特新中小企业
(认定 by the provincial SME authority) → 专精特新“小巨人”企业 (认定 by 工业和信息化部,
hence national by definition). MIIT's notices under it go to the SME authorities
of 各省、自治区、直辖市及计划单列市、新疆生产建设兵团: the plan cities (大连, 青岛, 宁波,
厦门, 深圳) and the 兵团 认定 专精特新中小企业 as a province does.

* ``专精特新`` without a level (or 省级) is the provincial tier; ``国家级专精特新`` is
  the 小巨人 tier. A provincial list that calls its members 小巨人 is still a
  provincial list.
* City and district/county lists (市级, 区县级) are local programmes outside the
  three tiers, ranked below the provincial tier; a place below a province (苏州市,
  浦东新区) names such a list.
* Cultivation lists (培育企业, 培育库, 储备, 后备, 拟认定, 申报中) name candidates, not
  holders.

Used by :mod:`matchmaker.domain.qualifications`; :func:`tier_key` reads a name
after its loose normalisation (upper case, no spaces or separators).
"""

import re

from .regions import REGIONS, short_name

__all__ = ["CITY_SRDI", "COUNTY_SRDI", "IMPLIES", "INNOVATIVE", "LITTLE_GIANT", "LITTLE_GIANT_CANDIDATE",
           "NAMES", "SRDI", "SRDI_CANDIDATE", "tier_key"]

INNOVATIVE = "创新型中小企业"
SRDI = "专精特新"  # 专精特新中小企业: the provincial tier
LITTLE_GIANT = "小巨人"  # 专精特新“小巨人”企业: the national tier
CITY_SRDI = "市级专精特新"
COUNTY_SRDI = "区县级专精特新"
SRDI_CANDIDATE = "专精特新培育企业"
LITTLE_GIANT_CANDIDATE = "小巨人培育企业"

#: A tier meets a requirement of every tier and list below it, never the reverse;
#: a cultivation list meets only itself.
IMPLIES = {
    LITTLE_GIANT: frozenset({SRDI, CITY_SRDI, COUNTY_SRDI, INNOVATIVE, SRDI_CANDIDATE,
                             LITTLE_GIANT_CANDIDATE}),
    SRDI: frozenset({CITY_SRDI, COUNTY_SRDI, INNOVATIVE, SRDI_CANDIDATE}),
    CITY_SRDI: frozenset({COUNTY_SRDI}),
}

#: Readable names by language.
NAMES = {
    "zh": {
        INNOVATIVE: "创新型中小企业",
        SRDI: "专精特新中小企业",
        LITTLE_GIANT: "专精特新“小巨人”",
        CITY_SRDI: "市级专精特新企业",
        COUNTY_SRDI: "区县级专精特新企业",
        SRDI_CANDIDATE: "专精特新培育企业",
        LITTLE_GIANT_CANDIDATE: "专精特新“小巨人”培育企业",
    },
    "en": {
        INNOVATIVE: "Innovative SME",
        SRDI: "SRDI SME (specialised, refined, distinctive, innovative)",
        LITTLE_GIANT: "SRDI “Little Giant”",
        CITY_SRDI: "City-level SRDI enterprise",
        COUNTY_SRDI: "District/county-level SRDI enterprise",
        SRDI_CANDIDATE: "SRDI candidate (cultivation list)",
        LITTLE_GIANT_CANDIDATE: "“Little Giant” candidate (cultivation list)",
    },
}

_SRDI_ENGLISH = ("SPECIALIZEDANDSOPHISTICATED", "SPECIALISEDANDSOPHISTICATED",
                 "SPECIALIZEDREFINED", "SPECIALISEDREFINED")
_SRDI_WORDS = re.compile("|".join((SRDI, LITTLE_GIANT, "LITTLEGIANT", "SRDI", *_SRDI_ENGLISH)))
_INNOVATIVE_WORDS = (INNOVATIVE, "INNOVATIVESME", "INNOVATIVESMALLANDMEDIUM")
_CANDIDATE = re.compile(r"培育|储备|后备|候选|入库|梯队|拟|申报|申请|CANDIDATE|CULTIVAT|RESERVE|PIPELINE")
_LEVELS = (  # checked in this order: 自治区级 before 区级, 直辖市级 before 市级
    ("national", re.compile(r"国家|工信部|工业和信息化部|NATIONAL")),
    ("provincial", re.compile(r"省级|自治区级|直辖市级|兵团|PROVINC")),
    ("city", re.compile(r"地市级|市级|州级|盟级|MUNICIPAL|CITY")),
    ("county", re.compile(r"区县级|县区级|区级|县级|旗级|DISTRICT|COUNTY")),
)
_TIER_OF_LEVEL = {"national": LITTLE_GIANT, "provincial": SRDI, "city": CITY_SRDI, "county": COUNTY_SRDI}
# Words around a designation that name no place: years, batches, verbs of award.
_FILLER = re.compile(r"(?:19|20)\d{2}年?度?|第[\d一二三四五六七八九十百]+批次?|年度|荣获|获评|获批|获得|"
                     r"入选|入围|当选|被认定为|认定为|被评为|评为|被授予|授予|已认定|已获|列入|纳入|"
                     r"通过|认定|成为|优质|中小企业|企业|获|的|为|是")
_PLAN_CITIES = ("大连", "青岛", "宁波", "厦门", "深圳")
_PROVINCE_SUFFIX = re.compile(r"(?:壮族|回族|维吾尔)?自治区|特别行政区|省|(?:生产建设)?兵团")
_PROVINCE_NAMES = sorted({*REGIONS, *(short_name(r) for r in REGIONS)}, key=len, reverse=True)
_BRACKETS = re.compile(r"[()（）\[\]【】]")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")


def tier_key(loose):
    """Key of a quality-SME designation in a loosely normalised name, or None if it names none."""
    if _SRDI_WORDS.search(loose) is None:
        return INNOVATIVE if any(word in loose for word in _INNOVATIVE_WORDS) else None
    text = _BRACKETS.sub("", loose)
    giant = LITTLE_GIANT in text or "LITTLEGIANT" in text
    level = _level(text, text[: _SRDI_WORDS.search(text).start()])
    if _CANDIDATE.search(text):
        return LITTLE_GIANT_CANDIDATE if giant or level == "national" else SRDI_CANDIDATE
    if level is None:
        return LITTLE_GIANT if giant else SRDI
    return _TIER_OF_LEVEL[level]


def _level(text, prefix):
    """The level of the list a designation is on: a stated level, else the place before it."""
    for level, pattern in _LEVELS:
        if pattern.search(text):
            return level
    place = _FILLER.sub("", prefix)
    if not _CJK.search(place):
        return None
    if place == "省":
        return "provincial"
    rest = place
    for name in (*_PROVINCE_NAMES, *_PLAN_CITIES):
        if place.startswith(name):
            rest = place[len(name):]
            if not rest or _PROVINCE_SUFFIX.fullmatch(rest) or (name in _PLAN_CITIES and rest == "市"):
                return "provincial"
            break
    if any(rest in (city, city + "市") for city in _PLAN_CITIES):
        return "provincial"
    # Any other place is below a province: a city (市, 州, 盟), or a district or county.
    return "county" if rest.endswith(("区", "县", "旗")) else "city"
