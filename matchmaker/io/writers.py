"""Writing record files and rankings (JSON Lines, CSV, Excel).

Writers take iterables and write as they go, so that a million rankings never
sit in memory at once. Files are written under a temporary name and moved into
place at the end, so a failure never leaves half a file behind.

CSV files are UTF-8 with a BOM so that Excel opens them with the right encoding.
Text that Excel would run as a formula (starting with ``=``, ``+``, ``-`` or
``@``) is quoted with a leading ``'`` in CSV (the reader removes it again) and
stored as text in XLSX.
"""

import contextlib
import csv
import itertools
import json
import os
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from .errors import RecordFileError
from .schema import chinese_header

__all__ = ["write_ranking", "write_records"]

WRITE_EXTENSIONS = (".jsonl", ".ndjson", ".csv", ".xlsx")
XLSX_MAX_ROWS = 1_048_576  # rows per worksheet in Excel
_FORMULA_START = frozenset("=+-@\t\r")
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


class _CsvSink:
    def __init__(self, fh):
        self._writer = csv.writer(fh)

    def row(self, cells):
        self._writer.writerow(["" if c is None else
                               "'" + c if isinstance(c, str) and c[:1] in _FORMULA_START else c
                               for c in cells])


class _XlsxSink:
    def __init__(self, workbook, title, header):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self._cell_type = WriteOnlyCell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._workbook = workbook
        self._title = title
        self._header = header
        self._sheets = 0
        self._rows = XLSX_MAX_ROWS  # forces a sheet on the first row

    def _new_sheet(self):
        self._sheets += 1
        title = self._title if self._sheets == 1 else f"{self._title} ({self._sheets})"
        self._sheet = self._workbook.create_sheet(title)
        self._sheet.append(self._header)
        self._rows = 1

    def _cell(self, value):
        if not isinstance(value, str):
            return value
        if self._illegal.search(value):
            value = self._illegal.sub("", value)
        if value[:1] == "=":
            cell = self._cell_type(self._sheet, value)
            cell.data_type = "s"  # text, never a formula
            return cell
        return value

    def row(self, cells):
        if self._rows >= XLSX_MAX_ROWS:
            self._new_sheet()
        self._sheet.append([self._cell(c) for c in cells])
        self._rows += 1


@contextlib.contextmanager
def _atomic(path, mode, **kwargs):
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        if mode is None:
            yield tmp
        else:
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


@contextlib.contextmanager
def _table(path, ext, header, title):
    """Context yielding a sink with ``row(cells)`` for CSV or XLSX, header written."""
    if ext == ".csv":
        with _atomic(path, "w", encoding="utf-8-sig", newline="") as fh:
            sink = _CsvSink(fh)
            sink.row(header)
            yield sink
        return
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sink = _XlsxSink(workbook, title, header)
    yield sink
    if sink._sheets == 0:
        sink._new_sheet()
    with _atomic(path, None) as tmp:
        workbook.save(tmp)


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
    with _table(path, ext, names, "records") as sink:
        for row in rows:
            sink.row([_text(_value(row, column)) for column in columns])
            count += 1
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
    with _table(path, ext, header, "ranking") as sink:
        row = sink.row
        for item in rankings:
            query, ranked = _ranking(item, id_field)
            for rank, entry in enumerate(ranked, start=1):
                ident, score, reasons = _entry(entry, other)
                row([query, rank, ident, round(float(score), 6), "; ".join(reasons)])
            count += 1
    return count
