"""Telling an enterprise about something that happened to its postings.

In-app always; by e-mail too when the site has an SMTP server configured, so a
development site without one does not fill its log with undelivered mail.
"""
from __future__ import annotations

from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from .notifications import notify_enterprise

__all__ = ["mail_configured", "tell_enterprise"]


def mail_configured() -> bool:
    return bool(has_app_context() and current_app.config.get("MAIL_SERVER"))


def tell_enterprise(session: Session, enterprise_id: int, text: str, link: str | None = None,
                    subject: str | None = None) -> None:
    subject = (subject or text[:60]) if mail_configured() else None
    notify_enterprise(session, enterprise_id, text, link, email_subject=subject)
