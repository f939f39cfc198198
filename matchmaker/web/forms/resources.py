"""Forms of open resources and access requests."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from .lazy import lazy_tr

__all__ = ["RESOURCE_FIELDS", "DecisionForm", "RequestForm", "ResourceForm"]

RESOURCE_FIELDS = ("kind", "title", "description", "chain_nodes", "conditions", "fee", "location", "availability",
                   "region")


class ResourceForm(FlaskForm):
    kind = SelectField(lazy_tr("资源类型", "Kind"), choices=[
        SelectChoice("rnd", lazy_tr("研发能力", "R&D")), SelectChoice("design", lazy_tr("设计能力", "Design")),
        SelectChoice("equipment", lazy_tr("仪器设备", "Instruments and equipment")),
        SelectChoice("test_site", lazy_tr("试验验证场景", "Test site")), SelectChoice("capacity", lazy_tr("富余产能", "Spare capacity"))])
    title = StringField(lazy_tr("资源名称", "Title"), validators=[
        DataRequired(lazy_tr("请填写资源名称。", "Enter a title.")), Length(max=200)])
    description = TextAreaField(lazy_tr("资源说明", "Description"), validators=[Length(max=20000)])
    chain_nodes = SelectMultipleField(lazy_tr("产业链环节", "Chain nodes"), choices=[], validate_choice=False)
    conditions = TextAreaField(lazy_tr("开放条件", "Conditions"), validators=[Length(max=5000)])
    fee = StringField(lazy_tr("收费方式", "Fee"), validators=[Optional(), Length(max=200)])
    location = StringField(lazy_tr("地点", "Location"), validators=[Optional(), Length(max=200)])
    availability = StringField(lazy_tr("可用时间", "Availability"), validators=[Optional(), Length(max=200)])
    region = SelectField(lazy_tr("地区（省份）", "Region (province)"), choices=[], validate_choice=False)

    def data_for_service(self) -> dict:
        return {name: getattr(self, name).data for name in RESOURCE_FIELDS}


class RequestForm(FlaskForm):
    message = TextAreaField(lazy_tr("使用需求", "What you need"), validators=[
        DataRequired(lazy_tr("请说明使用需求。", "Say what you need.")), Length(max=2000)],
        description=lazy_tr("用途、时间、规模与联系人。", "Purpose, dates, volume and a contact."))


class DecisionForm(FlaskForm):
    decision = HiddenField(validators=[DataRequired()])
    reply = TextAreaField(lazy_tr("答复", "Reply"), validators=[Optional(), Length(max=2000)])
