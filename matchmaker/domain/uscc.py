"""Unified social credit code (统一社会信用代码, GB 32100-2015).

A code has 18 characters drawn from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (the
letters I, O, Z, S and V are left out so that they cannot be misread). GB
32100-2015 §4 gives each position its meaning, and :func:`validate` checks all
of them:

========  ====================================================================
position  content
========  ====================================================================
1         registration authority (登记管理部门代码), :data:`AUTHORITIES`
2         category of the registered body (机构类别代码); which categories an
          authority may use is GB 32100-2015 table 1, :data:`CATEGORIES`
3-8       administrative division of the registering authority
          (登记管理机关行政区划码): six digits of GB/T 2260, whose first two
          name a province-level region, or ``100000`` for central authorities
9-17      the organisation code (主体标识码, GB 11714-1997): eight characters
          and, in position 17, their own check character (weights
          3, 7, 9, 10, 5, 8, 4, 2; ``11 - sum mod 11``, 10 written ``X``, 11
          written ``0``)
18        the check character of the first 17 characters, weights
          ``3**(i-1) mod 31`` (GB 32100-2015 §5)
========  ====================================================================

Positions 1 and 2 tell what kind of body holds the code: :func:`entity_kind`
turns them into one of :data:`ENTITY_KINDS` (an enterprise, a 机关, a 事业单位
such as a public university or hospital, …). :func:`province_mismatch` warns
when the division's province is not the region an enterprise declares.

Examples
--------
>>> from matchmaker.domain import uscc
>>> result = uscc.validate("914403001922038216")
>>> bool(result), result.entity_kind, result.province
(True, 'enterprise', '广东省')
>>> uscc.make("91440300192203821")
'914403001922038216'
>>> uscc.build("1", "2", "320100", "MB1A2345")
'12320100MB1A234576'
>>> uscc.entity_kind("12320100MB1A234576")
'public_institution'
"""

import unicodedata
from dataclasses import dataclass

from .errors import UsccError
from .regions import DIVISION_CODES, english_name, normalize_region, region_by_division

__all__ = [
    "AUTHORITIES",
    "CATEGORIES",
    "CENTRAL_DIVISION",
    "CHARSET",
    "ENTITY_KINDS",
    "UsccResult",
    "build",
    "check_char",
    "entity_kind",
    "entity_kind_label",
    "make",
    "org_check_char",
    "province_mismatch",
    "validate",
]

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18

#: Registration authority codes (登记管理部门代码), GB 32100-2015 table 1.
AUTHORITIES = {
    "1": "机构编制",
    "2": "外交",
    "3": "司法行政",
    "4": "文化",
    "5": "民政",
    "6": "旅游",
    "7": "宗教",
    "8": "工会",
    "9": "市场监督管理（工商）",
    "A": "中央军委改革和编制办公室",
    "N": "农业",
    "Y": "其他",
}
_AUTHORITIES_EN = {
    "1": "establishment administration",
    "2": "foreign affairs",
    "3": "judicial administration",
    "4": "culture",
    "5": "civil affairs",
    "6": "tourism",
    "7": "religious affairs",
    "8": "trade unions",
    "9": "market regulation (industry and commerce)",
    "A": "Reform and Organisation Office of the Central Military Commission",
    "N": "agriculture",
    "Y": "other",
}

