"""The 34 province-level administrative regions of China (省级行政区).

Region fields are typed by hand in many ways: ``江苏省``, ``江苏``, ``苏``,
``Jiangsu``, ``jiangsu province``, traditional ``江蘇``, or with the city
appended (``江苏省南京市``). :func:`normalize_region` maps them all to the full
official name so that records can be compared.

Examples
--------
>>> normalize_region("jiangsu province")
'江苏省'
>>> short_name("廣東")
'广东'
>>> english_name("内蒙古")
'Inner Mongolia'
>>> division_code("Jiangsu"), region_by_division("320583")
('32', '江苏省')
"""

import re
import unicodedata

from ._hanzi import to_simplified

__all__ = ["DIVISION_CODES", "REGIONS", "division_code", "english_name", "normalize_region",
           "region_by_division", "short_name"]

# (full name, short name, single-character abbreviation(s), English name, other English names)
_TABLE = (
    ("北京市", "北京", "京", "Beijing", ("Peking",)),
    ("天津市", "天津", "津", "Tianjin", ()),
    ("河北省", "河北", "冀", "Hebei", ()),
    ("山西省", "山西", "晋", "Shanxi", ()),
    ("内蒙古自治区", "内蒙古", "蒙", "Inner Mongolia", ("Nei Mongol", "Neimenggu", "Nei Menggu")),
    ("辽宁省", "辽宁", "辽", "Liaoning", ()),
    ("吉林省", "吉林", "吉", "Jilin", ()),
    ("黑龙江省", "黑龙江", "黑", "Heilongjiang", ()),
    ("上海市", "上海", "沪", "Shanghai", ()),
    ("江苏省", "江苏", "苏", "Jiangsu", ()),
    ("浙江省", "浙江", "浙", "Zhejiang", ()),
    ("安徽省", "安徽", "皖", "Anhui", ()),
    ("福建省", "福建", "闽", "Fujian", ()),
    ("江西省", "江西", "赣", "Jiangxi", ()),
    ("山东省", "山东", "鲁", "Shandong", ()),
    ("河南省", "河南", "豫", "Henan", ()),
    ("湖北省", "湖北", "鄂", "Hubei", ()),
    ("湖南省", "湖南", "湘", "Hunan", ()),
    ("广东省", "广东", "粤", "Guangdong", ()),
    ("广西壮族自治区", "广西", "桂", "Guangxi", ()),
    ("海南省", "海南", "琼", "Hainan", ()),
    ("重庆市", "重庆", "渝", "Chongqing", ()),
    ("四川省", "四川", "川蜀", "Sichuan", ()),
    ("贵州省", "贵州", "黔贵", "Guizhou", ()),
    ("云南省", "云南", "滇云", "Yunnan", ()),
    ("西藏自治区", "西藏", "藏", "Xizang", ("Tibet",)),
    ("陕西省", "陕西", "陕秦", "Shaanxi", ()),
    ("甘肃省", "甘肃", "甘陇", "Gansu", ()),
    ("青海省", "青海", "青", "Qinghai", ()),
    ("宁夏回族自治区", "宁夏", "宁", "Ningxia", ()),
    ("新疆维吾尔自治区", "新疆", "新", "Xinjiang", ()),
    ("台湾省", "台湾", "台", "Taiwan", ()),
    ("香港特别行政区", "香港", "港", "Hong Kong", ("Hongkong", "HK", "HKSAR")),
    ("澳门特别行政区", "澳门", "澳", "Macao", ("Macau", "MSAR")),
)

#: Full official names of the 34 province-level regions.
REGIONS = tuple(row[0] for row in _TABLE)
_SHORT = {row[0]: row[1] for row in _TABLE}
_ENGLISH = {row[0]: row[3] for row in _TABLE}

