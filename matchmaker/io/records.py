"""Reading record files (JSON Lines, CSV, Excel): enterprises, demands,
capabilities and fair participants.

The file type is chosen by extension: ``.jsonl`` (or ``.ndjson``), ``.csv``
(UTF-8 with or without BOM; GB18030, as older Excel versions save it, is read
with a warning) and ``.xlsx`` (the first worksheet). Headers, or JSON keys, may
be the English field names or the Chinese headers of formats.md; a header may
carry a unit (``预算（万元）`` scales bare numbers by 10 000) or a ``*`` marker.

Spreadsheets come as people make them: the header may sit below title rows, or
span two rows where a group label (``联系方式``) is merged over the field headers
under it (``联系人``, ``联系电话``); the reader finds the row(s) naming the fields.
Text that our writers guarded against formula injection (a leading ``'`` before
``= + - @``, tab or carriage return) is read without the guard.

A damaged CSV row costs that row only: a cell whose opening quote is never
closed properly is reported on its row, and reading resumes on the next line,
while quoted cells that rightly hold line breaks are kept whole.

Each record comes out as a plain dict:

- every field of the format is a key; an optional field that is missing or
  blank is None;
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
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from matchmaker.domain.regions import normalize_region

from .encoding import decode_text
from .errors import RecordError, RecordFileError
from .jsonl import read_jsonl
from .schema import KINDS, RECORD_KINDS, SCHEMAS, match_header
from .sheets import FORMULA_START
from .values import MISSING_TEXT, is_missing_text, parse_text
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
#: The most characters a spreadsheet cell holds (Excel's own limit); a longer cell fails its row.
MAX_CELL_CHARS = 32_767
#: An .xlsx is a zip archive, and a small one may unpack to gigabytes of XML (a "zip
#: bomb"): refused when its parts together unpack to more than XLSX_MAX_UNPACKED bytes,
#: or when a part larger than XLSX_LARGE_PART unpacks to more than XLSX_MAX_RATIO times
#: its stored size (genuine sheets compress about 10:1).
XLSX_MAX_UNPACKED = 1024 ** 3
XLSX_LARGE_PART = 50 * 1024 ** 2
XLSX_MAX_RATIO = 100

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
    rows : list of int
        Where each record was, parallel to ``records``: its line in a JSON Lines
        file, its row (as a spreadsheet numbers it) in CSV/XLSX.
    """

    records: list
    errors: list
    warnings: list = field(default_factory=list)
    extra_columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)


class _Builder:
    """Turns raw field values into records, collecting errors and duplicate ids."""

    def __init__(self, file, kind, unit):
        self.file = file
        # what to do for each field, unpacked once for the per-record loop
        self.steps = tuple((f.name, f.parse, f.parse is parse_text, f.is_money, f.required,
                            f.default) for f in SCHEMAS[kind].values())
        self.has_id = "id" in SCHEMAS[kind]
        self.unit = unit
        self.seen = {}
        self.regions = {}
        self.result = ReadResult([], [], [], [], [])
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
        missing = MISSING_TEXT
        for name, parse, is_text, is_money, required, default in self.steps:
            value = raw.get(name)
            if value is not None:
                try:
                    if is_text and type(value) is str:
                        value = value.strip()  # the common case, without a call
                        if not value or (len(value) <= 4 and value in missing):
                            value = None
                    elif is_money:
                        value = parse(value, scales.get(name, 1))
                    else:
                        value = parse(value)
                except ValueError as exc:
                    self.error(line, name, str(exc))
                    failed = True
                    continue
            if value is None:
                if required:
                    self.error(line, name, "required field is missing or empty")
                    failed = True
                value = default
            record[name] = value
        key = record.get("id") if self.has_id else None
        if key is not None and key in self.seen:
            self.error(line, "id",
                       f"duplicate id {key!r}, already used on {self.unit} {self.seen[key]}")
            failed = True
        if failed:
            return
        if key is not None:
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
        self.result.rows.append(line)


