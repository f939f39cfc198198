"""Forms of the chain pages: the early-warning period (a GET form) and a demand's 补链/固链/强链 tag."""
from __future__ import annotations

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from ...i18n import tr
from ...models.posting import CHAIN_TAGS
from ...services.chain_warning import DEFAULT_DAYS, LOCAL_TZ, MAX_DAYS, MIN_DAYS, Period
from .lazy import lazy_tr

__all__ = ["PeriodForm", "TagForm", "chain_tag_label"]

#: The earliest end date a period may have.
EARLIEST = dt.date(2000, 1, 1)


#: Words for each tag of :data:`~matchmaker.models.posting.CHAIN_TAGS`.
TAG_WORDS = {"fill": ("补链", "Fill a missing link"), "secure": ("固链", "Secure a weak link"),
             "strengthen": ("强链", "Strengthen a key link")}


def chain_tag_label(tag: str) -> str:
    return tr(*TAG_WORDS[tag])


class PeriodForm(FlaskForm):
    """The period of the demand growth, read from the query string; :attr:`period` once valid.

    Both fields are checked and every problem reported at once; what was typed stays in the form.
    """

    class Meta:
        csrf = False

    days = StringField(lazy_tr("期间（天）", "Period (days)"))
    end = StringField(lazy_tr("截至日期", "Ending on"))
    warned = BooleanField(lazy_tr("只看预警环节", "Warned nodes only"))

    period: Period | None = None

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        today = dt.datetime.now(LOCAL_TZ).date()
        days, end = DEFAULT_DAYS, today
        raw_days = (self.days.data or "").strip()
        if raw_days:
            try:
                days = int(raw_days)
            except ValueError:
                days = None
            if days is None or not MIN_DAYS <= days <= MAX_DAYS:
                self.days.errors = [tr("期间请输入 {a} 到 {b} 之间的整数天数。",
                                       "Enter a whole number of days from {a} to {b}.", a=MIN_DAYS, b=MAX_DAYS)]
        raw_end = (self.end.data or "").strip()
        if raw_end:
            try:
                end = dt.date.fromisoformat(raw_end)
            except ValueError:
                end = None
                self.end.errors = [tr("截至日期请按 YYYY-MM-DD 填写，例如 {d}。",
                                      "Enter the end date as YYYY-MM-DD, e.g. {d}.", d=today.isoformat())]
            if end is not None and not EARLIEST <= end <= today:
                self.end.errors = [tr("截至日期须在 {a} 与今天（{b}）之间。",
                                      "The end date must fall between {a} and today ({b}).",
                                      a=EARLIEST.isoformat(), b=today.isoformat())]
        ok = not (self.days.errors or self.end.errors)
        self.period = Period(end, days) if ok else None
        return ok


class TagForm(FlaskForm):
    """An organiser's 补链/固链/强链 tag for a demand; the empty choice clears it."""

    tag = SelectField(lazy_tr("补链 / 固链 / 强链", "Chain project"),
                      choices=[SelectChoice("", lazy_tr("（无标注）", "(no tag)")),
                               *(SelectChoice(t, lazy_tr(*TAG_WORDS[t])) for t in CHAIN_TAGS)])
    next = HiddenField()
