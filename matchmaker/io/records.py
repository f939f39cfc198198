"""Reading demand and capability record files (JSON Lines, CSV, Excel).

The file type is chosen by extension: ``.jsonl`` (or ``.ndjson``), ``.csv``
(UTF-8 with or without BOM; GB18030, as older Excel versions save it, is read
with a warning) and ``.xlsx`` (the first worksheet). Headers, or JSON keys, may
be the English field names or the Chinese headers of formats.md; a header may
carry a unit (``预算（万元）`` scales bare numbers by 10 000) or a ``*`` marker.

Each record comes out as a plain dict:

- every field of the format is a key; an optional field that is missing or
  blank is None, except ``kind``, which defaults to ``'procurement'``;
- text fields are stripped strings, list fields lists of strings, ``budget`` an
  int (or float when fractional) in CNY, ``deadline`` an ISO date string,
  ``payment_days`` an int, ``kind`` and ``size`` canonical English words;
- ``region`` is kept as written (an unknown region gives a warning, not an error);
- ``extra`` is a dict of the non-blank values of unknown columns (or JSON keys).

A record that cannot be read is left out and reported as a
:class:`~matchmaker.io.errors.RecordError`; a problem with the whole file raises
:class:`~matchmaker.io.errors.RecordFileError`.
"""

import csv
import io
import itertools
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from matchmaker.domain.regions import normalize_region

from .errors import RecordError, RecordFileError
from .jsonl import read_jsonl
from .schema import KINDS, SCHEMAS, match_header
from .values import parse_text
from .writers import write_ranking, write_records

__all__ = [
    "KINDS",
    "ReadResult",
    "RecordError",
    "RecordFileError",
    "read_records",
    "write_ranking",
    "write_records",
]

JSONL_EXTENSIONS = (".jsonl", ".ndjson")
READ_EXTENSIONS = JSONL_EXTENSIONS + (".csv", ".xlsx")
_HEADER_SEARCH_ROWS = 10  # title rows above the header are common in spreadsheets
_FORMULA_GUARD = tuple("=+-@\t\r")

csv.field_size_limit(64 * 1024 * 1024)  # long descriptions exceed the default 128 KiB


@dataclass
class ReadResult:
    """Records read from a file, and the problems met.

    Attributes
    ----------
    records : list of dict
    errors : list of RecordError
        One entry per problem with a record that was left out.
    warnings : list of RecordError
        Remarks about records that were kept (e.g. an unknown region) or about
        the file (e.g. its encoding).
    extra_columns : list of str
        Unknown columns (or JSON keys) in the order first met; their values are
        in each record's ``extra``.
    """

    records: list
    errors: list
    warnings: list = field(default_factory=list)
    extra_columns: list = field(default_factory=list)


class _Builder:
    """Turns raw field values into records, collecting errors and duplicate ids."""

    def __init__(self, file, kind, unit):
        self.file = file
        self.fields = tuple(SCHEMAS[kind].values())
        self.unit = unit
        self.seen = {}
        self.regions = {}
        self.result = ReadResult([], [], [], [])
        self._extra_seen = set()

    def error(self, line, field_name, reason):
        self.result.errors.append(RecordError(self.file, line, field_name, reason))

    def warn(self, line, field_name, reason):
        self.result.warnings.append(RecordError(self.file, line, field_name, reason))

    def note_extra(self, name):
        if name not in self._extra_seen:
            self._extra_seen.add(name)
            self.result.extra_columns.append(name)

    def add(self, raw, extra, line, scales):
        record, failed = {}, False
        for fld in self.fields:
            value = raw.get(fld.name)
            try:
                if value is None:
                    pass
                elif fld.parse is parse_text and type(value) is str:
                    value = value.strip() or None  # the common case, without a call
                elif fld.is_money:
                    value = fld.parse(value, scales.get(fld.name, 1))
                else:
                    value = fld.parse(value)
            except ValueError as exc:
                self.error(line, fld.name, str(exc))
                failed = True
                continue
            if value is None:
                if fld.required:
                    self.error(line, fld.name, "required field is missing or empty")
                    failed = True
                value = fld.default
            record[fld.name] = value
        key = record.get("id")
        if key is not None and key in self.seen:
            self.error(line, "id",
                       f"duplicate id {key!r}, already used on {self.unit} {self.seen[key]}")
            failed = True
        if failed:
            return
        self.seen[key] = line
        region = record.get("region")
        if region is not None:
            known = self.regions.get(region)
            if known is None:
                known = self.regions[region] = normalize_region(region) is not None
            if not known:
                self.warn(line, "region",
                          f"unknown region {region!r}; kept as written "
                          f"(expected a province-level region such as 江苏省 or Jiangsu)")
        record["extra"] = extra
        self.result.records.append(record)


