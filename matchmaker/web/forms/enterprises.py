"""Forms of enterprise profiles: details and qualification claims."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ...domain.organisations import ORG_TYPES
from ...domain.regions import normalize_region
from ...domain.size import INDUSTRIES, normalize_industry
from ...i18n import tr
from ...services.enterprises import EnterpriseDetails
from .choices import region_choices
from .events import MultiCheckboxField
from .lazy import lazy_tr
from .numbers import AmountField

__all__ = ["ChainLeaderForm", "EnterpriseForm", "ProfileForm", "QualificationForm", "industry_choices", "as_choices"]


def as_choices(pairs) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms options."""
    return [SelectChoice(value, label) for value, label in pairs]


def industry_choices() -> list[tuple[str, str]]:
    return [("", tr("请选择行业", "Choose an industry"))] + [(i.name, tr(i.name, i.name_en.capitalize()))
                                                           for i in INDUSTRIES]


def org_type_choices() -> list[tuple[str, str]]:
    return [(key, tr(zh, en)) for key, (zh, en) in ORG_TYPES.items()]


class EnterpriseForm(FlaskForm):
    """An enterprise's own details (the credit code is fixed once registered)."""

    ent_name = StringField(lazy_tr("企业全称", "Registered name"), validators=[
        DataRequired(lazy_tr("请填写企业全称。", "Enter the enterprise's registered name.")), Length(max=200)],
        description=lazy_tr("与营业执照一致", "As on the business licence"))
    org_type = SelectField(lazy_tr("单位类型", "Kind of organisation"), default="enterprise",
                           description=lazy_tr("以统一社会信用代码的登记类别为准：12开头为事业单位（可选高等院校、科研院所）",
                                               "Follows the credit code's category: codes starting 12 are public "
                                               "institutions (choose university or research institute)"))
    # Required for enterprises only (the service says so): universities and other public
    # bodies are not classed by the SME size standard.
    industry = SelectField(lazy_tr("所属行业", "Industry"), validators=[Optional()],
        description=lazy_tr("企业按《中小企业划型标准规定》的行业划型", "Enterprises: industries of the SME size standard"))
    employees = IntegerField(lazy_tr("从业人员（人）", "Employees"), validators=[
        Optional(), NumberRange(min=0, max=10_000_000, message=lazy_tr("请填写 0 以上的人数。", "Enter 0 or more."))])
    revenue_wan = AmountField(lazy_tr("营业收入（万元）", "Revenue (10k CNY)"), places=2, validators=[
        Optional(), NumberRange(min=0, message=lazy_tr("请填写 0 以上的金额。", "Enter 0 or more."))])
    assets_wan = AmountField(lazy_tr("资产总额（万元）", "Total assets (10k CNY)"), places=2, validators=[
        Optional(), NumberRange(min=0, message=lazy_tr("请填写 0 以上的金额。", "Enter 0 or more."))])
    region = SelectField(lazy_tr("所在省份", "Province"), validators=[
        DataRequired(lazy_tr("请选择省份。", "Choose a province."))])
    city = StringField(lazy_tr("城市", "City"), validators=[Optional(), Length(max=40)])
    description = TextAreaField(lazy_tr("企业简介", "About the enterprise"), validators=[Optional(), Length(max=4000)],
                                description=lazy_tr("主营产品、核心技术、主要客户等", "Main products, core technology, key customers"))
    contact_person = StringField(lazy_tr("联系人", "Contact person"), validators=[Optional(), Length(max=80)])
    contact_phone = StringField(lazy_tr("联系电话", "Contact phone"), validators=[Optional(), Length(max=40)])
    contact_email = StringField(lazy_tr("联系邮箱", "Contact e-mail"), validators=[Optional(), Length(max=254)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.industry.choices = as_choices(industry_choices())
        self.org_type.choices = as_choices(org_type_choices())
        self.region.choices = as_choices(region_choices(blank=tr("请选择省份", "Choose a province")))

    def fill_from(self, ent) -> None:
        self.ent_name.data = ent.name
        self.org_type.data = ent.org_type or "enterprise"
        # Imported rows may say 制造业 or 广东; the selects offer the canonical names.
        self.industry.data = normalize_industry(ent.industry) or ent.industry
        self.employees.data = ent.employees
        self.revenue_wan.data = ent.revenue_wan
        self.assets_wan.data = ent.assets_wan
        self.region.data = normalize_region(ent.region) or ent.region
        self.city.data = ent.city
        self.description.data = ent.description
        contact = ent.contact or {}
        self.contact_person.data = contact.get("person")
        self.contact_phone.data = contact.get("phone")
        self.contact_email.data = contact.get("email")

    def details(self) -> EnterpriseDetails:
        num = lambda v: float(v) if v is not None else None  # noqa: E731
        return EnterpriseDetails(
            name=self.ent_name.data or "", industry=self.industry.data or "", employees=self.employees.data,
            revenue_wan=num(self.revenue_wan.data), assets_wan=num(self.assets_wan.data),
            region=self.region.data or None, city=self.city.data, description=self.description.data,
            contact={"person": self.contact_person.data or "", "phone": self.contact_phone.data or "",
                     "email": self.contact_email.data or ""},
            org_type=self.org_type.data or None)

    #: Service field names -> form fields.
    FIELD_MAP = {"name": "ent_name", "org_type": "org_type", "industry": "industry", "employees": "employees",
                 "revenue_wan": "revenue_wan", "assets_wan": "assets_wan", "region": "region"}


class ProfileForm(EnterpriseForm):
    """An organisation's details as its members edit them; renaming a verified one is confirmed first."""

    confirm_rename = BooleanField(lazy_tr("我了解：更名后需重新核验", "I understand: a new name needs a new check"))

    def explain_rename(self, asks_confirmation: bool) -> None:
        """Say at the name, before saving, that a new name needs a new check (``asks_confirmation``:
        a member editing a verified organisation), or leave the usual help."""
        if asks_confirmation:
            self.ent_name.description = lazy_tr(
                "与营业执照一致。已核验的单位更名后需平台重新核验，核验通过前显示为“未核验”；"
                "更名时请勾选“我了解：更名后需重新核验”。",
                "As on the business licence. A verified organisation's new name must be checked again, and it "
                "shows as not verified until then; to rename it, tick “I understand: a new name needs a new check”.")


class ChainLeaderForm(FlaskForm):
    """An organiser's 链主 designation: the chains the organisation leads (none withdraws it)."""

    chains = MultiCheckboxField(lazy_tr("认定为以下产业链的链主", "Chain leader of"), choices=[], validate_choice=False)


class QualificationForm(FlaskForm):
    name = StringField(lazy_tr("资质名称", "Qualification"), validators=[
        DataRequired(lazy_tr("请填写资质名称。", "Enter the qualification's name.")), Length(max=80)],
        description=lazy_tr("如 ISO 9001、IATF 16949、专精特新“小巨人”、高新技术企业",
                            "e.g. ISO 9001, IATF 16949, SRDI “little giant”, high-tech enterprise"))
    certificate_no = StringField(lazy_tr("证书编号", "Certificate number"), validators=[Optional(), Length(max=80)])
    valid_until = DateField(lazy_tr("有效期至", "Valid until"), validators=[Optional()])
