import csv
import json
import os

import openpyxl
import pytest

from matchmaker.io import RecordFileError, read_records, write_records

DEMANDS = [
    {"id": "D1", "enterprise": "晶澜光伏", "kind": "challenge", "title": "降银",
     "description": "银耗≤8mg/W；兼容0BB\n第二行", "chain_nodes": ["pv.cell", "pv.module"],
     "region": "江苏省", "required_qualifications": ["ISO 9001", "承装（修、试）电力设施许可证"],
     "budget": 6000000, "deadline": "2026-05-31", "payment_days": 60,
     "acceptance_days": None, "status": None, "quantity": None, "unit": None, "acceptance_criteria": None, "ip_terms": None, "extra": {"联系人": "王工"}},
    {"id": "D2", "enterprise": "華曜", "kind": "procurement", "title": "=HYPERLINK(\"x\")",
     "description": "- 以短横开头", "chain_nodes": None, "region": "Jiangsu",
     "required_qualifications": None, "budget": 1500.5, "deadline": None,
     "payment_days": 0, "acceptance_days": 30, "status": None, "quantity": None, "unit": None, "acceptance_criteria": None, "ip_terms": None, "extra": {}},
]


@pytest.mark.parametrize("ext", ["jsonl", "csv", "xlsx"])
@pytest.mark.parametrize("header", ["en", "zh"])
def test_round_trip(tmp_path, ext, header):
    path = tmp_path / f"demands.{ext}"
    assert write_records(path, iter(DEMANDS), header=header) == 2
    result = read_records(path, "demand")
    assert result.errors == [] and result.warnings == []
    assert result.records == DEMANDS


def test_csv_has_bom_and_chinese_headers(tmp_path):
    path = tmp_path / "d.csv"
    write_records(path, DEMANDS, ["id", "title", "chain_nodes"], header="zh")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0] == ["编号", "标题", "产业链环节"]
    assert rows[1] == ["D1", "降银", "pv.cell; pv.module"]


def test_csv_quotes_text_excel_would_run_as_a_formula(tmp_path):
    path = tmp_path / "d.csv"
    write_records(path, DEMANDS, ["id", "title"])
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[2][1] == "'=HYPERLINK(\"x\")"


def test_xlsx_stores_formula_like_text_as_guarded_text(tmp_path):
    path = tmp_path / "d.xlsx"
    write_records(path, DEMANDS, ["id", "title", "budget"])
    sheet = openpyxl.load_workbook(path).worksheets[0]
    assert sheet["B3"].data_type == "s"
    assert sheet["B3"].value == "'=HYPERLINK(\"x\")"
    assert sheet["C2"].value == 6000000


def test_jsonl_leaves_out_none_and_keeps_unicode(tmp_path):
    path = tmp_path / "d.jsonl"
    write_records(path, DEMANDS, ["id", "enterprise", "deadline", "联系人"])
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"id":"D1","enterprise":"晶澜光伏","deadline":"2026-05-31","联系人":"王工"}'
    assert json.loads(lines[1]) == {"id": "D2", "enterprise": "華曜"}


def test_columns_default_to_first_row_and_its_extra(tmp_path):
    path = tmp_path / "d.csv"
    write_records(path, DEMANDS)
    header = path.read_text(encoding="utf-8-sig").splitlines()[0].split(",")
    assert header[0] == "id" and header[-1] == "联系人" and "extra" not in header


def test_empty_input_writes_an_empty_file(tmp_path):
    assert write_records(tmp_path / "d.jsonl", []) == 0
    assert (tmp_path / "d.jsonl").read_text() == ""


def test_failed_write_leaves_nothing_behind(tmp_path):
    path = tmp_path / "d.jsonl"
    rows = [{"id": "1"}, {"id": object()}]
    with pytest.raises(TypeError):
        write_records(path, rows, ["id"])
    assert os.listdir(tmp_path) == []


def test_failed_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "d.csv"
    write_records(path, DEMANDS, ["id"])
    before = path.read_bytes()

    def rows():
        yield DEMANDS[0]
        raise RuntimeError("source failed")

    with pytest.raises(RuntimeError):
        write_records(path, rows(), ["id"])
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["d.csv"]


@pytest.mark.parametrize("name", ["d.xls", "d.json", "missing-dir/d.csv"])
def test_unwritable_targets_raise(tmp_path, name):
    with pytest.raises(RecordFileError):
        write_records(tmp_path / name, DEMANDS)