def read_records(path, kind):
    """Read a demand or capability file.

    Parameters
    ----------
    path : str or path-like
        A ``.jsonl``, ``.csv`` or ``.xlsx`` file.
    kind : {'demand', 'capability'}

    Returns
    -------
    ReadResult

    Raises
    ------
    RecordFileError
        If the file is missing, of an unsupported type, unreadable, has no
        header row or lacks a required column.
    ValueError
        If `kind` is not ``'demand'`` or ``'capability'``.
    """
    if kind not in SCHEMAS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    path = Path(path)
    name = str(path)
    ext = path.suffix.lower()
    if ext not in READ_EXTENSIONS:
        hint = " (save it as .xlsx)" if ext in (".xls", ".et", ".numbers", ".ods") else ""
        raise RecordFileError(
            name, f"unsupported file type {ext or '(none)'!r}{hint}; use .jsonl, .csv or .xlsx"
        )
    if not path.is_file():
        raise RecordFileError(name, "file not found")
    if ext in JSONL_EXTENSIONS:
        builder = _Builder(name, kind, "line")
        read_jsonl(path, kind, builder)
    else:
        builder = _Builder(name, kind, "row")
        rows = _csv_rows(path, builder) if ext == ".csv" else _xlsx_rows(path)
        _read_table(rows, kind, builder)
    return builder.result


def _decode(path, builder):
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise RecordFileError(
            str(path), "the file is not UTF-8 text; save it as 'CSV UTF-8' or as .xlsx"
        ) from None
    builder.warn(None, None, "the file is not UTF-8; it was read as GB18030 (GBK)")
    return text


def _unguard(cell):
    # Undo the quote that protects formula-like text in CSV files we write.
    if cell[:1] == "'" and cell[1:2] and cell[1] in _FORMULA_GUARD:
        return cell[1:]
    return cell.strip() or None


def _csv_rows(path, builder):
    text = _decode(path, builder)
    end = text.find("\n")
    first = text if end < 0 else text[:end]
    delimiter = ","
    if "," not in first:
        if "\t" in first:
            delimiter = "\t"
        elif ";" in first:
            delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rownum = 0
    try:
        for rownum, row in enumerate(reader, start=1):
            yield rownum, [_unguard(cell) for cell in row]
    except csv.Error as exc:
        raise RecordFileError(str(path), f"row {rownum + 1}: unreadable CSV ({exc})") from None


def _quietly(call, path):
    """Run an openpyxl call, turning its failures into RecordFileError.

    openpyxl warns about styles and extensions it ignores; they do not matter here,
    so warnings are silenced for the call only.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return call()
        except RecordFileError:
            raise
        except Exception as exc:  # noqa: BLE001 - zipfile, XML and openpyxl errors alike
            raise RecordFileError(str(path), f"not a readable .xlsx workbook ({exc})") from None


def _xlsx_rows(path, batch=2048):
    import openpyxl

    workbook = _quietly(
        lambda: openpyxl.load_workbook(path, read_only=True, data_only=True), path)
    try:
        if not workbook.worksheets:
            raise RecordFileError(str(path), "the workbook has no worksheet")
        sheet = workbook.worksheets[0]
        # Some writers record wrong sheet dimensions; read what is really there.
        sheet.reset_dimensions()
        rows = enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1)
        while True:
            chunk = _quietly(lambda: list(itertools.islice(rows, batch)), path)
            if not chunk:
                break
            for rownum, row in chunk:
                yield rownum, [c.strip() or None if isinstance(c, str) else c for c in row]
    finally:
        workbook.close()


def _column_letter(index):
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _plan(kind, header):
    """Map header cells to fields: ``(plan, missing_required)``."""
    plan, used = [], {}
    for col, cell in enumerate(header):
        if cell is None or str(cell).strip() == "":
            plan.append((None, None, 1))
            continue
        fld, scale = match_header(kind, cell)
        if fld is not None and fld.name in used:
            return None, (f"columns {_column_letter(used[fld.name])} and {_column_letter(col)} "
                          f"both mean {fld.name!r}; keep one of them")
        if fld is not None:
            used[fld.name] = col
            plan.append((fld.name, None, scale))
        else:
            plan.append((None, str(cell).strip(), 1))
    missing = [f.name for f in SCHEMAS[kind].values() if f.required and f.name not in used]
    return plan, missing


def _missing_message(kind, missing):
    schema = SCHEMAS[kind]
    accepted = "; ".join(f"{name}: {', '.join((name,) + schema[name].headers)}"
                         for name in missing)
    return f"missing required column(s) {', '.join(missing)} (accepted headers — {accepted})"


def _read_table(rows, kind, builder):
    plan = None
    first_problem = None
    scanned = 0
    for rownum, cells in rows:
        if plan is None:
            if all(c is None for c in cells):
                continue
            scanned += 1
            candidate, missing = _plan(kind, cells)
            if candidate is None or missing:
                problem = missing if candidate is None else _missing_message(kind, missing)
                first_problem = first_problem or f"row {rownum}: {problem}"
                if scanned >= _HEADER_SEARCH_ROWS:
                    break
                continue
            plan = candidate
            scales = {name: scale for name, _, scale in candidate if name and scale != 1}
            for name, extra_name, _ in plan:
                if extra_name is not None:
                    builder.note_extra(extra_name)
            continue
        if all(c is None for c in cells):
            continue
        raw, extra = {}, {}
        for col, value in enumerate(cells):
            if col < len(plan):
                name, extra_name, _ = plan[col]
            else:
                name, extra_name = None, f"column {_column_letter(col)}"
            if value is None:
                continue
            if name is not None:
                raw[name] = value
            else:
                extra_name = extra_name or f"column {_column_letter(col)}"
                builder.note_extra(extra_name)
                extra[extra_name] = value
        builder.add(raw, extra, rownum, scales)
    if plan is None:
        raise RecordFileError(builder.file, first_problem or "the file is empty (no header row)")
