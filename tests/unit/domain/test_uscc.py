import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matchmaker.domain import DomainError, uscc
from matchmaker.domain.errors import UsccError

# Codes published on the business licences of registered companies.
PUBLISHED = [
    "914403001922038216",
    "91110000802100433B",
    "91440300708461136T",
    "91330100716105852F",
    "91110108551385082Q",
]


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    result = uscc.validate(code)
    assert result.valid
    assert result
    assert result.reason is None
    assert result.code == code


@pytest.mark.parametrize("code", PUBLISHED)
def test_check_char_reproduces_published_codes(code):
    assert uscc.check_char(code[:17]) == code[17]
    assert uscc.make(code[:17]) == code


def test_changed_last_character_is_invalid_and_says_what_was_expected():
    result = uscc.validate("914403001922038217")
    assert not result
    assert not result.valid
    assert "6" in result.reason and "7" in result.reason
    assert "校验" in result.reason and "check character" in result.reason


def test_input_is_normalised():
    code = uscc.make("91110108MA01ABCDE")
    typed = "  " + code.lower().translate(
        {ord(c): ord(c) + 0xFEE0 for c in "0123456789abcdefghijklmnopqrstuvwxyz"}
    ) + "\t"
    result = uscc.validate(typed)
    assert result.valid
    assert result.code == code


def test_wrong_length_reports_length_found():
    result = uscc.validate("91440300192203821")
    assert not result.valid
    assert "17" in result.reason and "18" in result.reason


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_input_is_invalid_not_an_exception(value):
    result = uscc.validate(value)
    assert not result.valid
    assert "0" in result.reason


@pytest.mark.parametrize("char", ["I", "O", "Z", "S", "V", "*", "中"])
def test_bad_character_reports_character_and_position(char):
    code = "9144" + char + "3001922038216"
    result = uscc.validate(code)
    assert not result.valid
    assert repr(char) in result.reason
    assert "第5位" in result.reason and "position 5" in result.reason


@pytest.mark.parametrize("first", ["1", "5", "9", "A", "N", "Y"])
def test_registration_authority_codes_are_accepted(first):
    assert uscc.validate(uscc.make(first + "1440300192203821")).valid


@pytest.mark.parametrize("first", ["0", "B", "X"])
def test_unknown_registration_authority_is_rejected(first):
    result = uscc.validate(uscc.make(first + "1440300192203821"))
    assert not result.valid
    assert "登记管理部门" in result.reason and "registration authority" in result.reason


def test_result_is_frozen_and_readable():
    result = uscc.validate("914403001922038216")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.valid = False
    assert "914403001922038216" in str(result)
    assert "valid" in repr(result)
    invalid = uscc.validate("914403001922038210")
    assert invalid.reason in str(invalid)


@pytest.mark.parametrize("first17", ["9144030019220382", "914403001922038216", "9144030019220382I"])
def test_check_char_rejects_bad_input(first17):
    with pytest.raises(UsccError) as info:
        uscc.check_char(first17)
    assert isinstance(info.value, DomainError)


_body = st.text(alphabet=uscc.CHARSET, min_size=16, max_size=16)
_authority = st.sampled_from(sorted(uscc.AUTHORITIES))


@given(_authority, _body)
def test_made_codes_are_valid(first, body):
    assert uscc.validate(uscc.make(first + body)).valid


@given(_authority, _body, st.integers(0, 17), st.integers(1, 30))
def test_any_single_substitution_is_detected(first, body, position, shift):
    code = uscc.make(first + body)
    changed = uscc.CHARSET[(uscc.CHARSET.index(code[position]) + shift) % 31]
    altered = code[:position] + changed + code[position + 1:]
    assert not uscc.validate(altered).valid
