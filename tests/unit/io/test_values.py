from datetime import date, datetime

import pytest

from matchmaker.io.values import (
    MAX_AMOUNT,
    MAX_COUNT,
    MAX_DAYS,
    BadValue,
    parse_count,
    parse_date,
    parse_days,
    parse_kind,
    parse_list,
    parse_money,
    parse_size,
    parse_text,
    split_list,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("500万", 5_000_000), ("1.2亿", 120_000_000), ("1,200,000", 1_200_000),
        ("¥500万元", 5_000_000), ("RMB 3,000", 3000), ("0.5万", 5000), ("1千万", 10_000_000),
        ("12.5", 12.5), ("  ", None), (9e7, 90_000_000), (1500, 1500), (None, None),
    ],
)
def test_money(text, expected):
    assert parse_money(text) == expected


def test_money_header_scale_applies_to_bare_numbers_only():
    assert parse_money("500", scale=10_000) == 5_000_000
    assert parse_money(3, scale=10_000) == 30_000
    assert parse_money("2亿", scale=10_000) == 200_000_000


@pytest.mark.parametrize("text", ["many", "-5", "1.2.3万", "NaN", "inf", True, [1]])
def test_bad_money(text):
    with pytest.raises(BadValue):
        parse_money(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a;b；c、d", ["a", "b", "c", "d"]),
        ("ISO 9001; ; IATF 16949 ;", ["ISO 9001", "IATF 16949"]),
        ("第一项\n第二项", ["第一项", "第二项"]),
        ("承装（修、试）电力设施许可证；CE", ["承装（修、试）电力设施许可证", "CE"]),
        ("a (b; c); d", ["a (b; c)", "d"]),
    ],
)
def test_split_list(text, expected):
    assert split_list(text) == expected


def test_list_from_json_array_and_scalars():
    assert parse_list(["a", " b ", "", 7]) == ["a", "b", "7"]
    assert parse_list([]) is None
    assert parse_list("") is None
    with pytest.raises(BadValue):
        parse_list([["nested"]])
    with pytest.raises(BadValue):
        parse_list({"a": 1})


@pytest.mark.parametrize(
    "value, expected",
    [("2026-02-28", "2026-02-28"), ("2026-02-28T00:00:00", "2026-02-28"),
     (datetime(2026, 2, 28, 9, 30), "2026-02-28"), (date(2026, 2, 28), "2026-02-28"),
     ("", None)],
)
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2026-02-30", "28/02/2026", "明天", 45000])
def test_bad_dates(value):
    with pytest.raises(BadValue):
        parse_date(value)


@pytest.mark.parametrize(
    "value, expected", [(60, 60), ("60", 60), ("60天", 60), ("30 days", 30), (45.0, 45),
                        ("0", 0), ("", None)])
def test_days(value, expected):
    assert parse_days(value) == expected


@pytest.mark.parametrize("value", [-1, "-5", 1.5, "sixty", True])
def test_bad_days(value):
    with pytest.raises(BadValue):
        parse_days(value)


def test_kind_and_size_words():
    assert parse_kind("揭榜") == "challenge" and parse_kind("Procurement") == "procurement"
    assert parse_size("中型企业") == "medium" and parse_size(" LARGE ") == "large"
    with pytest.raises(BadValue, match="procurement"):
        parse_kind("auction")
    with pytest.raises(BadValue, match="微型"):
        parse_size("huge")


def test_text():
    assert parse_text("  a b ") == "a b"
    assert parse_text(1001) == "1001" and parse_text(1001.0) == "1001"
    assert parse_text("   ") is None
    with pytest.raises(BadValue):
        parse_text({"a": 1})


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf"), "nan", " NaN ", "<NA>",
                                   "NaT"])
def test_nan_and_its_texts_are_missing_for_text_lists_choices_and_dates(value):
    assert parse_text(value) is None
    assert parse_list(value) is None
    assert parse_size(value) is None
    assert parse_date(value) is None


@pytest.mark.parametrize("parse", [parse_money, parse_days, parse_count])
@pytest.mark.parametrize("value", [float("nan"), float("inf"), "nan", "NaN", "inf", "-Infinity"])
def test_nan_and_infinity_are_refused_for_numbers(parse, value):
    with pytest.raises(BadValue, match="not a number"):
        parse(value)


def test_whole_numbers_too_long_for_a_float_are_refused_as_text():
    assert parse_text(2.0**53) == "9007199254740992"
    assert parse_text(2**80) == str(2**80)  # an exact integer stays exact
    for value in (2.0**53 + 2, 9.13205001234568e17, -1e20):
        with pytest.raises(BadValue, match="write it as text"):
            parse_text(value)


@pytest.mark.parametrize("value, expected", [
    ("１２００", 1200), ("１．５亿", 150_000_000), ("　３００万　", 3_000_000), ("２，５００元", 2500),
    (MAX_AMOUNT - 1, MAX_AMOUNT - 1),
])
def test_money_with_full_width_digits_and_the_largest_amount(value, expected):
    assert parse_money(value) == expected


@pytest.mark.parametrize("value", [MAX_AMOUNT, 2**64 + 1, "1e9999999", "10000000亿", 1e300])
def test_money_beyond_any_amount_is_refused(value):
    with pytest.raises(BadValue, match="too large"):
        parse_money(value)


def test_days_and_counts_have_bounds_and_read_full_width_digits():
    assert parse_days("６０天") == 60 and parse_days(MAX_DAYS) == MAX_DAYS
    assert parse_count("１２０人") == 120 and parse_count(MAX_COUNT) == MAX_COUNT
    with pytest.raises(BadValue, match="too long"):
        parse_days(MAX_DAYS + 1)
    with pytest.raises(BadValue, match="too large"):
        parse_count(2**64 + 1)


def test_bad_values_are_described_briefly_however_deep():
    deep = "x"
    for _ in range(5000):
        deep = [deep]
    with pytest.raises(BadValue) as info:
        parse_text(deep)
    assert len(str(info.value)) < 100
    with pytest.raises(BadValue) as info:
        parse_list([deep])
    assert len(str(info.value)) < 100
