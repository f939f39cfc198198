import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchmaker.domain import DomainError, regions, uscc
from matchmaker.domain.errors import UsccError

# Codes published on the business licences of registered companies, and the
# example of GB 32100-2015 (91350100M000100Y43).
PUBLISHED = [
    "914403001922038216",
    "91110000802100433B",
    "91440300708461136T",
    "91330100716105852F",
    "91110108551385082Q",
    "91350100M000100Y43",
]


def _with_check(first17):
    """The 17 characters completed with the position-18 check only (nothing else checked)."""
    return first17 + uscc.check_char(first17)


# --------------------------------------------------------------------------- whole codes

@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    """Real codes pass every rule of GB 32100-2015, the embedded GB 11714-1997 check included."""
    result = uscc.validate(code)
    assert result.valid
    assert result
    assert result.reason is None
    assert result.code == code


@pytest.mark.parametrize("code", PUBLISHED)
def test_check_char_reproduces_published_codes(code):
    """GB 32100-2015 §5: position 18 is computed from the first 17 characters."""
    assert uscc.check_char(code[:17]) == code[17]
    assert uscc.make(code[:17]) == code


@pytest.mark.parametrize("code", PUBLISHED)
def test_build_reproduces_published_codes_from_their_parts(code):
    """GB 32100-2015 §4 parts (authority, category, division, GB 11714-1997 body) give back the code."""
    assert uscc.build(code[0], code[1], code[2:8], code[8:16]) == code


def test_changed_last_character_is_invalid_and_says_what_was_expected():
    """GB 32100-2015 §5: a wrong check character names the expected one."""
    result = uscc.validate("914403001922038217")
    assert not result
    assert not result.valid
    assert "6" in result.reason and "7" in result.reason
    assert "校验" in result.reason and "check character" in result.reason


def test_input_is_normalised():
    """GB 32100-2015 §4 uses capital letters; typed lower case and full-width forms are folded."""
    code = uscc.build("9", "1", "110108", "MA01ABCD")
    typed = "  " + code.lower().translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789abcdefghijklmnopqrstuvwxyz"}
    ) + "\t"
    result = uscc.validate(typed)
    assert result.valid
    assert result.code == code


def test_wrong_length_reports_length_found():
    """GB 32100-2015 §4: a code has 18 characters."""
    result = uscc.validate("91440300192203821")
    assert not result.valid
    assert "17" in result.reason and "18" in result.reason


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_input_is_invalid_not_an_exception(value):
    """GB 32100-2015 §4: an empty value has 0 of the 18 characters."""
    result = uscc.validate(value)
    assert not result.valid
    assert "0" in result.reason


@pytest.mark.parametrize("char", ["I", "O", "Z", "S", "V", "*", "中"])
def test_bad_character_reports_character_and_position(char):
    """GB 32100-2015 §4: I, O, Z, S and V (and anything but digits and capitals) are never used."""
    code = "9144" + char + "3001922038216"
    result = uscc.validate(code)
    assert not result.valid
    assert repr(char) in result.reason
    assert "第5位" in result.reason and "position 5" in result.reason


def test_result_is_frozen_and_readable():
    """GB 32100-2015: the outcome of a check is a value that names the code."""
    result = uscc.validate("914403001922038216")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.valid = False
    assert "914403001922038216" in str(result)
    assert "valid" in repr(result)
    invalid = uscc.validate("914403001922038210")
    assert invalid.reason in str(invalid)


# --------------------------------------------------------------------------- positions 1-2

@pytest.mark.parametrize("first", ["1", "5", "9", "A", "N", "Y"])
def test_registration_authority_codes_are_accepted(first):
    """GB 32100-2015 table 1: these are registration authority codes, each with a category 1."""
    assert uscc.validate(uscc.make(first + "1440300192203821")).valid


@pytest.mark.parametrize("first", ["0", "B", "X"])
def test_unknown_registration_authority_is_rejected(first):
    """GB 32100-2015 table 1: 0, B and X are no registration authority."""
    result = uscc.validate(_with_check(first + "1440300192203821"))
    assert not result.valid
    assert "登记管理部门" in result.reason and "registration authority" in result.reason


