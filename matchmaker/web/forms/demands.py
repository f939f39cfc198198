"""Forms of the demand pages: post/edit a demand, move it along its lifecycle, invite a supplier."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
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

from ...domain.payment import ARTICLES, PAYMENT_METHODS, REGULATION
from ...services.payment_terms import PAYMENT_FIELDS
from .lazy import lazy_tr
from .numbers import AmountField, WanAmountField

__all__ = ["DEMAND_FIELDS", "DemandForm", "InviteForm", "StatusForm"]

_DAYS = NumberRange(min=0, max=3650, message=lazy_tr("请输入 0 到 3650 之间的天数。", "Enter 0 to 3650 days."))

#: The fields a demand form hands to the service, by name.
DEMAND_FIELDS = ("kind", "title", "description", "chain_nodes", "quantity", "unit", "budget", "deadline",
                 "region", "required_qualifications", "acceptance_criteria", "ip_terms", *PAYMENT_FIELDS)


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
    budget = WanAmountField(lazy_tr("预算 / 榜单金额（万元）", "Budget or award (10k CNY)"), validators=[
        Optional(), NumberRange(min=0, message=lazy_tr("金额不能为负。", "Cannot be negative."))])
    deadline = DateField(lazy_tr("截止日期", "Deadline"), validators=[Optional()])
    region = SelectField(lazy_tr("地区（省份）", "Region (province)"), choices=[], validate_choice=False)
    required_qualifications = StringField(
        lazy_tr("资质要求", "Required qualifications"), validators=[Optional(), Length(max=500)],
        description=lazy_tr("多个资质用分号或顿号分隔，如：ISO 9001；IATF 16949；专精特新",
                            "Separate with semicolons, e.g. ISO 9001; IATF 16949; 专精特新"))
    payment_days = IntegerField(
        lazy_tr("付款期限（天）", "Payment term (days)"), validators=[Optional(), _DAYS],
        description=lazy_tr(
            f"自交付之日起算；填写了验收期限的，自验收合格之日起算。机关、事业单位 30 日内，大型企业 60 日内"
            f"（{REGULATION}第九条），二者及规模未核定的企业必须填写。",
            f"Counted from delivery, or from acceptance when an acceptance period is given. Government bodies and "
            f"public institutions pay within 30 days, large enterprises within 60 ({REGULATION}第九条); they, and "
            f"enterprises whose size is not known, must fill it in."))
    acceptance_days = IntegerField(
        lazy_tr("验收期限（交付后天数）", "Acceptance period (days after delivery)"), validators=[Optional(), _DAYS],
        description=lazy_tr(
            f"以验收合格为付款条件时填写：须在此期限内完成验收，付款期限自验收合格之日起算，逾期未验收的自期限届满之日起算"
            f"（{ARTICLES['acceptance']}）。验收期限与付款期限合计最长为法定付款期限加 30 日。",
            f"Fill in when payment follows acceptance: acceptance must be done within it, and the payment term runs "
            f"from acceptance, or from the end of this period if acceptance is late ({ARTICLES['acceptance']}). "
            f"Acceptance period and payment term together may not exceed the statutory term plus 30 days."))
    payment_method = RadioField(
        lazy_tr("付款方式", "Payment method"), default="cash", validate_choice=False,
        choices=[SelectChoice(key, lazy_tr(*names)) for key, names in PAYMENT_METHODS.items()])
    instrument_days = IntegerField(
        lazy_tr("商业汇票、电子凭证期限（天）", "Bill or voucher tenor (days)"), validators=[Optional(), _DAYS],
        description=lazy_tr(
            f"出票（开立）日至到期日的天数，计入付款期限：不得利用商业汇票、应收账款电子凭证变相延长付款期限"
            f"（{ARTICLES['non_cash']}）。",
            f"Days from issue to maturity; they count toward the payment term, which bills and vouchers may not "
            f"extend in disguise ({ARTICLES['non_cash']})."))
    third_party_condition = BooleanField(
        lazy_tr("付款以第三方付款为前提/按第三方付款比例支付",
                "Payment depends on, or is proportional to, a third party's payment"),
        description=lazy_tr(
            f"即“背靠背”条款。机关、事业单位和大型企业不得如此约定（{REGULATION}第九条），勾选后需求无法保存。",
            f"A back-to-back clause. Government bodies, public institutions and large enterprises may not agree it "
            f"({REGULATION}第九条); a demand with it ticked cannot be saved."))
    payment_terms = TextAreaField(
        lazy_tr("付款条款说明", "Payment terms in your words"), validators=[Optional(), Length(max=2000)],
        description=lazy_tr("如分期比例、发票要求。不得写入以收到第三方付款为条件或按第三方付款比例支付的内容。",
                            "E.g. instalments, invoice requirements. No condition on a third party's payment."))
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
