"""The pure parts of the import: reasons in two languages, row values, the result and its summary."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import networkx as nx
import pytest

from matchmaker.i18n import tr
from matchmaker.io.errors import RecordError
from matchmaker.io.values import (
    BadValue,
    parse_demand_status,
    parse_flag,
    parse_quantity,
)
from matchmaker.services.enterprises import bilingual
from matchmaker.services.imports import cleaning
from matchmaker.services.imports.cleaning import RowError
from matchmaker.services.imports.context import Context
from matchmaker.services.imports.lookup import check_code
from matchmaker.services.imports.reasons import in_both, reader_problem
from matchmaker.services.imports.result import ImportResult


@pytest.mark.parametrize("reason, column, value, chinese", [
    ("required field is missing or empty", "name", None, "必填项缺失或为空"),
    ("duplicate id 'C7', already used on row 3", "id", "C7", "编号 'C7' 重复：第 3 行已使用"),
    ("'很多' is not a whole number", "employees", "很多", "应为非负整数"),
    ("'abc' is not an amount (write e.g. 1200000, 1,200,000, 500万 or 1.2亿)", "budget", "abc",
     "'abc' 不是金额（可写 1200000、1,200,000、500万 或 1.2亿）"),
    ("unknown kind 'x'; use one of: procurement (采购); challenge (揭榜挂帅)", "kind", "x",
     "无法识别的类型：'x'；可用：procurement (采购); challenge (揭榜挂帅)"),
    ("unknown status '进行中'; use one of: draft (草稿); published (已发布)", "status", "进行中",
     "无法识别的状态：'进行中'；可用：draft (草稿); published (已发布)"),
    ("'也许' is not yes or no (write 是/否 or true/false)", "active", "也许", "'也许' 应为 是 或 否（也可写 true/false）"),
    ("'abc' is not a number; leave the cell empty when there is none", "quantity", "abc", "'abc' 不是数字"),
    ("'2026/13/01' is not an ISO date (YYYY-MM-DD)", "deadline", "2026/13/01", "日期应写作 YYYY-MM-DD（如 2026-03-31）"),
    ("something the readers say one day", "title", None, "无法读取：something the readers say one day"),
])
def test_reader_reasons_come_in_both_languages(reason, column, value, chinese):
    got = reader_problem(RecordError("f.csv", 4, column, reason))
    assert got == (column, value, chinese, reason)


def test_the_sites_messages_are_rendered_in_both_languages():
    assert in_both(lambda: bilingual("长度应为18位 / must be 18 characters long")) == (
        "长度应为18位", "must be 18 characters long")
    assert in_both(lambda: bilingual("plain")) == ("plain", "plain")
    assert in_both(lambda: tr("第 {n} 桌", "table {n}", n=3)) == ("第 3 桌", "table 3")


def test_a_refusal_of_the_site_becomes_a_row_error_in_both_languages():
    with pytest.raises(RowError) as bad:
        cleaning.region({"region": "火星"})
    assert (bad.value.column, bad.value.value) == ("region", "火星")
    assert (bad.value.zh, bad.value.en) == ("无法识别的省份：火星", "Unknown province: 火星")


def test_the_new_posting_fields_are_read():
    assert [parse_flag(v) for v in ("是", "否", "TRUE", "false", "上架", "下架", 1, 0, True, " ", None)] == [
        True, False, True, False, True, False, True, False, True, None, None]
    assert parse_quantity("1,200.5") == 1200.5 and parse_quantity(3) == 3 and parse_quantity("") is None
    assert [parse_demand_status(v) for v in ("已截止", "Cancelled", "草稿", "已确定揭榜方")] == [
        "closed", "cancelled", "draft", "awarded"]
    for parse, bad in ((parse_flag, "也许"), (parse_flag, 2), (parse_quantity, "-1"), (parse_quantity, "1e20"),
                       (parse_demand_status, "进行中")):
        with pytest.raises(BadValue):
            parse(bad)


def test_similar_names_are_linked_as_confirmed():
    def linked(link, row, candidate):
        ctx = Context(session=None, result=ImportResult("enterprises", False, 90.0), index=None, link_similar=link)
        return ctx.linked(row, candidate)
    assert linked(True, 2, 5) and not linked(False, 2, 5)
    assert linked({2, 4}, 2, 5) and not linked([4], 2, 5)
    assert linked({2: 5}, 2, 5) and not linked({2: 5}, 2, 6) and not linked({3: 5}, 2, 5)
    assert linked({"2": "5"}, 2, 5), "a mapping read from JSON has text keys"


def test_credit_codes_are_normalised_or_refused_with_reasons():
    assert check_code(" 91320500000000000r ") == ("91320500000000000R", None)
    assert check_code("") == (None, None) and check_code(None) == (None, None)
    code, (zh, en) = check_code("91320500000000000X")
    assert code is None and zh.startswith("统一社会信用代码无效：校验位错误") and en.startswith("invalid unified")


def test_row_values_are_normalised_and_bad_ones_name_their_column():
    record = {"region": "江苏", "revenue": 12_000_000, "budget": 1.5e8, "quantity": 2.505, "deadline": "2026-03-31",
              "name": "  =SUM(A1)  科技  ", "qualifications": ["ISO9001", "ISO 9001", "专精特新", "长" * 90]}
    assert cleaning.region(record) == "江苏省"
    assert cleaning.wan(record, "revenue") == Decimal("1200.00")
    assert cleaning.amount(record, "budget") == Decimal("150000000.00")
    assert str(cleaning.amount(record, "quantity")) == "2.51", "two decimals, rounded as the database rounds"
    assert cleaning.date(record, "deadline") == dt.date(2026, 3, 31)
    assert cleaning.text(record, "name", collapse=True) == "=SUM(A1) 科技", "formula-like text stays text"
    assert cleaning.qualification_names(record, "qualifications") == ["ISO9001", "专精特新", "长" * 80], (
        "the site's rule: one per certificate, long names cut at 80 characters")
    with pytest.raises(RowError) as bad:
        cleaning.text({"title": "长" * 201}, "title", 200)
    assert bad.value.zh.startswith("标题过长") and bad.value.en.startswith("title is too long")
    with pytest.raises(RowError):
        cleaning.wan({"revenue": 10**20}, "revenue")
    G = nx.DiGraph()
    G.add_node("pv.cell")
    assert cleaning.chain_nodes({"chain_nodes": ["pv.cell", "pv.cell"]}, G) == ["pv.cell"]
    assert cleaning.chain_nodes({"chain_nodes": None}, G) is None
    with pytest.raises(RowError) as bad:
        cleaning.chain_nodes({"chain_nodes": ["pv.cell", "pv.nothing"]}, G)
    assert (bad.value.zh, bad.value.en) == ("产业链环节不存在：pv.nothing", "No such chain node: pv.nothing")


def test_the_summary_counts_every_outcome_and_the_dict_round_trips():
    result = ImportResult(kind="capabilities", dry_run=True, threshold=90.0)
    result.outcome(2, "created", None, "A")
    result.outcome(3, "unchanged", 7, "B")
    result.reject(4, "title", None, "必填项缺失或为空", "required field is missing or empty")
    assert result.summary("en") == "1 created, 0 updated, 1 unchanged, 1 rejected (dry run, nothing written)"
    assert result.summary("zh") == "新建 1 条，更新 0 条，未变 1 条，拒绝 1 条（试导入，未写入）"
    result.outcome(5, "review", None, "C")
    assert "1 to review (similar names)" in result.summary("en")
    assert result.imported == 2
    assert ImportResult.from_dict(result.to_dict()) == result
    assert result.problems[0].reason("en") == "required field is missing or empty"