@pytest.mark.parametrize("authority, categories", [
    ("1", "1239"), ("2", "19"), ("3", "123459"), ("4", "19"), ("5", "1239"), ("6", "129"),
    ("7", "129"), ("8", "19"), ("9", "123"), ("A", "19"), ("N", "1239"), ("Y", "1"),
])
def test_each_authority_accepts_exactly_its_categories(authority, categories):
    """GB 32100-2015 table 1: the category codes (position 2) each registration authority uses."""
    assert "".join(uscc.CATEGORIES[authority]) == categories
    for category in uscc.CHARSET:
        result = uscc.validate(_with_check(authority + category + "440300192203821"))
        assert result.valid == (category in categories), (authority, category)


@pytest.mark.parametrize("prefix, allowed", [
    ("94", "1（企业）、2（个体工商户）、3（农民专业合作社）"),
    ("99", "1（企业）"),
    ("14", "2（事业单位）"),
    ("54", "3（基金会）"),
    ("Y2", "1（其他）"),
])
def test_a_category_of_another_authority_is_rejected_naming_the_allowed_ones(prefix, allowed):
    """GB 32100-2015 table 1: e.g. market regulation (9) registers only 1 企业, 2 个体工商户, 3 农民专业合作社."""
    result = uscc.validate(_with_check(prefix + "440300192203821"))
    assert not result.valid
    assert "第2位机构类别代码" in result.reason and "position 2" in result.reason
    assert allowed in result.reason and "GB 32100-2015" in result.reason


# --------------------------------------------------------------------------- positions 3-8

def test_a_letter_in_the_division_code_is_rejected():
    """GB 32100-2015 §4.3: positions 3-8 are the GB/T 2260 division code, six digits only."""
    result = uscc.validate("9132010MA1PW000100")
    assert not result.valid
    assert "第3-8位" in result.reason and "第8位为 'M'" in result.reason
    assert "positions 3-8" in result.reason and "position 8 is 'M'" in result.reason


@pytest.mark.parametrize("position", range(3, 9))
def test_a_letter_anywhere_in_the_division_is_rejected(position):
    """GB 32100-2015 §4.3: no position from 3 to 8 may hold a letter, even with both check characters right."""
    first17 = "91440300192203821"
    first17 = first17[:position - 1] + "A" + first17[position:]
    result = uscc.validate(_with_check(first17))
    assert not result.valid
    assert f"第{position}位为 'A'" in result.reason
    with pytest.raises(UsccError):
        uscc.make(first17)


@pytest.mark.parametrize("region, code", sorted(regions.DIVISION_CODES.items()))
def test_every_province_level_division_is_accepted(region, code):
    """GB 32100-2015 §4.3 with GB/T 2260: the division starts with a province-level code (11 … 65, 71, 81, 82)."""
    result = uscc.validate(uscc.build("9", "1", code + "0100", "19220382"))
    assert result.valid
    assert (result.province_code, result.province, result.division) == (code, region, code + "0100")


@pytest.mark.parametrize("division", ["000000", "001234", "101000", "190000", "300000", "660000", "990000"])
def test_a_division_outside_any_province_is_rejected(division):
    """GB 32100-2015 §4.3 with GB/T 2260: 00, 19, 30, 66, 99 … are no province; of 10 only 100000 is used."""
    result = uscc.validate(_with_check("91" + division + "192203821"))
    assert not result.valid
    assert division[:2] in result.reason and "GB/T 2260" in result.reason


def test_central_registrations_use_division_100000_and_have_no_province():
    """GB 32100-2015 §4.3: bodies registered by central authorities (e.g. 12100000… universities) use 100000."""
    code = uscc.build("1", "2", "100000", "40000062")
    assert code == "12100000400000624D"
    result = uscc.validate(code)
    assert result.valid and result.division == uscc.CENTRAL_DIVISION
    assert result.province_code is None and result.province is None


# --------------------------------------------------------------------------- positions 9-17

@pytest.mark.parametrize("body, check", [
    ("19220382", "1"), ("M000100Y", "4"), ("10000018", "X"), ("10000004", "0"), ("00000000", "0"),
])
def test_organisation_code_check_character(body, check):
    """GB 11714-1997 §5: weights 3,7,9,10,5,8,4,2; 11 - sum mod 11, with 10 written X and 11 written 0."""
    assert uscc.org_check_char(body) == check


