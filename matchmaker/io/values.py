"""Parsing one field value of a record.

Every parser takes the raw value (a JSON value, a CSV string or an openpyxl cell
value) and returns the field's value, or None when the value is blank. A value
that cannot be read raises :class:`BadValue` whose message says why; the
reader turns it into a :class:`~matchmaker.io.errors.RecordError`.

A missing value comes in many disguises: an empty cell, JSON ``null``, a NaN or
infinite number (JSON ``NaN``, a float NaN in a cell) and the text pandas writes
for them (``nan``, ``NaN``, ``<NA>``, ``NaT``). Text, list, choice and date
fields take all of them as missing; number fields refuse NaN and infinity, so
that a wrong number is never taken for no number. Numbers are never changed
silently: a whole number too long to be exact in a spreadsheet's floating point
is refused for a text field (write it as text), and amounts, day counts and
other counts beyond what any record can mean are refused.
"""

import math
import re
import reprlib
import unicodedata
from datetime import date, datetime
from decimal import Decimal, DecimalException, InvalidOperation

__all__ = [
    "MAX_AMOUNT",
    "MAX_COUNT",
    "MAX_DAYS",
    "MAX_QUANTITY",
    "MISSING_TEXT",
    "BadValue",
    "is_missing_text",
    "parse_count",
    "parse_date",
    "parse_days",
    "parse_demand_status",
    "parse_flag",
    "parse_kind",
    "parse_list",
    "parse_money",
    "parse_quantity",
    "parse_role",
    "parse_size",
    "parse_text",
    "split_list",
]

_SEPARATORS = re.compile(r"[;；、\n]")
_OPEN, _CLOSE = "(（[【{「《", ")）]】}」》"
_BRACKETS = re.compile(r"[()（）\[\]【】{}「」《》]")

#: Amounts (CNY) must be below this: 100 万亿元, far beyond any demand or enterprise.
MAX_AMOUNT = 10**14
#: Most days a payment or acceptance term may have (ten years).
MAX_DAYS = 3650
#: Largest headcount, table number or meeting limit.
MAX_COUNT = 10_000_000
# Whole numbers up to 2**53 are exact as floats (the numbers of XLSX cells).
_EXACT_FLOAT = 2.0**53
#: What pandas writes for a missing value when a table is turned into text.
MISSING_TEXT = frozenset({"nan", "NaN", "NAN", "Nan", "<NA>", "NaT"})
_NON_FINITE_TEXT = frozenset({"nan", "<na>", "nat", "inf", "+inf", "-inf", "infinity", "+infinity",
                              "-infinity"})


class BadValue(ValueError):
    """A field value that cannot be read; the message says why."""


_SHORT = reprlib.Repr()
_SHORT.maxlevel, _SHORT.maxstring, _SHORT.maxother = 2, 60, 60


def _describe(value):
    # reprlib keeps the text short and never descends into deeply nested values.
    return f"{type(value).__name__} {_SHORT.repr(value)}"


def is_missing_text(text):
    """Whether stripped text is a missing-value marker (``nan``, ``NaN``, ``<NA>``, ``NaT``)."""
    return len(text) <= 4 and text in MISSING_TEXT


def _float_text(value):
    if not math.isfinite(value):
        return None  # NaN or infinity: no value
    if not value.is_integer():
        return repr(value)
    if abs(value) > _EXACT_FLOAT:
        raise BadValue(
            f"the number {value!r} is too long to be kept exactly; "
            "write it as text (format the cells as text in a spreadsheet, quote it in JSON)"
        )
    return str(int(value))