#: Category codes (机构类别代码) each registration authority may use, GB 32100-2015
#: table 1: ``{authority: {category: (Chinese name, English name)}}``. Category 9 of
#: most authorities is "other"; 工商 (now market regulation) has no category 9, and
#: "Y" (other authorities) has the single category 1.
CATEGORIES = {
    "1": {"1": ("机关", "government organ"),
          "2": ("事业单位", "public institution"),
          "3": ("中央编办直接管理机构编制的群众团体",
                "mass organisation staffed under the central establishment office"),
          "9": ("其他", "other")},
    "2": {"1": ("外国常驻新闻机构", "resident foreign news agency"),
          "9": ("其他", "other")},
    "3": {"1": ("律师执业机构", "law firm"),
          "2": ("公证处", "notary office"),
          "3": ("基层法律服务所", "grassroots legal service office"),
          "4": ("司法鉴定机构", "forensic appraisal institution"),
          "5": ("仲裁委员会", "arbitration commission"),
          "9": ("其他", "other")},
    "4": {"1": ("外国在华文化中心", "foreign cultural centre in China"),
          "9": ("其他", "other")},
    "5": {"1": ("社会团体", "social association"),
          "2": ("民办非企业单位（社会服务机构）", "private non-enterprise unit (social service organisation)"),
          "3": ("基金会", "foundation"),
          "9": ("其他", "other")},
    "6": {"1": ("外国旅游部门常驻代表机构", "resident office of a foreign tourism authority"),
          "2": ("港澳台地区旅游部门常驻内地（大陆）代表机构",
                "resident office of a Hong Kong, Macao or Taiwan tourism authority"),
          "9": ("其他", "other")},
    "7": {"1": ("宗教活动场所", "place of religious activity"),
          "2": ("宗教院校", "religious school"),
          "9": ("其他", "other")},
    "8": {"1": ("基层工会", "grassroots trade union"),
          "9": ("其他", "other")},
    "9": {"1": ("企业", "enterprise"),
          "2": ("个体工商户", "individual business"),
          "3": ("农民专业合作社", "farmers' specialised cooperative")},
    "A": {"1": ("军队事业单位", "military public institution"),
          "9": ("其他", "other")},
    "N": {"1": ("组级集体经济组织", "group-level collective economic organisation"),
          "2": ("村级集体经济组织", "village-level collective economic organisation"),
          "3": ("乡镇级集体经济组织", "township-level collective economic organisation"),
          "9": ("其他", "other")},
    "Y": {"1": ("其他", "other")},
}

#: What kind of body holds a code, by :func:`entity_kind`: ``{kind: (Chinese, English)}``.
ENTITY_KINDS = {
    "enterprise": ("企业", "enterprise"),
    "individual_business": ("个体工商户", "individual business"),
    "cooperative": ("农民专业合作社", "farmers' cooperative"),
    "government": ("机关", "government organ"),
    "public_institution": ("事业单位", "public institution"),
    "social_organisation": ("社会组织", "social organisation"),
    "other": ("其他组织", "other organisation"),
}

# Positions 1-2 → entity kind. 军队事业单位 (A1) are 事业单位; the mass organisations
# of 13 (工会、共青团、妇联 and the like) and the 社会团体, 民办非企业单位 and 基金会
# registered by civil affairs (51-53) are social organisations. Everything else
# (law firms, collective economic organisations, "other" categories) is "other".
_KINDS = {
    "91": "enterprise",
    "92": "individual_business",
    "93": "cooperative",
    "11": "government",
    "12": "public_institution",
    "A1": "public_institution",
    "13": "social_organisation",
    "51": "social_organisation",
    "52": "social_organisation",
    "53": "social_organisation",
}

#: Division code of bodies registered by central authorities (国家级登记管理机关),
#: e.g. universities under the Ministry of Education (``12100000…``) or
#: national associations registered by the Ministry of Civil Affairs
#: (``51100000…``). ``10`` and ``00`` are no province codes of GB/T 2260: of the
#: divisions starting with them only this national one is accepted.
CENTRAL_DIVISION = "100000"

_PROVINCE_CODES = frozenset(DIVISION_CODES.values())

# GB 11714-1997 §5: weights of the eight body characters of an organisation code.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CHECK_CHARS = "0123456789X"


@dataclass(frozen=True)
class UsccResult:
    """Outcome of :func:`validate`.

    Attributes
    ----------
    valid : bool
        Whether the code is a well-formed unified social credit code.
    code : str
        The code after normalisation (stripped, upper-case, full-width
        characters turned into half-width ones).
    reason : str or None
        None when valid; otherwise why the code is invalid, in Chinese and English.
    entity_kind : str or None
        When valid, one of :data:`ENTITY_KINDS` (from positions 1-2).
    category : str or None
        When valid, the Chinese name of the category of GB 32100-2015 table 1
        (``'事业单位'``).
    division : str or None
        When valid, the six-digit administrative division (positions 3-8).
    province_code : str or None
        When valid, the two-digit GB/T 2260 code of the division's province
        (``'32'``); None for central registrations (:data:`CENTRAL_DIVISION`).
    province : str or None
        The full name of that province (``'江苏省'``); None as `province_code`.
    """

    valid: bool
    code: str
    reason: str | None = None
    entity_kind: str | None = None
    category: str | None = None
    division: str | None = None
    province_code: str | None = None
    province: str | None = None

    def __bool__(self):
        return self.valid

    def __str__(self):
        if self.valid:
            return f"{self.code}: 有效 / valid"
        return f"{self.code or '(empty)'}: 无效 / invalid — {self.reason}"


