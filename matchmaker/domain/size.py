"""Enterprise size classes (大中小微型企业划型).

Implements the table of 《中小企业划型标准规定》 (工信部联企业〔2011〕300号). For
each industry the standard gives an upper limit under which a firm is small or
medium-sized (中小微型企业) and lower bounds for the medium, small and micro
classes. The wording matters:

- a firm is an SME when *either* of its measures is under the upper limit
  ("……以下**或**……以下的为中小微型企业"), so a large enterprise must reach
  every upper limit;
- it is medium (or small) only when it reaches *both* of that class's lower bounds
  ("……及以上，**且**……及以上");
- otherwise it falls to the next class down, ending at micro.

"以下" excludes the bound and "及以上" includes it. Revenue (营业收入) and total
assets (资产总额) are in units of 10 000 CNY (万元).

Examples
--------
>>> from matchmaker.domain import size
>>> size.classify("制造业", employees=300, revenue_wan=2000).size
'medium'
>>> size.classify("工业", 299, 2000).size
'small'
"""

import math
import re
import unicodedata
from dataclasses import dataclass, field

from ._hanzi import to_simplified
from .errors import MissingMeasureError, SizeError, UnknownIndustryError

__all__ = [
    "INDUSTRIES",
    "SIZE_CLASSES",
    "SIZE_LABELS",
    "STANDARD",
    "Industry",
    "SizeResult",
    "classify",
    "get_industry",
    "normalize_industry",
]

STANDARD = "《中小企业划型标准规定》（工信部联企业〔2011〕300号）"

#: Size classes from smallest to largest.
SIZE_CLASSES = ("micro", "small", "medium", "large")
SIZE_LABELS = {"micro": "微型企业", "small": "小型企业", "medium": "中型企业", "large": "大型企业"}

_MEASURES = {
    # name: (Chinese name, unit, English name)
    "employees": ("从业人员", "人", "employees"),
    "revenue": ("营业收入", "万元", "revenue (10k CNY)"),
    "assets": ("资产总额", "万元", "total assets (10k CNY)"),
}


@dataclass(frozen=True)
class Industry:
    """One row of the standard's table.

    ``upper`` holds the limits under which a firm is an SME (any one measure
    under its limit suffices); ``medium`` and ``small`` the lower bounds that a
    firm must all reach to be in that class.
    """

    name: str
    name_en: str
    measures: tuple
    upper: dict
    medium: dict
    small: dict
    aliases: tuple = field(default=(), repr=False)


def _row(name, name_en, measures, upper, medium, small, aliases=()):
    def bounds(values):
        return dict(zip(measures, values))

    return Industry(name, name_en, measures, bounds(upper), bounds(medium), bounds(small),
                    (name, name_en) + tuple(aliases))


_E, _R, _A = "employees", "revenue", "assets"

