"""Reading JSON Lines record files: one JSON object per line.

Each line is parsed on its own, so a bad line costs that line only. Lines are
parsed with orjson for speed, and with the standard parser for what orjson
refuses (NaN, infinities) or would change: orjson reads an integer beyond 64
bits as an approximate float, while the standard parser keeps it exact, so that
an id such as ``123456789012345678901234567890`` stays what was written. A line
nested deeper than :data:`MAX_DEPTH` levels is reported, not parsed further.
"""

import json
import math
import re

import orjson

from .errors import RecordFileError
from .schema import match_header

__all__ = ["MAX_DEPTH", "load_json_document", "read_jsonl"]

#: Deepest nesting of arrays and objects a record line may have.
MAX_DEPTH = 100

# 19 digits in a row may be an integer beyond orjson's 64 bits (or digits in a string).
_LONG_DIGITS = re.compile(rb"\d{19}")


class _Unreadable(Exception):
    """A line that is not JSON the reader can take; the message says why."""


_TOO_DEEP = f"JSON nested too deeply (more than {MAX_DEPTH} levels of [ or {{)"


def _standard(data: bytes):
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise _Unreadable("line is not valid UTF-8") from None
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"malformed JSON: {exc.msg} (column {exc.colno})") from None
    except RecursionError:
        raise _Unreadable(_TOO_DEEP) from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise _Unreadable(f"unreadable JSON: {exc}") from None


def _deeper_than(obj, limit):
    stack = [(obj, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        for child in (value.values() if isinstance(value, dict) else value):
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False


def _loads(data: bytes):
    """Parse one JSON line; raises :class:`_Unreadable` with the reason."""
    try:
        obj = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if str(exc).startswith("depth limit exceeded"):
            raise _Unreadable(_TOO_DEEP) from None
        obj = _standard(data)  # NaN and infinities, and the standard error messages
    else:
        if _LONG_DIGITS.search(data) is not None:
            obj = _standard(data)  # keeps integers beyond 64 bits exact
    # A line cannot nest deeper than it has brackets: count them before walking it.
    if data.count(b"[") + data.count(b"{") > MAX_DEPTH and isinstance(obj, (dict, list)) \
            and _deeper_than(obj, MAX_DEPTH):
        raise _Unreadable(_TOO_DEEP)
    return obj


def load_json_document(text: str, name: str = ""):
    """Parse a whole JSON document that a user gave (an event file, say).

    Raises
    ------
    RecordFileError
        Saying why the text cannot be read: malformed JSON (with its line and
        column), nesting deeper than :data:`MAX_DEPTH` levels, or a number too
        long to convert. Never a RecursionError.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordFileError(
            name, f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise RecordFileError(name, _TOO_DEEP) from None
    except ValueError as exc:  # e.g. an integer of thousands of digits
        raise RecordFileError(name, f"unreadable JSON: {exc}") from None
    if text.count("[") + text.count("{") > MAX_DEPTH and isinstance(document, (dict, list)) \
            and _deeper_than(document, MAX_DEPTH):
        raise RecordFileError(name, _TOO_DEEP)
    return document


_NO_SCALES: dict = {}


def read_jsonl(path, kind, builder):
    """Feed the objects of a JSON Lines file to ``builder`` (see ``records._Builder``),
    reporting each line that is not a JSON object."""
    keys = {}
    plans: dict = {}  # key order of an object -> whether its keys are all plain field names
    with open(path, "rb") as fh:
        for lineno, data in enumerate(fh, start=1):
            if lineno == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            if not data.strip():
                continue
            try:
                obj = _loads(data)
            except _Unreadable as exc:
                builder.error(lineno, None, str(exc))
                continue
            if not isinstance(obj, dict):
                builder.error(lineno, None,
                              f"expected a JSON object, got {type(obj).__name__}")
                continue
            plain = plans.get(tuple(obj))
            if plain is None:
                for key in obj:
                    if key not in keys:
                        keys[key] = match_header(kind, key)
                plain = plans[tuple(obj)] = all(
                    keys[k][0] is not None and keys[k][0].name == k and keys[k][1] == 1
                    for k in obj)
            if plain:  # every key is a field's own name: the object is the raw record
                builder.add(obj, {}, lineno, _NO_SCALES)
                continue
            raw, extra, scales = {}, {}, {}
            for key, value in obj.items():
                if key not in keys:
                    keys[key] = match_header(kind, key)
                fld, scale = keys[key]
                if fld is None:
                    # None, NaN and infinities are no value
                    if value is not None and (type(value) is not float or math.isfinite(value)):
                        builder.note_extra(key)
                        extra[key] = value
                elif raw.get(fld.name) is None:
                    raw[fld.name] = value
                    if scale != 1:
                        scales[fld.name] = scale
            builder.add(raw, extra, lineno, scales)