def test_a_wrong_embedded_organisation_check_is_rejected_though_position_18_fits():
    """GB 32100-2015 §4.4 and GB 11714-1997 §5: positions 9-17 carry their own check character."""
    result = uscc.validate(_with_check("91440300192203822"))
    assert not result.valid
    assert "组织机构代码校验码错误" in result.reason and "GB 11714-1997" in result.reason
    assert "'1'" in result.reason and "organisation code" in result.reason


@pytest.mark.parametrize("check", ["A", "Y", "M"])
def test_the_organisation_check_is_a_digit_or_x(check):
    """GB 11714-1997 §5: the check character of an organisation code is 0-9 or X."""
    result = uscc.validate(_with_check("9144030019220382" + check))
    assert not result.valid
    assert "第17位" in result.reason and "position 17" in result.reason


def test_codes_whose_organisation_check_is_x_or_0_are_valid():
    """GB 11714-1997 §5: remainders 10 and 11 are written X and 0."""
    assert uscc.validate(uscc.build("9", "1", "320505", "10000018")) == uscc.validate("9132050510000018X5")
    assert uscc.validate("9132050510000018X5").valid
    assert uscc.build("9", "1", "320500", "00000000") == "91320500000000000R"


def test_org_check_char_rejects_bad_input():
    """GB 11714-1997 §4: the body has exactly eight characters."""
    with pytest.raises(UsccError) as info:
        uscc.org_check_char("1922038")
    assert "8" in str(info.value) and "7" in str(info.value)
    with pytest.raises(UsccError):
        uscc.org_check_char("1922038O")


# --------------------------------------------------------------------------- building

@pytest.mark.parametrize("first17", ["9144030019220382", "914403001922038216", "9144030019220382I"])
def test_check_char_rejects_bad_input(first17):
    """GB 32100-2015 §5: the check is computed over 17 characters of the code's set."""
    with pytest.raises(UsccError) as info:
        uscc.check_char(first17)
    assert isinstance(info.value, DomainError)


@pytest.mark.parametrize("first17, words", [
    ("91440300192203822", "组织机构代码校验码错误"),
    ("9132010MA1PW00010", "第3-8位"),
    ("94440300192203821", "第2位机构类别代码"),
    ("B1440300192203821", "登记管理部门"),
])
def test_make_refuses_what_cannot_begin_a_valid_code(first17, words):
    """GB 32100-2015 §4 and GB 11714-1997: make() never returns an invalid code; it says why."""
    with pytest.raises(UsccError) as info:
        uscc.make(first17)
    assert words in str(info.value)


@pytest.mark.parametrize("parts", [
    ("9", "4", "440300", "19220382"),
    ("9", "1", "44030A", "19220382"),
    ("9", "1", "44030", "19220382"),
    ("9", "1", "440300", "1922038"),
    ("0", "1", "440300", "19220382"),
])
def test_build_refuses_parts_that_are_not_allowed(parts):
    """GB 32100-2015 §4 and table 1: authority, category, division and an 8-character body must fit."""
    with pytest.raises(UsccError):
        uscc.build(*parts)


_authority_category = st.sampled_from(
    [(a, c) for a, categories in uscc.CATEGORIES.items() for c in categories])
_division = st.tuples(st.sampled_from(sorted(regions.DIVISION_CODES.values())),
                      st.text(alphabet="0123456789", min_size=4, max_size=4)).map("".join)
_body = st.text(alphabet=uscc.CHARSET, min_size=8, max_size=8)


@given(_authority_category, _division, _body)
def test_built_codes_are_valid(authority_category, division, body):
    """GB 32100-2015 and GB 11714-1997: any allowed parts give a valid code (both checks computed)."""
    code = uscc.build(*authority_category, division, body)
    assert uscc.validate(code).valid
    assert uscc.make(code[:17]) == code


@given(_authority_category, _division, _body, st.integers(0, 17), st.integers(1, 30))
def test_any_single_substitution_is_detected(authority_category, division, body, position, shift):
    """GB 32100-2015 §5: the weights 3**(i-1) mod 31 catch every single changed character."""
    code = uscc.build(*authority_category, division, body)
    changed = uscc.CHARSET[(uscc.CHARSET.index(code[position]) + shift) % 31]
    altered = code[:position] + changed + code[position + 1:]
    assert not uscc.validate(altered).valid


