"""Query parameters and error payloads shared by the API modules.

A parameter the API cannot read (a blank number, date or choice included)
answers 400 with ``{"error": {"code": 400, "message": ..., "field": <name>}}``
rather than being silently replaced by a default: a client that sends
``?page=two`` or ``?size=huge`` has a bug it should hear about. Every bound
here is also what the OpenAPI document publishes.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import NoReturn

from flask import Response, abort, current_app, jsonify, request

__all__ = ["FALSE_WORDS", "ID", "MAX_ID", "MAX_PAGE", "MAX_PER_PAGE", "MAX_TEXT", "TRUE_WORDS", "bad_parameter",
           "bool_arg", "choice_arg", "date_arg", "error_response", "int_arg", "page_args", "text_arg", "timestamp"]

#: Largest id a URL may name: ids are 32-bit integer columns, and a bigger number
#: would make the database refuse the query instead of answering "not found".
MAX_ID = 2**31 - 1
#: URL converter for ids; a number outside it simply matches no route (404).
ID = f"int(max={MAX_ID})"
#: Deepest page a list serves; keeps LIMIT/OFFSET inside 64-bit integers on every backend.
MAX_PAGE = 100_000
MAX_PER_PAGE = 100
#: Free-text filters are cut to this many characters.
MAX_TEXT = 100
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
#: The words above in any (ASCII) case, as the OpenAPI document states them.
BOOL_PATTERN = "^(?:" + "|".join(
    "".join(f"[{c.upper()}{c}]" if c.isalpha() else c for c in word)
    for word in TRUE_WORDS + FALSE_WORDS) + ")$"
# Short enough that int() never meets Python's limit on digits of a huge number.
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def error_response(code: int, message: str, field: str | None = None) -> Response:
    """The JSON error payload every API failure uses."""
    error = {"code": code, "message": message}
    if field:
        error["field"] = field
    response = jsonify({"error": error})
    response.status_code = code
    return response


def bad_parameter(name: str, message: str) -> NoReturn:
    """Stop the request with a 400 naming the query parameter ``name``."""
    abort(error_response(400, message, name))


def _raw(name: str) -> str | None:
    value = request.args.get(name)
    if value is not None and "\x00" in value:
        # PostgreSQL refuses NUL in text, and no real filter value holds one.
        bad_parameter(name, f"The query parameter '{name}' must not contain NUL characters.")
    return value


def int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    """An integer in ``[low, high]``; ``default`` when absent."""
    value = _raw(name)
    if value is None:
        return default
    value = value.strip()
    if not _INTEGER.fullmatch(value) or not low <= int(value) <= high:
        bad_parameter(name, f"The query parameter '{name}' must be a whole number from {low} to {high}.")
    return int(value)


def page_args() -> tuple[int, int]:
    """``(page, per_page)`` of a paginated list."""
    default = min(MAX_PER_PAGE, current_app.config.get("PER_PAGE", 20))
    return int_arg("page", 1, 1, MAX_PAGE), int_arg("per_page", default, 1, MAX_PER_PAGE)


def text_arg(name: str, limit: int | None = MAX_TEXT) -> str | None:
    """A stripped free-text value cut to ``limit`` characters; None when blank."""
    value = (_raw(name) or "").strip()
    return (value[:limit] if limit else value) or None


def choice_arg(name: str, choices) -> str | None:
    """One of ``choices``; None when absent."""
    value = _raw(name)
    if value is None:
        return None
    value = value.strip()
    if value not in choices:
        bad_parameter(name, f"The query parameter '{name}' must be one of: {', '.join(choices)}.")
    return value


def date_arg(name: str) -> dt.date | None:
    """A ``YYYY-MM-DD`` date; None when absent."""
    value = _raw(name)
    if value is None:
        return None
    value = value.strip()
    try:
        if not _DATE.fullmatch(value):
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        bad_parameter(name, f"The query parameter '{name}' must be a date written YYYY-MM-DD.")


def bool_arg(name: str, default: bool = False) -> bool:
    """``1/true/yes/on`` or ``0/false/no/off`` (any case); ``default`` when absent."""
    value = _raw(name)
    if value is None:
        return default
    if value.isascii():  # non-ASCII letters may lower-case to ASCII ones (K -> k)
        value = value.lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    bad_parameter(name, f"The query parameter '{name}' must be true or false.")


def timestamp(value: dt.datetime | None) -> str | None:
    """ISO 8601 with its UTC offset; SQLite hands back naive datetimes, stored in UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.isoformat()
