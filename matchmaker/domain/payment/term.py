"""第九条 applied to a number of days: :func:`check`."""

import unicodedata
from dataclasses import dataclass

from ..errors import PaymentTermError
from .articles import ARTICLES, GOVERNMENT_DAYS, GOVERNMENT_MAX_DAYS, LARGE_DAYS

__all__ = ["BUYER_KINDS", "PaymentCheck", "check", "normalize_buyer_kind", "whole_days"]

_GOVERNMENT_ARTICLE = ARTICLES["government"]
_LARGE_ARTICLE = ARTICLES["large"]
_SCOPE_ARTICLE = ARTICLES["scope"]

_ALIASES = {
    "government": (
        "government", "gov", "public institution", "public_institution", "public sector", "agency",
        "authority", "state organ", "机关", "事业单位", "机关事业单位", "机关、事业单位", "政府",
        "政府机关", "国家机关", "行政机关",
    ),
    "large": ("large", "large enterprise", "大型企业", "大型", "大企业"),
    "sme": (
        "sme", "smes", "medium", "small", "micro", "中小企业", "中小微企业", "中小微型企业",
        "中型企业", "小型企业", "微型企业", "中型", "小型", "微型", "小微企业",
    ),
}
_BY_ALIAS = {alias.lower(): kind for kind, aliases in _ALIASES.items() for alias in aliases}

#: Buyer kinds :func:`check` accepts.
BUYER_KINDS = tuple(_ALIASES)


@dataclass(frozen=True)
class PaymentCheck:
    """Outcome of :func:`check`.

    Attributes
    ----------
    ok : bool
        True when the term raises no concern under the regulation.
    severity : {None, 'warning', 'error'}
        None when ok; ``'warning'`` when the term is lawful only under an explicit
        contract agreement; ``'error'`` when it exceeds a hard maximum.
    article : str
        The article applied, e.g. ``'《保障中小企业款项支付条例》第九条第二款'``.
    message : str
        What was found, in Chinese and English.
    limit_days : int or None
        The statutory term for this buyer (30 for government, 60 for large
        enterprises, None when the regulation does not apply).
    max_days : int or None
        A maximum that no agreement may exceed (60 for government), else None.
    buyer_kind : str
        Canonical buyer kind (``'government'``, ``'large'`` or ``'sme'``).
    payment_days : int
    """

    ok: bool
    severity: str | None
    article: str
    message: str
    limit_days: int | None
    max_days: int | None
    buyer_kind: str
    payment_days: int

    def __bool__(self):
        return self.ok

    def __str__(self):
        status = "ok" if self.ok else self.severity
        return f"[{status}] {self.article}: {self.message}"


def normalize_buyer_kind(kind):
    """Return ``'government'``, ``'large'`` or ``'sme'`` for `kind`, or None if unknown."""
    if not isinstance(kind, str):
        return None
    text = " ".join(unicodedata.normalize("NFKC", kind).strip().lower().split())
    return _BY_ALIAS.get(text)


def whole_days(value, zh="付款期限", en="payment_days"):
    """`value` as a whole number of days, or :class:`PaymentTermError` naming the term (`zh`, `en`)."""
    if value is None:
        raise PaymentTermError(f"未填写{zh}（天） / {en} is missing")
    whole = not isinstance(value, bool) and isinstance(value, (int, float)) and float(value).is_integer()
    if not whole:
        raise PaymentTermError(
            f"{zh}应为整数天数，得到 {value!r} / {en} must be a whole number of days, got {value!r}"
        )
    if value < 0:
        raise PaymentTermError(f"{zh}不能为负数，得到 {value!r} / {en} cannot be negative, got {value!r}")
    return int(value)


def check(payment_days, buyer_kind):
    """Check a number of days of payment owed to an SME supplier (第九条).

    Parameters
    ----------
    payment_days : int
        Days from delivery (or from acceptance, where acceptance is the agreed
        condition of payment, 第十条) to payment.
    buyer_kind : str
        Who pays: ``'government'`` (机关、事业单位), ``'large'`` (大型企业) or
        ``'sme'``; Chinese names and size classes (``'medium'``, ``'微型'``…) are
        accepted.

    Returns
    -------
    PaymentCheck

    Raises
    ------
    PaymentTermError
        If `payment_days` is missing, negative or not a whole number, or
        `buyer_kind` is unknown.
    """
    days = whole_days(payment_days)
    kind = normalize_buyer_kind(buyer_kind)
    if kind is None:
        raise PaymentTermError(
            f"未知的采购方类型 {buyer_kind!r}；可选：government（机关、事业单位）、"
            f"large（大型企业）、sme（中小企业） / unknown buyer kind {buyer_kind!r}; "
            f"use one of {', '.join(BUYER_KINDS)}"
        )

    if kind == "sme":
        return PaymentCheck(
            True, None, _SCOPE_ARTICLE,
            f"中小企业之间的采购不受该条例付款期限约束（付款期限{days}日） / "
            f"the regulation limits what government bodies and large enterprises owe to "
            f"SMEs; a purchase between SMEs is outside it (term: {days} days)",
            None, None, kind, days,
        )

    if kind == "government":
        if days <= GOVERNMENT_DAYS:
            return PaymentCheck(
                True, None, _GOVERNMENT_ARTICLE,
                f"付款期限{days}日，未超过30日 / term of {days} days is within 30 days",
                GOVERNMENT_DAYS, GOVERNMENT_MAX_DAYS, kind, days,
            )
        if days <= GOVERNMENT_MAX_DAYS:
            return PaymentCheck(
                False, "warning", _GOVERNMENT_ARTICLE,
                f"机关、事业单位应自交付（验收合格）之日起30日内付款，付款期限{days}日"
                f"仅在合同另有约定时允许，且最长不得超过60日 / government bodies must pay "
                f"SMEs within 30 days; {days} days is lawful only if the contract "
                f"explicitly agrees it, and never beyond 60 days",
                GOVERNMENT_DAYS, GOVERNMENT_MAX_DAYS, kind, days,
            )
        return PaymentCheck(
            False, "error", _GOVERNMENT_ARTICLE,
            f"付款期限{days}日超过60日：机关、事业单位向中小企业付款，即使合同另有约定，"
            f"最长不得超过60日 / term of {days} days exceeds 60 days, the maximum a "
            f"government body may agree with an SME",
            GOVERNMENT_DAYS, GOVERNMENT_MAX_DAYS, kind, days,
        )

    if days <= LARGE_DAYS:
        return PaymentCheck(
            True, None, _LARGE_ARTICLE,
            f"付款期限{days}日，未超过60日 / term of {days} days is within 60 days",
            LARGE_DAYS, None, kind, days,
        )
    return PaymentCheck(
        False, "warning", _LARGE_ARTICLE,
        f"大型企业应自交付（验收合格）之日起60日内向中小企业付款；付款期限{days}日"
        f"超过60日，仅在合同另有约定且符合行业规范、交易习惯时允许，"
        f"不得以收到第三方付款作为付款条件 / large enterprises must pay SMEs within "
        f"60 days; {days} days is lawful only if the contract agrees it on terms "
        f"reasonable by industry norms, never conditional on a third party paying first",
        LARGE_DAYS, None, kind, days,
    )


