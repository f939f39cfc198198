"""The password rules: what is refused, why, and what good passwords get through."""
from __future__ import annotations

import pytest

from matchmaker.domain.passwords import (MAX_LENGTH, MIN_LENGTH, PROBLEM_KINDS, common_passwords, is_common,
                                         password_problems)


def kinds(password, **context):
    return [p.kind for p in password_problems(password, **context)]


def test_a_short_password_is_refused_with_its_length():
    (problem,) = password_problems("tulip-sky")
    assert problem.kind == "too_short" and problem.figures == {"minimum": MIN_LENGTH, "length": 9}
    assert MIN_LENGTH == 10


def test_an_overlong_password_is_refused():
    assert kinds("x" * (MAX_LENGTH - 3) + "abcd") == ["too_long"]


@pytest.mark.parametrize("password", ["1234567890", "13800138000", "138-0013-8000", "2024 0101 2024",
                                      "1234567890!!!", "ab12345678"])
def test_all_or_nearly_all_digits_are_refused(password):
    assert kinds(password) == ["digits"]


@pytest.mark.parametrize("password", ["password12", "Password!123", "PASSWORD2024", "p@ssw0rd12", "iloveyou 2024",
                                      "qwertyuiop", "1qaz2wsx3edc", "abc1234567", "woaini1314520", "Matchmaker2026",
                                      "letmein-2025", "Dragon12345"])
def test_common_passwords_and_their_decorated_forms_are_refused(password):
    assert kinds(password) == ["common"]


def test_the_shipped_list_is_loaded_and_holds_common_passwords():
    common = common_passwords()
    assert len(common) > 9000
    assert {"password", "qwerty", "iloveyou", "woaini", "matchmaker"} <= common
    assert not any(entry.isdigit() for entry in common), "all-digit passwords are refused by their own rule"
    assert is_common("PassWord") and not is_common("velvet-tractor-sings")


@pytest.mark.parametrize("password", ["correct horse battery", "velvet-tractor-sings", "8#4!2@9$7%",
                                      "长江大桥晚霞很美2026", "my cat eats 3 lemons"])
def test_good_passwords_get_through(password):
    assert password_problems(password, email="wang.li@yunfan.cn", names=["云帆精密机械有限公司"]) == []


def test_one_or_two_repeated_characters_are_refused():
    assert kinds("aaaaaaaaaaaa") == ["repetitive"]
    assert kinds("abababababab") == ["repetitive"]


def test_the_e_mail_name_may_not_be_in_the_password():
    assert kinds("zhangwei-secret-9", email="zhangwei@example.cn") == ["contains_email"]
    assert kinds("my ZHANG.WEI passphrase", email="zhang.wei@example.cn") == ["contains_email"]
    assert kinds("weight-lifting-2026", email="zhang.wei@example.cn") == [], "short parts alone are not names"


def test_the_enterprise_name_may_not_be_in_the_password():
    assert kinds("云帆精密机械有限公司2026", names=["云帆精密机械有限公司"]) == ["contains_name"]
    assert kinds("云帆精密机械!2026", names=["云帆精密机械有限公司"]) == ["contains_name"]
    assert kinds("精工传动!2026-ok", names=["苏州精工传动科技有限公司"]) == ["contains_name"], "the trade name"
    assert kinds("华为真不错呀2026", names=["华为技术有限公司"]) == [], "two characters of four are not the name"
    assert kinds("华为技术真不错呀2026", names=["华为技术有限公司"]) == ["contains_name"]
    assert kinds("huaweitech!2026", names=["Huawei Tech Co., Ltd."]) == ["contains_name"]
    assert kinds("Yunfan-garden-2026", names=["Yunfan Precision Machinery Co., Ltd."]) == ["contains_name"]
    assert kinds("huaweitech!2026", names=[None, ""]) == []


def test_every_problem_kind_is_listed():
    found = {p.kind for pw in ("short", "1234567890", "password12", "x" * 200) for p in password_problems(pw)}
    found |= {p.kind for p in password_problems("aaaaaaaaaa")}
    found |= {p.kind for p in password_problems("wang-li-passage", email="wang-li@x.cn", names=["wang-li passage"])}
    assert found == set(PROBLEM_KINDS)
