"""Helpers for the account, admin, search and API tests."""
from __future__ import annotations

from flask import g

from tests.integration import helpers as h

PASSWORD = "correct horse battery"


def act_as(client, user) -> None:
    """Log ``client`` in as ``user``.

    The ``db`` fixture keeps one app context open, so requests share ``g``: forget the
    user flask_login cached there by an earlier request.
    """
    if user is None:
        with client.session_transaction() as sess:
            sess.clear()
    else:
        h.login(client, user)
    g.pop("_login_user", None)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
