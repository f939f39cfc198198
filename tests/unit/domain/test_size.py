import dataclasses
import re

import pytest

from matchmaker.domain import DomainError, size
from matchmaker.domain.errors import (
    MissingMeasureError,
    SizeError,
    UnknownIndustryError,
)

# The table of 《中小企业划型标准规定》（工信部联企业〔2011〕300号）第四条, as worded there.
STANDARD_TEXT = """
农、林、牧、渔业。营业收入20000万元以下的为中小微型企业。其中，营业收入500万元及以上的为中型企业，营业收入50万元及以上的为小型企业，营业收入50万元以下的为微型企业。
工业。从业人员1000人以下或营业收入40000万元以下的为中小微型企业。其中，从业人员300人及以上，且营业收入2000万元及以上的为中型企业；从业人员20人及以上，且营业收入300万元及以上的为小型企业；从业人员20人以下或营业收入300万元以下的为微型企业。
建筑业。营业收入80000万元以下或资产总额80000万元以下的为中小微型企业。其中，营业收入6000万元及以上，且资产总额5000万元及以上的为中型企业；营业收入300万元及以上，且资产总额300万元及以上的为小型企业；营业收入300万元以下或资产总额300万元以下的为微型企业。
批发业。从业人员200人以下或营业收入40000万元以下的为中小微型企业。其中，从业人员20人及以上，且营业收入5000万元及以上的为中型企业；从业人员5人及以上，且营业收入1000万元及以上的为小型企业；从业人员5人以下或营业收入1000万元以下的为微型企业。
零售业。从业人员300人以下或营业收入20000万元以下的为中小微型企业。其中，从业人员50人及以上，且营业收入500万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为小型企业；从业人员10人以下或营业收入100万元以下的为微型企业。
交通运输业。从业人员1000人以下或营业收入30000万元以下的为中小微型企业。其中，从业人员300人及以上，且营业收入3000万元及以上的为中型企业；从业人员20人及以上，且营业收入200万元及以上的为小型企业；从业人员20人以下或营业收入200万元以下的为微型企业。
仓储业。从业人员200人以下或营业收入30000万元以下的为中小微型企业。其中，从业人员100人及以上，且营业收入1000万元及以上的为中型企业；从业人员20人及以上，且营业收入100万元及以上的为小型企业；从业人员20人以下或营业收入100万元以下的为微型企业。
邮政业。从业人员1000人以下或营业收入30000万元以下的为中小微型企业。其中，从业人员300人及以上，且营业收入2000万元及以上的为中型企业；从业人员20人及以上，且营业收入100万元及以上的为小型企业；从业人员20人以下或营业收入100万元以下的为微型企业。
住宿业。从业人员300人以下或营业收入10000万元以下的为中小微型企业。其中，从业人员100人及以上，且营业收入2000万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为小型企业；从业人员10人以下或营业收入100万元以下的为微型企业。
餐饮业。从业人员300人以下或营业收入10000万元以下的为中小微型企业。其中，从业人员100人及以上，且营业收入2000万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为小型企业；从业人员10人以下或营业收入100万元以下的为微型企业。
信息传输业。从业人员2000人以下或营业收入100000万元以下的为中小微型企业。其中，从业人员100人及以上，且营业收入1000万元及以上的为中型企业；从业人员10人及以上，且营业收入100万元及以上的为小型企业；从业人员10人以下或营业收入100万元以下的为微型企业。
软件和信息技术服务业。从业人员300人以下或营业收入10000万元以下的为中小微型企业。其中，从业人员100人及以上，且营业收入1000万元及以上的为中型企业；从业人员10人及以上，且营业收入50万元及以上的为小型企业；从业人员10人以下或营业收入50万元以下的为微型企业。
房地产开发经营。营业收入200000万元以下或资产总额10000万元以下的为中小微型企业。其中，营业收入1000万元及以上，且资产总额5000万元及以上的为中型企业；营业收入100万元及以上，且资产总额2000万元及以上的为小型企业；营业收入100万元以下或资产总额2000万元以下的为微型企业。
物业管理。从业人员1000人以下或营业收入5000万元以下的为中小微型企业。其中，从业人员300人及以上，且营业收入1000万元及以上的为中型企业；从业人员100人及以上，且营业收入500万元及以上的为小型企业；从业人员100人以下或营业收入500万元以下的为微型企业。
租赁和商务服务业。从业人员300人以下或资产总额120000万元以下的为中小微型企业。其中，从业人员100人及以上，且资产总额8000万元及以上的为中型企业；从业人员10人及以上，且资产总额100万元及以上的为小型企业；从业人员10人以下或资产总额100万元以下的为微型企业。
其他未列明行业。从业人员300人以下的为中小微型企业。其中，从业人员100人及以上的为中型企业；从业人员10人及以上的为小型企业；从业人员10人以下的为微型企业。
"""

_ARG = {"从业人员": "employees", "营业收入": "revenue_wan", "资产总额": "assets_wan"}


def _parse_standard():
    rows = {}
    for line in STANDARD_TEXT.strip().splitlines():
        name, rest = line.split("。", 1)
        clauses = re.split(r"[。；，]其中，|；|，(?=营业收入\d+万元及以上的为小型)", rest)
        bounds = [
            {_ARG[m]: int(v) for m, v in re.findall(r"(从业人员|营业收入|资产总额)(\d+)", c)}
            for c in clauses[:3]
        ]
        rows[name] = bounds
    return rows


