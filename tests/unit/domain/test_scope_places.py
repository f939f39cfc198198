"""Place names as bureaus and enterprises write them: an autonomous prefecture goes by its full name
(恩施土家族苗族自治州), its short name (恩施州) or the place alone (恩施) — the forms used in the names of
the government bodies themselves (恩施州经济和信息化局)."""
from __future__ import annotations

import pytest

from matchmaker.domain.scope import AUTONOMOUS_PREFECTURES, Scope, place_key, place_variants


@pytest.mark.parametrize("full, short", [("恩施土家族苗族自治州", "恩施州"), ("延边朝鲜族自治州", "延边州"),
                                         ("黔东南苗族侗族自治州", "黔东南州"), ("海西蒙古族藏族自治州", "海西州"),
                                         ("伊犁哈萨克自治州", "伊犁州"), ("西双版纳傣族自治州", "西双版纳州")])
def test_an_autonomous_prefecture_is_one_place_whichever_name_is_written(full, short):
    assert place_key(full) == place_key(short) == place_key(short[:-1])
    assert full in place_variants(short) and short in place_variants(full)
    assert Scope("city", "湖北", short).label.endswith(short)  # not 恩施州市
    assert Scope("city", "湖北", short[:-1]).label.endswith(short)  # a city-level region: the prefecture


def test_every_listed_prefecture_reduces_to_a_place_name():
    keys = [place_key(full) for full in AUTONOMOUS_PREFECTURES]
    assert len(AUTONOMOUS_PREFECTURES) == 30 and len(set(keys)) == 30
    assert all(len(k) >= 2 and "族" not in k and not k.endswith("自治") for k in keys)


def test_autonomous_counties_and_banners_compare_by_place():
    assert place_key("长阳土家族自治县") == place_key("长阳")
    assert place_key("鄂伦春自治旗") == "鄂伦春"  # the people's name is the place's name here
    assert place_key("莫力达瓦达斡尔族自治旗") == "莫力达瓦"


def test_ordinary_cities_are_unchanged():
    for name, key in [("苏州市", "苏州"), ("苏州", "苏州"), ("广州", "广州"), ("徐州市", "徐州"),
                      ("大兴安岭地区", "大兴安岭"), ("锡林郭勒盟", "锡林郭勒"), ("蘇州", "苏州")]:
        assert place_key(name) == key
    assert Scope("city", "江苏", "苏州").label == "江苏省苏州市"
    assert Scope("city", "湖北", "恩施州").contains("湖北省", "恩施土家族苗族自治州")
    assert not Scope("city", "湖北", "恩施州").contains("湖北省", "宜昌市")


@pytest.mark.parametrize("full, short", [("博尔塔拉蒙古自治州", "博州"), ("巴音郭楞蒙古自治州", "巴州"),
                                         ("克孜勒苏柯尔克孜自治州", "克州")])
def test_the_customary_short_forms_of_three_xinjiang_prefectures(full, short):
    """博州, 巴州 and 克州 are how these prefectures' own bureaus write them (博州工信局)."""
    assert place_key(short) == place_key(full)
    assert full in place_variants(short) and short in place_variants(full)
    assert Scope("city", "新疆", short).contains("新疆维吾尔自治区", full)
    assert Scope("city", "新疆", full).contains("新疆维吾尔自治区", short)
    assert Scope("city", "新疆", short).label.endswith(short)  # not 博州市


def test_a_district_named_like_a_short_form_stays_itself():
    assert place_key("巴州区") == "巴州" != place_key("巴州")
    assert "巴音郭楞蒙古自治州" not in place_variants("巴州区")
