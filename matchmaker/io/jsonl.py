"""Reading JSON Lines record files: one JSON object per line."""

import json

import orjson

from .schema import match_header

__all__ = ["read_jsonl"]


def _loads(data: bytes):
    """Parse one JSON line: orjson for speed; the standard parser for what it refuses
    (NaN, integers beyond 64 bits) and for its error messages."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        return json.loads(data.decode("utf-8"))


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
            except UnicodeDecodeError:
                builder.error(lineno, None, "line is not valid UTF-8")
                continue
            except json.JSONDecodeError as exc:
                builder.error(lineno, None, f"malformed JSON: {exc.msg} (column {exc.colno})")
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
                    if value is not None:
                        builder.note_extra(key)
                        extra[key] = value
                elif raw.get(fld.name) is None:
                    raw[fld.name] = value
                    if scale != 1:
                        scales[fld.name] = scale
            builder.add(raw, extra, lineno, scales)
