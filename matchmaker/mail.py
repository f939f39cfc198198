"""Delivering the e-mail services queue (see :mod:`matchmaker.services.notifications`).

The outbox of a session goes out through the site's SMTP server right after the
session commits; a transaction that ends any other way (rollback, close) takes
its messages with it.
"""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event

from .services.notifications import MailSettings, deliver, take_outbox

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Send each commit's mail with the app's ``MAIL_*`` settings; needs :func:`matchmaker.db.init_app` first."""
    sessions = app.extensions["sqlalchemy_sessionmaker"]

    def after_commit(session):
        deliver(take_outbox(session), MailSettings.from_config(app.config))

    def after_transaction_end(session, transaction):
        if transaction.parent is None:
            take_outbox(session)

    event.listen(sessions, "after_commit", after_commit)
    event.listen(sessions, "after_transaction_end", after_transaction_end)