#: First two digits of the administrative division codes (行政区划代码) of each
#: province-level region, GB/T 2260《中华人民共和国行政区划代码》.
DIVISION_CODES = {
    "北京市": "11", "天津市": "12", "河北省": "13", "山西省": "14", "内蒙古自治区": "15",
    "辽宁省": "21", "吉林省": "22", "黑龙江省": "23",
    "上海市": "31", "江苏省": "32", "浙江省": "33", "安徽省": "34", "福建省": "35", "江西省": "36",
    "山东省": "37",
    "河南省": "41", "湖北省": "42", "湖南省": "43", "广东省": "44", "广西壮族自治区": "45", "海南省": "46",
    "重庆市": "50", "四川省": "51", "贵州省": "52", "云南省": "53", "西藏自治区": "54",
    "陕西省": "61", "甘肃省": "62", "青海省": "63", "宁夏回族自治区": "64", "新疆维吾尔自治区": "65",
    "台湾省": "71", "香港特别行政区": "81", "澳门特别行政区": "82",
}
_BY_DIVISION = {code: region for region, code in DIVISION_CODES.items()}

_EN_SUFFIX = re.compile(
    r"\b(province|prov|municipality|city|shi|sheng|autonomous region|zizhiqu|"
    r"special administrative region|sar|zhuang|hui|uygur|uyghur|uighur|china|pr|prc)\b"
)
_PUNCT = re.compile(r"[\s.,，、()（）\-_'’]+")
_ZH_SUFFIXES = ("特别行政区", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "省", "市")


def _en_key(text):
    return _PUNCT.sub("", _EN_SUFFIX.sub(" ", text))


def _build_index():
    index = {}
    for full, short, abbrevs, english, others in _TABLE:
        index[full] = full
        index[short] = full
        for abbrev in abbrevs:
            index[abbrev] = full
        for name in (english, *others):
            index[_en_key(name.lower())] = full
    index["内蒙"] = "内蒙古自治区"
    return index


_INDEX = _build_index()
# Longest first, so that 黑龙江省南京 style prefixes match the right region.
_FULL_BY_LENGTH = sorted(REGIONS, key=len, reverse=True)


def normalize_region(text):
    """Return the full official name of the region named by `text`, or None.

    Parameters
    ----------
    text : str
        A region name in Chinese (simplified or traditional, full, short or
        one-character abbreviation), in English/pinyin, optionally followed by a
        city (``广东省深圳市``).

    Returns
    -------
    str or None
        E.g. ``'江苏省'``; None when `text` names no province-level region.
    """
    if not isinstance(text, str):
        return None
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    if text.isascii():
        return _INDEX.get(_en_key(text.lower()))
    text = _PUNCT.sub("", to_simplified(text))
    if text.startswith("中国") and len(text) > 2:
        text = text[2:]
    found = _INDEX.get(text)
    if found is not None:
        return found
    for suffix in _ZH_SUFFIXES:
        if text.endswith(suffix) and text[: -len(suffix)] in _INDEX:
            return _INDEX[text[: -len(suffix)]]
    for full in _FULL_BY_LENGTH:
        if text.startswith(full):
            return full
    return None


def short_name(region):
    """Return the short name (``'江苏'``) of a region given in any accepted form, or None."""
    full = normalize_region(region)
    return _SHORT[full] if full else None


def english_name(region):
    """Return the English name (``'Jiangsu'``) of a region given in any accepted form, or None."""
    full = normalize_region(region)
    return _ENGLISH[full] if full else None


def division_code(region):
    """Return the two-digit GB/T 2260 code (``'32'``) of a region given in any accepted form, or None."""
    full = normalize_region(region)
    return DIVISION_CODES[full] if full else None


def region_by_division(code):
    """Return the region whose GB/T 2260 code starts `code` (``'320583'`` → ``'江苏省'``), or None.

    Only the first two digits are read; None when they name no province-level
    region (``'10'``, used for registrations by central authorities, is none).
    """
    if not isinstance(code, str):
        return None
    return _BY_DIVISION.get(code[:2])
