"""The admins' form for refusing to verify an organisation."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from ...services.verification import REASON_MAX_LENGTH
from .lazy import lazy_tr

__all__ = ["RejectForm"]


class RejectForm(FlaskForm):
    """Why the platform refuses; the organisation is shown the reason and told what to do next."""

    reason = TextAreaField(lazy_tr("不予核验的原因", "Reason for refusing"), validators=[
        DataRequired(lazy_tr("请填写不予核验的原因，单位将看到该原因。",
                             "Give the reason for refusing; the organisation is shown it.")),
        Length(max=REASON_MAX_LENGTH, message=lazy_tr("原因不超过 %(max)d 字。", "Keep the reason to %(max)d characters."))],
        description=lazy_tr("写明哪里不符、单位应如何更正，如：单位名称与统一社会信用代码登记的名称不一致，请按营业执照填写全称。",
                            "Say what does not match and how to correct it, e.g. the name differs from the one "
                            "registered under the credit code; enter the full name on the business licence."))
    #: The name the admin checked: the refusal is not recorded if the organisation was renamed meanwhile.
    checked_name = HiddenField()
    next = HiddenField()
