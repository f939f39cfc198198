"""A decimal field that only takes finite amounts its database column can hold."""
from __future__ import annotations

from decimal import Decimal

from wtforms import DecimalField

from .lazy import lazy_tr

__all__ = ["AmountField"]

#: Below the smallest Numeric(14, 2) limit of the amount columns.
MAX_AMOUNT = Decimal(10) ** 12


class AmountField(DecimalField):
    """``DecimalField`` refusing NaN, infinities and absurd sizes with a message.

    ``Decimal`` parses "NaN", "sNaN", "Infinity" and "1e400"; WTForms' ``NumberRange``
    then fails with an exception on a signalling NaN, and an infinite or huge amount
    would be stored as ``inf`` or overflow the column.
    """

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is None:
            return
        if not self.data.is_finite():
            self.data = None
            raise ValueError(lazy_tr("请输入数字。", "Enter a number."))
        if abs(self.data) >= MAX_AMOUNT:
            self.data = None
            raise ValueError(lazy_tr("数值过大。", "The number is too large."))
