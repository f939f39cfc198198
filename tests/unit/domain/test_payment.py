"""Payment terms under 《保障中小企业款项支付条例》 as revised in 2025 (国务院令第802号, in force 2025-06-01).

Articles of the 2025 text: 第二条 (scope: 机关、事业单位和大型企业 paying SMEs), 第三条 (SME and
large enterprise by the size standard), 第九条第一款 (机关、事业单位: 30 days from delivery, at most
60 by contract), 第九条第二款 (大型企业: 60 days, no payment conditional on or proportional to a
third party's payment), 第十条 (term runs from acceptance; clear, reasonable acceptance period),
第十一条 (商业汇票、应收账款电子凭证 may not extend the term in disguise).
"""
import re

import pytest

from matchmaker.domain import DomainError, payment, uscc
from matchmaker.domain.errors import PaymentTermError

REG = "《保障中小企业款项支付条例》"


# -- check(): 第九条 on a number of days -------------------------------------------------

@pytest.mark.parametrize("days", [0, 15, 30])
def test_government_within_30_days_is_ok(days):
    """第九条第一款 (2025): 机关、事业单位 pay within 30 days of delivery."""
    result = payment.check(days, "government")
    assert result.ok and result
    assert result.severity is None
    assert result.limit_days == 30
    assert result.article == f"{REG}第九条第一款"


@pytest.mark.parametrize("days", [31, 45, 60])
def test_government_31_to_60_days_needs_an_agreement(days):
    """第九条第一款 (2025): a contract may agree otherwise, but never more than 60 days."""
    result = payment.check(days, "机关、事业单位")
    assert not result.ok
    assert result.severity == "warning"
    assert result.limit_days == 30 and result.max_days == 60
    assert "合同" in result.message and "contract" in result.message


@pytest.mark.parametrize("days", [61, 90, 365])
def test_government_beyond_60_days_is_an_error(days):
    """第九条第一款 (2025): 60 days is the maximum any agreement may set for 机关、事业单位."""
    result = payment.check(days, "事业单位")
    assert not result.ok
    assert result.severity == "error"
    assert str(days) in result.message


@pytest.mark.parametrize("days", [0, 59, 60])
def test_large_enterprise_within_60_days_is_ok(days):
    """第九条第二款 (2025): 大型企业 pay within 60 days of delivery."""
    result = payment.check(days, "大型企业")
    assert result.ok
    assert result.limit_days == 60
    assert result.article == f"{REG}第九条第二款"


@pytest.mark.parametrize("days", [61, 90, 180])
def test_large_enterprise_beyond_60_days_is_flagged(days):
    """第九条第二款 (2025): beyond 60 days only by agreement reasonable by industry norms, never 背靠背."""
    result = payment.check(days, "large")
    assert not result.ok
    assert result.severity == "warning"
    assert "60" in result.message and "第三方" in result.message


@pytest.mark.parametrize("kind", ["sme", "SME", "中小企业", "medium", "small", "micro", "微型"])
def test_sme_buyers_are_outside_the_regulation(kind):
    """第二条 (2025): the regulation binds 机关、事业单位和大型企业; a purchase between SMEs is outside it."""
    result = payment.check(365, kind)
    assert result.ok
    assert result.severity is None
    assert result.limit_days is None
    assert result.buyer_kind == "sme"
    assert result.article == f"{REG}第二条"
    assert "中小企业" in result.message


@pytest.mark.parametrize(
    "kind, canonical",
    [("Government", "government"), ("机关", "government"), ("政府", "government"),
     ("public_institution", "government"), (" Large Enterprise ", "large"), ("大型", "large"),
     ("中型企业", "sme")],
)
def test_buyer_kind_aliases(kind, canonical):
    """第九条 (2025) treats 机关 and 事业单位 alike (第一款) and 大型企业 apart (第二款)."""
    assert payment.check(10, kind).buyer_kind == canonical


@pytest.mark.parametrize("days", [None, -1, 1.5, "30", True])
def test_bad_payment_days_raise(days):
    """第九条 (2025) counts whole days (日); a missing, negative or fractional term cannot be checked."""
    with pytest.raises(PaymentTermError) as info:
        payment.check(days, "large")
    assert isinstance(info.value, DomainError)
    assert isinstance(info.value, ValueError)


def test_whole_float_days_are_accepted():
    """第九条第一款 (2025): 30 days written as 30.0 is still 30 days."""
    assert payment.check(30.0, "government").payment_days == 30