def _normalise(code):
    if code is None:
        return ""
    # NFKC folds full-width letters and digits (ＡＢ１２) into ASCII.
    return unicodedata.normalize("NFKC", str(code)).strip().upper()


def _bad_char_reason(char, position):
    return (
        f"第{position}位字符 {char!r} 不是统一社会信用代码允许的字符"
        f"（允许 {CHARSET}，不含 I、O、Z、S、V） / "
        f"character {char!r} at position {position} is not allowed "
        f"(allowed: {CHARSET}; I, O, Z, S and V are never used)"
    )


def _weighted_check(first17):
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def _org_value(char):
    # GB 11714-1997 §5: digits count as themselves, letters A-Z as 10-35.
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def _org_check(body8):
    remainder = 11 - sum(_org_value(c) * w for c, w in zip(body8, _ORG_WEIGHTS)) % 11
    return _ORG_CHECK_CHARS[remainder % 11]


def _authority_reason(char):
    return (
        f"第1位登记管理部门代码 {char!r} 无效（应为 {'、'.join(AUTHORITIES)}） / "
        f"registration authority code {char!r} at position 1 is not valid "
        f"(expected one of {', '.join(AUTHORITIES)})"
    )


def _category_reason(authority, char):
    allowed = CATEGORIES[authority]
    zh = "、".join(f"{code}（{names[0]}）" for code, names in allowed.items())
    en = ", ".join(f"{code} ({names[1]})" for code, names in allowed.items())
    return (
        f"第2位机构类别代码 {char!r} 不属于登记管理部门 {authority}（{AUTHORITIES[authority]}），"
        f"应为 {zh}（GB 32100-2015 表1） / "
        f"category code {char!r} at position 2 is not one of registration authority {authority} "
        f"({_AUTHORITIES_EN[authority]}); expected {en} (GB 32100-2015 table 1)"
    )


def _division_reason(division):
    for position, char in enumerate(division, start=3):
        if not char.isdigit():
            return (
                f"第3-8位登记管理机关行政区划码只能是数字，第{position}位为 {char!r} / "
                f"positions 3-8 (administrative division code) must be digits; "
                f"position {position} is {char!r}"
            )
    if division == CENTRAL_DIVISION or division[:2] in _PROVINCE_CODES:
        return None
    return (
        f"第3-8位行政区划码 {division} 的前两位 {division[:2]} 不是省级行政区代码"
        f"（GB/T 2260，如 11 北京、32 江苏；中央登记为 {CENTRAL_DIVISION}） / "
        f"administrative division {division} at positions 3-8 does not start with a "
        f"province-level code of GB/T 2260 (e.g. 11 Beijing, 32 Jiangsu; "
        f"{CENTRAL_DIVISION} for central registrations)"
    )



def _org_code_reason(org):
    body, check = org[:8], org[8]
    if check not in _ORG_CHECK_CHARS:
        return (
            f"第17位是组织机构代码（第9-17位，GB 11714-1997）的校验码，只能是数字或 X，实际为 {check!r} / "
            f"position 17 is the check character of the organisation code (positions 9-17, "
            f"GB 11714-1997) and must be a digit or X, got {check!r}"
        )
    expected = _org_check(body)
    if check != expected:
        return (
            f"组织机构代码校验码错误：第9-17位 {body}-{check} 的校验码应为 {expected!r}"
            f"（GB 11714-1997） / wrong check character of the organisation code: "
            f"positions 9-17 {body}-{check} should end in {expected!r} (GB 11714-1997)"
        )
    return None


