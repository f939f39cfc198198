import pytest

from matchmaker.domain import DomainError, payment
from matchmaker.domain.errors import PaymentTermError


@pytest.mark.parametrize("days", [0, 15, 30])
def test_government_within_30_days_is_ok(days):
    result = payment.check(days, "government")
    assert result.ok and result
    assert result.severity is None
    assert result.limit_days == 30
    assert result.article == "《保障中小企业款项支付条例》第九条第一款"


@pytest.mark.parametrize("days", [31, 45, 60])
def test_government_31_to_60_days_needs_an_agreement(days):
    result = payment.check(days, "机关、事业单位")
    assert not result.ok
    assert result.severity == "warning"
    assert result.limit_days == 30 and result.max_days == 60
    assert "合同" in result.message and "contract" in result.message


@pytest.mark.parametrize("days", [61, 90, 365])
def test_government_beyond_60_days_is_an_error(days):
    result = payment.check(days, "事业单位")
    assert not result.ok
    assert result.severity == "error"
    assert str(days) in result.message


@pytest.mark.parametrize("days", [0, 59, 60])
def test_large_enterprise_within_60_days_is_ok(days):
    result = payment.check(days, "大型企业")
    assert result.ok
    assert result.limit_days == 60
    assert result.article == "《保障中小企业款项支付条例》第九条第二款"


@pytest.mark.parametrize("days", [61, 90, 180])
def test_large_enterprise_beyond_60_days_is_flagged(days):
    result = payment.check(days, "large")
    assert not result.ok
    assert result.severity == "warning"
    assert "60" in result.message and "第三方" in result.message


@pytest.mark.parametrize("kind", ["sme", "SME", "中小企业", "medium", "small", "micro", "微型"])
def test_sme_buyers_are_outside_the_regulation(kind):
    result = payment.check(365, kind)
    assert result.ok
    assert result.severity is None
    assert result.limit_days is None
    assert result.buyer_kind == "sme"
    assert "中小企业" in result.message


@pytest.mark.parametrize(
    "kind, canonical",
    [("Government", "government"), ("机关", "government"), ("政府", "government"),
     (" Large Enterprise ", "large"), ("大型", "large"), ("中型企业", "sme")],
)
def test_buyer_kind_aliases(kind, canonical):
    assert payment.check(10, kind).buyer_kind == canonical


@pytest.mark.parametrize("days", [None, -1, 1.5, "30", True])
def test_bad_payment_days_raise(days):
    with pytest.raises(PaymentTermError) as info:
        payment.check(days, "large")
    assert isinstance(info.value, DomainError)
    assert isinstance(info.value, ValueError)


def test_whole_float_days_are_accepted():
    assert payment.check(30.0, "government").payment_days == 30


def test_unknown_buyer_kind_lists_the_choices():
    with pytest.raises(PaymentTermError) as info:
        payment.check(30, "cooperative")
    message = str(info.value)
    for kind in ("government", "large", "sme"):
        assert kind in message


def test_result_prints_article_and_severity():
    text = str(payment.check(61, "government"))
    assert "error" in text and "第九条第一款" in text
