"""Forms of the admin pages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ...i18n import tr
from .auth import _confirm, _email_field, _new_password
from .enterprises import as_choices
from .lazy import lazy_tr

__all__ = ["OrganiserForm", "RoleForm", "role_choices"]


def role_choices() -> list[tuple[str, str]]:
    return [("enterprise", tr("企业用户", "Enterprise user")), ("organiser", tr("组织方", "Organiser")),
            ("admin", tr("管理员", "Admin"))]


class OrganiserForm(FlaskForm):
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
