import csv
import json

import openpyxl
import pytest


@pytest.fixture
def write_csv(tmp_path):
    def write(rows, name="records.csv", encoding="utf-8-sig"):
        path = tmp_path / name
        with open(path, "w", encoding=encoding, newline="") as fh:
            csv.writer(fh).writerows(rows)
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path):
    def write(rows, name="records.xlsx"):
        path = tmp_path / name
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        for row in rows:
            sheet.append(list(row))
        workbook.save(path)
        return path

    return write


@pytest.fixture
def write_jsonl(tmp_path):
    def write(lines, name="records.jsonl"):
        path = tmp_path / name
        with open(path, "w", encoding="utf-8") as fh:
            for line in lines:
                fh.write(line if isinstance(line, str) else json.dumps(line, ensure_ascii=False))
                fh.write("\n")
        return path

    return write
