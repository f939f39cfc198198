"""A demand's payment terms under 《保障中小企业款项支付条例》: who pays, the check, the words shown.

Who pays is read from what the buyer is, not from its headcount: the category of
its unified social credit code (机关 11…, 事业单位 12…, an enterprise 91…) and,
for an enterprise, its size class (:func:`matchmaker.domain.payment.classify_buyer`).
The terms are checked as a whole (:func:`matchmaker.domain.payment.review`): the
payment term, the acceptance period, the payment method and a bill's or
voucher's tenor, and any condition on a third party's payment, ticked or written.

A term the regulation allows only under an explicit contract clause (31-60 days
for a 机关 or 事业单位, more than 60 days for a large enterprise) is refused as
well: a published demand is an offer to every SME on the platform, not a
contract negotiated with one, so it keeps to the statutory term. Every refusal
names the article of the 2025 text it applies.
"""
from __future__ import annotations

from ..domain import payment, uscc
from ..domain.errors import PaymentTermError
from ..domain.organisations import payment_body
from ..i18n import tr
from ..models import Demand, Enterprise
from .enterprises import bilingual
from .errors import ServiceError
from .postings.fields import clean_text

__all__ = [
    "PAYMENT_FIELDS",
    "apply_payment_fields",
    "buyer_of",
    "check_demand_terms",
    "check_payment_terms",
    "payment_rows",
]

#: The demand fields that make up its payment terms, as forms and the service name them.
PAYMENT_FIELDS = ("payment_days", "acceptance_days", "payment_method", "instrument_days",
                  "third_party_condition", "payment_terms")

_MAX_TERMS_TEXT = 2000


def buyer_of(enterprise: Enterprise) -> payment.Buyer:
    """Who pays, from the enterprise's credit code (机关, 事业单位, enterprise …) and its size class."""
    kind = uscc.validate(enterprise.uscc).entity_kind if enterprise.uscc else None
    if kind is None and enterprise.org_type not in (None, "enterprise"):
        kind = payment_body(enterprise.org_type)
    return payment.classify_buyer(kind, enterprise.size)


def _public_offer() -> str:
    return tr("平台上发布的需求是向所有中小企业发出的要约，不是与一家企业协商一致的合同，因此只接受法定付款期限。",
              "A demand published on the platform is an offer to every SME, not a contract negotiated with one, "
              "so only the statutory term is accepted.")


def check_payment_terms(enterprise: Enterprise, payment_days: int | None, *, acceptance_days: int | None = None,
                        method: str | None = None, instrument_days: int | None = None, third_party: bool = False,
                        terms_text: str | None = None) -> payment.TermsReview:
    """Refuse payment terms that break 《保障中小企业款项支付条例》, naming the article.

    A blank ``payment_days`` is refused for the buyers the regulation binds
    (机关, 事业单位, large enterprises — and enterprises of unknown size, checked
    as large). Returns the review, whose ``notes`` say when the regulation does
    not apply or the size class was assumed; raises :class:`ServiceError` on the
    first problem, with the field at fault.
    """
    try:
        result = payment.review(buyer_of(enterprise), payment_days, acceptance_days=acceptance_days,
                                method=method, instrument_days=instrument_days, third_party=bool(third_party),
                                terms_text=terms_text)
    except PaymentTermError as exc:
        raise ServiceError(bilingual(str(exc)), field="payment_days") from None
    if result.problems:
        problem = result.problems[0]
        message = tr("该付款条款不符合{article}：{message}", "This payment term breaks {article}: {message}",
                     article=problem.article, message=bilingual(problem.message))
        if problem.severity == "warning":
            message = f"{message} {_public_offer()}"
        raise ServiceError(message, field=problem.field or "payment_days")
    return result


def check_demand_terms(demand: Demand) -> payment.TermsReview:
    """:func:`check_payment_terms` on the terms stored on ``demand``."""
    return check_payment_terms(demand.enterprise, demand.payment_days, acceptance_days=demand.acceptance_days,
                               method=demand.payment_method, instrument_days=demand.instrument_days,
                               third_party=bool(demand.third_party_condition), terms_text=demand.payment_terms)


def _days(data: dict, name: str, zh: str, en: str) -> int | None:
    value = data.get(name)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ServiceError(tr("{what}应为非负整数天数。", "{what} must be a whole number of days, 0 or more.",
                              what=tr(zh, en)), field=name)
    return value