#: The standard's table, in its own order.
INDUSTRIES = (
    _row("农林牧渔业", "agriculture, forestry, animal husbandry and fishery", (_R,),
         (20000,), (500,), (50,),
         ("农、林、牧、渔业", "农林牧渔", "农业", "林业", "畜牧业", "渔业", "agriculture",
          "farming", "forestry", "fishery", "fishing", "animal husbandry")),
    _row("工业", "industry", (_E, _R), (1000, 40000), (300, 2000), (20, 300),
         ("制造业", "采矿业", "电力、热力、燃气及水生产和供应业", "工业企业", "industrial",
          "manufacturing", "mining", "utilities")),
    _row("建筑业", "construction", (_R, _A), (80000, 80000), (6000, 5000), (300, 300),
         ("建筑", "建筑工程", "建筑施工")),
    _row("批发业", "wholesale", (_E, _R), (200, 40000), (20, 5000), (5, 1000),
         ("批发", "wholesale trade")),
    _row("零售业", "retail", (_E, _R), (300, 20000), (50, 500), (10, 100),
         ("零售", "retail trade")),
    _row("交通运输业", "transport", (_E, _R), (1000, 30000), (300, 3000), (20, 200),
         ("交通运输", "运输业", "运输", "道路运输业", "水上运输业", "航空运输业",
          "transportation", "transport (excluding railway)")),
    _row("仓储业", "warehousing", (_E, _R), (200, 30000), (100, 1000), (20, 100),
         ("仓储", "storage")),
    _row("邮政业", "postal services", (_E, _R), (1000, 30000), (300, 2000), (20, 100),
         ("邮政", "快递", "快递服务", "postal", "post", "courier", "express delivery")),
    _row("住宿业", "accommodation", (_E, _R), (300, 10000), (100, 2000), (10, 100),
         ("住宿", "酒店", "宾馆", "hotel", "hotels", "lodging")),
    _row("餐饮业", "catering", (_E, _R), (300, 10000), (100, 2000), (10, 100),
         ("餐饮", "restaurant", "restaurants", "food service", "food services")),
    _row("信息传输业", "information transmission", (_E, _R), (2000, 100000), (100, 1000),
         (10, 100),
         ("信息传输", "电信", "电信、广播电视和卫星传输服务", "互联网和相关服务", "互联网",
          "telecommunications", "telecom", "internet")),
    _row("软件和信息技术服务业", "software and IT services", (_E, _R), (300, 10000),
         (100, 1000), (10, 50),
         ("软件和信息技术服务", "软件业", "软件", "信息技术服务业", "信息技术服务", "IT服务",
          "software", "IT services", "software and information technology services")),
    _row("房地产开发经营", "real estate development", (_R, _A), (200000, 10000),
         (1000, 5000), (100, 2000),
         ("房地产开发", "房地产", "房地产业", "real estate",
          "real estate development and operation", "property development")),
    _row("物业管理", "property management", (_E, _R), (1000, 5000), (300, 1000), (100, 500),
         ("物业", "物业服务")),
    _row("租赁和商务服务业", "leasing and business services", (_E, _A), (300, 120000),
         (100, 8000), (10, 100),
         ("租赁和商务服务", "租赁业", "租赁", "商务服务业", "商务服务", "leasing",
          "business services")),
    _row("其他未列明行业", "other", (_E,), (300,), (100,), (10,),
         ("其他", "其它", "其他行业", "其他未列明", "其他未列明的行业", "others",
          "other industries", "other unlisted industries",
          # The standard lists these under 其他未列明行业.
          "科学研究和技术服务业", "水利、环境和公共设施管理业", "居民服务、修理和其他服务业",
          "社会工作", "文化、体育和娱乐业")),
)

_PUNCT = re.compile(r"[\s,，、;；:：/&\-_.·]+")


def _key(text):
    text = to_simplified(unicodedata.normalize("NFKC", text)).lower().replace("&", " and ")
    return _PUNCT.sub("", text)


_BY_KEY = {_key(alias): ind for ind in INDUSTRIES for alias in ind.aliases}
_PAREN = re.compile(r"^(?P<outer>[^(]*)\((?P<inner>[^)]*)\)(?P<rest>.*)$")


def normalize_industry(name):
    """Return the canonical industry name of the standard for `name`, or None.

    Accepts the standard's names, common aliases (制造业 -> 工业), English names
    and forms with a parenthesised detail such as ``工业（制造业）``.
    """
    if not isinstance(name, str):
        return None
    found = _BY_KEY.get(_key(name))
    if found is None:
        match = _PAREN.match(unicodedata.normalize("NFKC", name).strip())
        if match:
            for part in (match["outer"] + match["rest"], match["inner"]):
                found = _BY_KEY.get(_key(part))
                if found is not None:
                    break
    return found.name if found is not None else None


def get_industry(name):
    """Return the :class:`Industry` row for `name`.

    Raises
    ------
    UnknownIndustryError
        If `name` is not an industry of the standard; the error lists them.
    """
    canonical = normalize_industry(name)
    if canonical is None:
        raise UnknownIndustryError(name, [ind.name for ind in INDUSTRIES])
    return next(ind for ind in INDUSTRIES if ind.name == canonical)


