"""Text normalisation and tokenisation."""
import pytest

from matchmaker.domain.text import normalize, normalize_many, stem, tokenize


@pytest.mark.parametrize("traditional, simplified", [
    ("N型隧穿氧化矽鈍化接觸雙面太陽電池", "n型隧穿氧化硅钝化接触双面太阳电池"),
    ("光伏電站清掃機器人採購", "光伏电站清扫机器人采购"),
    ("鈀覆銅鍵合線", "钯覆铜键合线"),
    ("感測器模組", "传感器模块"),  # Taiwan vocabulary, not only characters
])
def test_traditional_becomes_simplified(traditional, simplified):
    assert normalize(traditional) == normalize(simplified) == simplified


def test_full_width_and_case_fold_to_half_width_lower_case():
    assert normalize("Ｎ型ＴＯＰＣｏｎ電池片，效率≥２５．８％") == "n型topcon电池片,效率≥25.8%"


@pytest.mark.parametrize("raw, expected", [
    ("效率 25.9 %", "效率 25.9%"),
    ("1500 V string inverters", "1500v string inverters"),
    ("182.2 × 183.75 mm", "182.2×183.75mm"),
    ("10,000 probes", "10000 probes"),
    ("体积电阻率≥1×10¹⁵Ω·cm", "体积电阻率≥1×10^15ω·cm"),
    ("450–500g/m²", "450-500g/m2"),
    ("2 lots", "2 lots"),  # not a unit: stays apart
])
def test_numbers_keep_their_units(raw, expected):
    assert normalize(raw) == expected


def test_white_space_collapses_and_none_is_empty():
    assert normalize("  a \t b\n\nc  ") == "a b c"
    assert normalize(None) == ""
    assert normalize("") == ""


def test_normalize_many_equals_one_by_one():
    texts = ["光伏電站", "Ｔｅｓｔ  ２", "", "a\nb", "隧穿氧化矽 25.8 %", None]
    assert normalize_many(texts) == [normalize(t) for t in texts]


@pytest.mark.parametrize("text, expected", [
    ("≥200Wh/kg", ["200wh/kg"]),
    ("25.8%", ["25.8%"]),
    ("182.2×183.75mm", ["182.2×183.75mm"]),
    ("ISO 13485", ["iso", "13485"]),
    ("导热系数≥3W/m·K", ["导热", "热系", "系数", "3w/m·k"]),
])
def test_numbers_with_units_are_single_tokens(text, expected):
    assert tokenize(text) == expected


def test_cjk_bigrams_latin_words_and_letter_led_runs():
    assert tokenize("N型TOPCon電池片") == ["n型", "topcon", "电池", "池片"]
    assert tokenize("单 晶") == ["单", "晶"]  # one-character runs stay single characters
    assert tokenize("IP66 0BB 2.5D") == ["ip66", "0bb", "2.5d"]


@pytest.mark.parametrize("word, singular", [
    ("trackers", "tracker"), ("batteries", "battery"), ("boxes", "box"), ("cells", "cell"),
    ("glass", "glass"), ("bus", "bus"), ("analysis", "analysis"), ("gas", "gas"),
])
def test_plural_folding(word, singular):
    assert stem(word) == singular


def test_traditional_and_simplified_tokenize_alike():
    assert tokenize("聯合收穫機測產系統") == tokenize("联合收获机测产系统")