def test_unknown_buyer_kind_lists_the_choices():
    """第二条 (2025) names the payers: 机关、事业单位 and 大型企业; SMEs are outside."""
    with pytest.raises(PaymentTermError) as info:
        payment.check(30, "cooperative")
    message = str(info.value)
    for kind in ("government", "large", "sme"):
        assert kind in message


def test_result_prints_article_and_severity():
    """第九条第一款 (2025): beyond 60 days is unlawful for a 机关 or 事业单位 whatever the contract says."""
    text = str(payment.check(61, "government"))
    assert "error" in text and "第九条第一款" in text


def test_articles_are_those_of_the_2025_text():
    """国务院令第802号 renumbered the 2020 text (728号): the terms moved from 第八条 to 第九条,
    acceptance from 第九条 to 第十条, non-cash payment from 第十条 to 第十一条."""
    assert payment.ARTICLES == {
        "scope": f"{REG}第二条", "size": f"{REG}第三条", "government": f"{REG}第九条第一款",
        "large": f"{REG}第九条第二款", "acceptance": f"{REG}第十条", "non_cash": f"{REG}第十一条"}
    doc = payment.__doc__
    assert "802" in doc and "2025-06-01" in doc
    assert "第八条第一款 and 第二款" in doc, "the 2020 text's term rules were 第八条, not 第九条"


# -- classify_buyer(): who pays, from the credit code and the size class -------------------

@pytest.mark.parametrize("body, size, kind", [
    ("government", None, "government"),
    ("government", "large", "government"),
    ("public_institution", "small", "government"),
    ("public_institution", "large", "government"),
    ("enterprise", "large", "large"),
    ("enterprise", "medium", "sme"),
    ("enterprise", "micro", "sme"),
    ("cooperative", "large", "large"),
    ("other", "small", "sme"),
    (None, "large", "large"),
    (None, "small", "sme"),
    ("individual_business", "large", "outside"),
    ("social_organisation", None, "outside"),
])
def test_buyer_kind_comes_from_the_entity_type_then_the_size(body, size, kind):
    """第二条、第九条 (2025): 机关 and 事业单位 (GB 32100 categories 11, 12) owe 30 days whatever their
    headcount; enterprises owe 60 days when large (第三条: by the size standard); 个体工商户 and social
    organisations are none of the payers the regulation names."""
    buyer = payment.classify_buyer(body, size)
    assert buyer.kind == kind
    assert buyer.covered == (kind in ("government", "large"))
    assert not buyer.assumed_large


def test_credit_code_category_reaches_the_buyer_kind():
    """第九条第一款 (2025) binds 事业单位 such as a public hospital or university: GB 32100-2015 codes
    starting 12 are 事业单位, so the 30-day rule applies."""
    code = uscc.build("1", "2", "320100", "MB1A2345")
    buyer = payment.classify_buyer(uscc.entity_kind(code), "large")
    assert (buyer.kind, buyer.limit_days, buyer.article) == ("government", 30, f"{REG}第九条第一款")
    assert buyer.label_zh == "事业单位"


@pytest.mark.parametrize("body", ["enterprise", "other", None])
def test_unknown_size_is_checked_as_large_and_says_so(body):
    """第三条、第九条第二款 (2025): without a size class the buyer may be a 大型企业, the strictest rule
    that may apply to an enterprise, so it is checked as one and the review says so."""
    buyer = payment.classify_buyer(body, None)
    assert (buyer.kind, buyer.assumed_large, buyer.limit_days) == ("large", True, 60)
    review = payment.review(buyer, 30)
    assert review.ok
    (note,) = review.notes
    assert note.article == f"{REG}第三条" and "规模未核定" in note.message


@pytest.mark.parametrize("body, size", [("army", None), ("enterprise", "huge")])
def test_unknown_entity_kind_or_size_raises(body, size):
    """第三条 (2025): buyers are classed by kind of body and size class; anything else cannot be checked."""
    with pytest.raises(PaymentTermError):
        payment.classify_buyer(body, size)


# -- review(): a whole set of terms ---------------------------------------------------------

def _buyer(kind):
    return {"government": payment.classify_buyer("public_institution", None),
            "large": payment.classify_buyer("enterprise", "large"),
            "sme": payment.classify_buyer("enterprise", "small"),
            "outside": payment.classify_buyer("individual_business", None)}[kind]


