"""A whole set of payment terms checked at once: :func:`review`."""

from dataclasses import dataclass

from ..errors import PaymentTermError
from .articles import ACCEPTANCE_ALLOWANCE_DAYS, ARTICLES, NON_CASH, PAYMENT_METHODS
from .buyers import Buyer
from .clauses import third_party_clause
from .term import check, whole_days

__all__ = ["Finding", "TermsReview", "review"]


def _a(noun):
    """`noun` with its English article: "an SME", "a large enterprise"."""
    return ("an " if noun[:1].lower() in "aeiou" or noun.startswith("SME") else "a ") + noun


@dataclass(frozen=True)
class Finding:
    """One thing :func:`review` found.

    Attributes
    ----------
    severity : {'error', 'warning', 'note'}
        ``error``: unlawful whatever the contract says; ``warning``: lawful only
        under an explicit contract agreement; ``note``: information only.
    field : str or None
        The term at fault: ``'payment_days'``, ``'acceptance_days'``,
        ``'payment_method'``, ``'instrument_days'``, ``'third_party_condition'``
        or ``'payment_terms'``; None for the terms as a whole.
    article : str
        The article of the 2025 text applied.
    message : str
        What was found, ``'中文 / English'``.
    """

    severity: str
    field: str | None
    article: str
    message: str

    def __str__(self):
        return f"[{self.severity}] {self.article}: {self.message}"


@dataclass(frozen=True)
class TermsReview:
    """Outcome of :func:`review`.

    Attributes
    ----------
    buyer : Buyer
    findings : tuple of Finding
        Refusals first (in the order a buyer would fix them), then notes.
    limit_days : int or None
        The statutory term for this buyer, None when the regulation does not apply.
    total_days : int or None
        Days from delivery until the SME holds the money: acceptance period +
        payment term + the bill's or voucher's tenor; None without a payment term.
    """

    buyer: Buyer
    findings: tuple
    limit_days: int | None
    total_days: int | None

    @property
    def problems(self):
        """Findings of severity ``error`` or ``warning``."""
        return tuple(f for f in self.findings if f.severity != "note")

    @property
    def notes(self):
        return tuple(f for f in self.findings if f.severity == "note")

    @property
    def ok(self):
        """True when no finding is an error or a warning."""
        return not self.problems

    def __bool__(self):
        return self.ok


def _third_party_finding(buyer, field, what_zh, what_en):
    if buyer.kind == "large":
        return Finding(
            "error", field, ARTICLES["large"],
            f"{what_zh}：大型企业不得约定以收到第三方付款作为向中小企业付款的条件，也不得按照第三方付款"
            f"进度比例支付中小企业款项（背靠背条款） / {what_en}: a large enterprise may not make payment to "
            f"an SME conditional on receiving a third party's payment, nor pay in proportion to a third "
            f"party's payment progress (a back-to-back clause)")
    if buyer.kind == "government":
        return Finding(
            "error", field, ARTICLES["government"],
            f"{what_zh}：机关、事业单位须自交付（约定验收的，自验收合格）之日起30日内付款，合同另有约定的"
            f"最长也不得超过60日，付款不能取决于第三方是否付款、付款多少 / {what_en}: a government body or "
            f"public institution must pay within 30 days of delivery (or acceptance), never beyond 60 days "
            f"even by agreement, so payment cannot depend on whether or how much a third party pays")
    return Finding(
        "note", field, ARTICLES["scope"],
        f"{what_zh}；采购方为{buyer.label_zh}，不在该条例约束范围内，请供应商自行评估 / {what_en}; the buyer "
        f"is {_a(buyer.label_en)}, outside the regulation, so suppliers should weigh it themselves")


def _sum_text(parts_zh, parts_en, total):
    zh = " + ".join(f"{name} {days} 天" for name, days in parts_zh) + f" = {total} 天"
    en = " + ".join(f"{name} {days} days" for name, days in parts_en) + f" = {total} days"
    return zh, en


