"""Parsing one field value of a record.

Every parser takes the raw value (a JSON value, a CSV string or an openpyxl cell
value) and returns the field's value, or None when the value is blank. A value
that cannot be read raises :class:`BadValue` whose message says why; the
reader turns it into a :class:`~matchmaker.io.errors.RecordError`.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

__all__ = [
    "BadValue",
    "parse_date",
    "parse_days",
    "parse_kind",
    "parse_list",
    "parse_money",
    "parse_size",
    "parse_text",
    "split_list",
]

_SEPARATORS = re.compile(r"[;；、\n]")
_OPEN, _CLOSE = "(（[【{「《", ")）]】}」》"
_BRACKETS = re.compile(r"[()（）\[\]【】{}「」《》]")


class BadValue(ValueError):
    """A field value that cannot be read; the message says why."""


def _describe(value):
    return f"{type(value).__name__} {value!r}"


def parse_text(value):
    """Text field: strings are stripped; numbers (ids typed as numbers) become text."""
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, bool):
        raise BadValue(f"expected text, got {value!r}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
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
        items = [parse_text(value)]
    else:
        raise BadValue(f"expected a list, got {_describe(value)}")
    return items or None


_CURRENCY = re.compile(r"^(?:¥|￥|RMB|CNY)|(?:元|RMB|CNY|人民币)$", re.IGNORECASE)
_UNITS = (("千万", 10_000_000), ("百万", 1_000_000), ("万", 10_000), ("亿", 100_000_000))


def _number_out(value):
    return int(value) if value == value.to_integral_value() else float(value)


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
    if isinstance(value, (int, float)):
        amount = Decimal(str(value)) * scale
    elif isinstance(value, str):
        text = re.sub(r"[\s,，]", "", value)
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
    else:
        raise BadValue(f"expected an amount, got {_describe(value)}")
    if not amount.is_finite():
        raise BadValue(f"{value!r} is not an amount")
    if amount < 0:
        raise BadValue(f"amount cannot be negative, got {value!r}")
    return _number_out(amount)


def parse_date(value):
    """ISO date (``2026-02-28``); spreadsheet date cells are accepted. Returns ISO text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if not text:
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
        if not value.is_integer():
            raise BadValue(f"expected a whole number of days, got {value!r}")
        days = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        match = _DAYS.match(text)
        if match is None:
            if re.match(r"^-\d", text):
                raise BadValue(f"number of days cannot be negative, got {value!r}")
            raise BadValue(f"{value!r} is not a whole number of days")
        days = int(match.group(1))
    else:
        raise BadValue(f"expected a whole number of days, got {_describe(value)}")
    if days < 0:
        raise BadValue(f"number of days cannot be negative, got {value!r}")
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
        if value != value or not value.is_integer():
            raise BadValue(f"expected a whole number, got {value!r}")
        number = int(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        if not text:
            return None
        match = _COUNT.match(text)
        if match is None:
            if re.match(r"^-\d", text):
                raise BadValue(f"cannot be negative, got {value!r}")
            raise BadValue(f"{value!r} is not a whole number")
        number = int(match.group(1))
    else:
        raise BadValue(f"expected a whole number, got {_describe(value)}")
    if number < 0:
        raise BadValue(f"cannot be negative, got {value!r}")
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
