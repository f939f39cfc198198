"""Domain messages are written '中文 / English'; callers show the half matching the language."""

import re

import pytest

from matchmaker.domain import DomainError, payment, size, uscc

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _errors():
    calls = [
        lambda: size.classify("铁路运输业", 1, 1),
        lambda: size.classify("建筑业", 1, 1),
        lambda: size.classify("工业", -1, 1),
        lambda: payment.check(-1, "large"),
        lambda: payment.check(30, "cooperative"),
        lambda: uscc.check_char("123"),
    ]
    for call in calls:
        with pytest.raises(DomainError) as info:
            call()
        yield str(info.value)


def _messages():
    yield from _errors()
    for code in ["123", "9144O3001922038216", "014403001922038216", "914403001922038217"]:
        yield uscc.validate(code).reason
    for days, kind in [(10, "government"), (45, "government"), (90, "government"),
                       (30, "large"), (90, "large"), (90, "sme")]:
        yield payment.check(days, kind).message


@pytest.mark.parametrize("message", list(_messages()))
def test_message_has_a_chinese_and_an_english_half(message):
    zh, sep, en = message.partition(" / ")
    assert sep, message
    assert _CJK.search(zh)
    assert re.search(r"[A-Za-z]{3,}", en)
    assert " / " not in en
