"""Who pays, as the regulation sees it: :func:`classify_buyer`."""

from dataclasses import dataclass

from ..errors import PaymentTermError
from .articles import ARTICLES, GOVERNMENT_DAYS, LARGE_DAYS

__all__ = ["Buyer", "classify_buyer"]

_GOVERNMENT_BODIES = {"government": ("机关", "government body"),
                      "public_institution": ("事业单位", "public institution")}
_OUTSIDE_BODIES = {"individual_business": ("个体工商户", "individual business"),
                   "social_organisation": ("社会组织", "social organisation")}
# Bodies classed by their size: enterprises, and those that cannot be told apart
# from one (cooperatives, "other" categories, no valid code), so that the stricter
# rule applies whenever it may.
_SIZED_BODIES = (None, "enterprise", "cooperative", "other")
_SME_SIZES = ("micro", "small", "medium")


@dataclass(frozen=True)
class Buyer:
    """Who pays, as the regulation sees it; made by :func:`classify_buyer`.

    Attributes
    ----------
    kind : {'government', 'large', 'sme', 'outside'}
        ``government`` covers 机关 and 事业单位 (第九条第一款); ``large`` 大型企业
        (第九条第二款); ``sme`` and ``outside`` are not bound by the regulation.
    body : str or None
        The entity kind of the credit code (``'public_institution'`` …), None
        without a valid code.
    size : str or None
        The size class given (``'large'``, ``'small'`` …).
    assumed_large : bool
        True when the size class is not known and the buyer is checked as a large
        enterprise, the strictest rule that may apply.
    label : str
        What the buyer is, ``'中文 / English'`` (``'事业单位 / public institution'``).
    """

    kind: str
    body: str | None
    size: str | None
    assumed_large: bool
    label: str

    @property
    def covered(self):
        """True when the regulation binds this buyer (机关、事业单位、大型企业)."""
        return self.kind in ("government", "large")

    @property
    def limit_days(self):
        """The statutory term (30 or 60 days), None when the regulation does not apply."""
        return {"government": GOVERNMENT_DAYS, "large": LARGE_DAYS}.get(self.kind)

    @property
    def article(self):
        """The article setting this buyer's term, or the scope article when none does."""
        return {"government": ARTICLES["government"], "large": ARTICLES["large"]}.get(self.kind, ARTICLES["scope"])

    @property
    def label_zh(self):
        return self.label.partition(" / ")[0]

    @property
    def label_en(self):
        return self.label.partition(" / ")[2]


def classify_buyer(entity_kind, size):
    """Tell who pays from the credit code's entity kind and the size class.

    Parameters
    ----------
    entity_kind : str or None
        One of :data:`matchmaker.domain.uscc.ENTITY_KINDS` (``'enterprise'``,
        ``'government'``, ``'public_institution'`` …), None when the buyer has no
        valid credit code.
    size : str or None
        ``'micro'``, ``'small'``, ``'medium'``, ``'large'`` or None when not known.

    Returns
    -------
    Buyer

    Raises
    ------
    PaymentTermError
        If `entity_kind` or `size` is not one of those values.

    Examples
    --------
    >>> classify_buyer("public_institution", "small").kind
    'government'
    >>> buyer = classify_buyer("enterprise", None)
    >>> buyer.kind, buyer.assumed_large
    ('large', True)
    """
    if size is not None and size not in (*_SME_SIZES, "large"):
        raise PaymentTermError(f"未知的企业规模 {size!r} / unknown size class {size!r}")
    if entity_kind in _GOVERNMENT_BODIES:
        zh, en = _GOVERNMENT_BODIES[entity_kind]
        return Buyer("government", entity_kind, size, False, f"{zh} / {en}")
    if entity_kind in _OUTSIDE_BODIES:
        zh, en = _OUTSIDE_BODIES[entity_kind]
        return Buyer("outside", entity_kind, size, False, f"{zh} / {en}")
    if entity_kind not in _SIZED_BODIES:
        raise PaymentTermError(f"未知的主体类型 {entity_kind!r} / unknown entity kind {entity_kind!r}")
    if size in _SME_SIZES:
        return Buyer("sme", entity_kind, size, False, "中小企业 / SME")
    if size == "large":
        return Buyer("large", entity_kind, size, False, "大型企业 / large enterprise")
    return Buyer("large", entity_kind, size, True,
                 "大型企业（企业规模未核定，按最严格的大型企业规则审核） / large enterprise (size class "
                 "not known, so checked under the large-enterprise rule, the strictest that may apply)")