@pytest.mark.parametrize("kind, article", [("government", "第九条第一款"), ("large", "第九条第二款")])
def test_a_blank_term_is_refused_for_covered_buyers(kind, article):
    """第九条 (2025) gives 机关、事业单位 30 days and 大型企业 60 days: a public demand of theirs must
    state its term."""
    review = payment.review(_buyer(kind), None)
    (problem,) = review.problems
    assert (problem.severity, problem.field, problem.article) == ("error", "payment_days", f"{REG}{article}")
    assert "请填写付款期限" in problem.message
    assert review.total_days is None


@pytest.mark.parametrize("kind", ["sme", "outside"])
def test_a_blank_term_is_allowed_outside_the_regulation(kind):
    """第二条 (2025): a buyer that is not a 机关, 事业单位 or 大型企业 is not bound; a note says so."""
    review = payment.review(_buyer(kind), None, third_party=True, terms_text="背靠背")
    assert review.ok
    assert all(f.severity == "note" for f in review.findings)
    assert review.findings[-1].article == f"{REG}第二条"


def test_public_institution_beyond_30_days_is_a_warning_beyond_60_an_error():
    """第九条第一款 (2025): 31-60 days only by agreement, beyond 60 never."""
    assert payment.review(_buyer("government"), 30).ok
    assert payment.review(_buyer("government"), 31).problems[0].severity == "warning"
    problem = payment.review(_buyer("government"), 61).problems[0]
    assert problem.severity == "error" and problem.message.startswith("事业单位：")


def test_acceptance_period_and_term_are_added_and_explained():
    """第十条 (2025): the term runs from acceptance, and the acceptance period must be clear and
    reasonable. Read for public offers: acceptance period + term may not exceed the statutory term
    plus 30 days of acceptance (90 days from delivery for a large enterprise, 60 for a 事业单位)."""
    assert payment.review(_buyer("large"), 60, acceptance_days=30).ok
    review = payment.review(_buyer("large"), 60, acceptance_days=45)
    (problem,) = review.problems
    assert (problem.field, problem.article) == ("acceptance_days", f"{REG}第十条")
    assert "验收期限 45 天 + 付款期限 60 天 = 105 天，超过自交付起最长90天" in problem.message
    assert "acceptance period 45 days + payment term 60 days = 105 days" in problem.message
    assert review.total_days == 105
    assert payment.review(_buyer("government"), 10, acceptance_days=50).ok
    problem = payment.review(_buyer("government"), 30, acceptance_days=31).problems[0]
    assert "= 61 天" in problem.message and "最长60天" in problem.message
    assert payment.ACCEPTANCE_ALLOWANCE_DAYS == 30


def test_the_term_itself_is_judged_before_the_acceptance_total():
    """第九条第二款 then 第十条 (2025): a term over 60 days is refused for itself, not for the total."""
    (problem,) = payment.review(_buyer("large"), 90, acceptance_days=90).problems
    assert problem.article == f"{REG}第九条第二款"


def test_a_bill_needs_its_tenor_which_counts_toward_the_term():
    """第十一条 (2025): 商业汇票 and 应收账款电子凭证 must be agreed clearly and may not extend the
    term in disguise; the SME holds no money before maturity, so the tenor counts."""
    (problem,) = payment.review(_buyer("large"), 30, method="bill").problems
    assert (problem.field, problem.article) == ("instrument_days", f"{REG}第十一条")
    assert payment.review(_buyer("large"), 30, method="bill", instrument_days=30).ok
    review = payment.review(_buyer("large"), 30, method="voucher", instrument_days=45)
    (problem,) = review.problems
    assert (problem.field, problem.article) == ("instrument_days", f"{REG}第十一条")
    assert "付款期限 30 天 + 应收账款电子凭证期限 45 天 = 75 天" in problem.message
    assert review.total_days == 75


def test_the_tenor_counts_in_the_acceptance_total():
    """第十条 and 第十一条 (2025): delivery → acceptance → payment → maturity is what the SME waits."""
    review = payment.review(_buyer("large"), 30, acceptance_days=30, method="bill", instrument_days=30)
    assert review.ok and review.total_days == 90
    review = payment.review(_buyer("large"), 30, acceptance_days=31, method="bill", instrument_days=30)
    assert "验收期限 31 天 + 付款期限 30 天 + 商业汇票期限 30 天 = 91 天" in review.problems[0].message


def test_cash_ignores_a_tenor_and_unknown_methods_raise():
    """第十一条 (2025) concerns non-cash payment only; a cash payment has no tenor."""
    assert payment.review(_buyer("large"), 60, method="cash", instrument_days=365).total_days == 60
    with pytest.raises(PaymentTermError):
        payment.review(_buyer("large"), 60, method="cheque")
    with pytest.raises(PaymentTermError):
        payment.review(_buyer("large"), 60, acceptance_days=-1)