def parse_text(value):
    """Text field: strings are stripped; numbers (ids typed as numbers) become text.

    A NaN or infinite number, or the text ``nan``/``NaN``/``<NA>``/``NaT``, is a
    missing value.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        return None if not text or (len(text) <= 4 and text in MISSING_TEXT) else text
    if isinstance(value, bool):
        raise BadValue(f"expected text, got {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float_text(value)
    raise BadValue(f"expected text, got {_describe(value)}")


def split_list(text):
    """Split a list cell on ``;``, ``；``, ``、`` or line breaks, outside brackets.

    Separators inside brackets are part of an item, so that names such as
    ``承装（修、试）电力设施许可证`` stay whole.
    """
    if not _BRACKETS.search(text):
        parts = _SEPARATORS.split(text)
    else:
        parts, depth, start = [], 0, 0
        for i, ch in enumerate(text):
            if ch in _OPEN:
                depth += 1
            elif ch in _CLOSE:
                depth = max(0, depth - 1)
            elif depth == 0 and _SEPARATORS.match(ch):
                parts.append(text[start:i])
                start = i + 1
        parts.append(text[start:])
    return [p for p in (part.strip() for part in parts) if p]


def parse_list(value):
    """List field: a JSON array of strings, or one string of separated items."""
    if value is None:
        return None
    if isinstance(value, str):
        if len(value) < 16 and value.strip() in MISSING_TEXT:
            return None
        items = split_list(value)
    elif isinstance(value, list):
        items = []
        for item in value:
            if type(item) is str:  # the usual case, without a call
                item = item.strip()
                if item:
                    items.append(item)
                continue
            if isinstance(item, (dict, list, bool)) or item is None:
                raise BadValue(f"list items must be text, got {_describe(item)}")
            text = parse_text(item)
            if text:
                items.append(text)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        text = parse_text(value)
        items = [text] if text else []
    else:
        raise BadValue(f"expected a list, got {_describe(value)}")
    return items or None


_CURRENCY = re.compile(r"^(?:¥|￥|RMB|CNY)|(?:元|RMB|CNY|人民币)$", re.IGNORECASE)
_UNITS = (("千万", 10_000_000), ("百万", 1_000_000), ("万", 10_000), ("亿", 100_000_000))


def _number_out(value):
    return int(value) if value == value.to_integral_value() else float(value)


def _plain_digits(text):
    # Full-width digits, signs and spaces (１２３．５万) as ASCII; ASCII text is left alone.
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


def _too_large(value):
    return BadValue(f"amount {value!r} is too large (10^14 CNY or more); "
                    "check the number and its unit")


def _not_a_number(value):
    return BadValue(f"{value!r} is not a number; leave the cell empty when there is none")


def parse_money(value, scale=1):
    """Amount in CNY: a number, or text such as ``1,200,000``, ``500万``, ``1.2亿``.

    Parameters
    ----------
    value : number or str
    scale : int
        Multiplier for a bare number, from a header such as ``预算（万元）``.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadValue(f"expected an amount, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _not_a_number(value)
    if isinstance(value, (int, float)):
        amount = Decimal(str(value)) * scale
    elif isinstance(value, str):
        text = re.sub(r"[\s,，]", "", _plain_digits(value))
        if not text:
            return None
        while True:  # currency signs and words may wrap the number and its unit
            stripped = _CURRENCY.sub("", text)
            if stripped == text:
                break
            text = stripped
        unit = scale
        for suffix, factor in _UNITS:
            if text.endswith(suffix):
                text, unit = text[: -len(suffix)], factor
                break
        try:
            amount = Decimal(text) * unit
        except InvalidOperation:
            raise BadValue(
                f"{value!r} is not an amount (write e.g. 1200000, 1,200,000, 500万 or 1.2亿)"
            ) from None
        except DecimalException:  # an exponent beyond what a number can hold
            raise _too_large(value) from None
    else:
        raise BadValue(f"expected an amount, got {_describe(value)}")
    if not amount.is_finite():
        raise _not_a_number(value)
    if amount < 0:
        raise BadValue(f"amount cannot be negative, got {value!r}")
    if amount >= MAX_AMOUNT:
        raise _too_large(value)
    return _number_out(amount)


def parse_date(value):
    """ISO date (``2026-02-28``); spreadsheet date cells are accepted. Returns ISO text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text or is_missing_text(text):
            return None
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise BadValue(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
        return parsed.date().isoformat()
    raise BadValue(f"expected an ISO date (YYYY-MM-DD), got {_describe(value)}")


_DAYS = re.compile(r"^(\d+)(?:\.0+)?\s*(?:天|日|days?|d)?$", re.IGNORECASE)


def parse_days(value):
    """Whole number of days >= 0 (``60``, ``60天`` and ``60 days`` are accepted)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadValue(f"expected a whole number of days, got {value!r}")
    if isinstance(value, int):
        days = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _not_a_number(value)
        if not value.is_integer():
            raise BadValue(f"expected a whole number of days, got {value!r}")
        days = int(value)
    elif isinstance(value, str):
        text = _plain_digits(value).strip()
        if not text:
            return None
        match = _DAYS.match(text)
        if match is None:
            if text.lower() in _NON_FINITE_TEXT:
                raise _not_a_number(value)
            if re.match(r"^-\d", text):
                raise BadValue(f"number of days cannot be negative, got {value!r}")
            raise BadValue(f"{value!r} is not a whole number of days")
        days = int(match.group(1))
    else:
        raise BadValue(f"expected a whole number of days, got {_describe(value)}")
    if days < 0:
        raise BadValue(f"number of days cannot be negative, got {value!r}")
    if days > MAX_DAYS:
        raise BadValue(f"{value!r} days is too long (at most {MAX_DAYS} days, ten years)")
    return days


_COUNT = re.compile(r"^(\d+)(?:\.0+)?\s*(?:人|个|場|场|次|号|號)?$")


def parse_count(value):
    """Whole number >= 0 (``120``, ``120人``); for headcounts, table numbers and limits."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadValue(f"expected a whole number, got {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise _not_a_number(value)
        if not value.is_integer():
            raise BadValue(f"expected a whole number, got {value!r}")
        number = int(value)
    elif isinstance(value, str):
        text = _plain_digits(value).strip().replace(",", "").replace("，", "")
        if not text:
            return None
        match = _COUNT.match(text)
        if match is None:
            if text.lower() in _NON_FINITE_TEXT:
                raise _not_a_number(value)
            if re.match(r"^-\d", text):
                raise BadValue(f"cannot be negative, got {value!r}")
            raise BadValue(f"{value!r} is not a whole number")
        number = int(match.group(1))
    else:
        raise BadValue(f"expected a whole number, got {_describe(value)}")
    if number < 0:
        raise BadValue(f"cannot be negative, got {value!r}")
    if number > MAX_COUNT:
        raise BadValue(f"{value!r} is too large (at most {MAX_COUNT:,})")
    return number


def _choice(aliases, what):
    index = {alias.lower(): canonical for canonical, names in aliases.items()
             for alias in (canonical, *names)}
    accepted = "; ".join(f"{c} ({'/'.join(n for n in names if not n.isascii())})"
                         for c, names in aliases.items())

    def parse(value):
        text = parse_text(value)
        if text is None:
            return None
        found = index.get(" ".join(text.lower().split()))
        if found is None:
            raise BadValue(f"unknown {what} {text!r}; use one of: {accepted}")
        return found

    return parse


parse_kind = _choice(
    {
        "procurement": ("采购", "採購", "采购需求", "purchase", "procure"),
        "challenge": ("揭榜挂帅", "揭榜掛帥", "揭榜", "技术攻关", "technical challenge"),
    },
    "kind",
)
parse_kind.__doc__ = "Demand kind: ``procurement`` (采购) or ``challenge`` (揭榜挂帅)."

parse_size = _choice(
    {
        "micro": ("微型", "微型企业", "微型企業", "micro enterprise"),
        "small": ("小型", "小型企业", "小型企業", "small enterprise"),
        "medium": ("中型", "中型企业", "中型企業", "medium enterprise", "medium-sized"),
        "large": ("大型", "大型企业", "大型企業", "large enterprise"),
    },
    "size",
)
parse_size.__doc__ = "Enterprise size: ``micro``, ``small``, ``medium``, ``large`` (微型/小型/中型/大型)."

parse_role = _choice(
    {
        "buyer": ("采购方", "需求方", "采购商", "買方", "采购", "purchaser"),
        "supplier": ("供应方", "供应商", "供給方", "供應商", "vendor"),
    },
    "role",
)
parse_role.__doc__ = "Fair participant role: ``buyer`` (采购方) or ``supplier`` (供应方)."

parse_demand_status = _choice(
    {
        "draft": ("草稿",),
        "published": ("已发布", "发布", "发布中"),
        "closed": ("已截止", "截止", "已关闭"),
        "awarded": ("已授标", "已确定揭榜方", "已定标"),
        "cancelled": ("已取消", "取消", "canceled"),
    },
    "status",
)
parse_demand_status.__doc__ = ("Demand status: ``draft``, ``published``, ``closed``, ``awarded``, ``cancelled`` "
                               "(草稿/已发布/已截止/已授标/已取消).")

_FLAGS = {**dict.fromkeys(("true", "yes", "y", "1", "是", "有效", "上架", "已上架"), True),
          **dict.fromkeys(("false", "no", "n", "0", "否", "无效", "下架", "已下架"), False)}


def parse_flag(value):
    """Yes or no: ``true``/``false``, ``yes``/``no``, ``1``/``0``, ``是``/``否`` (and 上架/下架)."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, float) and value in (0.0, 1.0):
        return bool(value)
    found = None
    if isinstance(value, str):
        text = parse_text(value)
        if text is None:
            return None
        found = _FLAGS.get(text.lower())
    if found is None:
        raise BadValue(f"{value!r} is not yes or no (write 是/否 or true/false)")
    return found


#: Quantities must be below this (the column keeps 12 digits before the decimal point).
MAX_QUANTITY = 10**12


def parse_quantity(value):
    """A quantity >= 0: a number, or text such as ``1,200`` or ``2.5`` (the unit goes in its own column)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadValue(f"expected a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _not_a_number(value)
    if isinstance(value, (int, float)):
        number = Decimal(str(value))
    elif isinstance(value, str):
        text = re.sub(r"[\s,，]", "", _plain_digits(value))
        if not text or is_missing_text(text):
            return None
        try:
            number = Decimal(text)
        except (InvalidOperation, DecimalException):
            raise _not_a_number(value) from None
        if not number.is_finite():
            raise _not_a_number(value)
    else:
        raise BadValue(f"expected a number, got {_describe(value)}")
    if number < 0:
        raise BadValue(f"cannot be negative, got {value!r}")
    if number >= MAX_QUANTITY:
        raise BadValue(f"{value!r} is too large (at most {MAX_QUANTITY:,})")
    return _number_out(number)