def read_records(path, kind):
    """Read a record file.

    Parameters
    ----------
    path : str or path-like
        A ``.jsonl``, ``.csv`` or ``.xlsx`` file.
    kind : {'demand', 'capability', 'enterprise', 'participant'}
        See ``schema.RECORD_KINDS``.

    Returns
    -------
    ReadResult

    Raises
    ------
    RecordFileError
        If the file is missing, of an unsupported type, unreadable, has no
        header row or lacks a required column.
    ValueError
        If `kind` is not one of ``schema.RECORD_KINDS``.
    """
    if kind not in SCHEMAS:
        raise ValueError(f"kind must be one of {', '.join(RECORD_KINDS)}, got {kind!r}")
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
    text, warning = decode_text(path.read_bytes(), str(path))
    if warning:
        builder.warn(None, None, warning)
    return text


def _unguard(cell):
    # Undo the quote that protects formula-like text in the files we write.
    if cell[:1] == "'" and cell[1:2] and cell[1] in FORMULA_START:
        return cell[1:]
    return cell.strip() or None


# From the start of a line inside a quoted cell, up to the first lone quote (the cell's
# end; "" is a quote inside the cell) and the spaces after it.
_CELL_END = re.compile(r'[^"]*+(?:""[^"]*+)*+" *+')


def _quote_end(line, delimiter):
    """How a line that begins inside a quoted cell treats that cell.

    None: the cell goes on past the line. True: a lone quote closes it, followed
    by a delimiter or the end of the line. False: the lone quote is followed by
    other text, so it cannot be the cell's closing quote.
    """
    match = _CELL_END.match(line)
    if match is None:
        return None
    end = match.end()
    return end == len(line) or line[end] in (delimiter, "\r", "\n")


def _spans_cleanly(lines, first, stop, delimiter):
    """Whether a record read from ``lines[first:stop]`` (more than one line) is one
    whose quoted cells hold line breaks, rather than a quote left open that
    swallowed the lines after it."""
    for i in range(first + 1, stop - 1):
        line = lines[i]
        if '"' in line and _quote_end(line, delimiter) is False:
            return False
    return _quote_end(lines[stop - 1], delimiter) is True


def _left_open(line, delimiter):
    """Whether a line read as a whole record ends inside a quoted cell (only the end
    of the file stops such a cell)."""
    i, n = 0, len(line)
    while i < n:  # at the start of a cell
        if line[i] == '"':
            i += 1
            while True:
                i = line.find('"', i)
                if i < 0:
                    return True
                if not line.startswith('"', i + 1):
                    break
                i += 2
        i = line.find(delimiter, i)
        if i < 0:
            return False
        i += 1
    return False


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
    # Physical lines as csv sees them (\r\n, \n or \r), so that reading can resume
    # on the line after a damaged row.
    lines = io.StringIO(text, newline="").readlines()
    start, rownum = 0, 0
    while start < len(lines):
        reader = csv.reader(iter(lines) if start == 0 else itertools.islice(lines, start, None),
                            delimiter=delimiter)
        used = 0  # lines of this reader taken by the rows yielded so far
        try:
            for row in reader:
                stop = reader.line_num
                if stop - used > 1:
                    if not _spans_cleanly(lines, start + used, start + stop, delimiter):
                        reason = "unterminated quote"
                        break
                elif start + stop == len(lines) and _left_open(lines[-1], delimiter):
                    reason = "unterminated quote"
                    break
                used = stop
                rownum += 1
                yield rownum, [(c.strip() or None) if c[:1] != "'" else _unguard(c)
                               for c in row]
            else:
                return
        except csv.Error as exc:
            reason = f"unreadable CSV ({exc})"
        rownum += 1
        bad = start + used  # index of the damaged row's first line
        where = "" if bad + 1 == rownum else f" (line {bad + 1} of the file)"
        if reason == "unterminated quote":
            reason = (f"unterminated quote starting on row {rownum}{where}: a quoted cell is "
                      "never closed properly, so the row was left out and reading resumed on "
                      "the next line; check its quotes (a quote inside a quoted cell is "
                      'written twice: "")')
        else:
            reason = f"{reason}{where}; the row was left out"
        builder.error(rownum, None, reason)
        start = bad + 1


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


def _mb(size):
    return f"{size / 1024 ** 2:,.0f}"


