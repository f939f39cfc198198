"""The 融通 report's filter: period, N days, chain, sort (read from the query string, no CSRF)."""
from __future__ import annotations

import re

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice

from ...services.indicators import DEFAULT_DAYS, INDICATORS, Period, default_period
from .lazy import lazy_tr

__all__ = ["ReportFilterForm"]

_MAX_DAYS = 366


def _parse(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text.strip()) if text and text.strip() else None


class ReportFilterForm(FlaskForm):
    """Query-string filter; call :meth:`period` after a successful :meth:`validate`."""

    class Meta:
        csrf = False

    date_from = StringField(lazy_tr("起始日期", "From"), render_kw={"type": "date", "placeholder": "YYYY-MM-DD"})
    date_to = StringField(lazy_tr("截止日期", "To"), render_kw={"type": "date", "placeholder": "YYYY-MM-DD"})
    days = StringField(lazy_tr("响应时限 N（天）", "Answer within N days"), default=str(DEFAULT_DAYS),
                       render_kw={"inputmode": "numeric", "size": 4})
    chain = SelectField(lazy_tr("产业链", "Chain"), choices=[], validate_choice=False)
    sort = SelectField(lazy_tr("排序", "Sort by"), default="name", validate_choice=False, choices=[
        SelectChoice("name", lazy_tr("企业名称", "Enterprise name")),
        *(SelectChoice(ind.key, lazy_tr(ind.zh, ind.en)) for ind in INDICATORS)])

    def __init__(self, formdata, chains: list[tuple[str, str]]):
        super().__init__(formdata=formdata)
        self.chain.choices = chains

    def _date(self, field) -> dt.date | None:
        try:
            return _parse(field.data)
        except ValueError:
            field.errors.append(str(lazy_tr("日期格式应为 YYYY-MM-DD，例如 2026-01-31。",
                                            "Enter a date as YYYY-MM-DD, e.g. 2026-01-31.")))
            return None

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        start, end = self._date(self.date_from), self._date(self.date_to)
        default = default_period()
        self._period = Period(start or (dt.date(end.year, 1, 1) if end else default.start), end or default.end)
        if self.date_from.errors or self.date_to.errors:
            ok = False
        elif self._period.start > self._period.end:
            self.date_to.errors.append(str(lazy_tr("截止日期不能早于起始日期。", "The end date cannot be before the start date.")))
            ok = False
        if self.chain.data and self.chain.data not in {value for value, _label in self.chain.choices}:
            self.chain.errors.append(str(lazy_tr("没有这条产业链，请从列表中选择。", "Unknown chain; choose one from the list.")))
            ok = False
        self._days = DEFAULT_DAYS
        text = (self.days.data or "").strip()
        if text:
            if not re.fullmatch(r"[0-9]{1,4}", text) or not 1 <= int(text) <= _MAX_DAYS:
                self.days.errors.append(str(lazy_tr(f"请输入 1 到 {_MAX_DAYS} 之间的整数天数。",
                                                    f"Enter a whole number of days from 1 to {_MAX_DAYS}.")))
                ok = False
            else:
                self._days = int(text)
        if self.sort.data not in {"name", *(ind.key for ind in INDICATORS)}:
            self.sort.data = "name"
        return ok

    def period(self) -> Period:
        return self._period

    def days_value(self) -> int:
        return self._days

    def chain_value(self) -> str | None:
        return self.chain.data or None
