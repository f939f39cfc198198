from datetime import date, datetime

import pytest

from matchmaker.io import RecordError, RecordFileError, read_records

DEMAND_HEADER_ZH = ["需求编号", "需求企业", "需求类型", "需求名称", "技术要求", "产业链环节", "省份",
                    "资质要求", "预算", "截止日期", "账期"]


def test_jsonl_demands_with_all_fields(write_jsonl):
    path = write_jsonl([
        {"id": "D1", "enterprise": "晶澜光伏", "kind": "challenge", "title": "降银",
         "description": "银耗≤8mg/W", "chain_nodes": ["pv.cell"], "region": "江苏省",
         "required_qualifications": ["ISO 9001", "专精特新"], "budget": 6000000,
         "deadline": "2026-05-31", "payment_days": 60},
        {"id": "D2", "enterprise": "华曜", "title": "逆变器"},
    ])
    result = read_records(path, "demand")
    assert result.errors == [] and result.warnings == []
    first, second = result.records
    assert first == {
        "id": "D1", "enterprise": "晶澜光伏", "kind": "challenge", "title": "降银",
        "description": "银耗≤8mg/W", "chain_nodes": ["pv.cell"], "region": "江苏省",
        "required_qualifications": ["ISO 9001", "专精特新"], "budget": 6000000,
        "deadline": "2026-05-31", "payment_days": 60, "acceptance_days": None,
        "status": None, "quantity": None, "unit": None, "acceptance_criteria": None, "ip_terms": None, "extra": {},
    }
    assert second["kind"] is None  # blank: the import decides (procurement when it creates a demand)
    assert second["chain_nodes"] is None and second["budget"] is None
    assert second["extra"] == {}


def test_jsonl_list_given_as_string_is_split(write_jsonl):
    path = write_jsonl([{"id": "C1", "enterprise": "E", "title": "T",
                         "qualifications": "ISO 9001；专精特新、小巨人"}])
    assert read_records(path, "capability").records[0]["qualifications"] == [
        "ISO 9001", "专精特新", "小巨人"]


def test_jsonl_numeric_id_becomes_text(write_jsonl):
    path = write_jsonl([{"id": 1001, "enterprise": "E", "title": "T"}])
    assert read_records(path, "capability").records[0]["id"] == "1001"


def test_malformed_json_line_is_reported_and_others_kept(write_jsonl):
    path = write_jsonl([
        {"id": "C1", "enterprise": "E", "title": "T"},
        '{"id": "C2", "enterprise": "E", "title": ',
        "",
        '["not", "an", "object"]',
        {"id": "C3", "enterprise": "E", "title": "T"},
    ])
    result = read_records(path, "capability")
    assert [r["id"] for r in result.records] == ["C1", "C3"]
    assert [(e.line, e.field) for e in result.errors] == [(2, None), (4, None)]
    assert "malformed JSON" in result.errors[0].reason
    assert "object" in result.errors[1].reason
    assert all(e.file == str(path) for e in result.errors)


