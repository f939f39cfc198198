"""The record readers keep every good row: damaged CSV quotes, deep or huge JSON, NaN,
encodings, and spreadsheets as people make them (titles, two-row merged headers, units)."""
import json
import math

import openpyxl
import pytest

from matchmaker.io import RecordFileError, read_records
from matchmaker.io.encoding import GB18030_WARNING, decode_text
from matchmaker.io.jsonl import MAX_DEPTH, load_json_document
from matchmaker.io.schema import RECORD_KINDS, SCHEMAS

CAPABILITY_HEADER = "id,enterprise,title,description\n"


def _csv(tmp_path, text, name="c.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


# --- encodings ----------------------------------------------------------------------------

@pytest.mark.parametrize("data, text, warning", [
    ("企业,名称".encode(), "企业,名称", None),
    (b"\xef\xbb\xbf" + "企业".encode(), "企业", None),
    ("企业名称，統一".encode("gb18030"), "企业名称，統一", GB18030_WARNING),
    ("€ 𠀀".encode("gb18030"), "€ 𠀀", GB18030_WARNING),  # four-byte GB18030 sequences
    (b"", "", None),
])
def test_decode_text(data, text, warning):
    assert decode_text(data, "f.csv") == (text, warning)


@pytest.mark.parametrize("data", ["企业".encode("utf-16"), b"caf\xe9 au lait", b"\xff\xff\xff"])
def test_decode_text_refuses_what_is_neither_utf8_nor_gb18030(data):
    with pytest.raises(RecordFileError) as info:
        decode_text(data, "upload.json")
    assert info.value.path == "upload.json"
    assert "UTF-8" in info.value.reason and "GB18030" in info.value.reason


def test_csv_in_neither_encoding_is_a_file_error(tmp_path):
    path = tmp_path / "c.csv"
    path.write_bytes("id,enterprise,title\nC1,E,T\n".encode("utf-16"))
    with pytest.raises(RecordFileError, match="neither UTF-8 nor GB18030"):
        read_records(path, "capability")


# --- CSV: an unterminated quote costs its own row only ------------------------------------

def test_unterminated_quote_keeps_every_good_row_before_and_after(tmp_path):
    rows = [f"C{i},企业{i},产品{i},描述{i}\n" for i in range(1, 11)]
    rows[2] = 'C3,企业3,"产品3 缺引号,描述3\n'  # the quote is never closed
    path = _csv(tmp_path, CAPABILITY_HEADER + "".join(rows))
    result = read_records(path, "capability")
    assert [r["id"] for r in result.records] == ["C1", "C2"] + [f"C{i}" for i in range(4, 11)]
    assert result.rows == [2, 3, 5, 6, 7, 8, 9, 10, 11]
    (error,) = result.errors
    assert (error.line, error.field) == (4, None)
    assert error.reason.startswith("unterminated quote starting on row 4")
    assert all(r["title"].startswith("产品") and "\n" not in r["description"]
               for r in result.records)


def test_two_unterminated_quotes_do_not_pair_up_and_swallow_the_rows_between(tmp_path):
    path = _csv(tmp_path, CAPABILITY_HEADER
                + 'C1,E,"bad one,d\nC2,E,T2,d\nC3,E,T3,d\nC4,E,"bad two,d\nC5,E,T5,d\n')
    result = read_records(path, "capability")
    assert [r["id"] for r in result.records] == ["C2", "C3", "C5"]
    assert [(e.line, e.reason.split(":")[0]) for e in result.errors] == [
        (2, "unterminated quote starting on row 2"), (5, "unterminated quote starting on row 5")]


def test_quoted_cells_with_line_breaks_stay_whole(tmp_path):
    text = (CAPABILITY_HEADER
            + 'C1,E,T1,"第一行\n第二行 ""引号"", 逗号\n\n第四行"\n'
            + 'C2,E,"标题\r\n两行","a\nb"\n'
            + 'C3,E,T3,"末尾""\n"\n'
            + "C4,E,T4,plain\n")
    result = read_records(_csv(tmp_path, text), "capability")
    assert result.errors == []
    assert [r["description"] for r in result.records] == [
        '第一行\n第二行 "引号", 逗号\n\n第四行', "a\nb", '末尾"', "plain"]
    assert result.records[1]["title"] == "标题\r\n两行"
    assert result.rows == [2, 3, 4, 5]  # one row per record, as a spreadsheet shows it


def test_unterminated_quote_before_a_multiline_cell(tmp_path):
    text = (CAPABILITY_HEADER + 'C1,E,"bad,d\nC2,E,T2,d\nC3,E,T3,"多行\n描述, 有逗号"\nC4,E,T4,d\n')
    result = read_records(_csv(tmp_path, text), "capability")
    assert [(r["id"], r["description"]) for r in result.records] == [
        ("C2", "d"), ("C3", "多行\n描述, 有逗号"), ("C4", "d")]
    assert [e.line for e in result.errors] == [2]


def test_row_after_a_multiline_cell_names_its_line_in_the_file(tmp_path):
    text = CAPABILITY_HEADER + 'C1,E,T1,"a\nb\nc"\nC2,E,"bad,d\nC3,E,T3,d\n'
    result = read_records(_csv(tmp_path, text, encoding="utf-8-sig"), "capability")
    assert [r["id"] for r in result.records] == ["C1", "C3"]
    assert result.rows == [2, 4]
    (error,) = result.errors
    assert error.line == 3 and "row 3 (line 5 of the file)" in error.reason


@pytest.mark.parametrize("tail", ['C2,E,T2,"never closed\n', 'C2,E,T2,"never closed',
                                  'C2,E,T2,"never closed\n\n\n'])
def test_unterminated_quote_on_the_last_row_is_reported(tmp_path, tail):
    result = read_records(_csv(tmp_path, CAPABILITY_HEADER + "C1,E,T1,d\n" + tail), "capability")
    assert [r["id"] for r in result.records] == ["C1"]
    assert [e.line for e in result.errors] == [3]
    assert "unterminated quote" in result.errors[0].reason


def test_lines_after_an_unterminated_quote_are_read_as_rows_of_their_own(tmp_path):
    text = CAPABILITY_HEADER + 'C1,E,T1,d\nC2,E,T2,"a\nC3,E,T3,d\nstill open\n'
    result = read_records(_csv(tmp_path, text), "capability")
    assert [r["id"] for r in result.records] == ["C1", "C3"] and result.rows == [2, 4]
    assert [(e.line, e.field) for e in result.errors] == [(3, None), (5, "enterprise"),
                                                          (5, "title")]


def test_quote_inside_an_unquoted_cell_is_text(tmp_path):
    result = read_records(_csv(tmp_path, CAPABILITY_HEADER + 'C1,E,5" 屏幕,d\nC2,E,T2,d\n'),
                          "capability")
    assert [r["title"] for r in result.records] == ['5" 屏幕', "T2"]
    assert result.errors == []


def test_unterminated_quote_in_a_gb18030_file_with_crlf(tmp_path):
    text = "编号,企业,标题,描述\r\nC1,企业,产品,描述\r\nC2,企业,\"坏,描述\r\nC3,企业,产品,\"两\r\n行\"\r\n"
    result = read_records(_csv(tmp_path, text, encoding="gb18030"), "capability")
    assert [(r["id"], r["description"]) for r in result.records] == [
        ("C1", "描述"), ("C3", "两\r\n行")]
    assert [e.line for e in result.errors] == [3]
    assert [w.reason for w in result.warnings] == [GB18030_WARNING]


# --- JSON: nesting, huge integers, NaN ----------------------------------------------------

def _jsonl(tmp_path, lines):
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


GOOD = '{"id": "C1", "enterprise": "E", "title": "T"}'


@pytest.mark.parametrize("bad", [
    "[" * 100_000,
    "[" * 100_000 + "]" * 100_000,
    '{"a": ' * 100_000,
    '{"id": "C9", "enterprise": "E", "title": "T", "extra": ' + "[" * 500 + "]" * 500 + "}",
    '{"id": "C9", "enterprise": "E", "title": NaN, "x": ' + "[" * 5000 + "]" * 5000 + "}",
])
def test_deeply_nested_json_line_is_a_clear_error_for_that_line(tmp_path, bad):
    path = _jsonl(tmp_path, [GOOD, bad, GOOD.replace("C1", "C2")])
    result = read_records(path, "capability")
    assert [r["id"] for r in result.records] == ["C1", "C2"]
    assert result.rows == [1, 3]
    (error,) = result.errors
    assert error.line == 2 and error.field is None
    assert "nested too deeply" in error.reason and str(MAX_DEPTH) in error.reason


def test_nesting_within_the_limit_is_kept_in_extra(tmp_path):
    nested = "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1)
    path = _jsonl(tmp_path, ['{"id": "C1", "enterprise": "E", "title": "T", "备注": ' + nested + "}"])
    result = read_records(path, "capability")
    assert result.errors == []
    value = result.records[0]["extra"]["备注"]
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == 1


def test_deep_value_in_a_field_is_reported_briefly(tmp_path):
    deep = "[" * 90 + '"x"' + "]" * 90
    path = _jsonl(tmp_path, ['{"id": "C1", "enterprise": "E", "title": ' + deep + "}",
                             '{"id": "C2", "enterprise": "E", "title": "T", "chain_nodes": ' + deep + "}"])
    result = read_records(path, "capability")
    assert [(e.line, e.field) for e in result.errors] == [(1, "title"), (2, "chain_nodes")]
    assert all(len(e.reason) < 200 for e in result.errors)


@pytest.mark.parametrize("literal", [
    "18446744073709551616",  # 2**64
    "18446744073709551617",  # 2**64 + 1: a float would make it ...616
    "-9223372036854775809",
    "123456789012345678901234567890",
])
def test_integer_beyond_64_bits_is_kept_exactly_as_text(tmp_path, literal):
    path = _jsonl(tmp_path, ['{"id": ' + literal + ', "enterprise": "E", "title": "T"}',
                             '{"id": "C2", "enterprise": ' + literal + ', "title": "T"}'])
    result = read_records(path, "capability")
    assert result.errors == []
    assert result.records[0]["id"] == literal and result.records[1]["enterprise"] == literal


def test_long_digits_inside_strings_stay_as_written(tmp_path):
    path = _jsonl(tmp_path, ['{"id": "C1", "enterprise": "E", "title": "12345678901234567890123"}'])
    assert read_records(path, "capability").records[0]["title"] == "12345678901234567890123"


@pytest.mark.parametrize("field, literal, words", [
    ("budget", "18446744073709551617", "too large"),
    ("budget", "100000000000000", "too large"),
    ("budget", "1e400", "not a number"),
    ("budget", "NaN", "not a number"),
    ("budget", "-Infinity", "not a number"),
    ("payment_days", "18446744073709551617", "too long"),
    ("payment_days", "NaN", "not a number"),
    ("id", "1e30", "too long to be kept exactly"),
])
def test_numbers_that_cannot_be_kept_are_reported(tmp_path, field, literal, words):
    record = {"id": "D1", "enterprise": "E", "title": "T"}
    text = json.dumps(record)[:-1] + f', "{field}": {literal}}}'
    path = _jsonl(tmp_path, [text, json.dumps({**record, "id": "D2", "budget": 99_999_999_999_999})])
    result = read_records(path, "demand")
    assert [r["id"] for r in result.records] == ["D2"]
    assert result.records[0]["budget"] == 99_999_999_999_999
    (error,) = result.errors
    assert (error.line, error.field) == (1, field) and words in error.reason


def test_integer_too_long_to_convert_is_a_line_error(tmp_path):
    path = _jsonl(tmp_path, ['{"id": "C1", "enterprise": "E", "title": "T", "x": 1' + "0" * 5000 + "}",
                             GOOD.replace("C1", "C2")])
    result = read_records(path, "capability")
    assert [r["id"] for r in result.records] == ["C2"]
    assert [e.line for e in result.errors] == [1]


def test_enterprise_amounts_beyond_any_enterprise_are_refused(tmp_path):
    path = _jsonl(tmp_path, ['{"name": "甲", "revenue": 2e20, "employees": 5000}',
                             '{"name": "乙", "employees": 1e12}',
                             '{"name": "丙", "revenue": 123456789.5, "assets": "3.5亿"}'])
    result = read_records(path, "enterprise")
    assert [(e.line, e.field) for e in result.errors] == [(1, "revenue"), (2, "employees")]
    (record,) = result.records
    assert (record["revenue"], record["assets"]) == (123456789.5, 350_000_000)


def test_json_nan_title_is_missing_not_the_text_nan(tmp_path):
    path = _jsonl(tmp_path, [
        '{"id": "C1", "enterprise": "E", "title": NaN}',
        '{"id": "C2", "enterprise": "E", "title": Infinity}',
        '{"id": "C3", "enterprise": "E", "title": "nan"}',
        ('{"id": "C4", "enterprise": "E", "title": "T", "description": NaN, "region": "NaN", '
         '"qualifications": [NaN, "ISO 9001"], "size": NaN, "备注": NaN}'),
    ])
    result = read_records(path, "capability")
    assert [(e.line, e.field, e.reason) for e in result.errors] == [
        (line, "title", "required field is missing or empty") for line in (1, 2, 3)]
    (record,) = result.records
    assert record["description"] is None and record["region"] is None and record["size"] is None
    assert record["qualifications"] == ["ISO 9001"] and record["extra"] == {}


@pytest.mark.parametrize("cell", ["nan", "NaN", "NAN", " nan ", "<NA>", "NaT"])
def test_pandas_nan_text_in_a_csv_cell_is_missing(tmp_path, cell):
    path = _csv(tmp_path, f"id,enterprise,title,region,资质,企业规模,备注\nC1,E,{cell},{cell},{cell},{cell},{cell}\n"
                "C2,E,T,nan,nan,nan,nan\n")
    result = read_records(path, "capability")
    assert [(e.line, e.field) for e in result.errors] == [(2, "title")]
    assert "required field is missing" in result.errors[0].reason
    (record,) = result.records
    assert (record["region"], record["qualifications"], record["size"], record["extra"]) == (
        None, None, None, {})


def test_words_that_only_look_like_nan_stay_text(tmp_path):
    path = _csv(tmp_path, "id,enterprise,title\nC1,Nano,Infinity\nC2,E,nan 电池\n")
    assert [r["title"] for r in read_records(path, "capability").records] == ["Infinity", "nan 电池"]


def test_nan_number_cells_are_refused(tmp_path):
    path = _csv(tmp_path, "编号,企业,标题,预算,账期\nD1,E,T,nan,\nD2,E,T,,NaN\nD3,E,T,inf,\n"
                "D4,E,T,500万,30\n")
    result = read_records(path, "demand")
    assert [(e.line, e.field) for e in result.errors] == [(2, "budget"), (3, "payment_days"),
                                                          (4, "budget")]
    assert all("not a number" in e.reason for e in result.errors)
    assert [r["id"] for r in result.records] == ["D4"]


def test_xlsx_number_cells_too_long_to_be_exact_are_refused_for_text_fields(tmp_path):
    path = tmp_path / "e.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["企业名称", "统一社会信用代码", "联系电话"])
    sheet.append(["甲", 913205001234567890, 13800138000])  # Excel keeps 15 digits of the code
    sheet.append(["乙", "913205001234567890", 13800138000])
    workbook.save(path)
    result = read_records(path, "enterprise")
    assert [(e.line, e.field) for e in result.errors] == [(2, "credit_code")]
    assert "as text" in result.errors[0].reason
    (record,) = result.records
    assert (record["credit_code"], record["contact_phone"]) == ("913205001234567890", "13800138000")


# --- every record kind; rows parallel to records -------------------------------------------

ENTERPRISE_CSV = ("企业名称,统一社会信用代码,地区,从业人员,营业收入（万元）,资产总额（亿元）,资质\n"
                  "甲公司,91320500MA1WWWWW0X,江苏省,120人,\"3,500\",1.2,ISO 9001、专精特新\n"
                  "乙公司,,浙江,85,,,\n"
                  "甲公司,,,,,,\n"  # the same name twice: not a duplicate-id error
                  ",91330000MA2YYYYY1Y,,,,,\n")


def test_enterprise_records_have_no_id_and_no_duplicate_id_check(tmp_path):
    result = read_records(_csv(tmp_path, ENTERPRISE_CSV), "enterprise")
    first, second, third = result.records
    assert result.rows == [2, 3, 4]
    assert "id" not in first
    assert (first["employees"], first["revenue"], first["assets"]) == (120, 35_000_000, 120_000_000)
    assert first["qualifications"] == ["ISO 9001", "专精特新"]
    assert (second["name"], third["name"]) == ("乙公司", "甲公司")
    assert [(e.line, e.field) for e in result.errors] == [(5, "name")]


def test_participant_records(tmp_path):
    path = _csv(tmp_path, "企业名称,参会身份,桌号,洽谈上限\n甲,采购方,１２,8\n乙,供应商,,\n丙,观众,,\n")
    result = read_records(path, "participant")
    assert [(r["enterprise"], r["role"], r["table"], r["max_meetings"]) for r in result.records] == [
        ("甲", "buyer", 12, 8), ("乙", "supplier", None, None)]
    assert result.rows == [2, 3]
    assert [(e.line, e.field) for e in result.errors] == [(4, "role")]


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_every_record_kind_reads_from_every_format(tmp_path, kind):
    schema = SCHEMAS[kind]
    sample = {"id": "X1", "enterprise": "甲公司", "title": "标题", "name": "甲公司", "role": "buyer"}
    record = {name: sample[name] for name, fld in schema.items() if fld.required}
    header = list(record)
    (tmp_path / "r.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n\n"
                                      + json.dumps(record, ensure_ascii=False) + "\n",
                                      encoding="utf-8")
    (tmp_path / "r.csv").write_text(",".join(header) + "\n" + ",".join(record.values()) + "\n",
                                    encoding="utf-8")
    workbook = openpyxl.Workbook()
    workbook.active.append(header)
    workbook.active.append(list(record.values()))
    workbook.save(tmp_path / "r.xlsx")
    for name in ("r.jsonl", "r.csv", "r.xlsx"):
        result = read_records(tmp_path / name, kind)
        assert result.records[0] | {"extra": {}} == {
            **{f: schema[f].default for f in schema}, **record, "extra": {}}, name
        assert len(result.rows) == len(result.records)
    jsonl = read_records(tmp_path / "r.jsonl", kind)
    if "id" in schema:  # the second line repeats the id
        assert jsonl.rows == [1] and [(e.line, e.field) for e in jsonl.errors] == [(3, "id")]
    else:
        assert jsonl.rows == [1, 3] and jsonl.errors == []


# --- spreadsheets as people make them ------------------------------------------------------

def _messy_enterprise_workbook(path):
    """A title merged across the top, a blank row, a two-row header whose 联系方式 is merged
    over 联系人/联系电话 (the other headers merged down both rows), units in headers."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2025年度重点企业名录（苏州市工信局）"])
    sheet.merge_cells("A1:H1")
    sheet.append([])
    sheet.append(["企业名称*", "统一社会信用代码", "营业收入（万元）", "资产总额\n（亿元）", "从业人员（人）",
                  "联系方式", None, "备注"])
    sheet.append([None, None, None, None, None, "联系人", "联系电话", None])
    for col in "ABCDEH":
        sheet.merge_cells(f"{col}3:{col}4")
    sheet.merge_cells("F3:G3")
    sheet.append(["苏州甲科技有限公司", "91320500MA1WWWWW0X", "１，２００", "0.5", "３２０",
                  "王工", "0512-66668888", "重点"])
    sheet.append([])
    sheet.append(["'=HYPERLINK(\"http://x\")有限公司", None, "3亿", None, 15, "'+86 张三", 13800138000,
                  "'@备注"])
    sheet.append(["苏州乙材料有限公司", None, "800万元", "１２００万", "　45　", None, None, "'普通"])
    sheet.append([None, "91320500MA1YYYYY1Y", None, None, None, "李工", None, None])
    workbook.save(path)
    return path


def test_messy_enterprise_workbook(tmp_path):
    result = read_records(_messy_enterprise_workbook(tmp_path / "名录.xlsx"), "enterprise")
    first, second, third = result.records
    assert result.rows == [5, 7, 8]
    assert [(e.line, e.field) for e in result.errors] == [(9, "name")]
    assert result.extra_columns == ["备注"]
    assert (first["name"], first["credit_code"], first["revenue"], first["assets"],
            first["employees"], first["contact_name"], first["contact_phone"]) == (
        "苏州甲科技有限公司", "91320500MA1WWWWW0X", 12_000_000, 50_000_000, 320, "王工",
        "0512-66668888")
    assert first["extra"] == {"备注": "重点"}
    # text our writers guarded against formula injection is read back without the guard
    assert second["name"] == '=HYPERLINK("http://x")有限公司'
    assert (second["contact_name"], second["contact_phone"]) == ("+86 张三", "13800138000")
    assert second["extra"] == {"备注": "@备注"} and second["revenue"] == 300_000_000
    assert (third["revenue"], third["assets"], third["employees"]) == (8_000_000, 12_000_000, 45)
    assert third["extra"] == {"备注": "'普通"}  # a quote before ordinary text is text


def test_messy_enterprise_csv_in_gb18030(tmp_path):
    text = ("2025年度重点企业名录,,,,\n"
            ",,,,\n"
            "企业名称,统一社会信用代码,营业收入(万元),联系方式,\n"
            ",,,联系人,联系电话\n"
            "苏州甲科技有限公司,91320500MA1WWWWW0X,１２００,王工,0512-66668888\n"
            ",,,,\n"
            "'-减号开头有限公司,,1.5亿,,\n")
    result = read_records(_csv(tmp_path, text, encoding="gb18030"), "enterprise")
    assert [w.reason for w in result.warnings] == [GB18030_WARNING]
    assert result.errors == [] and result.extra_columns == [] and result.rows == [5, 7]
    first, second = result.records
    assert (first["revenue"], first["contact_name"], first["contact_phone"]) == (
        12_000_000, "王工", "0512-66668888")
    assert (second["name"], second["revenue"]) == ("-减号开头有限公司", 150_000_000)


def test_group_row_above_a_full_header_row_is_ignored(write_xlsx):
    path = write_xlsx([
        ["基本信息", None, None, "联系方式", None],
        ["编号", "企业名称", "产品名称", "联系人", "联系电话"],
        ["C1", "甲", "电池片", "王工", "138"],
    ])
    result = read_records(path, "capability")
    assert result.records[0]["extra"] == {"联系人": "王工", "联系电话": "138"}
    assert result.rows == [3] and result.errors == []


def test_required_headers_split_over_two_merged_rows(write_xlsx):
    path = write_xlsx([
        ["编号", "企业", "产品信息", None, "备注"],
        [None, None, "产品名称", "产品描述", None],
        ["C1", "甲", "电池片", "高效", "无"],
    ])
    result = read_records(path, "capability")
    (record,) = result.records
    assert (record["title"], record["description"], record["extra"]) == ("电池片", "高效", {"备注": "无"})
    assert result.rows == [3] and result.errors == []


def test_a_first_data_row_is_never_taken_for_a_second_header_row(write_csv):
    path = write_csv([["编号", "企业", "标题", "地区"], ["C1", "甲", "T", "江苏"], ["C2", "乙", "T", ""]])
    result = read_records(path, "capability")
    assert [r["id"] for r in result.records] == ["C1", "C2"] and result.rows == [2, 3]


def test_header_only_file_still_lists_its_unknown_columns(write_csv):
    result = read_records(write_csv([["编号", "企业", "标题", "备注"]]), "capability")
    assert result.records == [] and result.extra_columns == ["备注"]


def test_full_width_numbers_and_amount_units(write_csv):
    path = write_csv([["编号", "企业", "标题", "预算（万元）", "账期"],
                      ["D1", "E", "T", "１２０", "６０天"],
                      ["D2", "E", "T", "１．５亿", "３０"],
                      ["D3", "E", "T", "２，０００", ""],
                      ["D4", "E", "T", "　５０　", ""]])
    records = read_records(path, "demand").records
    assert [(r["budget"], r["payment_days"]) for r in records] == [
        (1_200_000, 60), (150_000_000, 30), (20_000_000, None), (500_000, None)]


# --- whole JSON documents (event files) ----------------------------------------------------

def test_json_document_nested_too_deeply_is_a_file_error():
    for text in ("[" * 100_000, '{"a": ' * 100_000,
                 "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)):
        with pytest.raises(RecordFileError, match="nested too deeply") as info:
            load_json_document(text, "event.json")
        assert info.value.path == "event.json"


def test_json_document_errors_and_values():
    with pytest.raises(RecordFileError, match="line 2, column 1"):
        load_json_document('{"a": 1,\n}', "event.json")
    with pytest.raises(RecordFileError, match="unreadable JSON"):
        load_json_document("1" * 5000)
    assert load_json_document('{"a": [1, 2], "n": 18446744073709551617}') == {
        "a": [1, 2], "n": 18446744073709551617}
    assert math.isnan(load_json_document("NaN"))


@pytest.mark.parametrize("text", ["[" * 100_000, '{"slots": ' * 100_000])
def test_schedule_event_file_nested_too_deeply_is_a_clean_error(tmp_path, text):
    from click.testing import CliRunner

    from matchmaker.commands.schedule import schedule_command

    path = tmp_path / "event.json"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(schedule_command, [str(path), "--out", str(tmp_path / "plan.csv")])
    assert result.exit_code == 2, repr(result.exception)
    assert "nested too deeply" in result.output
    assert not isinstance(result.exception, RecursionError)
