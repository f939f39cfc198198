"""Decimal fields that only take finite amounts their database column can hold."""
from __future__ import annotations

from decimal import Decimal

from wtforms import DecimalField

from ...services.postings.fields import MAX_AMOUNT
from .lazy import lazy_tr

__all__ = ["AmountField", "WanAmountField"]

WAN = Decimal(10_000)


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


class WanAmountField(AmountField):
    """Money typed in 万元, the unit every amount is shown in, and kept in 元 (CNY) as stored.

    ``data`` is in 元 both ways: a form filled from a posting shows its amount in
    万元, and a typed ``12.5`` hands on ``125000``.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("places", None)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is None:
            return
        self.data = self.data * WAN
        if abs(self.data) >= MAX_AMOUNT:
            self.data = None
            raise ValueError(lazy_tr("数值过大。", "The number is too large."))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        wan = (Decimal(str(self.data)) / WAN).normalize()
        return format(wan, "f")
