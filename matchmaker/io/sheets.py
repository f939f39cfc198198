"""The one writer of spreadsheets (XLSX and CSV) for the site and the command line.

Text that a spreadsheet program would run as a formula (it starts with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) gets a leading ``'``, in CSV and
in XLSX alike, and XLSX cells holding text are stored as text, never as
formulas. The record readers (:func:`matchmaker.io.records.read_records`) take
that ``'`` off again, so a name that begins with ``=`` survives a round trip.

Rows are written as they come: an XLSX workbook is written in openpyxl's
write-only mode and a CSV file line by line, so a large export never sits in
memory. A target given as a path is written under a temporary name and moved
into place at the end, so a failure never leaves half a file behind.
"""

import contextlib
import csv
import io
import itertools
import json
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

__all__ = ["FORMATS", "FORMULA_START", "XLSX_MAX_ROWS", "neutralise", "target_file", "unguard", "write_table"]

#: Formats :func:`write_table` writes.
FORMATS = ("xlsx", "csv")
#: First characters that make a spreadsheet program read text as a formula.
FORMULA_START = frozenset("=+-@\t\r")
#: Rows per worksheet in Excel; longer tables continue on a new worksheet.
XLSX_MAX_ROWS = 1_048_576
_WIDTH_SAMPLE = 200  # rows looked at to size the columns of a worksheet
_MAX_WIDTH = 60
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def neutralise(value):
    """Text a spreadsheet would run as a formula, guarded with a leading ``'``.

    Other text and every non-text value is returned unchanged.

    >>> neutralise("=1+1"), neutralise("-5"), neutralise("a=b"), neutralise(-5)
    ("'=1+1", "'-5", 'a=b', -5)
    """
    if isinstance(value, str) and value[:1] in FORMULA_START:
        return "'" + value
    return value


def unguard(value):
    """The text :func:`neutralise` guarded, without its ``'``; other values unchanged.

    >>> unguard("'=1+1"), unguard("'quoted"), unguard("=1")
    ('=1+1', "'quoted", '=1')
    """
    if isinstance(value, str) and value[:1] == "'" and value[1:2] and value[1] in FORMULA_START:
        return value[1:]
    return value


def _plain(value, *, dates):
    """A cell value: text (guarded), number, bool, None, or a date when ``dates``."""
    kind = type(value)
    if kind is str:  # the common case first: exports are mostly text
        return "'" + value if value[:1] in FORMULA_START else value
    if value is None or kind is bool or kind is int:
        return value
    if isinstance(value, str):
        return neutralise(str(value))
    if isinstance(value, (bool, int, Decimal)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (datetime, date, time)):
        if dates and getattr(value, "tzinfo", None) is None:
            return value
        return value.isoformat()
    if isinstance(value, Mapping):
        return neutralise(json.dumps(dict(value), ensure_ascii=False, default=str))
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return neutralise("; ".join("" if item is None else str(item) for item in items))
    return neutralise(str(value))


def _csv_cell(value):
    value = _plain(value, dates=False)
    return "" if value is None else value


@contextlib.contextmanager
def target_file(target):
    """A binary file to write to: ``target`` itself when it is a file object, else a
    temporary file beside the path ``target`` that is moved onto it at the end.

    On failure the temporary file is removed and an :class:`OSError` names ``target``.
    """
    if not isinstance(target, (str, os.PathLike)):
        yield target
        return
    path = Path(target)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(tmp, "wb") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError) and exc.filename in (str(tmp), tmp):
            exc.filename = str(path)
        raise


def _write_csv(fh, header, rows):
    text = io.TextIOWrapper(fh, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text)
        writer.writerow([_csv_cell(c) for c in header])
        for row in rows:
            writer.writerow([_csv_cell(c) for c in row])
        text.flush()
    finally:
        # Leave the caller's file open: the wrapper must not close it.
        text.detach()


def _title(title, used):
    base = _BAD_TITLE.sub(" ", str(title or "Sheet")).strip().strip("'")[:31] or "Sheet"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        suffix = f" ({n})"
        name = base[:31 - len(suffix)] + suffix
    used.add(name.lower())
    return name


