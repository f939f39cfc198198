"""Writing record files and rankings (JSON Lines, CSV, Excel).

Writers take iterables and write as they go, so that a million rankings never
sit in memory at once. Files are written under a temporary name and moved into
place at the end, so a failure never leaves half a file behind.

CSV and XLSX files are written by :func:`matchmaker.io.sheets.write_table`:
CSV is UTF-8 with a BOM so that Excel opens it with the right encoding, and
text that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) gets a leading ``'`` (the readers
remove it again).
"""

import contextlib
import itertools
import json
import os
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from .errors import RecordFileError
from .schema import chinese_header
from .sheets import write_table

__all__ = ["write_ranking", "write_records"]

WRITE_EXTENSIONS = (".jsonl", ".ndjson", ".csv", ".xlsx")
_RANK_IDS = {"demand_id": "capability_id", "capability_id": "demand_id"}


def _json_default(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as JSON")


def _dumps(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def _text(value):
    """Spreadsheet cell text for a list, mapping, date or scalar."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value) if isinstance(value, (set, frozenset)) else value
        return "; ".join(str(item) for item in items)
    if isinstance(value, Mapping):
        return _dumps(dict(value))
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


@contextlib.contextmanager
def _atomic(path, mode, **kwargs):
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, mode, **kwargs) as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def _extension(path):
    ext = Path(path).suffix.lower()
    if ext not in WRITE_EXTENSIONS:
        raise RecordFileError(str(path), f"unsupported file type {ext or '(none)'!r}; "
                                         f"use .jsonl, .csv or .xlsx")
    if not Path(path).parent.is_dir():
        raise RecordFileError(str(path), "the folder does not exist")
    return ext


def _value(row, column):
    if column in row:
        return row[column]
    extra = row.get("extra")
    return extra.get(column) if isinstance(extra, Mapping) else None


def write_records(path, rows, columns=None, *, header="en"):
    """Write records to a ``.jsonl``, ``.csv`` or ``.xlsx`` file.

    Parameters
    ----------
    path : str or path-like
    rows : iterable of mapping
        Records as read by :func:`~matchmaker.io.records.read_records`, or any
        dicts. A column missing from a row is looked up in its ``extra`` dict.
    columns : list of str, optional
        Fields to write, in order. Default: the keys of the first row, then the
        keys of its ``extra``.
    header : {'en', 'zh'}
        Header row of CSV/XLSX files: English field names, or the first Chinese
        header of each field (both are read back by ``read_records``).

    Returns
    -------
    int
        Number of records written.

    Notes
    -----
    In JSON Lines, None values are left out and lists stay JSON arrays. In
    CSV/XLSX, lists are joined with ``"; "`` and None is an empty cell.
    """
    ext = _extension(path)
    rows = iter(rows)
    if columns is None:
        first = next(rows, None)
        if first is None:
            columns = []
        else:
            extra = first.get("extra")
            columns = [k for k in first if k != "extra"]
            if isinstance(extra, Mapping):
                columns += [k for k in extra if k not in columns]
            rows = itertools.chain([first], rows)
    columns = list(columns)
    count = 0
    if ext in (".jsonl", ".ndjson"):
        with _atomic(path, "w", encoding="utf-8", newline="\n") as fh:
            for row in rows:
                obj = {}
                for column in columns:
                    value = _value(row, column)
                    if value is not None:
                        obj[column] = value
                fh.write(_dumps(obj))
                fh.write("\n")
                count += 1
        return count
    names = [chinese_header(c) for c in columns] if header == "zh" else columns

    def cells():
        nonlocal count
        for row in rows:
            yield [_text(_value(row, column)) for column in columns]
            count += 1

    write_table(path, names, cells(), fmt=ext[1:], title="records")
    return count


def _entry(entry, other):
    """(id, score, reasons) of one ranked entry: mapping, tuple or object."""
    if isinstance(entry, Mapping):
        ident = entry[other] if other in entry else entry["id"]
        return ident, entry["score"], entry.get("reasons") or ()
    if isinstance(entry, (tuple, list)):
        return entry[0], entry[1], (entry[2] if len(entry) > 2 else ()) or ()
    ident = getattr(entry, other, None)
    if ident is None:
        ident = entry.id
    # Reasons given as data (kind + values) are written as their exchange-format strings.
    return ident, entry.score, tuple(map(str, getattr(entry, "reasons", None) or ()))


def _ranking(item, id_field):
    if isinstance(item, Mapping):
        return item[id_field], item.get("ranked") or ()
    query, ranked = item
    return query, ranked or ()


def write_ranking(path, rankings, id_field="demand_id"):
    """Write rankings in the ranking output format of formats.md.

    Parameters
    ----------
    path : str or path-like
        ``.jsonl``: one line per query,
        ``{"demand_id": ..., "ranked": [{"capability_id", "score", "reasons"}]}``.
        ``.csv``/``.xlsx``: one row per (query, rank) with columns
        ``demand_id,rank,capability_id,score,reasons`` (reasons joined by
        ``"; "``); a query with nothing ranked has no row. An XLSX sheet that
        reaches Excel's row limit continues on a new sheet.
    rankings : iterable
        Each item a mapping ``{id_field: ..., "ranked": [...]}`` or a pair
        ``(query_id, ranked)``. Each ranked entry a mapping with the other id
        field (or ``id``), ``score`` and ``reasons``; a tuple
        ``(id, score[, reasons])``; or an object with those attributes. Entries
        are written in the order given (best first).
    id_field : {'demand_id', 'capability_id'}
        The id of the query side; ``'capability_id'`` for rankings of demands
        per capability.

    Returns
    -------
    int
        Number of queries written.
    """
    if id_field not in _RANK_IDS:
        raise ValueError(f"id_field must be 'demand_id' or 'capability_id', got {id_field!r}")
    other = _RANK_IDS[id_field]
    ext = _extension(path)
    count = 0
    if ext in (".jsonl", ".ndjson"):
        with _atomic(path, "w", encoding="utf-8", newline="\n") as fh:
            write = fh.write
            for item in rankings:
                query, ranked = _ranking(item, id_field)
                entries = []
                for entry in ranked:
                    ident, score, reasons = _entry(entry, other)
                    entries.append({other: ident, "score": round(float(score), 6),
                                    "reasons": list(reasons)})
                write(_dumps({id_field: query, "ranked": entries}))
                write("\n")
                count += 1
        return count
    header = [id_field, "rank", other, "score", "reasons"]

    def cells():
        nonlocal count
        for item in rankings:
            query, ranked = _ranking(item, id_field)
            for rank, entry in enumerate(ranked, start=1):
                ident, score, reasons = _entry(entry, other)
                yield [query, rank, ident, round(float(score), 6), "; ".join(reasons)]
            count += 1

    write_table(path, header, cells(), fmt=ext[1:], title="ranking")
    return count