def _term_finding(buyer, payment):
    """第九条 on the payment term itself."""
    term = check(payment, buyer.kind)
    if term.ok:
        return None
    zh, _, en = term.message.partition(" / ")
    return Finding(term.severity, "payment_days", term.article,
                   f"{buyer.label_zh}：{zh} / {buyer.label_en}: {en}")


def _instrument_finding(buyer, payment, method, instrument):
    """第十一条: a bill's or voucher's tenor counts toward the term."""
    if not instrument:
        return None
    paid = check(payment + instrument, buyer.kind)
    if paid.ok:
        return None
    name_zh, name_en = PAYMENT_METHODS[method]
    zh, en = _sum_text([("付款期限", payment), (f"{name_zh}期限", instrument)],
                       [("payment term", payment), (f"{name_en} tenor", instrument)], payment + instrument)
    limit = buyer.limit_days
    return Finding(
        paid.severity, "instrument_days", ARTICLES["non_cash"],
        f"{zh}，超过{buyer.label_zh}的{limit}日付款期限：{name_zh}到期前中小企业拿不到款项，其期限计入付款期限，"
        f"不得利用{name_zh}变相延长付款期限 / {en}, more than the {limit}-day term of {_a(buyer.label_en)}: the "
        f"SME holds no money until the {name_en} falls due, so its tenor counts toward the term, which it may "
        f"not extend in disguise")


def _acceptance_finding(buyer, payment, acceptance, method, instrument):
    """第十条 read for public offers: acceptance period + term within the term + a reasonable period."""
    if not acceptance:
        return None
    limit = buyer.limit_days
    cap = limit + ACCEPTANCE_ALLOWANCE_DAYS
    total = acceptance + payment + (instrument or 0)
    if total <= cap:
        return None
    parts_zh = [("验收期限", acceptance), ("付款期限", payment)]
    parts_en = [("acceptance period", acceptance), ("payment term", payment)]
    if instrument:
        parts_zh.append((f"{PAYMENT_METHODS[method][0]}期限", instrument))
        parts_en.append((f"{PAYMENT_METHODS[method][1]} tenor", instrument))
    zh, en = _sum_text(parts_zh, parts_en, total)
    allowance = ACCEPTANCE_ALLOWANCE_DAYS
    return Finding(
        "error", "acceptance_days", ARTICLES["acceptance"],
        f"{zh}，超过自交付起最长{cap}天（{buyer.label_zh}法定付款期限{limit}天 + 合理验收期{allowance}天）。"
        f"约定验收的，付款期限自验收合格之日起算，但验收期限须明确、合理，并须在该期限内完成验收；平台以"
        f"{allowance}天为公开需求合理验收期的上限 / {en}, more than the {cap} days from delivery allowed "
        f"({limit}-day statutory term of {_a(buyer.label_en)} + {allowance}-day reasonable acceptance period). "
        f"Where payment follows acceptance the term runs from acceptance, but the acceptance period must be "
        f"clear and reasonable and acceptance done within it; the platform takes {allowance} days as the "
        f"longest reasonable acceptance period of a public demand")