@dataclass(frozen=True)
class SizeResult:
    """Outcome of :func:`classify`.

    Attributes
    ----------
    size : {'micro', 'small', 'medium', 'large'}
    industry : str
        Canonical industry name of the standard.
    rule : str
        The standard, the thresholds applied and the figures they were applied to.
    """

    size: str
    industry: str
    rule: str

    @property
    def label(self):
        """Chinese name of the size class, e.g. ``'中型企业'``."""
        return SIZE_LABELS[self.size]

    @property
    def is_sme(self):
        """True for medium, small and micro enterprises (中小微型企业)."""
        return self.size != "large"

    def __str__(self):
        return f"{self.label} ({self.size}) — {self.rule}"


def _number(value, measure):
    zh, _, en = _MEASURES[measure]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        try:
            value = float(str(value).replace(",", "").strip())
        except ValueError:
            raise SizeError(
                f"{zh}应为数字，得到 {value!r} / {en} must be a number, got {value!r}"
            ) from None
    if math.isnan(value) or value < 0:
        raise SizeError(
            f"{zh}不能为负数或空值，得到 {value!r} / {en} must be a non-negative number, "
            f"got {value!r}"
        )
    return value


def _fmt(value):
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _describe(bounds, joiner, relation):
    return joiner.join(
        f"{_MEASURES[m][0]}{_fmt(v)}{_MEASURES[m][1]}{relation}" for m, v in bounds.items()
    )


def classify(industry, employees=None, revenue_wan=None, assets_wan=None):
    """Classify an enterprise as micro, small, medium or large.

    Parameters
    ----------
    industry : str
        Industry name (canonical, alias or English), e.g. ``'制造业'``.
    employees : int, optional
        从业人员 (number of people employed). Needed by every industry except
        农林牧渔业, 建筑业 and 房地产开发经营.
    revenue_wan : float, optional
        营业收入 in 万元. Not needed by 租赁和商务服务业 and 其他未列明行业.
    assets_wan : float, optional
        资产总额 in 万元. Needed by 建筑业, 房地产开发经营 and 租赁和商务服务业.

    Returns
    -------
    SizeResult

    Raises
    ------
    UnknownIndustryError
        If the industry is not one of the standard's.
    MissingMeasureError
        If a figure the industry's rule needs is None.
    SizeError
        If a figure is negative or not a number.
    """
    row = get_industry(industry)
    given = {_E: employees, _R: revenue_wan, _A: assets_wan}
    values = {}
    for measure in row.measures:
        if given[measure] is None:
            zh, _, en = _MEASURES[measure]
            arg = {_E: "employees", _R: "revenue_wan", _A: "assets_wan"}[measure]
            needed = "、".join(_MEASURES[m][0] for m in row.measures)
            raise MissingMeasureError(
                f"{row.name}按{needed}划型，缺少{zh} / {row.name_en} is classified by "
                f"{', '.join(_MEASURES[m][2] for m in row.measures)}; {en} ({arg}) is missing"
            )
        values[measure] = _number(given[measure], measure)

    figures = "，".join(
        f"{_MEASURES[m][0]}{_fmt(v)}{_MEASURES[m][1]}" for m, v in values.items()
    )
    head = f"{STANDARD}{row.name}："
    if all(values[m] >= limit for m, limit in row.upper.items()):
        rule = (f"{_describe(row.upper, '或', '以下')}的为中小微型企业；"
                f"本企业{figures}，{'均' if len(values) > 1 else ''}达到上限，为大型企业")
        return SizeResult("large", row.name, head + rule)
    if all(values[m] >= bound for m, bound in row.medium.items()):
        size, bounds = "medium", row.medium
    elif all(values[m] >= bound for m, bound in row.small.items()):
        size, bounds = "small", row.small
    else:
        rule = (f"{_describe(row.small, '或', '以下')}的为微型企业；"
                f"本企业{figures}，为微型企业")
        return SizeResult("micro", row.name, head + rule)
    rule = (f"{_describe(bounds, '，且', '及以上')}的为{SIZE_LABELS[size]}"
            f"（上限：{_describe(row.upper, '或', '以下')}的为中小微型企业）；"
            f"本企业{figures}，为{SIZE_LABELS[size]}")
    return SizeResult(size, row.name, head + rule)