def _structure_reason(norm):
    """Why the 17 or 18 characters `norm` cannot begin a valid code, or None."""
    for position, char in enumerate(norm, start=1):
        if char not in _VALUE:
            return _bad_char_reason(char, position)
    authority, category = norm[0], norm[1]
    if authority not in AUTHORITIES:
        return _authority_reason(authority)
    if category not in CATEGORIES[authority]:
        return _category_reason(authority, category)
    return _division_reason(norm[2:8]) or _org_code_reason(norm[8:17])


def validate(code):
    """Check a unified social credit code against GB 32100-2015.

    Every position is checked (see the module docstring): the character set,
    the registration authority and the category it may use, a division of six
    digits in a province-level region, the organisation code's own check
    character (GB 11714-1997) and the overall check character.

    Parameters
    ----------
    code : str
        The code as typed; surrounding spaces, lower case and full-width
        characters are accepted.

    Returns
    -------
    UsccResult
        Truthy when the code is valid, then also giving the entity kind and
        the province; its ``reason`` says why it is not.

    Examples
    --------
    >>> print(validate("914403001922038217").reason)  # doctest: +ELLIPSIS
    校验位错误：第18位应为 '6'，实际为 '7' / wrong check character: ...
    >>> print(validate("9132010MA1PW000100").reason)  # doctest: +ELLIPSIS
    第3-8位登记管理机关行政区划码只能是数字，第8位为 'M' / ...
    """
    norm = _normalise(code)
    if len(norm) != LENGTH:
        return UsccResult(
            False,
            norm,
            f"长度应为{LENGTH}位，实际为{len(norm)}位 / "
            f"must be {LENGTH} characters long, got {len(norm)}",
        )
    reason = _structure_reason(norm)
    if reason:
        return UsccResult(False, norm, reason)
    expected = _weighted_check(norm[:17])
    if norm[17] != expected:
        return UsccResult(
            False,
            norm,
            f"校验位错误：第18位应为 {expected!r}，实际为 {norm[17]!r} / "
            f"wrong check character: position 18 should be {expected!r}, got {norm[17]!r}",
        )
    division = norm[2:8]
    province = region_by_division(division)
    return UsccResult(
        True,
        norm,
        None,
        entity_kind=_KINDS.get(norm[:2], "other"),
        category=CATEGORIES[norm[0]][norm[1]][0],
        division=division,
        province_code=DIVISION_CODES[province] if province else None,
        province=province,
    )


def check_char(first17):
    """Return the check character (position 18) for the first 17 characters.

    Only the character set is checked here; :func:`make` and :func:`build`
    refuse first characters that cannot begin a valid code.

    Parameters
    ----------
    first17 : str
        The first 17 characters of a code (normalised as in :func:`validate`).

    Returns
    -------
    str
        One character of :data:`CHARSET`.

    Raises
    ------
    UsccError
        If `first17` is not 17 characters of the code's character set.
    """
    norm = _normalise(first17)
    if len(norm) != LENGTH - 1:
        raise UsccError(
            f"需要前17位，实际为{len(norm)}位 / need the first 17 characters, got {len(norm)}"
        )
    for position, char in enumerate(norm, start=1):
        if char not in _VALUE:
            raise UsccError(_bad_char_reason(char, position))
    return _weighted_check(norm)


def org_check_char(body8):
    """Return the check character of an organisation code body (GB 11714-1997 §5).

    Parameters
    ----------
    body8 : str
        The eight body characters (digits or capital letters), e.g. positions
        9-16 of a unified social credit code.

    Returns
    -------
    str
        A digit or ``'X'``.

    Raises
    ------
    UsccError
        If `body8` is not eight characters of :data:`CHARSET`.

    Examples
    --------
    >>> org_check_char("19220382")
    '1'
    """
    norm = _normalise(body8)
    if len(norm) != 8:
        raise UsccError(
            f"组织机构代码本体应为8位，实际为{len(norm)}位 / "
            f"the organisation code body must be 8 characters long, got {len(norm)}"
        )
    for position, char in enumerate(norm, start=9):
        if char not in _VALUE:
            raise UsccError(_bad_char_reason(char, position))
    return _org_check(norm)