@pytest.mark.parametrize("kind, article", [("large", "第九条第二款"), ("government", "第九条第一款")])
def test_a_third_party_condition_is_refused_for_covered_buyers(kind, article):
    """第九条第二款 (2025): 大型企业 may not make payment conditional on receiving a third party's
    payment nor proportional to it; 第九条第一款 fixes 机关、事业单位's term from delivery, which no
    third party's payment can move."""
    (problem,) = payment.review(_buyer(kind), 30, third_party=True).problems
    assert (problem.severity, problem.field, problem.article) == ("error", "third_party_condition", f"{REG}{article}")
    (problem,) = payment.review(_buyer(kind), 30, terms_text="收到业主款后30日内支付").problems
    assert (problem.field, problem.article) == ("payment_terms", f"{REG}{article}")
    assert "“收到业主款后”" in problem.message


@pytest.mark.parametrize("text, phrase", [
    ("背靠背结算", "背靠背"),
    ("收到业主款后30日内支付", "收到业主款后"),
    ("待客户付款后支付货款", "待客户付款后"),
    ("按甲方回款比例支付", "回款比例"),
    ("按业主付款进度比例支付", "按业主付款进度"),
    ("以第三方付款为前提", "第三方付款为前提"),
    ("收到業主工程款後 30 日內支付", "收到业主工程款后"),
    ("终端客户付款后7日内付款", "终端客户付款后"),
    ("Pay when paid.", "pay when paid"),
    ("pay-if-paid applies", "pay-if-paid"),
    ("Back to back with the main contract", "back to back"),
    ("within 30 days of receipt of payment from the Owner", "receipt of payment from the owner"),
    ("paid in proportion to the client’s payments", "in proportion to the client’s payments"),
    ("after the end user has paid", "after the end user has paid"),
])
def test_third_party_clauses_are_found_in_free_text(text, phrase):
    """第九条第二款 (2025) bans "以收到第三方付款作为向中小企业支付款项的条件" and "按照第三方付款进度
    比例支付中小企业款项" — the 背靠背 / pay-when-paid clause, in whatever words or script."""
    assert payment.third_party_clause(text) == phrase


@pytest.mark.parametrize("text", [
    None, "", "验收合格并收到发票后30日内付款", "甲方付款后乙方开具发票", "客户验收合格后60日内付款",
    "预付30%，到货验收后付60%，质保金10%", "月结60天，银行转账", "本合同不设背靠背条款",
    "不以收到业主付款为前提，验收合格后30日内付款", "无论是否收到业主款项，均于验收后30日内付款",
    "No pay-when-paid clause.", "The client pays within 30 days of invoice",
    "Payment within 30 days after acceptance",
])
def test_ordinary_or_negated_terms_are_not_third_party_clauses(text):
    """第九条第二款 (2025) bans a condition on a third party's payment; terms that wait only for
    delivery, acceptance or an invoice, or that exclude such a condition, are lawful."""
    assert payment.third_party_clause(text) is None


def test_a_bound_is_not_a_negation():
    """第九条第二款 (2025): "不迟于收到业主款后10日" still waits for the owner's money."""
    assert payment.third_party_clause("付款不迟于收到业主款后10日") == "收到业主款后"


def test_every_finding_is_bilingual_and_cites_an_article_of_the_2025_text():
    """Every refusal names the article of 《保障中小企业款项支付条例》 (2025) it applies, in both languages."""
    reviews = [payment.review(_buyer(k), d, **kw) for k in ("government", "large", "sme", "outside")
               for d, kw in [(None, {}), (45, {}), (90, {}), (30, {"acceptance_days": 90}),
                             (10, {"method": "bill"}), (10, {"method": "bill", "instrument_days": 200}),
                             (10, {"third_party": True}), (10, {"terms_text": "pay when paid"})]]
    reviews.append(payment.review(payment.classify_buyer("enterprise", None), 10))
    findings = [f for r in reviews for f in r.findings]
    assert {f.article for f in findings} <= set(payment.ARTICLES.values())
    assert {f.article for f in findings} == set(payment.ARTICLES.values())
    for finding in findings:
        zh, sep, en = finding.message.partition(" / ")
        assert sep and re.search(r"[\u4e00-\u9fff]", zh) and re.search(r"[A-Za-z]{3,}", en), finding
        assert " / " not in en, finding
        assert not re.search(r"\ba (?:SME|individual|[aeiou])", en), finding