def apply_payment_fields(demand: Demand, data: dict) -> None:
    """Set the payment terms of ``demand`` from ``data`` (form or API values), refusing malformed ones.

    Blank values clear a term. A tenor is kept only with a bill or voucher.
    Whether the terms keep to the regulation is :func:`check_demand_terms`.
    """
    payment_days = _days(data, "payment_days", "付款期限", "The payment term")
    acceptance_days = _days(data, "acceptance_days", "验收期限", "The acceptance period")
    instrument_days = _days(data, "instrument_days", "票据（凭证）期限", "The bill or voucher tenor")
    method = clean_text(data.get("payment_method")) or None
    if method is not None and method not in payment.PAYMENT_METHODS:
        raise ServiceError(tr("付款方式无效。", "Unknown payment method."), field="payment_method")
    demand.payment_days = payment_days
    demand.acceptance_days = acceptance_days
    demand.payment_method = method
    demand.instrument_days = instrument_days if method in ("bill", "voucher") else None
    demand.third_party_condition = bool(data.get("third_party_condition"))
    demand.payment_terms = clean_text(data.get("payment_terms"), _MAX_TERMS_TEXT) or None


def _term_text(demand: Demand) -> str:
    days, acceptance = demand.payment_days, demand.acceptance_days
    if days is None:
        return tr("未说明", "Not stated")
    if acceptance:
        text = tr("验收合格后 {n} 日内付款（验收须在交付后 {a} 日内完成）",
                  "within {n} days of acceptance (acceptance within {a} days of delivery)", n=days, a=acceptance)
    else:
        text = tr("交付后 {n} 日内付款", "within {n} days of delivery", n=days)
    total = (acceptance or 0) + days + (demand.instrument_days or 0)
    if total != days:
        text += tr("；自交付起最长 {t} 日", "; at most {t} days from delivery", t=total)
    return text


def _method_text(demand: Demand) -> str:
    if demand.payment_method is None:
        return tr("未说明", "Not stated")
    text = tr(*payment.PAYMENT_METHODS[demand.payment_method])
    if demand.instrument_days is not None:
        text += tr("，期限 {n} 日（计入付款期限）", ", due {n} days after issue (counted in the term)",
                   n=demand.instrument_days)
    return text


def _short(article: str) -> str:
    """``第十条`` for ``《保障中小企业款项支付条例》第十条``, once the regulation has been named."""
    return article.removeprefix(payment.REGULATION)


def _rule_text(demand: Demand, buyer: payment.Buyer) -> str:
    who = bilingual(buyer.label)
    if not buyer.covered:
        return tr("采购方为{who}，不受《保障中小企业款项支付条例》付款期限约束",
                  "The buyer is {who}, outside the payment terms of 《保障中小企业款项支付条例》", who=who)
    text = tr("采购方为{who}：{article}，自交付（约定验收的，自验收合格）之日起 {n} 日内付款",
              "The buyer is {who}: {article}, payment within {n} days of delivery (or of acceptance, where agreed)",
              who=who, article=buyer.article, n=buyer.limit_days)
    if buyer.kind == "large":
        text += tr("，不得以第三方付款为付款条件", ", never conditional on a third party's payment")
    if demand.acceptance_days:
        text += tr("；逾期未验收的，付款期限自验收期限届满之日起算（{a}）",
                   "; if acceptance is late, the term runs from the end of the acceptance period ({a})",
                   a=_short(payment.ARTICLES["acceptance"]))
    if demand.payment_method in ("bill", "voucher"):
        text += tr("；中小企业可不接受非现金支付方式（{a}）", "; SMEs may decline non-cash payment ({a})",
                   a=_short(payment.ARTICLES["non_cash"]))
    return text


def payment_rows(demand: Demand) -> list[tuple[str, str]]:
    """The payment terms of ``demand`` in words, as (label, text) rows for its page."""
    rows = [(tr("付款期限", "Payment term"), _term_text(demand)),
            (tr("付款方式", "Payment method"), _method_text(demand))]
    if demand.third_party_condition:
        rows.append((tr("付款条件", "Payment condition"),
                     tr("付款以第三方付款为前提或按第三方付款比例支付",
                        "payment depends on, or is proportional to, a third party's payment")))
    if demand.payment_terms:
        rows.append((tr("付款条款说明", "Payment terms"), demand.payment_terms))
    try:
        buyer = buyer_of(demand.enterprise)
    except PaymentTermError:
        return rows
    rows.append((tr("适用规则", "Rule applied"), _rule_text(demand, buyer)))
    return rows
