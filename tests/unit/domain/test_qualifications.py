import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchmaker.domain.qualifications import (
    display_name,
    missing,
    normalize_qualification,
    qualification_set,
)

EQUIVALENT = [
    ("IATF 16949", ["IATF16949", "iatf-16949", "IATF 16949:2016", "ＩＡＴＦ１６９４９",
                    "iatf_16949", "IATF 16949 认证"]),
    ("ISO 9001", ["ISO 9001", "iso9001", "ISO 9001质量管理体系认证", "ISO 9001 certification",
                  "GB/T 19001"]),
    ("ISO 9001:2015", ["ISO9001:2015", "iso 9001：2015", "ISO-9001-2015", "ISO 9001 2015",
                       "GB/T 19001-2016"]),
    ("ISO 13485", ["iso 13485", "ISO13485"]),
    ("ISO 13485:2016", ["ISO13485:2016", "YY/T 0287-2017", "GB/T 42061-2022"]),
    ("ISO 27001", ["ISO/IEC 27001", "ISO27001"]),
    ("ISO 27001:2022", ["ISO/IEC 27001:2022", "iso27001-2022"]),
    ("IEC 62109-1", ["IEC 62109-1:2010", "iec62109-1"]),
    ("CMMI 3", ["CMMI3", "CMMI Level 3", "CMMI-DEV ML3", "CMMI三级"]),
    ("专精特新", ["专精特新中小企业", "专精特新企业", "省级专精特新", "專精特新", "专精特新 企业"]),
    ("小巨人", ["专精特新小巨人", "国家级专精特新小巨人", "国家级专精特新“小巨人”企业",
               "小巨人企业", "專精特新小巨人", "國家級專精特新「小巨人」企業"]),
    ("高新技术企业", ["国家高新技术企业", "高新技术企业", "High-tech enterprise"]),
    ("CQC", ["CQC认证", "cqc"]),
    ("CCC", ["3C", "3C认证"]),
    ("农机推广鉴定证书", ["農機推廣鑑定證書", "农业机械推广鉴定证书"]),
]


@pytest.mark.parametrize("key, names", EQUIVALENT)
def test_spellings_share_one_key(key, names):
    assert {normalize_qualification(name) for name in names} == {key}


def test_distinct_qualifications_stay_distinct():
    keys = [normalize_qualification(n) for n in
            ["ISO 9001", "ISO 14001", "IATF 16949", "IEC 62109-1", "IEC 62109-2", "CE", "UL",
             "专精特新", "小巨人", "CMMI 3", "CMMI 5"]]
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize("value", [None, "", "   ", 9001])
def test_blank_or_non_text_gives_none(value):
    assert normalize_qualification(value) is None


def test_little_giant_implies_srdi():
    """《优质中小企业梯度培育管理暂行办法》(工信部企业〔2022〕63号): 小巨人 is the tier above
    专精特新中小企业, itself above 创新型中小企业."""
    held = qualification_set(["国家级专精特新小巨人"])
    assert {"小巨人", "专精特新", "创新型中小企业"} <= held
    assert qualification_set(["专精特新"]) >= {"专精特新", "创新型中小企业"}
    assert "小巨人" not in qualification_set(["专精特新"])


def test_qualification_set_of_a_single_string_is_one_name():
    assert qualification_set("ISO 9001") == {"ISO 9001"}
    assert qualification_set(None) == frozenset()
    assert qualification_set(["", "  ", "CE"]) == {"CE"}


def test_missing_compares_after_normalisation_and_implications():
    held = ["ISO9001:2015", "国家级专精特新“小巨人”企业", "iatf16949"]
    assert missing(["ISO 9001", "专精特新", "IATF 16949"], held) == []
    assert missing(["小巨人"], ["专精特新"]) == [display_name("小巨人")]


def test_missing_keeps_order_and_reports_each_once():
    assert missing(["ISO 13485", "CE", "iso13485", "ISO 9001"], ["ISO 9001"]) == [
        "ISO 13485", "CE"]


def test_missing_accepts_a_precomputed_set():
    held = qualification_set(["小巨人", "ISO 9001"])
    assert missing(["专精特新", "ISO 9001", "UL"], held) == ["UL"]


def test_display_names_are_readable():
    assert display_name("小巨人") == "专精特新“小巨人”"
    assert display_name("ISO 9001") == "ISO 9001"


_FRAGMENTS = ["ISO", "9001", ":", "2015", "-", " ", "_", "·", ".", "，", "AS", "9100", "D", "Rev", "GJB", "C",
              "OHSAS", "18001", "TS", "16949", "GB/T", "19001", "CMMI", "3", "Nadcap", "（", "认证", "专精特新",
              "小巨人", "培育", "苏州市", "省级", "国家级", "SRDI"]
_names = st.one_of(
    st.sampled_from([n for _, names in EQUIVALENT for n in names]),
    st.text(min_size=1, max_size=20),
    st.lists(st.sampled_from(_FRAGMENTS), min_size=1, max_size=6).map("".join),
)


@given(_names)
def test_normalising_a_key_gives_the_same_key(name):
    key = normalize_qualification(name)
    if key is not None:
        assert normalize_qualification(key) == key


@pytest.mark.parametrize("required, held, ok", [
    ("Nadcap NDT", ["NADCAP 無損檢測"], True),
    ("NADCAP（化学处理）", ["Nadcap Chemical Processing"], True),
    ("NADCAP（化学处理）", ["Nadcap Coatings", "NADCAP 喷丸"], False),
    ("Nadcap NDT", ["Nadcap Heat Treating"], False),
    ("GMP", ["EU GMP"], True),
    ("GMP", ["FDA cGMP", "NMPA GMP"], True),
    ("GSP", ["藥品GSP證書"], True),
    ("ISO/TS 22163", ["IRIS"], True),
    ("CMMI 3", ["CMMI 5"], True),
    ("CMMI 5", ["CMMI 3"], False),
    ("SIL 4", ["SIL4"], True),
    ("SIL 4", ["SIL 2"], False),
    ("AS9100", ["AS9100D"], True),
    ("AS9100D", ["AS9100C"], False),
])
def test_scopes_levels_and_issuers(required, held, ok):
    assert (missing([required], held) == []) is ok
