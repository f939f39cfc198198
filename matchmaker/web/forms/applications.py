"""Forms of applications: apply to a demand, add files, review, withdraw."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...domain.organisations import MAX_PARTNERS, PARTNER_ROLES
from ...i18n import tr
from .lazy import lazy_tr
from .numbers import WanAmountField

__all__ = ["ApplicationForm", "AttachForm", "ReviewForm", "WithdrawForm"]


class PartnerForm(Form):
    """One member of a 联合体 besides the lead applicant; blank lines are ignored."""

    name = StringField(lazy_tr("成员单位名称", "Partner's registered name"), validators=[Optional(), Length(max=200)])
    credit_code = StringField(lazy_tr("统一社会信用代码（选填）", "Credit code (optional)"),
                              validators=[Optional(), Length(max=24)])
    role = SelectField(lazy_tr("分工", "Role"), choices=[], validate_choice=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(key, tr(zh, en)) for key, (zh, en) in PARTNER_ROLES.items()]


class ApplicationForm(FlaskForm):
    proposal = TextAreaField(lazy_tr("方案说明", "Proposal"), validators=[
        DataRequired(lazy_tr("请填写方案说明。", "Describe your proposal.")), Length(max=20000)])
    price = WanAmountField(lazy_tr("报价（万元）", "Price (10k CNY)"), validators=[
        Optional(), NumberRange(min=0, message=lazy_tr("报价不能为负。", "Cannot be negative."))])
    capability_id = SelectField(lazy_tr("对应能力", "Capability"), choices=[], validate_choice=False)
    attachments = MultipleFileField(lazy_tr("附件", "Attachments"))
    partners = FieldList(FormField(PartnerForm), min_entries=MAX_PARTNERS, max_entries=MAX_PARTNERS)

    def partner_rows(self) -> list[dict]:
        return [entry.data for entry in self.partners.entries]


class AttachForm(FlaskForm):
    attachments = MultipleFileField(lazy_tr("添加附件", "Add files"))


class ReviewForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
    message = TextAreaField(lazy_tr("给申请方的留言", "Message to the applicant"), validators=[Optional(), Length(max=2000)])


class WithdrawForm(FlaskForm):
    pass