def _width(value):
    text = value if isinstance(value, str) else "" if value is None else str(value)
    # East Asian characters take about two columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text[:_MAX_WIDTH])


class _Workbook:
    """A write-only openpyxl workbook with bold, frozen headers and sized columns."""

    def __init__(self):
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
        from openpyxl.styles import Font
        from openpyxl.utils import get_column_letter

        self.book = Workbook(write_only=True)
        self._cell = WriteOnlyCell
        self._illegal = ILLEGAL_CHARACTERS_RE
        self._error_codes = frozenset(ERROR_CODES)
        self._bold = Font(bold=True)
        self._letter = get_column_letter
        self._used = set()

    def _value(self, value, sheet):
        # Guarded text never starts with "=", so openpyxl stores it as text, not as a formula.
        value = _plain(value, dates=True)
        if isinstance(value, str):
            if self._illegal.search(value):
                value = self._illegal.sub("", value)
            if value in self._error_codes:
                # Typed "#N/A" is text, not one of Excel's error values.
                cell = self._cell(sheet, value)
                cell.data_type = "s"
                return cell
        return value

    def _sheet(self, title, header, sample):
        sheet = self.book.create_sheet(_title(title, self._used))
        widths = [_width(h) for h in header]
        for row in sample:
            for i, value in enumerate(row):
                if i >= len(widths):
                    widths.append(0)
                widths[i] = max(widths[i], _width(value))
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[self._letter(i)].width = min(_MAX_WIDTH, max(8, 2 + width * 1.1))
        if header:
            sheet.freeze_panes = "A2"
            cells = []
            for name in header:
                cell = self._value(name, sheet)
                if not hasattr(cell, "font"):
                    cell = self._cell(sheet, cell)
                cell.font = self._bold
                cells.append(cell)
            sheet.append(cells)
        return sheet

    def table(self, title, header, rows):
        header = list(header)
        rows = iter(rows)
        sample = [list(row) for row in itertools.islice(rows, _WIDTH_SAMPLE)]
        rows = itertools.chain(sample, rows)
        sheet, count, part, value = None, XLSX_MAX_ROWS, 0, self._value
        limit = XLSX_MAX_ROWS - (1 if header else 0)
        for row in rows:
            if count >= limit:
                part += 1
                sheet = self._sheet(title if part == 1 else f"{title} ({part})", header, sample)
                count = 0
            sheet.append([value(c, sheet) for c in row])
            count += 1
        if sheet is None:
            self._sheet(title, header, sample)


def write_table(target, header: Sequence[str], rows: Iterable[Sequence], *, fmt: str,
                title: str | None = None,
                sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]] = ()) -> None:
    """Write a table as XLSX or CSV.

    Parameters
    ----------
    target : str, path-like or binary file object
        A path is written atomically (temporary file, then renamed).
    header : sequence of str
        The first row (bold and frozen in XLSX); empty for none.
    rows : iterable of sequences
        Cells: text (guarded against formulas), numbers, bools, None (empty),
        dates (date cells in XLSX, ISO text in CSV), lists (joined with ``"; "``)
        or mappings (JSON text).
    fmt : {'xlsx', 'csv'}
        CSV is UTF-8 with a BOM, so that Excel reads Chinese text correctly.
    title : str, optional
        Name of the first worksheet (XLSX). Excel's limits (31 characters, no
        ``[]:*?/\\``) are applied.
    sheets : sequence of (title, header, rows)
        Further worksheets after the first (XLSX only).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown spreadsheet format {fmt!r}; use 'xlsx' or 'csv'")
    if fmt == "csv":
        if sheets:
            raise ValueError("a CSV file holds one table; write further tables as XLSX")
        with target_file(target) as fh:
            _write_csv(fh, header, rows)
        return
    workbook = _Workbook()
    workbook.table(title or "Sheet", header, rows)
    for sheet_title, sheet_header, sheet_rows in sheets:
        workbook.table(sheet_title, sheet_header, sheet_rows)
    with target_file(target) as fh:
        workbook.book.save(fh)
