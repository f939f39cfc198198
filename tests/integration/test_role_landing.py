"""Whoever logs in lands on the workbench (what needs them today), not on a profile or account page;
an address asked for before logging in (``?next=``) still wins."""
from __future__ import annotations

import pytest

from tests.integration import helpers as h

PASSWORD = "correct horse battery"


@pytest.mark.parametrize("who", ["large", "sme", "organiser", "admin", "waiting"])
def test_log_in_lands_on_the_workbench(client, db, who):
    if who in ("large", "sme"):
        user = h.user(db, h.enterprise(db, size="large" if who == "large" else "small"))
    elif who == "waiting":  # asked to join an organisation, not yet approved
        user = h.user(db, pending_enterprise_id=h.enterprise(db).id)
    else:
        user = h.user(db, role=who, organisation="示范市工业和信息化局" if who == "organiser" else None)
    db.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/workbench/")
    assert client.get("/workbench/").status_code == 200


def test_an_address_asked_for_before_log_in_is_kept(client, db):
    user = h.user(db, role="organiser", organisation="示范市工业和信息化局")
    db.commit()
    response = client.post("/login?next=/events/", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/events/")
