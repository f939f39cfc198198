"""Payment terms owed to SMEs (《保障中小企业款项支付条例》).

Checks a payment term against the regulation as revised in 2025 (国务院令第802号,
promulgated 2025-03-17, in force since 2025-06-01; first issued 2020 as
国务院令第728号). The articles of the text in force that the checks apply:

- 第二条 — the regulation binds 机关、事业单位和大型企业 paying SMEs for goods,
  works and services; 第三条 defines 中小企业 by the State Council's size
  standard and 大型企业 as every other enterprise, each as classed when the
  contract is made.
- 第九条第一款 — 机关、事业单位 pay within 30 days of delivery (交付); a contract
  may agree otherwise, but never more than 60 days.
- 第九条第二款 — 大型企业 pay within 60 days of delivery; a contract may agree
  otherwise only on terms reasonable by industry norms and trading practice, and
  may not make payment conditional on receiving a third party's payment, nor
  pay in proportion to a third party's payment progress (背靠背条款).
- 第十条 — where inspection or acceptance (检验或者验收合格) is the agreed
  condition of payment, the term runs from acceptance; the contract must set a
  clear and reasonable acceptance period, acceptance must be done within it,
  and if the payer delays it the term runs from the end of that period.
- 第十一条 — paying by 商业汇票 (commercial bill), 应收账款电子凭证 (electronic
  receivable voucher) or another non-cash means must be agreed clearly and
  reasonably in the contract; SMEs may not be forced to accept it, and it may
  not be used to extend the payment term in disguise.

The 2020 text numbered these differently: the 30/60-day rule for 机关、事业单位
and the large-enterprise rule (then without a number of days or a third-party
ban) were 第八条第一款 and 第二款, acceptance was 第九条 and non-cash payment
第十条.

Buyer kinds
-----------
:func:`classify_buyer` turns the kind of body that holds a unified social credit
code (:func:`matchmaker.domain.uscc.entity_kind`) and the buyer's size class into
one of:

=========== =====================================================================
kind        who
=========== =====================================================================
government  机关 (11…) and 事业单位 (12…, A1…): 第九条第一款, whatever their size
large       an enterprise (91…), a cooperative, an unclassifiable body or one
            without a valid code, whose size class is ``large`` — or is not
            known, in which case the strictest rule that may apply is used and
            :attr:`Buyer.assumed_large` says so: 第九条第二款
sme         the same bodies classed micro, small or medium: outside the regulation
outside     个体工商户 (92…) and social organisations (13…, 51…-53…): neither
            机关, 事业单位 nor enterprises, so outside the regulation
=========== =====================================================================

:func:`check` applies 第九条 to a number of days; :func:`review` checks a whole
set of terms (payment term, acceptance period, payment method, third-party
conditions) and returns every finding.

Severity of a finding of :func:`check`:

========== ================== ====================================================
buyer      days               result
========== ================== ====================================================
government <= 30              ok
government 31-60              ``warning``: lawful only if the contract agrees it
government > 60               ``error``: above the 60-day maximum
large      <= 60              ok
large      > 60               ``warning``: lawful only if agreed and reasonable
sme        any                ok, with a note that the regulation does not apply
========== ================== ====================================================

Acceptance period
-----------------
第十条 lets the term run from acceptance but sets no number of days for the
acceptance period itself, only that it be clear and reasonable; without a bound,
"60 days after an acceptance of any length" would pass. :func:`review` therefore
applies a reading of 第十条 for public offers: the days from delivery to payment
(acceptance period + payment term, + the bill's or voucher's tenor) may not
exceed the statutory term plus :data:`ACCEPTANCE_ALLOWANCE_DAYS` (30) days of
acceptance. For a 机关 or 事业单位 that is 60 days from delivery, the most 第九条第一款
allows by any agreement.

Non-cash payment
----------------
A bill or voucher pays the SME only when it falls due (or at a discount the SME
bears). :func:`review` reads 第十一条's ban on extending the term in disguise as:
its tenor (days from issue to maturity) counts toward the payment term.
"""

from .articles import (
    ACCEPTANCE_ALLOWANCE_DAYS,
    ARTICLES,
    GOVERNMENT_DAYS,
    GOVERNMENT_MAX_DAYS,
    LARGE_DAYS,
    PAYMENT_METHODS,
    REGULATION,
)
from .buyers import Buyer, classify_buyer
from .clauses import third_party_clause
from .review import Finding, TermsReview, review
from .term import BUYER_KINDS, PaymentCheck, check, normalize_buyer_kind

__all__ = [
    "ACCEPTANCE_ALLOWANCE_DAYS",
    "ARTICLES",
    "BUYER_KINDS",
    "GOVERNMENT_DAYS",
    "GOVERNMENT_MAX_DAYS",
    "LARGE_DAYS",
    "PAYMENT_METHODS",
    "REGULATION",
    "Buyer",
    "Finding",
    "PaymentCheck",
    "TermsReview",
    "check",
    "classify_buyer",
    "normalize_buyer_kind",
    "review",
    "third_party_clause",
]
