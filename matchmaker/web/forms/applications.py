"""Forms of applications: apply to a demand, add files, review, withdraw."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    MultipleFileField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .lazy import lazy_tr
from .numbers import WanAmountField

__all__ = ["ApplicationForm", "AttachForm", "ReviewForm", "WithdrawForm"]


class ApplicationForm(FlaskForm):
    proposal = TextAreaField(lazy_tr("方案说明", "Proposal"), validators=[
        DataRequired(lazy_tr("请填写方案说明。", "Describe your proposal.")), Length(max=20000)])
    price = WanAmountField(lazy_tr("报价（万元）", "Price (10k CNY)"), validators=[
        Optional(), NumberRange(min=0, message=lazy_tr("报价不能为负。", "Cannot be negative."))])
    capability_id = SelectField(lazy_tr("对应能力", "Capability"), choices=[], validate_choice=False)
    attachments = MultipleFileField(lazy_tr("附件", "Attachments"))


class AttachForm(FlaskForm):
    attachments = MultipleFileField(lazy_tr("添加附件", "Add files"))


class ReviewForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
    message = TextAreaField(lazy_tr("给申请方的留言", "Message to the applicant"), validators=[Optional(), Length(max=2000)])


class WithdrawForm(FlaskForm):
    pass
