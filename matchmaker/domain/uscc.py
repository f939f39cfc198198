"""Unified social credit code (统一社会信用代码, GB 32100-2015).

A code has 18 characters drawn from ``0123456789ABCDEFGHJKLMNPQRTUWXY`` (the
letters I, O, Z, S and V are left out so that they cannot be misread). Position 1
is the registration authority (登记管理部门), position 2 the category of the
registered body, positions 3-8 the administrative division, 9-17 the
organisation code and position 18 the check character computed from the first 17
characters with weights ``3**(i-1) mod 31``.

Examples
--------
>>> from matchmaker.domain import uscc
>>> bool(uscc.validate("914403001922038216"))
True
>>> uscc.make("91440300192203821")
'914403001922038216'
"""

import unicodedata
from dataclasses import dataclass

from .errors import UsccError

__all__ = ["AUTHORITIES", "CHARSET", "UsccResult", "check_char", "make", "validate"]

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
LENGTH = 18

#: Registration authority codes (登记管理部门代码) of GB 32100-2015 and its amendments.
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
    """

    valid: bool
    code: str
    reason: str | None = None

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


def validate(code):
    """Check a unified social credit code.

    Parameters
    ----------
    code : str
        The code as typed; surrounding spaces, lower case and full-width
        characters are accepted.

    Returns
    -------
    UsccResult
        Truthy when the code is valid; its ``reason`` says why it is not.

    Examples
    --------
    >>> print(validate("914403001922038217").reason)  # doctest: +ELLIPSIS
    校验位错误：第18位应为 '6'，实际为 '7' / wrong check character: ...
    """
    norm = _normalise(code)
    if len(norm) != LENGTH:
        return UsccResult(
            False,
            norm,
            f"长度应为{LENGTH}位，实际为{len(norm)}位 / "
            f"must be {LENGTH} characters long, got {len(norm)}",
        )
    for position, char in enumerate(norm, start=1):
        if char not in _VALUE:
            return UsccResult(False, norm, _bad_char_reason(char, position))
    if norm[0] not in AUTHORITIES:
        allowed = "、".join(AUTHORITIES)
        return UsccResult(
            False,
            norm,
            f"第1位登记管理部门代码 {norm[0]!r} 无效（应为 {allowed}） / "
            f"registration authority code {norm[0]!r} at position 1 is not valid "
            f"(expected one of {', '.join(AUTHORITIES)})",
        )
    expected = _weighted_check(norm[:17])
    if norm[17] != expected:
        return UsccResult(
            False,
            norm,
            f"校验位错误：第18位应为 {expected!r}，实际为 {norm[17]!r} / "
            f"wrong check character: position 18 should be {expected!r}, got {norm[17]!r}",
        )
    return UsccResult(True, norm, None)


def check_char(first17):
    """Return the check character (position 18) for the first 17 characters.

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


def make(first17):
    """Complete a code by appending its check character.

    Parameters
    ----------
    first17 : str
        The first 17 characters of a code.

    Returns
    -------
    str
        The 18-character code (normalised).

    Raises
    ------
    UsccError
        As :func:`check_char`.
    """
    return _normalise(first17) + check_char(first17)
