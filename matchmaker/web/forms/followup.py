"""Forms of the follow-up pages: a meeting's stage after the fair, and its contract once signed."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ...models.event import CONTRACT_TYPES, FOLLOWUP_STAGES
from ...services.events import followup as event_followup
from .lazy import lazy_tr

__all__ = ["STAGE_WORDS", "TYPE_WORDS", "FollowupForm"]

STAGE_WORDS = {s: lazy_tr(*words) for s, words in event_followup.STAGE_WORDS.items()}
TYPE_WORDS = {t: lazy_tr(*words) for t, words in event_followup.CONTRACT_TYPE_WORDS.items()}


class FollowupForm(FlaskForm):
    """One meeting's follow-up.

    Beyond the CSRF token the form checks nothing itself: the service checks every
    field and reports all problems at once. ``demand_id`` is offered only to the
    buyer's members and the organisers; its choices (the buyer's demands) are set
    per meeting by the page.
    """

    stage = SelectField(lazy_tr("跟进阶段", "Stage"), validate_choice=False,
                        choices=[SelectChoice(s, STAGE_WORDS[s]) for s in FOLLOWUP_STAGES])
    contract_amount = StringField(lazy_tr("合同金额（万元）", "Contract amount (10k CNY)"))
    contract_date = StringField(lazy_tr("签约日期", "Contract date"))
    contract_type = SelectField(lazy_tr("合同类型", "Kind of contract"), validate_choice=False, choices=[
        SelectChoice("", lazy_tr("（请选择）", "(choose)")), *(SelectChoice(t, TYPE_WORDS[t]) for t in CONTRACT_TYPES)],
        default="")
    reason = TextAreaField(lazy_tr("说明（终止时必填）", "Reason (required to end)"))
    demand_id = StringField(lazy_tr("关联需求", "Linked demand"))
