"""Forms of the matchmaking-fair pages: the event, registration, requests, scheduling, outcomes."""
from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ...domain.slots import MAX_DAYS
from ...requests import MAX_DB_INT
from .lazy import lazy_tr

__all__ = [
    "PRIORITY_CHOICES",
    "ROLE_CHOICES",
    "AvailabilityForm",
    "EventForm",
    "OnBehalfRequestForm",
    "OrganiserMeetingForm",
    "OrganiserRegisterForm",
    "OutcomeForm",
    "RegisterForm",
    "RequestForm",
    "ScheduleForm",
    "TableForm",
]

_HHMM = Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", message=lazy_tr("请按 HH:MM 填写，如 09:00。", "Use HH:MM, e.g. 09:00."))
PRIORITY_CHOICES = [SelectChoice(3, lazy_tr("3 · 必须见面", "3 · Must meet")),
                    SelectChoice(2, lazy_tr("2 · 希望见面", "2 · Would like to meet")),
                    SelectChoice(1, lazy_tr("1 · 时间允许时见面", "1 · If time allows"))]
ROLE_CHOICES = [SelectChoice("buyer", lazy_tr("采购方（通常为大型企业）", "Buyer (usually a large enterprise)")),
                SelectChoice("supplier", lazy_tr("供应方（通常为中小企业）", "Supplier (usually an SME)"))]


def _required(zh: str, en: str):
    return DataRequired(lazy_tr(zh, en))


def _whole(low: int, high: int):
    return NumberRange(min=low, max=high, message=lazy_tr(f"请输入 {low} 到 {high} 之间的整数。",
                                                          f"Enter a whole number from {low} to {high}."))


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a multiple choice (time slots)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EventForm(FlaskForm):
    name = StringField(lazy_tr("对接会名称", "Name of the fair"), validators=[
        _required("请填写名称。", "Enter a name."), Length(max=200)])
    description = TextAreaField(lazy_tr("简介", "Description"), validators=[Optional(), Length(max=5000)])
    theme_chains = SelectMultipleField(lazy_tr("主题产业链", "Theme chains"), choices=[], validate_choice=False)
    theme_nodes = SelectMultipleField(lazy_tr("主题环节", "Theme chain nodes"), choices=[], validate_choice=False,
                                      description=lazy_tr("按住 Ctrl / ⌘ 可多选。", "Hold Ctrl / ⌘ to pick several."))
    venue = StringField(lazy_tr("会场", "Venue"), validators=[Optional(), Length(max=200)])
    region = SelectField(lazy_tr("省份", "Province"), choices=[], validate_choice=False,
                         description=lazy_tr("对接会举办地所在的省、自治区或直辖市。",
                                             "The province (or municipality) where the fair is held."))
    city = StringField(lazy_tr("城市", "City"), validators=[Optional(), Length(max=60)],
                       description=lazy_tr("如：苏州", "e.g. 苏州 (Suzhou)"))
    district = StringField(lazy_tr("区县", "District"), validators=[Optional(), Length(max=40)],
                           description=lazy_tr("可不填；如：工业园区", "Optional; e.g. 工业园区"))
    date = DateField(lazy_tr("日期", "Date"), validators=[_required("请选择日期。", "Choose a date.")])
    end_date = DateField(lazy_tr("结束日期（多日对接会）", "Last day (fairs over several days)"),
                         validators=[Optional()],
                         description=lazy_tr(f"留空表示一天；最长 {MAX_DAYS} 天。",
                                             f"Empty for a one-day fair; at most {MAX_DAYS} days."))
    start = StringField(lazy_tr("开始时间", "Starts at"), default="09:00",
                        validators=[_required("请填写开始时间。", "Enter a start time."), _HHMM])
    end = StringField(lazy_tr("结束时间", "Ends at"), default="12:00",
                      validators=[_required("请填写结束时间。", "Enter an end time."), _HHMM])
    meeting_minutes = IntegerField(lazy_tr("每场会谈时长（分钟）", "Meeting length (minutes)"), default=20,
                                   validators=[_required("请填写会谈时长。", "Enter the meeting length."), _whole(5, 240)])
    breaks = StringField(lazy_tr("休息时段", "Breaks"), validators=[Optional(), Length(max=300)],
                         description=lazy_tr("如 “10:30-10:45; 12:00-13:30”，用分号分隔。",
                                             "e.g. “10:30-10:45; 12:00-13:30”, separated by semicolons."))
    tables = IntegerField(lazy_tr("洽谈桌数", "Number of tables"), default=10,
                          validators=[_required("请填写洽谈桌数。", "Enter the number of tables."), _whole(1, 1000)])
    registration_opens = DateField(lazy_tr("报名开始", "Registration opens"), validators=[Optional()])
    registration_closes = DateField(lazy_tr("报名截止", "Registration closes"), validators=[Optional()])
    max_meetings = IntegerField(lazy_tr("每家企业最多会谈场数", "Most meetings per participant"),
                                validators=[Optional(), _whole(1, 200)],
                                description=lazy_tr("留空表示不限（以时段数为限）。", "Empty: no limit beyond the slots."))
    max_open_requests = IntegerField(lazy_tr("每家企业最多待回复邀约数", "Most open requests per participant"),
                                     validators=[Optional(), _whole(1, 500)])
    request_expiry_hours = IntegerField(lazy_tr("邀约有效期（小时）", "Requests expire after (hours)"), default=72,
                                        validators=[_required("请填写邀约有效期。", "Enter the expiry."),
                                                    _whole(1, 24 * 60)])
    unverified_may_register = BooleanField(
        lazy_tr("允许未核验的单位报名", "Unverified organisations may register"), default=True,
        description=lazy_tr("取消勾选后，只有经平台核验名称与统一社会信用代码的单位可以报名；未核验的单位会看到原因与核验办法。"
                            "组织方代报名未核验单位时须另行确认。",
                            "Untick to admit only organisations whose name and credit code the platform has verified; "
                            "unverified ones are told why and how to get verified. Organisers registering an "
                            "unverified one must confirm it."))

    def validate_end_date(self, field):
        if field.data is None or self.date.data is None:
            return
        if field.data < self.date.data:
            raise ValidationError(lazy_tr("结束日期不能早于开始日期。", "The last day cannot be before the first."))
        if (field.data - self.date.data).days >= MAX_DAYS:
            raise ValidationError(lazy_tr(f"对接会最长 {MAX_DAYS} 天。", f"A fair lasts at most {MAX_DAYS} days."))

    def validate_district(self, field):
        if (field.data or "").strip() and not (self.city.data or "").strip():
            raise ValidationError(lazy_tr("填写区县时请同时填写城市。", "Give the city of the district."))

    def validate_breaks(self, field):
        for part in re.split(r"[;；,，]", field.data or ""):
            if part.strip() and not re.fullmatch(r"\s*\d{1,2}:\d{2}\s*[-–~—]\s*\d{1,2}:\d{2}\s*", part):
                raise ValidationError(lazy_tr("休息时段应写成 “12:00-13:00”。", "Write breaks as “12:00-13:00”."))


