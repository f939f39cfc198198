"""Forms of the capability pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from .lazy import lazy_tr

__all__ = ["CAPABILITY_FIELDS", "CapabilityForm"]

CAPABILITY_FIELDS = ("title", "description", "chain_nodes", "inferred_nodes", "qualifications", "capacity", "region")


class CapabilityForm(FlaskForm):
    title = StringField(lazy_tr("能力 / 产品名称", "Capability or product"), validators=[
        DataRequired(lazy_tr("请填写能力名称。", "Enter a title.")),
        Length(max=200, message=lazy_tr("最多 200 字。", "At most 200 characters."))])
    description = TextAreaField(lazy_tr("能力描述", "Description"), validators=[Length(max=20000)],
                                description=lazy_tr("写明产品、工艺、关键指标与典型客户，便于精准匹配。",
                                                    "Name products, processes, key figures and typical customers."))
    chain_nodes = SelectMultipleField(
        lazy_tr("产业链环节", "Chain nodes"), choices=[], validate_choice=False,
        description=lazy_tr("可以直接勾选；不勾选时平台根据描述推断，并请您确认后保存。",
                            "Tick them, or leave them empty and the platform infers them from the text for you to confirm."))
    inferred_nodes = HiddenField()
    qualifications = SelectMultipleField(lazy_tr("相关资质", "Qualifications"), choices=[], validate_choice=False,
                                         description=lazy_tr("从贵企业资料中的资质中选择。",
                                                             "Chosen among your enterprise's qualifications."))
    capacity = StringField(lazy_tr("产能 / 服务能力", "Capacity"), validators=[Optional(), Length(max=200)])
    region = SelectField(lazy_tr("地区（省份）", "Region (province)"), choices=[], validate_choice=False)

    def data_for_service(self) -> dict:
        data = {name: getattr(self, name).data for name in CAPABILITY_FIELDS}
        data["inferred_nodes"] = [n for n in (data["inferred_nodes"] or "").split(",") if n]
        return data
