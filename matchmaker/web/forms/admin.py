"""Forms of the admin pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ...domain.scope import LEVELS
from ...i18n import tr
from ...services.admin import scope_errors
from .auth import _confirm, _email_field, _new_password
from .choices import region_choices
from .enterprises import as_choices
from .lazy import lazy_tr

__all__ = ["OrganiserForm", "RoleForm", "ScopeForm", "role_choices"]


def role_choices() -> list[tuple[str, str]]:
    return [("enterprise", tr("企业用户", "Enterprise user")), ("organiser", tr("组织方", "Organiser")),
            ("admin", tr("管理员", "Admin"))]


def level_choices() -> list[tuple[str, str]]:
    return [(key, tr(zh, en)) for key, zh, en in LEVELS]


class ScopeForm(FlaskForm):
    """An organiser's region: level, and the province, city and district it needs."""

    scope_level = SelectField(lazy_tr("管辖级别", "Level"), default="national",
                              description=lazy_tr("全国级组织方可查看全部企业与对接会。",
                                                  "A national organiser sees every enterprise and fair."))
    scope_province = SelectField(lazy_tr("省份", "Province"), validate_choice=False)
    scope_city = StringField(lazy_tr("城市", "City"), validators=[Optional(), Length(max=40)],
                             description=lazy_tr("市级、区县级必填，如：苏州", "For a city or district region, e.g. 苏州"))
    scope_district = StringField(lazy_tr("区县", "District"), validators=[Optional(), Length(max=40)],
                                 description=lazy_tr("区县级必填，如：工业园区", "For a district region, e.g. 工业园区"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_level.choices = as_choices(level_choices())
        self.scope_province.choices = as_choices(region_choices(tr("（请选择）", "(choose)")))

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for name, message in scope_errors(self.scope_level.data, self.scope_province.data, self.scope_city.data,
                                          self.scope_district.data).items():
            getattr(self, name).errors = [*getattr(self, name).errors, message]
            ok = False
        return ok

    def scope_values(self) -> tuple:
        return self.scope_level.data, self.scope_province.data, self.scope_city.data, self.scope_district.data


class OrganiserForm(ScopeForm):
    name = StringField(lazy_tr("姓名", "Name"), validators=[
        DataRequired(lazy_tr("请填写姓名。", "Enter the name.")), Length(max=80)])
    email = _email_field()
    organisation = StringField(lazy_tr("所属机构", "Organisation"), validators=[Optional(), Length(max=200)],
                               description=lazy_tr("如：某市工业和信息化局", "e.g. a city's industry bureau"))
    password = _new_password("初始密码", "Initial password")
    confirm = _confirm()


class RoleForm(FlaskForm):
    role = SelectField(lazy_tr("角色", "Role"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = as_choices(role_choices())
