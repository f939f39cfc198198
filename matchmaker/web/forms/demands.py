"""Forms of the demand pages: post/edit a demand, move it along its lifecycle, invite a supplier."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from .lazy import lazy_tr
from .numbers import AmountField

__all__ = ["DEMAND_FIELDS", "DemandForm", "InviteForm", "StatusForm"]

#: The fields a demand form hands to the service, by name.
DEMAND_FIELDS = ("kind", "title", "description", "chain_nodes", "quantity", "unit", "budget", "deadline",
                 "region", "required_qualifications", "payment_days", "acceptance_criteria", "ip_terms")


class DemandForm(FlaskForm):
    kind = RadioField(lazy_tr("类型", "Type"), default="procurement", choices=[
        SelectChoice("procurement", lazy_tr("采购需求", "Procurement")),
        SelectChoice("challenge", lazy_tr("揭榜挂帅", "Open challenge"))])
    title = StringField(lazy_tr("标题", "Title"), validators=[
        DataRequired(lazy_tr("请填写标题。", "Enter a title.")),
        Length(max=200, message=lazy_tr("标题最多 200 字。", "At most 200 characters."))])
    description = TextAreaField(lazy_tr("需求描述 / 技术要求", "Description and technical requirements"),
                                validators=[Length(max=20000)])
    chain_nodes = SelectMultipleField(lazy_tr("产业链环节", "Chain nodes"), choices=[], validate_choice=False,
                                      description=lazy_tr("选择与需求相关的环节，供应商推荐据此计算。",
                                                          "Pick the nodes this demand is about; suggestions use them."))
    quantity = AmountField(lazy_tr("数量", "Quantity"), validators=[
        Optional(), NumberRange(min=0, message=lazy_tr("数量不能为负。", "Cannot be negative."))])
    unit = StringField(lazy_tr("单位", "Unit"), validators=[Optional(), Length(max=20)])
    budget = AmountField(lazy_tr("预算 / 榜单金额（元）", "Budget or award (CNY)"), validators=[
        Optional(), NumberRange(min=0, message=lazy_tr("金额不能为负。", "Cannot be negative."))])
    deadline = DateField(lazy_tr("截止日期", "Deadline"), validators=[Optional()])
    region = SelectField(lazy_tr("地区（省份）", "Region (province)"), choices=[], validate_choice=False)
    required_qualifications = StringField(
        lazy_tr("资质要求", "Required qualifications"), validators=[Optional(), Length(max=500)],
        description=lazy_tr("多个资质用分号或顿号分隔，如：ISO 9001；IATF 16949；专精特新",
                            "Separate with semicolons, e.g. ISO 9001; IATF 16949; 专精特新"))
    payment_days = IntegerField(
        lazy_tr("付款期限（验收后天数）", "Payment term (days after acceptance)"),
        validators=[Optional(), NumberRange(min=0, max=3650, message=lazy_tr("请输入 0 到 3650 之间的天数。",
                                                                             "Enter 0 to 3650 days."))],
        description=lazy_tr("《保障中小企业款项支付条例》：大型企业应在 60 日内向中小企业付款。",
                            "Large enterprises must pay SMEs within 60 days (保障中小企业款项支付条例)."))
    acceptance_criteria = TextAreaField(lazy_tr("验收标准", "Acceptance criteria"), validators=[Length(max=10000)])
    ip_terms = TextAreaField(lazy_tr("知识产权约定（揭榜挂帅）", "IP terms (challenges)"), validators=[Length(max=10000)])

    def data_for_service(self) -> dict:
        return {name: getattr(self, name).data for name in DEMAND_FIELDS}


class StatusForm(FlaskForm):
    status = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(lazy_tr("原因（取消时必填）", "Reason (required to cancel)"),
                           validators=[Optional(), Length(max=2000)])


class InviteForm(FlaskForm):
    supplier_id = HiddenField(validators=[DataRequired()])
    purpose = HiddenField(validators=[DataRequired()])
    note = StringField(lazy_tr("留言（可选）", "Note (optional)"), validators=[Optional(), Length(max=500)])