def review(buyer, payment_days, *, acceptance_days=None, method=None, instrument_days=None,
           third_party=False, terms_text=None):
    """Check a demand's payment terms against the regulation, finding everything at fault.

    Parameters
    ----------
    buyer : Buyer
        From :func:`classify_buyer`.
    payment_days : int or None
        The payment term: days from delivery, or from acceptance when
        `acceptance_days` is given (第十条). Required for buyers the regulation
        binds.
    acceptance_days : int or None
        The acceptance period (验收期限), days from delivery; None or 0 when
        payment does not wait for acceptance.
    method : {None, 'cash', 'bill', 'voucher'}
        How the SME is paid (:data:`PAYMENT_METHODS`); None when not stated.
    instrument_days : int or None
        For ``'bill'`` and ``'voucher'``: days from issue to maturity. Required
        with them for buyers the regulation binds (第十一条); ignored for cash.
    third_party : bool
        True when the buyer states that payment depends on, or is proportional
        to, a third party's payment.
    terms_text : str or None
        Free text of the payment terms, searched by :func:`third_party_clause`.

    Returns
    -------
    TermsReview

    Raises
    ------
    PaymentTermError
        If a number of days is negative or not whole, or `method` is unknown.
    """
    payment = None if payment_days is None else whole_days(payment_days)
    acceptance = None if acceptance_days is None else whole_days(acceptance_days, "验收期限", "acceptance_days")
    if method is not None and method not in PAYMENT_METHODS:
        raise PaymentTermError(f"未知的付款方式 {method!r}；可选：{'、'.join(PAYMENT_METHODS)} / "
                               f"unknown payment method {method!r}; use one of {', '.join(PAYMENT_METHODS)}")
    non_cash = method in NON_CASH
    instrument = None
    if non_cash and instrument_days is not None:
        instrument = whole_days(instrument_days, "票据（凭证）期限", "instrument_days")
    limit = buyer.limit_days
    findings = []

    if buyer.covered and payment is None:
        findings.append(Finding(
            "error", "payment_days", buyer.article,
            f"请填写付款期限：{buyer.label_zh}向中小企业采购，须自交付（约定验收的，自验收合格）之日起"
            f"{limit}日内付款，公开发布的需求须写明付款期限 / enter the payment term: {_a(buyer.label_en)} "
            f"buying from SMEs must pay within {limit} days of delivery (or of acceptance, where agreed), "
            f"so a public demand must state its term"))

    if third_party:
        findings.append(_third_party_finding(
            buyer, "third_party_condition", "付款以第三方付款为前提或按第三方付款比例支付",
            "payment conditional on, or proportional to, a third party's payment"))
    phrase = third_party_clause(terms_text)
    if phrase:
        findings.append(_third_party_finding(
            buyer, "payment_terms", f"付款条款“{phrase}”使付款取决于第三方付款",
            f"the payment terms (“{phrase}”) make payment depend on a third party's payment"))

    if buyer.covered and non_cash and instrument is None:
        name_zh, name_en = PAYMENT_METHODS[method]
        findings.append(Finding(
            "error", "instrument_days", ARTICLES["non_cash"],
            f"以{name_zh}支付须写明其期限（出票或开立之日至到期日的天数）：非现金支付方式须在合同中明确、"
            f"合理约定，且不得借此变相延长付款期限 / paying by {name_en} needs its tenor (days from issue "
            f"to maturity): a non-cash means of payment must be agreed clearly and reasonably, and may not "
            f"extend the payment term in disguise"))

    total = None
    if payment is not None:
        total = (acceptance or 0) + payment + (instrument or 0)
    if buyer.covered and payment is not None:
        finding = (_term_finding(buyer, payment)
                   or _instrument_finding(buyer, payment, method, instrument)
                   or _acceptance_finding(buyer, payment, acceptance, method, instrument))
        if finding is not None:
            findings.append(finding)

    if buyer.assumed_large:
        findings.append(Finding(
            "note", None, ARTICLES["size"],
            "企业规模未核定，按大型企业（60日）审核；核定为中小企业后不受该条例付款期限约束 / the size class is "
            "not known, so the terms are checked as a large enterprise's (60 days); an enterprise classed as "
            "an SME is outside the regulation's payment terms"))
    elif not buyer.covered:
        findings.append(Finding(
            "note", None, ARTICLES["scope"],
            f"采购方为{buyer.label_zh}，不是机关、事业单位或大型企业，不受该条例付款期限约束 / the buyer is "
            f"{_a(buyer.label_en)}, not a government body, public institution or large enterprise, so the "
            f"regulation's payment terms do not bind it"))

    findings.sort(key=lambda f: f.severity == "note")
    return TermsReview(buyer, tuple(findings), limit, total)