def test_jsonl_line_that_is_not_utf8_is_reported(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_bytes(b'{"id": "C1", "enterprise": "E", "title": "T"}\n'
                     + '{"id": "C2", "enterprise": "企业", "title": "T"}\n'.encode("gbk"))
    result = read_records(path, "capability")
    assert [r["id"] for r in result.records] == ["C1"]
    assert result.errors[0].line == 2 and "UTF-8" in result.errors[0].reason


def test_jsonl_with_bom_and_chinese_keys(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('\ufeff{"编号": "C1", "企业名称": "E", "产品名称": "T", "企业规模": "小型"}\n',
                    encoding="utf-8")
    record = read_records(path, "capability").records[0]
    assert (record["id"], record["enterprise"], record["title"], record["size"]) == (
        "C1", "E", "T", "small")


def test_csv_with_chinese_headers_bom_lists_and_amounts(write_csv):
    path = write_csv([
        DEMAND_HEADER_ZH,
        ["D1", "晶澜", "揭榜挂帅", "降银", "多行\n描述", "pv.cell；pv.wafer", "江苏",
         "ISO 9001; IATF 16949、专精特新", "500万", "2026-05-31", "60"],
        ["D2", "华曜", "采购", "逆变器", "", "", "", "", "1.2亿", "", "30天"],
        ["D3", "华曜", "procurement", "支架", "", "", "", "", "1,200,000", "", ""],
    ])
    result = read_records(path, "demand")
    assert result.errors == []
    d1, d2, d3 = result.records
    assert d1["kind"] == "challenge" and d2["kind"] == "procurement"
    assert d1["description"] == "多行\n描述"
    assert d1["chain_nodes"] == ["pv.cell", "pv.wafer"]
    assert d1["required_qualifications"] == ["ISO 9001", "IATF 16949", "专精特新"]
    assert (d1["budget"], d2["budget"], d3["budget"]) == (5_000_000, 120_000_000, 1_200_000)
    assert d1["deadline"] == "2026-05-31" and d2["deadline"] is None
    assert (d1["payment_days"], d2["payment_days"], d3["payment_days"]) == (60, 30, None)
    assert d2["description"] is None and d2["chain_nodes"] is None


def test_csv_without_bom(write_csv):
    path = write_csv([["id", "enterprise", "title"], ["C1", "企业", "产品"]], encoding="utf-8")
    assert read_records(path, "capability").records[0]["enterprise"] == "企业"


def test_csv_saved_as_gbk_is_read_with_a_warning(write_csv):
    path = write_csv([["编号", "企业", "标题"], ["C1", "企业", "产品"]], encoding="gbk")
    result = read_records(path, "capability")
    assert result.records[0]["enterprise"] == "企业"
    assert "GB18030" in result.warnings[0].reason and result.warnings[0].line is None


def test_brackets_protect_separators_inside_list_items(write_csv):
    path = write_csv([["编号", "企业", "标题", "资质"],
                      ["C1", "E", "T", "承装（修、试）电力设施许可证、ISO 9001"]])
    assert read_records(path, "capability").records[0]["qualifications"] == [
        "承装（修、试）电力设施许可证", "ISO 9001"]


def test_header_unit_scales_bare_amounts(write_csv):
    path = write_csv([["编号", "企业", "标题", "预算（万元）"],
                      ["D1", "E", "T", "500"], ["D2", "E", "T", "1亿"]])
    records = read_records(path, "demand").records
    assert [r["budget"] for r in records] == [5_000_000, 100_000_000]


def test_unknown_columns_are_kept(write_csv):
    path = write_csv([["编号", "企业", "标题", "联系人", "备注"],
                      ["C1", "E", "T", "王工", ""], ["C2", "E", "T", "", "加急"]])
    result = read_records(path, "capability")
    assert [r["extra"] for r in result.records] == [{"联系人": "王工"}, {"备注": "加急"}]
    assert result.extra_columns == ["联系人", "备注"]
    assert result.errors == []


def test_bad_records_are_reported_with_row_and_field_and_good_ones_kept(write_csv):
    path = write_csv([
        ["编号", "企业", "类型", "标题", "预算", "截止日期", "付款期限"],
        ["D1", "E", "采购", "ok", "100万", "2026-01-31", "30"],
        ["D2", "E", "采购", "bad budget", "很多", "", ""],
        ["D3", "E", "采购", "bad date", "", "2026-13-01", ""],
        ["D4", "E", "采购", "negative days", "", "", "-5"],
        ["D5", "E", "拍卖", "bad kind", "", "", ""],
        ["D6", "E", "采购", "", "", "", ""],
        ["D1", "E", "采购", "duplicate", "", "", ""],
        ["D7", "E", "采购", "negative budget", "-3", "", "1.5"],
        ["D8", "", "采购", "ok", "", "", ""],
        ["D9", "E", "challenge", "ok", "", "", ""],
    ])
    result = read_records(path, "demand")
    assert [r["id"] for r in result.records] == ["D1", "D9"]
    found = [(e.line, e.field) for e in result.errors]
    assert found == [(3, "budget"), (4, "deadline"), (5, "payment_days"), (6, "kind"),
                     (7, "title"), (8, "id"), (9, "budget"), (9, "payment_days"),
                     (10, "enterprise")]
    reasons = {(e.line, e.field): e.reason for e in result.errors}
    assert "很多" in reasons[(3, "budget")]
    assert "ISO date" in reasons[(4, "deadline")]
    assert "negative" in reasons[(5, "payment_days")]
    assert "procurement" in reasons[(6, "kind")] and "challenge" in reasons[(6, "kind")]
    assert "required" in reasons[(7, "title")]
    assert "duplicate" in reasons[(8, "id")] and "row 2" in reasons[(8, "id")]
    assert all(isinstance(e, RecordError) and e.file == str(path) for e in result.errors)
    assert str(result.errors[0]).startswith(f"{path}:3: budget: ")


def test_unknown_region_is_a_warning_not_an_error(write_csv):
    path = write_csv([["编号", "企业", "标题", "地区"],
                      ["C1", "E", "T", "Atlantis"], ["C2", "E", "T", "廣東"]])
    result = read_records(path, "capability")
    assert [r["region"] for r in result.records] == ["Atlantis", "廣東"]
    assert [(w.line, w.field) for w in result.warnings] == [(2, "region")]
    assert result.errors == []


def test_size_values(write_csv):
    path = write_csv([["编号", "企业", "标题", "企业规模"],
                      ["C1", "E", "T", "微型"], ["C2", "E", "T", "Medium"],
                      ["C3", "E", "T", "大型企业"], ["C4", "E", "T", "huge"]])
    result = read_records(path, "capability")
    assert [r["size"] for r in result.records] == ["micro", "medium", "large"]
    assert [(e.line, e.field) for e in result.errors] == [(5, "size")]


def test_blank_rows_are_skipped_but_counted(write_csv):
    path = write_csv([["id", "enterprise", "title"], [], ["", "", ""], ["C1", "E", "T"],
                      ["C2", "", "T"]])
    result = read_records(path, "capability")
    assert [r["id"] for r in result.records] == ["C1"]
    assert result.errors[0].line == 5


def test_xlsx_with_title_row_typed_cells_and_chinese_headers(write_xlsx):
    path = write_xlsx([
        ["2026年采购需求清单"],
        [],
        DEMAND_HEADER_ZH + ["联系人"],
        [1001, "晶澜", "采购", "电池片", None, "pv.cell", "江苏省", "ISO 9001；专精特新",
         90000000, datetime(2026, 2, 28), 60, "王工"],
        ["D2", "晶澜", "采购", "胶膜", None, None, None, None, "800万", date(2026, 3, 1), 45.0,
         None],
        ["D3", "晶澜", "采购", "坏日期", None, None, None, None, None, "明天", None, None],
    ])
    result = read_records(path, "demand")
    d1, d2 = result.records
    assert d1["id"] == "1001"
    assert d1["budget"] == 90_000_000 and d2["budget"] == 8_000_000
    assert d1["deadline"] == "2026-02-28" and d2["deadline"] == "2026-03-01"
    assert d2["payment_days"] == 45
    assert d1["required_qualifications"] == ["ISO 9001", "专精特新"]
    assert d1["extra"] == {"联系人": "王工"}
    assert [(e.line, e.field) for e in result.errors] == [(6, "deadline")]


def test_missing_file_raises(tmp_path):
    with pytest.raises(RecordFileError) as info:
        read_records(tmp_path / "none.csv", "demand")
    assert "not found" in str(info.value)


@pytest.mark.parametrize("name, hint", [("d.xls", ".xlsx"), ("d.txt", ".jsonl"), ("d", ".csv")])
def test_unsupported_extension_raises(tmp_path, name, hint):
    path = tmp_path / name
    path.write_text("id\n")
    with pytest.raises(RecordFileError) as info:
        read_records(path, "demand")
    assert hint in str(info.value)


def test_malformed_xlsx_raises(tmp_path):
    path = tmp_path / "d.xlsx"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(RecordFileError) as info:
        read_records(path, "demand")
    assert "xlsx" in str(info.value)


def test_empty_file_raises(write_csv):
    with pytest.raises(RecordFileError) as info:
        read_records(write_csv([]), "demand")
    assert "header" in str(info.value)


def test_missing_required_column_raises_with_accepted_headers(write_csv):
    path = write_csv([["编号", "企业", "描述"], ["D1", "E", "x"]])
    with pytest.raises(RecordFileError) as info:
        read_records(path, "demand")
    message = str(info.value)
    assert "title" in message and "需求名称" in message


def test_two_columns_for_one_field_raise(write_xlsx):
    path = write_xlsx([["编号", "企业", "企业名称", "标题"], ["C1", "A", "B", "T"]])
    with pytest.raises(RecordFileError) as info:
        read_records(path, "capability")
    assert "B and C" in str(info.value) and "enterprise" in str(info.value)


def test_unknown_kind_is_a_programming_error(write_csv):
    with pytest.raises(ValueError, match="kind must be one of demand, capability"):
        read_records(write_csv([["id"]]), "supplier")


def test_jsonl_values_of_the_wrong_type_are_reported(write_jsonl):
    path = write_jsonl([
        {"id": "D1", "enterprise": "E", "title": {"zh": "标题"}},
        {"id": "D2", "enterprise": "E", "title": "T", "chain_nodes": [["pv.cell"]]},
        {"id": "D3", "enterprise": "E", "title": "T", "payment_days": True},
        {"id": "D4", "enterprise": "E", "title": "T", "budget": "abc"},
        {"id": "D5", "enterprise": "E", "title": "T", "budget": "500万", "备注": [1, 2]},
        {"id": None, "enterprise": "E", "title": "T"},
    ])
    result = read_records(path, "demand")
    assert [(e.line, e.field) for e in result.errors] == [
        (1, "title"), (2, "chain_nodes"), (3, "payment_days"), (4, "budget"), (6, "id")]
    (record,) = result.records
    assert record["budget"] == 5_000_000 and record["extra"] == {"备注": [1, 2]}


def test_xlsx_bad_records_name_file_row_and_field(write_xlsx):
    path = write_xlsx([
        ["编号", "企业", "标题", "企业规模"],
        ["C1", "E", "T", "小型"],
        ["C1", "E", "T", "小型"],
        ["C2", "E", None, "巨型"],
    ])
    result = read_records(path, "capability")
    assert [r["id"] for r in result.records] == ["C1"]
    assert [(e.file, e.line, e.field) for e in result.errors] == [
        (str(path), 3, "id"), (str(path), 4, "title"), (str(path), 4, "size")]


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_csv_exported_with_another_delimiter(tmp_path, delimiter):
    path = tmp_path / "c.csv"
    path.write_text(delimiter.join(["编号", "企业", "标题", "资质"]) + "\n"
                    + delimiter.join(["C1", "E", "T", "ISO 9001、CE"]) + "\n", encoding="utf-8")
    record = read_records(path, "capability").records[0]
    assert record["qualifications"] == ["ISO 9001", "CE"]