# --------------------------------------------------------------------------- entity kinds

@pytest.mark.parametrize("prefix, kind, label, category", [
    ("91", "enterprise", "企业", "企业"),
    ("92", "individual_business", "个体工商户", "个体工商户"),
    ("93", "cooperative", "农民专业合作社", "农民专业合作社"),
    ("11", "government", "机关", "机关"),
    ("12", "public_institution", "事业单位", "事业单位"),
    ("A1", "public_institution", "事业单位", "军队事业单位"),
    ("13", "social_organisation", "社会组织", "中央编办直接管理机构编制的群众团体"),
    ("51", "social_organisation", "社会组织", "社会团体"),
    ("52", "social_organisation", "社会组织", "民办非企业单位（社会服务机构）"),
    ("53", "social_organisation", "社会组织", "基金会"),
    ("19", "other", "其他组织", "其他"),
    ("31", "other", "其他组织", "律师执业机构"),
    ("N2", "other", "其他组织", "村级集体经济组织"),
    ("Y1", "other", "其他组织", "其他"),
])
def test_entity_kind_comes_from_authority_and_category(prefix, kind, label, category):
    """GB 32100-2015 table 1: 11… 机关, 12… 事业单位, 51… 社会团体, 91… 企业 and so on."""
    code = uscc.build(prefix[0], prefix[1], "320100", "MB1A2345")
    assert uscc.entity_kind(code) == kind
    assert uscc.entity_kind_label(kind) == label
    result = uscc.validate(code)
    assert (result.entity_kind, result.category) == (kind, category)


def test_entity_kinds_are_the_documented_set():
    """GB 32100-2015 table 1 maps onto these kinds, each with a Chinese and an English name."""
    assert tuple(uscc.ENTITY_KINDS) == ("enterprise", "individual_business", "cooperative", "government",
                                        "public_institution", "social_organisation", "other")
    kinds = {uscc.validate(uscc.build(a, c, "320100", "MB1A2345")).entity_kind
             for a, categories in uscc.CATEGORIES.items() for c in categories}
    assert kinds == set(uscc.ENTITY_KINDS)


def test_entity_kind_of_an_invalid_code_is_an_error_with_the_reason():
    """GB 32100-2015 §4.3: 9132010MA1PW000100 has a letter in its division, so it names no kind."""
    with pytest.raises(UsccError) as info:
        uscc.entity_kind("9132010MA1PW000100")
    assert "第3-8位" in str(info.value)
    invalid = uscc.validate("9132010MA1PW000100")
    assert (invalid.entity_kind, invalid.category, invalid.province) == (None, None, None)


# --------------------------------------------------------------------------- province

@pytest.mark.parametrize("region", ["广东省", "广东", "粤", "Guangdong", "廣東省", "广东省深圳市"])
def test_no_warning_when_the_declared_region_is_the_divisions_province(region):
    """GB 32100-2015 §4.3: positions 3-4 (44) are 广东省, however the region is written."""
    assert uscc.province_mismatch("914403001922038216", region) is None


def test_a_division_in_another_province_gives_a_bilingual_warning():
    """GB 32100-2015 §4.3: division 440300 lies in 广东省, not in the declared 江苏省."""
    warning = uscc.province_mismatch("914403001922038216", "江苏")
    zh, sep, en = warning.partition(" / ")
    assert sep
    assert "440300" in zh and "广东省" in zh and "江苏省" in zh
    assert "440300" in en and "Guangdong" in en and "Jiangsu" in en


@pytest.mark.parametrize("code, region", [
    ("914403001922038216", None),
    ("914403001922038216", ""),
    ("914403001922038216", "火星"),
    ("9132010MA1PW000100", "浙江省"),
    ("12100000400000624D", "北京市"),
])
def test_no_warning_when_there_is_nothing_to_compare(code, region):
    """GB 32100-2015 §4.3: no region, an invalid code or a central registration (100000) compare with nothing."""
    assert uscc.province_mismatch(code, region) is None
