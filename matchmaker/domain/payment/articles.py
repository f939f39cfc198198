"""The regulation's articles, terms and payment methods, as the checks cite and apply them."""

__all__ = ["ACCEPTANCE_ALLOWANCE_DAYS", "ARTICLES", "GOVERNMENT_DAYS", "GOVERNMENT_MAX_DAYS", "LARGE_DAYS",
           "NON_CASH", "PAYMENT_METHODS", "REGULATION"]

REGULATION = "《保障中小企业款项支付条例》"

#: The articles of the 2025 text that findings cite, by topic.
ARTICLES = {
    "scope": f"{REGULATION}第二条",
    "size": f"{REGULATION}第三条",
    "government": f"{REGULATION}第九条第一款",
    "large": f"{REGULATION}第九条第二款",
    "acceptance": f"{REGULATION}第十条",
    "non_cash": f"{REGULATION}第十一条",
}

GOVERNMENT_DAYS = 30
GOVERNMENT_MAX_DAYS = 60
LARGE_DAYS = 60

#: Longest acceptance period the platform takes as reasonable in a public offer (see the package notes).
ACCEPTANCE_ALLOWANCE_DAYS = 30

#: Payment methods: ``{method: (Chinese, English)}``. ``cash`` is payment in money
#: (cash or bank transfer); the other two are the non-cash means of 第十一条.
PAYMENT_METHODS = {
    "cash": ("现金或银行转账", "cash or bank transfer"),
    "bill": ("商业汇票", "commercial bill"),
    "voucher": ("应收账款电子凭证", "electronic receivable voucher"),
}
#: The methods of 第十一条 whose tenor counts toward the term.
NON_CASH = ("bill", "voucher")

