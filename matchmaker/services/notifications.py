"""In-app notifications, and e-mail that leaves once the transaction commits.

Services write notifications and put e-mail in the session's outbox
(:func:`send_mail`); nothing is sent from inside a transaction. Whoever owns the
sessions delivers the outbox after each commit with the site's
:class:`MailSettings` (see :mod:`matchmaker.mail`) and drops it on rollback, so
an action that is undone mails nobody and a mail outage never undoes an action.
"""
from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..external_urls import site_address
from ..models import Notification, User

__all__ = [
    "Mail",
    "MailSettings",
    "deliver",
    "mark_all_read",
    "mark_read",
    "notify",
    "notify_enterprise",
    "send_mail",
    "take_outbox",
    "unread_count",
    "user_notifications",
]

log = logging.getLogger(__name__)

_OUTBOX = "mail_outbox"


@dataclass(frozen=True)
class Mail:
    """One message waiting for its transaction to commit.

    ``log_unsent`` False drops the message when the site has no SMTP server
    instead of writing it to the log (routine notices, which would fill the
    log of a development site).
    """

    to: str
    subject: str
    body: str
    log_unsent: bool = True
    #: A page of the site (``/demands/5``), written under the body with the site's address in front.
    link: str | None = None

    def text(self, base_url: str | None = None) -> str:
        """The body, and the link made absolute when the site's address is configured."""
        if not self.link:
            return self.body
        return f"{self.body}\n\n{absolute_link(self.link, base_url)}"


def absolute_link(link: str, base_url: str | None) -> str:
    """``link`` (a page of the site) with the site's address in front.

    A site under a path (``https://fairs.example.org/matchmaker``) makes its links with that path
    already (``/matchmaker/events/3``, as pages and commands build them): the path is then not written
    twice. A link without it (``/events/3``) gets the whole address in front.

    >>> absolute_link("/matchmaker/events/3", "https://fairs.example.org/matchmaker")
    'https://fairs.example.org/matchmaker/events/3'
    >>> absolute_link("/events/3", "https://fairs.example.org/matchmaker")
    'https://fairs.example.org/matchmaker/events/3'
    >>> absolute_link("/events/3", "https://match.example.cn"), absolute_link("/events/3", None)
    ('https://match.example.cn/events/3', '/events/3')
    """
    if not base_url or not link.startswith("/"):
        return link
    parts = urlsplit(base_url.rstrip("/"))
    root = parts.path
    if root and (link == root or link.startswith(root + "/")):
        return f"{parts.scheme}://{parts.netloc}{link}"
    return base_url.rstrip("/") + link


@dataclass(frozen=True)
class MailSettings:
    """How the site sends e-mail; no ``server`` means it writes messages to the log."""

    server: str | None = None
    port: int = 25
    sender: str | None = None
    #: The site's address (``https://match.example.cn``) put before the links of messages.
    base_url: str | None = None

    @classmethod
    def from_config(cls, config: Mapping) -> MailSettings:
        """The ``MAIL_SERVER``, ``MAIL_PORT`` and ``MAIL_SENDER`` of a site configuration, and its
        configured address (``MATCHMAKER_BASE_URL``, or ``SERVER_NAME``; see :mod:`matchmaker.external_urls`)."""
        address = site_address(config)
        base = f"{address[0]}://{address[1]}{address[2].rstrip('/')}" if address else None
        return cls(server=config.get("MAIL_SERVER") or None, port=int(config.get("MAIL_PORT") or 25),
                   sender=config.get("MAIL_SENDER"), base_url=base)


def notify(session: Session, user_ids, text: str, link: str | None = None, email_subject: str | None = None,
           *, log_unsent: bool = True):
    """Notify users in-app; also e-mail them when ``email_subject`` is given (see :class:`Mail`)."""
    ids = list(dict.fromkeys(user_ids))
    for uid in ids:
        session.add(Notification(user_id=uid, text=text, link=link))
    if email_subject and ids:
        for user in session.scalars(select(User).where(User.id.in_(ids))):
            send_mail(session, user.email, email_subject, text, log_unsent=log_unsent, link=link)


def notify_enterprise(session: Session, enterprise_id: int, text: str, link: str | None = None,
                      email_subject: str | None = None, *, log_unsent: bool = True):
    """:func:`notify` every active member of the enterprise."""
    ids = session.scalars(select(User.id).where(User.enterprise_id == enterprise_id, User.active)).all()
    notify(session, ids, text, link, email_subject, log_unsent=log_unsent)


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def mark_all_read(session: Session, user_id: int) -> None:
    session.execute(update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
                    .values(read_at=dt.datetime.now(dt.UTC)))


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
        note.read_at = dt.datetime.now(dt.UTC)
    return note


def send_mail(session: Session, to: str, subject: str, body: str, *, log_unsent: bool = True,
              link: str | None = None) -> None:
    """Put a message in the session's outbox; it is sent when the transaction commits.

    ``link``, a page of the site, is written under the body with the site's configured
    address in front (a path alone when none is configured)."""
    session.info.setdefault(_OUTBOX, []).append(Mail(to, subject, body, log_unsent, link))


def take_outbox(session: Session) -> list[Mail]:
    """The messages waiting in the session, removed from it."""
    return session.info.pop(_OUTBOX, [])


def deliver(messages: Iterable[Mail], settings: MailSettings) -> None:
    """Send through SMTP when ``settings`` name a server; otherwise write the messages to the log."""
    for mail in messages:
        if not settings.server:
            if mail.log_unsent:
                log.warning("e-mail to %s: %s\n%s", mail.to, mail.subject, mail.text(settings.base_url))
            continue
        msg = EmailMessage()
        msg["From"] = settings.sender
        msg["To"] = mail.to
        msg["Subject"] = mail.subject
        msg.set_content(mail.text(settings.base_url))
        try:
            with smtplib.SMTP(settings.server, settings.port, timeout=10) as smtp:
                smtp.send_message(msg)
        except (smtplib.SMTPException, OSError) as exc:
            # The action is committed and the in-app notification recorded; the
            # message is kept in the log so it can be sent by hand.
            log.error("e-mail to %s failed (%s): %s\n%s", mail.to, exc, mail.subject, mail.text(settings.base_url))
