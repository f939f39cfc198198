import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import openpyxl
import pytest

from matchmaker.io import sheets
from matchmaker.io.sheets import neutralise, write_table

DANGEROUS = ["=1+1", "+86 10 1234", "-5", "@SUM(A1)", "\tindent", "\rreturn",
             '=HYPERLINK("http://x","y")']


@pytest.mark.parametrize("text", DANGEROUS)
def test_neutralise_guards_formula_starts(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["", "a=b", "晶澜", " =x", "'=already", "１＝", 5, -5, 1.5, None,
                                   True, Decimal(-2), date(2026, 1, 2)])
def test_neutralise_leaves_other_values(value):
    assert neutralise(value) is value


def _csv(data):
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_guards_every_text_cell_and_header(tmp_path):
    path = tmp_path / "t.csv"
    write_table(path, ["=name", "n"], [[t, -1] for t in DANGEROUS] + [[None, 2.5]], fmt="csv")
    rows = _csv(path.read_bytes())
    assert rows[0] == ["'=name", "n"]
    assert [r[0] for r in rows[1:-1]] == ["'" + t for t in DANGEROUS]
    assert [r[1] for r in rows[1:-1]] == ["-1"] * len(DANGEROUS)  # numbers are not text
    assert rows[-1] == ["", "2.5"]


def test_csv_cells_of_lists_dates_and_mappings(tmp_path):
    path = tmp_path / "t.csv"
    write_table(path, ["a", "b", "c", "d"],
                [[["x", "-y"], date(2026, 5, 31), {"k": "中"}, ("-a", "b")]], fmt="csv")
    assert _csv(path.read_bytes())[1] == ["x; -y", "2026-05-31", '{"k": "中"}', "'-a; b"]


def test_xlsx_never_holds_a_formula(tmp_path):
    path = tmp_path / "t.xlsx"
    write_table(path, ["名称", "=h"], [[t, t] for t in DANGEROUS], fmt="xlsx", title="企业")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.title == "企业"
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" and not str(c.value).startswith("=") for c in cells)
    assert [sheet.cell(i, 1).value for i in range(2, len(DANGEROUS) + 2)] == ["'" + t for t in DANGEROUS]
    assert sheet["A1"].font.bold and sheet.freeze_panes == "A2"


def test_xlsx_keeps_numbers_and_dates_as_values(tmp_path):
    path = tmp_path / "t.xlsx"
    aware = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    write_table(path, ["n", "d", "t", "x"],
                [[-3, date(2026, 5, 31), aware, "\x01bad\x02"], [Decimal("1.5"), None, True, float("nan")],
                 ["#N/A", "#REF!", "#n/a", ""]],
                fmt="xlsx")
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1] == (-3, datetime(2026, 5, 31), "2026-01-02T03:04:00+00:00", "bad")
    assert rows[2] == (1.5, None, True, None)
    assert rows[3][:3] == ("#N/A", "#REF!", "#n/a")  # typed text, not Excel's error values
    assert [c.data_type for c in sheet[4][:3]] == ["s", "s", "s"]


def test_xlsx_further_sheets_and_file_objects(tmp_path):
    buf = io.BytesIO()
    write_table(buf, ["a"], [["1"]], fmt="xlsx", title="one: [first]",
                sheets=[("two", ["b", "c"], iter([["=x", 2]])), ("two", [], [])])
    book = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
    assert book.sheetnames == ["one   first", "two", "two (2)"]
    assert list(book["two"].iter_rows(values_only=True)) == [("b", "c"), ("'=x", 2)]
    assert not buf.closed


def test_csv_to_a_file_object_leaves_it_open():
    buf = io.BytesIO()
    write_table(buf, ["a"], [["@x"]], fmt="csv")
    assert not buf.closed
    assert _csv(buf.getvalue()) == [["a"], ["'@x"]]


def test_long_tables_continue_on_new_worksheets(tmp_path, monkeypatch):
    monkeypatch.setattr(sheets, "XLSX_MAX_ROWS", 3)
    path = tmp_path / "t.xlsx"
    write_table(path, ["i"], ([i] for i in range(5)), fmt="xlsx", title="rows")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["rows", "rows (2)", "rows (3)"]
    assert [r for s in book.worksheets for r in s.iter_rows(values_only=True)] == [
        ("i",), (0,), (1,), ("i",), (2,), (3,), ("i",), (4,)]


def test_an_empty_table_still_has_its_header(tmp_path):
    path = tmp_path / "t.xlsx"
    write_table(path, ["a", "b"], [], fmt="xlsx")
    assert list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True)) == [("a", "b")]


def test_failure_leaves_no_file(tmp_path):
    path = tmp_path / "t.csv"

    def rows():
        yield ["ok"]
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        write_table(path, ["a"], rows(), fmt="csv")
    assert list(tmp_path.iterdir()) == []


def test_unknown_format_and_csv_with_several_sheets_are_refused(tmp_path):
    with pytest.raises(ValueError, match="format"):
        write_table(tmp_path / "t.ods", ["a"], [], fmt="ods")
    with pytest.raises(ValueError, match="XLSX"):
        write_table(tmp_path / "t.csv", ["a"], [], fmt="csv", sheets=[("b", ["b"], [])])
    assert list(tmp_path.iterdir()) == []
