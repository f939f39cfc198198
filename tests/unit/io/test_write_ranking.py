import csv
import json
from dataclasses import dataclass

import openpyxl
import pytest

from matchmaker.io import sheets as io_sheets
from matchmaker.io import write_ranking

RANKINGS = [
    {"demand_id": "D1", "ranked": [
        {"capability_id": "C7", "score": 0.83,
         "reasons": ["text: 磷酸铁锂, 正极", "chain: nev-battery.cathode → nev-battery.cell"]},
        {"capability_id": "C2", "score": 0.5, "reasons": []},
    ]},
    {"demand_id": "D2", "ranked": []},
]


def test_jsonl_format(tmp_path):
    path = tmp_path / "ranking.jsonl"
    assert write_ranking(path, iter(RANKINGS)) == 2
    lines = path.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == RANKINGS
    assert "磷酸铁锂" in lines[0] and ", " not in lines[0].split('"reasons"')[0]


def test_csv_format_one_row_per_rank(tmp_path):
    path = tmp_path / "ranking.csv"
    write_ranking(path, RANKINGS)
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows == [
        ["demand_id", "rank", "capability_id", "score", "reasons"],
        ["D1", "1", "C7", "0.83",
         "text: 磷酸铁锂, 正极; chain: nev-battery.cathode → nev-battery.cell"],
        ["D1", "2", "C2", "0.5", ""],
    ]


def test_xlsx_format(tmp_path):
    path = tmp_path / "ranking.xlsx"
    write_ranking(path, RANKINGS)
    rows = list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))
    assert rows[0] == ("demand_id", "rank", "capability_id", "score", "reasons")
    assert rows[1][:4] == ("D1", 1, "C7", 0.83)
    assert len(rows) == 3


def test_capability_direction(tmp_path):
    path = tmp_path / "ranking.csv"
    write_ranking(path, [("C1", [("D3", 0.9, ["region: 江苏"])])], id_field="capability_id")
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[0] == ["capability_id", "rank", "demand_id", "score", "reasons"]
    assert rows[1] == ["C1", "1", "D3", "0.9", "region: 江苏"]
    jsonl = tmp_path / "ranking.jsonl"
    write_ranking(jsonl, [("C1", [("D3", 0.9)])], id_field="capability_id")
    assert json.loads(jsonl.read_text()) == {
        "capability_id": "C1", "ranked": [{"demand_id": "D3", "score": 0.9, "reasons": []}]}


@dataclass
class Candidate:
    id: str
    score: float
    reasons: tuple = ()


def test_entries_may_be_objects_and_scores_are_rounded(tmp_path):
    path = tmp_path / "ranking.jsonl"
    write_ranking(path, [("D1", [Candidate("C1", 0.1234567891, ("text: x",))])])
    assert json.loads(path.read_text()) == {
        "demand_id": "D1",
        "ranked": [{"capability_id": "C1", "score": 0.123457, "reasons": ["text: x"]}]}


def test_bad_id_field_raises(tmp_path):
    with pytest.raises(ValueError):
        write_ranking(tmp_path / "r.jsonl", RANKINGS, id_field="id")


def test_xlsx_continues_on_a_new_sheet_at_the_row_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(io_sheets, "XLSX_MAX_ROWS", 3)
    path = tmp_path / "ranking.xlsx"
    ranked = [(f"C{i}", 1 - i / 10) for i in range(5)]
    write_ranking(path, [("D1", ranked)])
    sheets = openpyxl.load_workbook(path).worksheets
    assert [s.title for s in sheets] == ["ranking", "ranking (2)", "ranking (3)"]
    rows = [r for s in sheets for r in s.iter_rows(values_only=True)]
    assert [r[2] for r in rows if r[0] != "demand_id"] == [f"C{i}" for i in range(5)]
    assert all(s.cell(1, 1).value == "demand_id" for s in sheets)