class RegisterForm(FlaskForm):
    role = RadioField(lazy_tr("参会身份", "Attend as"), choices=ROLE_CHOICES,
                      validators=[_required("请选择参会身份。", "Choose a role.")])
    unavailable = MultiCheckboxField(lazy_tr("无法参加的时段", "Slots you cannot attend"), choices=[],
                                     validate_choice=False)


class OrganiserRegisterForm(RegisterForm):
    """An organiser registers the organisation picked from the search (``enterprise_id``), or one
    named exactly by its full name or credit code (``enterprise``)."""

    enterprise_id = IntegerField(lazy_tr("单位", "Organisation"), validators=[
        Optional(), NumberRange(min=1, max=MAX_DB_INT, message=lazy_tr(
            "请先查找并选择要报名的单位。", "Search for the organisation and pick it first."))])
    enterprise = StringField(lazy_tr("企业名称或统一社会信用代码", "Enterprise name or credit code"),
                             validators=[Optional(), Length(max=200)])
    admit_unverified = BooleanField(lazy_tr("仍为未核验单位报名", "Register this unverified organisation anyway"),
                                    default=False)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and self.enterprise_id.data is None and not (self.enterprise.data or "").strip():
            self.enterprise_id.errors = [lazy_tr("请先查找并选择要报名的单位。",
                                                 "Search for the organisation and pick it first.")]
            return False
        return ok


class AvailabilityForm(FlaskForm):
    unavailable = MultiCheckboxField(lazy_tr("无法参加的时段", "Slots you cannot attend"), choices=[],
                                     validate_choice=False)


class TableForm(FlaskForm):
    table = IntegerField(lazy_tr("固定桌号", "Fixed table"), validators=[Optional(), _whole(1, 1000)])
    max_meetings = IntegerField(lazy_tr("会谈上限", "Meeting limit"), validators=[Optional(), _whole(0, 200)])


class RequestForm(FlaskForm):
    counterpart = IntegerField(validators=[_required("请选择会谈对象。", "Choose whom to meet.")])
    priority = SelectField(lazy_tr("优先级", "Priority"), coerce=int, choices=PRIORITY_CHOICES, default=2)
    message = TextAreaField(lazy_tr("留言（可选）", "Message (optional)"), validators=[Optional(), Length(max=1000)])


class OrganiserMeetingForm(FlaskForm):
    buyer = SelectField(lazy_tr("采购方", "Buyer"), coerce=int, choices=[], validate_choice=False)
    supplier = SelectField(lazy_tr("供应方", "Supplier"), coerce=int, choices=[], validate_choice=False)
    priority = SelectField(lazy_tr("优先级", "Priority"), coerce=int, choices=PRIORITY_CHOICES, default=2)


class OnBehalfRequestForm(OrganiserMeetingForm):
    requester = RadioField(lazy_tr("代哪一方发出", "On behalf of"), default="buyer", choices=[
        SelectChoice("buyer", lazy_tr("采购方", "the buyer")), SelectChoice("supplier", lazy_tr("供应方", "the supplier"))])


class ScheduleForm(FlaskForm):
    allow_moves = BooleanField(lazy_tr("允许调整已发布的会谈", "Allow published meetings to move"), default=False)
    time_limit = IntegerField(lazy_tr("计算时限（秒）", "Time limit (seconds)"), default=10,
                              validators=[Optional(), _whole(1, 600)])


class OutcomeForm(FlaskForm):
    intent = SelectField(lazy_tr("合作意向", "Intent to cooperate"), choices=[
        SelectChoice("", lazy_tr("（未填写）", "(not given)")), SelectChoice("yes", lazy_tr("有", "Yes")),
        SelectChoice("no", lazy_tr("无", "No"))], default="")
    amount = StringField(lazy_tr("意向金额（万元）", "Amount (10k CNY)"), validators=[Optional(), Length(max=20)])
    notes = TextAreaField(lazy_tr("备注", "Notes"), validators=[Optional(), Length(max=2000)])

    def intent_value(self):
        return {"yes": True, "no": False}.get(self.intent.data)
