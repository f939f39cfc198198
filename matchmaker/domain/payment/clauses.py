"""Payment conditional on, or proportional to, a third party's payment (背靠背条款): :func:`third_party_clause`."""

import re
import unicodedata

from .._hanzi import to_simplified

__all__ = ["third_party_clause"]

# A buyer's own customer or employer, as a payment clause names it. Some names may
# also be the buyer itself (业主 when the owner buys, 发包人 of a subcontract, 客户
# seen from the supplier): those count only after a word that waits for or follows
# someone else's money (收到、待、按 …) or before a proportion (比例、进度 …). 甲方,
# 采购方 and the like are the buyer and never count; 回款 (money coming back from
# one's own customers) is caught on its own.
_THIRD_PARTIES_ZH = "第三方|终端客户|最终客户|下游客户|最终用户|终端用户|上游单位|上游客户"
_AMBIGUOUS_ZH = "业主方|业主|发包人|发包方|建设单位|总承包方|总承包单位|总承包商|总包方|总包|客户|项目方"
_WAITING_ZH = "收到|收妥|取得|获得|待|等到|等待|等|视|根据|依据|按照|按|以|凭"
_PAY_ZH = "支付|付款|付清|拨付|拨款|结算款|工程款|货款|款项|资金|到款|款"
_TAIL_ZH = "后|之后|以后|为前提|为条件|作为前提|作为条件|前提|条件|比例|进度|同步|到位|到账"
_PROPORTION_ZH = "比例|进度|同比例|等比例|同步|为前提|为条件|作为前提|作为条件"
_GAP_ZH = "[^,.;!?。]{0,6}?"
_ZH_PATTERNS = [re.compile(p) for p in (
    r"背靠背",
    rf"(?:{_THIRD_PARTIES_ZH})(?:的)?(?:{_PAY_ZH}){_GAP_ZH}(?:{_TAIL_ZH})",
    rf"(?:{_WAITING_ZH})(?:{_AMBIGUOUS_ZH})(?:的)?(?:{_PAY_ZH}){_GAP_ZH}(?:{_TAIL_ZH})",
    rf"(?:{_AMBIGUOUS_ZH})(?:的)?(?:{_PAY_ZH}){_GAP_ZH}(?:{_PROPORTION_ZH})",
    r"回款(?:后|之后|以后|比例|进度|情况|为前提|为条件|作为前提|作为条件|到账|到位|同步)",
)]
# 不迟于、不超过 … bound a time or an amount; they do not negate the clause.
_ZH_NEGATION = re.compile(r"(?:不(?!迟于|晚于|超过|少于|低于|多于|高于)|无|非|禁止|杜绝|严禁)[^,.;!?。]{0,8}$")

_PARTY_EN = (r"(?:owner|client|customer|employer|principal|end[\s-]?users?|end[\s-]?customers?|"
             r"main[\s-]?contractor|third[\s-]?part(?:y|ies))")
_THIRD_PARTY_EN = r"(?:end[\s-]?users?|end[\s-]?customers?|main[\s-]?contractor|third[\s-]?part(?:y|ies))"
_LINK_EN = r"in\s+proportion\s+to|pro[\s-]?rata\s+to|conditional\s+(?:up)?on|subject\s+to"
_THE = r"(?:the\s+|a\s+|its\s+|our\s+)?"
_EN_PATTERNS = [re.compile(p) for p in (
    r"\bpa(?:y|id)[\s-]*(?:when|if)[\s-]*paid\b",
    r"\bback[\s-]*to[\s-]*back\b",
    rf"\breceipt\s+of\s+{_THE}(?:payments?|funds|money)\s+from\s+{_THE}{_PARTY_EN}",
    rf"\b(?:when|once|after|until|upon)\s+{_THE}{_THIRD_PARTY_EN}\s+(?:has\s+|have\s+)?(?:pays?|paid|remits?)\b",
    rf"\b(?:{_LINK_EN})\s+{_THE}{_PARTY_EN}(?:'s|’s|s)?\s+(?:payments?|paying|receipts)",
)]
_EN_NEGATION = re.compile(r"\b(?:no|not|without|never|nor)\b[^,.;!?]{0,16}$")
_CLAUSE_END = re.compile(r"[,.;!?。]")


def _first(patterns, negation, text):
    for pattern in patterns:
        for match in pattern.finditer(text):
            clause = _CLAUSE_END.split(text[:match.start()])[-1]
            if not negation.search(clause):
                return match.group(0)
    return None


def third_party_clause(text):
    """The phrase of `text` that makes payment depend on a third party's payment, or None.

    Catches 背靠背 clauses in Chinese or English, whatever the script or width:
    "收到业主款后支付", "待客户付款后", "按甲方回款比例支付", "按业主付款进度比例支付",
    "pay when paid", "pay-if-paid", "back-to-back". A phrase negated within its own
    clause ("本合同不设背靠背条款", "不以收到业主付款为前提") is not a condition.

    Parameters
    ----------
    text : str or None
        Free text of payment terms.

    Returns
    -------
    str or None
        The phrase found, normalised (simplified Chinese, lower case; Chinese
        without spaces, English with single spaces).

    Examples
    --------
    >>> third_party_clause("收到業主工程款後30日內支付")
    '收到业主工程款后'
    >>> third_party_clause("验收合格后30日内付款，不设背靠背条款") is None
    True
    """
    if not text or not isinstance(text, str):
        return None
    text = to_simplified(unicodedata.normalize("NFKC", text)).lower()
    return (_first(_ZH_PATTERNS, _ZH_NEGATION, "".join(text.split()))
            or _first(_EN_PATTERNS, _EN_NEGATION, " ".join(text.split())))
