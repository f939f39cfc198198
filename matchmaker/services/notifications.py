"""In-app notifications (and e-mail when SMTP is configured)."""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, has_app_context
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..models import Notification, User

log = logging.getLogger(__name__)


def notify(session: Session, user_ids, text: str, link: str | None = None, email_subject: str | None = None):
    """Notify users in-app; also e-mail them when ``email_subject`` is given."""
    ids = list(dict.fromkeys(user_ids))
    for uid in ids:
        session.add(Notification(user_id=uid, text=text, link=link))
    if email_subject and ids:
        for user in session.scalars(select(User).where(User.id.in_(ids))):
            send_mail(user.email, email_subject, text + (f"\n\n{link}" if link else ""))


def notify_enterprise(session: Session, enterprise_id: int, text: str, link: str | None = None,
                      email_subject: str | None = None):
    ids = session.scalars(select(User.id).where(User.enterprise_id == enterprise_id, User.active)).all()
    notify(session, ids, text, link, email_subject)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def mark_all_read(session: Session, user_id: int) -> None:
    session.execute(update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
                    .values(read_at=dt.datetime.now(dt.timezone.utc)))


def user_notifications(user_id: int, unread_only: bool = False):
    """A select of a user's notifications, unread first, newest first (for pagination)."""
    stmt = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return stmt.order_by(Notification.read_at.is_not(None), Notification.created_at.desc(), Notification.id.desc())


def mark_read(session: Session, user_id: int, notification_id: int) -> Notification | None:
    """Mark one of the user's notifications read; None when it is not theirs (or absent)."""
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != user_id:
        return None
    if note.read_at is None:
        note.read_at = dt.datetime.now(dt.timezone.utc)
    return note


def send_mail(to: str, subject: str, body: str) -> None:
    """Send through SMTP when configured; otherwise write the message to the log."""
    server = current_app.config.get("MAIL_SERVER") if has_app_context() else None
    if not server:
        log.warning("e-mail to %s: %s\n%s", to, subject, body)
        return
    msg = EmailMessage()
    msg["From"] = current_app.config["MAIL_SENDER"]
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    try:
        with smtplib.SMTP(server, current_app.config.get("MAIL_PORT", 25), timeout=10) as smtp:
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        # A mail outage must not undo the action that triggered the mail; the in-app
        # notification is already recorded and the message is kept in the log.
        log.error("e-mail to %s failed (%s): %s\n%s", to, exc, subject, body)
