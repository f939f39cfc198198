"""Telling an enterprise about something that happened to its postings.

In-app always; by e-mail too when the site has an SMTP server configured. On a
site without one the message is dropped rather than logged, so a development
site does not fill its log with undelivered mail.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..notifications import notify_enterprise

__all__ = ["tell_enterprise"]


def tell_enterprise(session: Session, enterprise_id: int, text: str, link: str | None = None,
                    subject: str | None = None) -> None:
    notify_enterprise(session, enterprise_id, text, link, email_subject=subject or text[:60], log_unsent=False)