def _check_unpacked_size(path):
    """Refuse a workbook that would unpack to far more than a spreadsheet holds.

    The sizes come from the archive's directory; reading never yields more than a
    part's recorded size (zipfile stops there and fails its checksum), so they bound
    what openpyxl can be made to read.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise RecordFileError(str(path), f"not a readable .xlsx workbook ({exc})") from None
    total = sum(part.file_size for part in parts)
    if total > XLSX_MAX_UNPACKED:
        raise RecordFileError(str(path), f"the workbook expands to more than {_mb(XLSX_MAX_UNPACKED)} MB when "
                                         "unpacked; split it into smaller files")
    for part in parts:
        if part.file_size > XLSX_LARGE_PART and part.file_size > XLSX_MAX_RATIO * max(part.compress_size, 1):
            raise RecordFileError(
                str(path), f"the workbook expands to more than {_mb(part.file_size)} MB when unpacked "
                           f"({part.filename} is compressed more than {XLSX_MAX_RATIO}:1, which no genuine "
                           "spreadsheet is); save it again from a spreadsheet program or split it")


def _xlsx_rows(path, batch=2048):
    import openpyxl

    _check_unpacked_size(path)
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
                yield rownum, [c if type(c) is not str
                               else (c.strip() or None) if c[:1] != "'" else _unguard(c)
                               for c in row]
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


def _subheader(kind, upper, lower):
    """``upper`` and ``lower`` as one header, when ``lower`` names fields under the
    blank or group-label cells of ``upper`` (a two-row header with merged cells),
    else None."""
    merged, added = list(upper), False
    if len(lower) > len(merged):
        merged += [None] * (len(lower) - len(merged))
    for col, cell in enumerate(lower):
        if cell is None or str(cell).strip() == "":
            continue
        fld, _ = match_header(kind, cell)
        if fld is None:
            return None  # a value, not a header
        above = merged[col]
        if above is not None and str(above).strip() != "":
            above_field, _ = match_header(kind, above)
            if above_field is not None:
                if above_field is not fld:
                    return None
                continue
        merged[col] = cell
        added = True
    return merged if added else None


def _read_table(rows, kind, builder):
    plan = header = None
    settled = False  # whether the row under the header was looked at (a second header row?)
    previous = None  # the last row tried as the header, when it was not one
    first_problem = None
    scanned = 0
    scales = {}

    def settle(chosen):
        nonlocal plan, scales, settled
        plan, settled = chosen, True
        scales = {name: scale for name, _, scale in plan if name and scale != 1}
        for _, extra_name, _ in plan:
            if extra_name is not None:
                builder.note_extra(extra_name)

    for rownum, cells in rows:
        if plan is None:
            if all(c is None for c in cells):
                previous = None
                continue
            scanned += 1
            candidate, missing = _plan(kind, cells)
            if candidate is not None and not missing:
                plan, header = candidate, cells
                continue
            merged = None if previous is None else _subheader(kind, previous, cells)
            if merged is not None:
                both, both_missing = _plan(kind, merged)
                if both is not None and not both_missing:
                    settle(both)
                    continue
            problem = missing if candidate is None else _missing_message(kind, missing)
            first_problem = first_problem or f"row {rownum}: {problem}"
            if scanned >= _HEADER_SEARCH_ROWS:
                break
            previous = cells
            continue
        if all(c is None for c in cells):
            continue
        if not settled:
            merged = _subheader(kind, header, cells)
            both = None if merged is None else _plan(kind, merged)[0]
            settle(both or plan)
            if both is not None:
                continue
        raw, extra = {}, {}
        too_long = False
        for col, value in enumerate(cells):
            if value is None:
                continue
            if type(value) is str and len(value) > MAX_CELL_CHARS:
                name = (plan[col][0] or plan[col][1]) if col < len(plan) else None
                builder.error(rownum, name or f"column {_column_letter(col)}",
                              f"a cell holds {len(value):,} characters, more than the {MAX_CELL_CHARS:,} a "
                              "spreadsheet cell may hold; the row was left out")
                too_long = True
                break
            if col < len(plan):
                name, extra_name, _ = plan[col]
            else:
                name, extra_name = None, None
            if name is not None:
                raw[name] = value
            elif type(value) is not str or not is_missing_text(value):
                extra_name = extra_name or f"column {_column_letter(col)}"
                builder.note_extra(extra_name)
                extra[extra_name] = value
        if not too_long:
            builder.add(raw, extra, rownum, scales)
    if plan is None:
        raise RecordFileError(builder.file, first_problem or "the file is empty (no header row)")
    if not settled:
        settle(plan)