STANDARD = _parse_standard()


def test_the_transcribed_table_covers_all_sixteen_industries():
    assert len(STANDARD) == 16
    assert all(len(bounds) == 3 and all(bounds) for bounds in STANDARD.values())


def _cases():
    """Boundary cases: each bound reached, and each missed by one unit."""
    for name, (upper, medium, small) in STANDARD.items():
        yield name, upper, "large"
        for measure in upper:
            yield name, {**upper, measure: upper[measure] - 1}, "medium"
        yield name, medium, "medium"
        for measure in medium:
            yield name, {**medium, measure: medium[measure] - 1}, "small"
        yield name, small, "small"
        for measure in small:
            yield name, {**small, measure: small[measure] - 1}, "micro"
        if len(upper) == 2:
            # "或": far above one upper limit but under the other is still an SME,
            # and under the micro bound on one measure is micro.
            first, second = upper
            yield name, {first: upper[first] * 10, second: 0}, "micro"
            yield name, {first: 0, second: upper[second] * 10}, "micro"


@pytest.mark.parametrize("name, figures, expected", list(_cases()))
def test_standard_table_boundaries(name, figures, expected):
    canonical = "农林牧渔业" if name.startswith("农") else name
    result = size.classify(canonical, **{"employees": None, "revenue_wan": None, **figures})
    assert result.size == expected
    assert result.industry == canonical


@pytest.mark.parametrize("name", list(STANDARD))
def test_rule_cites_the_standard_and_its_thresholds(name):
    medium = STANDARD[name][1]
    result = size.classify(name, **{"employees": None, "revenue_wan": None, **medium})
    assert "《中小企业划型标准规定》" in result.rule
    assert "工信部联企业〔2011〕300号" in result.rule
    for value in medium.values():
        assert str(value) in result.rule
    assert result.label == "中型企业"


def test_industrial_examples_from_the_brief():
    assert size.classify("工业", 300, 2000).size == "medium"
    assert size.classify("工业", 299, 2000).size == "small"
    assert size.classify("工业", 20, 300).size == "small"
    assert size.classify("工业", 19, 300).size == "micro"
    assert size.classify("工业", 1000, 40000).size == "large"
    assert size.classify("工业", 1000, 39999).size == "medium"
    assert size.classify("工业", 5000, 39999).size == "medium"


@pytest.mark.parametrize(
    "alias, canonical",
    [
        ("制造业", "工业"), ("工业（制造业）", "工业"), ("工业(制造业)", "工业"),
        ("industry", "工业"), ("Manufacturing", "工业"), ("製造業", "工业"),
        ("software and IT services", "软件和信息技术服务业"),
        ("Software & IT Services", "软件和信息技术服务业"),
        ("construction", "建筑业"), ("wholesale", "批发业"), ("retail", "零售业"),
        ("transport", "交通运输业"), ("warehousing", "仓储业"), ("postal", "邮政业"),
        ("accommodation", "住宿业"), ("catering", "餐饮业"),
        ("information transmission", "信息传输业"), ("real estate development", "房地产开发经营"),
        ("property management", "物业管理"),
        ("leasing and business services", "租赁和商务服务业"),
        ("other", "其他未列明行业"), ("科学研究和技术服务业", "其他未列明行业"),
        ("农、林、牧、渔业", "农林牧渔业"), ("agriculture", "农林牧渔业"),
    ],
)
def test_industry_aliases(alias, canonical):
    assert size.normalize_industry(alias) == canonical


def test_unknown_industry_lists_the_known_ones():
    with pytest.raises(UnknownIndustryError) as info:
        size.classify("铁路运输业", 100, 100)
    error = info.value
    assert isinstance(error, DomainError) and isinstance(error, ValueError)
    assert len(error.known) == 16
    for name in STANDARD:
        assert (name if not name.startswith("农") else "农林牧渔业") in str(error)


@pytest.mark.parametrize("industry", ["建筑业", "房地产开发经营", "租赁和商务服务业"])
def test_missing_assets_is_a_clear_error(industry):
    with pytest.raises(MissingMeasureError) as info:
        size.classify(industry, 50, 1000)
    assert "资产总额" in str(info.value) and "assets_wan" in str(info.value)


def test_missing_employees_is_a_clear_error():
    with pytest.raises(MissingMeasureError) as info:
        size.classify("工业", None, 1000)
    assert "从业人员" in str(info.value)


@pytest.mark.parametrize(
    "employees, revenue, assets",
    [(-1, 100, None), (10, -0.5, None), (10, float("nan"), None), (10, "many", None),
     (True, 100, None)],
)
def test_negative_or_non_numeric_figures_raise(employees, revenue, assets):
    with pytest.raises(SizeError):
        size.classify("工业", employees, revenue, assets)


def test_figures_not_used_by_the_industry_are_ignored():
    assert size.classify("农林牧渔业", None, 600).size == "medium"
    assert size.classify("农林牧渔业", 99999, 600).size == "medium"
    assert size.classify("其他未列明行业", 100, None).size == "medium"


def test_result_is_frozen_and_readable():
    result = size.classify("工业", 300, 2000)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.size = "large"
    assert result.is_sme
    assert "中型企业" in str(result)
    assert not size.classify("工业", 1000, 40000).is_sme
