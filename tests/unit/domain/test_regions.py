import pytest

from matchmaker.domain import regions
from matchmaker.domain.regions import english_name, normalize_region, short_name


def test_there_are_34_distinct_province_level_regions():
    assert len(regions.REGIONS) == 34
    assert len(set(regions.REGIONS)) == 34
    assert len({short_name(r) for r in regions.REGIONS}) == 34
    assert len({english_name(r) for r in regions.REGIONS}) == 34


@pytest.mark.parametrize("region", regions.REGIONS)
def test_every_form_of_every_region_normalises_to_its_full_name(region):
    assert normalize_region(region) == region
    assert normalize_region(short_name(region)) == region
    assert normalize_region(english_name(region)) == region
    assert normalize_region(english_name(region).upper()) == region
    assert normalize_region(f" {english_name(region).lower()} ") == region


@pytest.mark.parametrize(
    "text, expected",
    [
        ("江苏省", "江苏省"), ("江苏", "江苏省"), ("Jiangsu", "江苏省"),
        ("jiangsu province", "江苏省"), ("Jiangsu Province", "江苏省"), ("江蘇省", "江苏省"),
        ("廣東", "广东省"), ("黑龍江省", "黑龙江省"), ("甘肅", "甘肃省"), ("臺灣", "台湾省"),
        ("ＪＩＡＮＧＳＵ", "江苏省"), ("苏", "江苏省"), ("沪", "上海市"), ("上海", "上海市"),
        ("Shaanxi", "陕西省"), ("Shanxi", "山西省"), ("陕西", "陕西省"), ("山西", "山西省"),
        ("Inner Mongolia Autonomous Region", "内蒙古自治区"), ("内蒙古", "内蒙古自治区"),
        ("Guangxi Zhuang Autonomous Region", "广西壮族自治区"), ("广西壮族自治区", "广西壮族自治区"),
        ("Tibet", "西藏自治区"), ("Xizang", "西藏自治区"), ("Hong Kong SAR", "香港特别行政区"),
        ("香港", "香港特别行政区"), ("Macau", "澳门特别行政区"), ("澳門", "澳门特别行政区"),
        ("广东省深圳市", "广东省"), ("中国江苏", "江苏省"), ("Beijing Municipality", "北京市"),
    ],
)
def test_region_spellings(text, expected):
    assert normalize_region(text) == expected


@pytest.mark.parametrize("text", ["", "  ", "宁波", "Atlantis", "China", None, 32])
def test_unknown_regions_give_none(text):
    assert normalize_region(text) is None
    assert short_name(text) is None
    assert english_name(text) is None


def test_short_and_english_names():
    assert short_name("江苏省") == "江苏"
    assert short_name("jiangsu") == "江苏"
    assert english_name("江蘇") == "Jiangsu"
    assert short_name("新疆维吾尔自治区") == "新疆"
    assert english_name("内蒙古") == "Inner Mongolia"