def make(first17):
    """Complete a code by appending its check character.

    Parameters
    ----------
    first17 : str
        The first 17 characters of a code, the embedded organisation code
        (positions 9-17) with its own check character.

    Returns
    -------
    str
        The 18-character code (normalised), valid by :func:`validate`.

    Raises
    ------
    UsccError
        As :func:`check_char`, and when the first 17 characters cannot begin a
        valid code (an unknown authority or category, a division that is not six
        digits of a province, a wrong organisation-code check character); the
        message is the reason :func:`validate` gives.
    """
    norm = _normalise(first17)
    code = norm + check_char(norm)
    reason = _structure_reason(norm)
    if reason:
        raise UsccError(reason)
    return code


def build(authority, category, division, body8):
    """Assemble a valid code from its parts, computing both check characters.

    Parameters
    ----------
    authority : str
        Registration authority, one of :data:`AUTHORITIES` (``'9'``).
    category : str
        Category allowed for that authority by :data:`CATEGORIES` (``'1'``).
    division : str
        Six-digit administrative division (``'320505'``).
    body8 : str
        The eight body characters of the organisation code; its check
        character (GB 11714-1997) is appended.

    Returns
    -------
    str
        The 18-character code.

    Raises
    ------
    UsccError
        When a part is not allowed, with the reason :func:`validate` gives.

    Examples
    --------
    >>> build("9", "1", "440300", "19220382")
    '914403001922038216'
    """
    division = _normalise(division)
    if len(division) != 6:
        raise UsccError(
            f"行政区划码应为6位数字，实际为{len(division)}位 / "
            f"the administrative division must be six digits, got {len(division)} characters"
        )
    body = _normalise(body8)
    return make(_normalise(authority) + _normalise(category) + division + body
                + org_check_char(body))


def entity_kind(code):
    """Return what kind of body holds `code`: one of :data:`ENTITY_KINDS`.

    From positions 1-2 (GB 32100-2015 table 1): ``'enterprise'`` (91),
    ``'individual_business'`` (92), ``'cooperative'`` (93), ``'government'``
    (11 机关), ``'public_institution'`` (12 事业单位, A1 军队事业单位),
    ``'social_organisation'`` (51 社会团体, 52 民办非企业单位, 53 基金会, 13
    群众团体) and ``'other'`` for every other category.

    Raises
    ------
    UsccError
        If `code` is not valid (the message says why); ``validate(code).entity_kind``
        gives None instead.

    Examples
    --------
    >>> entity_kind("91350100M000100Y43")
    'enterprise'
    """
    result = validate(code)
    if not result.valid:
        raise UsccError(result.reason)
    return result.entity_kind


def entity_kind_label(kind):
    """The Chinese name of an entity kind (``'事业单位'``); :data:`ENTITY_KINDS` has the English one."""
    return ENTITY_KINDS[kind][0]


def province_mismatch(code, region):
    """A warning when the code's division is not in the declared region, else None.

    The division (positions 3-8) is that of the registering authority, so an
    enterprise that moved may legitimately differ: this is a warning to check
    the data, not a reason to refuse it.

    Parameters
    ----------
    code : str
        A unified social credit code.
    region : str
        The declared province-level region, in any form
        :func:`~matchmaker.domain.regions.normalize_region` accepts.

    Returns
    -------
    str or None
        The warning, ``'中文 / English'``; None when the provinces agree, or
        when there is nothing to compare (invalid code, central registration,
        blank or unknown region).

    Examples
    --------
    >>> print(province_mismatch("914403001922038216", "江苏"))  # doctest: +ELLIPSIS
    统一社会信用代码的登记地区（第3-8位 440300）属于广东省，与所填地区江苏省不一致，请核对 / the credit code was registered in Guangdong ...
    >>> province_mismatch("914403001922038216", "Guangdong") is None
    True
    """
    result = validate(code)
    declared = normalize_region(region)
    if not result.valid or result.province is None or declared is None or declared == result.province:
        return None
    return (
        f"统一社会信用代码的登记地区（第3-8位 {result.division}）属于{result.province}，"
        f"与所填地区{declared}不一致，请核对 / "
        f"the credit code was registered in {english_name(result.province)} "
        f"(division {result.division}, positions 3-8), not in {english_name(declared)} "
        f"as declared; please check"
    )
