"""Forms of the account pages: sign-up, log-in, passwords, API tokens."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from ...services.accounts import MIN_PASSWORD, password_problems
from .enterprises import EnterpriseForm
from .lazy import lazy_tr

__all__ = ["LoginForm", "SignUpForm", "PasswordChangeForm", "ResetRequestForm", "ResetForm", "ApiTokenForm",
           "JoinForm"]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def valid_email(form, field) -> None:
    if field.data and not _EMAIL.match(field.data.strip()):
        raise ValidationError(lazy_tr("请填写有效的邮箱地址，例如 name@company.cn。",
                                      "Enter a valid e-mail address, e.g. name@company.cn."))


def strong_password(form, field) -> None:
    email = getattr(getattr(form, "email", None), "data", None)
    problems = password_problems(field.data or "", email)
    if problems:
        raise ValidationError(" ".join(problems))


def _email_field():
    return StringField(lazy_tr("邮箱", "E-mail"), validators=[
        DataRequired(lazy_tr("请填写邮箱。", "Enter your e-mail address.")), Length(max=254), valid_email])


def _new_password(label_zh="密码", label_en="Password"):
    return PasswordField(lazy_tr(label_zh, label_en), validators=[
        DataRequired(lazy_tr("请填写密码。", "Enter a password.")), strong_password],
        description=lazy_tr(f"至少 {MIN_PASSWORD} 个字符；建议使用一句容易记住的短语",
                            f"At least {MIN_PASSWORD} characters; a phrase you remember works well"))


def _confirm(target="password"):
    return PasswordField(lazy_tr("确认密码", "Repeat the password"), validators=[
        DataRequired(lazy_tr("请再次输入密码。", "Repeat the password.")),
        EqualTo(target, message=lazy_tr("两次输入的密码不一致。", "The two passwords differ."))])


class LoginForm(FlaskForm):
    email = _email_field()
    password = PasswordField(lazy_tr("密码", "Password"), validators=[
        DataRequired(lazy_tr("请填写密码。", "Enter your password."))])
    remember = BooleanField(lazy_tr("在此设备上保持登录", "Keep me logged in on this device"))


class SignUpForm(EnterpriseForm):
    """Account fields plus the enterprise: registered anew, or joined by its credit code."""

    full_name = StringField(lazy_tr("您的姓名", "Your name"), validators=[
        DataRequired(lazy_tr("请填写姓名。", "Enter your name.")), Length(max=80)])
    email = _email_field()
    password = _new_password()
    confirm = _confirm()
    mode = RadioField(lazy_tr("企业", "Enterprise"), default="create", choices=[
        SelectChoice("create", lazy_tr("注册新企业", "Register a new enterprise")),
        SelectChoice("join", lazy_tr("加入已注册企业（需本企业成员或管理员审核）",
                                     "Join a registered enterprise (a member or an admin approves)"))])
    uscc = StringField(lazy_tr("统一社会信用代码", "Unified social credit code"), validators=[
        DataRequired(lazy_tr("请填写统一社会信用代码。", "Enter the unified social credit code."))],
        description=lazy_tr("18 位，见营业执照", "18 characters, on the business licence"))
    confirm_new = BooleanField(lazy_tr("我确认本企业与上述名称相近的企业不是同一家",
                                       "I confirm my enterprise is not one of the similar ones above"))

    ENTERPRISE_FIELDS = ("ent_name", "org_type", "industry", "employees", "revenue_wan", "assets_wan", "region", "city",
                         "description", "contact_person", "contact_phone", "contact_email")

    def validate(self, extra_validators=None) -> bool:
        if self.mode.data == "join":
            # Joining only needs the credit code; the enterprise's details are already on file.
            for name in self.ENTERPRISE_FIELDS:
                getattr(self, name).validators = [Optional()]
        return super().validate(extra_validators)

    FIELD_MAP = {**EnterpriseForm.FIELD_MAP, "email": "email", "password": "password", "uscc": "uscc"}


class PasswordChangeForm(FlaskForm):
    current = PasswordField(lazy_tr("当前密码", "Current password"), validators=[
        DataRequired(lazy_tr("请填写当前密码。", "Enter your current password."))])
    password = _new_password("新密码", "New password")
    confirm = _confirm()


class ResetRequestForm(FlaskForm):
    email = _email_field()


class ResetForm(FlaskForm):
    password = _new_password("新密码", "New password")
    confirm = _confirm()


class ApiTokenForm(FlaskForm):
    name = StringField(lazy_tr("令牌名称", "Token name"), validators=[
        DataRequired(lazy_tr("请为令牌命名。", "Name the token.")), Length(max=80)],
        description=lazy_tr("用途说明，例如“ERP 对接”", "What it is for, e.g. “ERP link”"))


class JoinForm(FlaskForm):
    uscc = StringField(lazy_tr("企业统一社会信用代码", "Enterprise's unified social credit code"), validators=[
        DataRequired(lazy_tr("请填写统一社会信用代码。", "Enter the unified social credit code."))])
