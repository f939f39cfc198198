"""A small .xlsx must not unpack into gigabytes when read (a "zip bomb"), and no cell may be
longer than a spreadsheet cell can be: the import page runs the reader inside the web process."""
import time
import tracemalloc
import zipfile

import openpyxl
import pytest

from matchmaker.io import RecordFileError, read_records, records

_SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_SHEET_TAIL = b"</sheetData></worksheet>"


def _inline_row(number: int, cells) -> bytes:
    xml = "".join(f'<c r="{chr(65 + i)}{number}" t="inlineStr"><is><t>{text}</t></is></c>'
                  for i, text in enumerate(cells) if text is not None)
    return f'<row r="{number}">{xml}</row>'.encode()


def _workbook(path, write_sheet):
    """A genuine workbook whose first sheet's XML is written by ``write_sheet(stream)``
    (openpyxl itself cuts long strings when it writes, so the sheet is written here)."""
    template = path.with_name(f"template-{path.name}")
    book = openpyxl.Workbook()
    book.active.append(["name"])
    book.save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with target.open(item.filename, "w", force_zip64=True) as out:
                    out.write(_SHEET_HEAD)
                    write_sheet(out)
                    out.write(_SHEET_TAIL)
            else:
                target.writestr(item, source.read(item.filename))
    template.unlink()
    return path


def write_bomb(path, megabytes: int = 64):
    """A workbook with one inline string of ``megabytes`` MB: about 64 KB on disk, the shape of
    a real attack."""
    def sheet(out):
        out.write(_inline_row(1, ["name"]) + b'<row r="2"><c r="A2" t="inlineStr"><is><t>')
        block = b"A" * (1024 * 1024)
        for _ in range(megabytes):
            out.write(block)
        out.write(b"</t></is></c></row>")
    return _workbook(path, sheet)


def test_a_workbook_that_unpacks_enormously_is_refused_before_it_is_read(tmp_path):
    path = write_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 200_000
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(RecordFileError) as info:
            read_records(path, "enterprise")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "the workbook expands to more than 64 MB" in info.value.reason
    assert "100:1" in info.value.reason
    assert peak < 5 * 1024 * 1024 and time.perf_counter() - started < 2


def test_a_workbook_larger_than_the_total_limit_is_refused(tmp_path, monkeypatch, write_xlsx):
    path = write_xlsx([["name"], ["苏州精工科技有限公司"]])
    assert len(read_records(path, "enterprise").records) == 1
    monkeypatch.setattr(records, "XLSX_MAX_UNPACKED", 2 * 1024 * 1024)
    monkeypatch.setattr(records, "XLSX_LARGE_PART", 1024 ** 4)  # only the total counts here
    big = write_bomb(tmp_path / "big.xlsx", megabytes=3)
    with pytest.raises(RecordFileError) as info:
        read_records(big, "enterprise")
    assert info.value.reason.startswith("the workbook expands to more than 2 MB")


def test_large_but_ordinary_parts_are_read(tmp_path, monkeypatch):
    """A big sheet that compresses like real data (well under 100:1) is read as usual."""
    monkeypatch.setattr(records, "XLSX_LARGE_PART", 1024)
    path = tmp_path / "ordinary.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["name", "description"])
    for i in range(300):
        book.active.append([f"企业{i:04d}有限公司", f"第 {i} 行 {i * 7919 % 104729} 的说明 {i * 31337 % 65521}"])
    book.save(path)
    assert len(read_records(path, "enterprise").records) == 300


def test_a_cell_longer_than_a_spreadsheet_cell_fails_its_row_only(tmp_path, write_csv):
    long = "长" * (records.MAX_CELL_CHARS + 1)
    rows = [["name", "description", "note"], ["甲有限公司", long, None], ["乙有限公司", "简介", None],
            ["丙有限公司", "简介", long], ["丁有限公司", "长" * records.MAX_CELL_CHARS, None]]
    xlsx = _workbook(tmp_path / "long.xlsx",
                     lambda out: out.write(b"".join(_inline_row(n, row) for n, row in enumerate(rows, start=1))))
    for path in (xlsx, write_csv(rows)):
        result = read_records(path, "enterprise")
        assert [r["name"] for r in result.records] == ["乙有限公司", "丁有限公司"]
        assert [(e.line, e.field) for e in result.errors] == [(2, "description"), (4, "note")]
        assert result.errors[0].reason.startswith("a cell holds 32,768 characters, more than the 32,767")
