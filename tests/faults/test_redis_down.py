"""Redis stopped under a running site: it keeps serving; only the readiness probe says so."""
from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import func, select

from matchmaker.db import get_session
from matchmaker.models import Event, Meeting, User
from tests.faults.conftest import site
from tests.integration import events_support as es
from tests.integration import helpers as h

pytestmark = pytest.mark.faults

PASSWORD = "correct horse battery"


@pytest.fixture
def redis_site(tmp_path, monkeypatch, redis_server):
    app = site(tmp_path, monkeypatch, f"sqlite:///{tmp_path / 'site.sqlite'}", redis_server.url,
               LOGIN_RATE_LIMIT="5 per minute")
    with app.app_context():
        db = get_session()
        h.user(db, email="li@example.cn", password=PASSWORD)
        people = es.fair(db, buyers=2, suppliers=2)
        for buyer, _ in people["buyers"]:
            for supplier, _ in people["suppliers"]:
                es.accepted(db, buyer, supplier)
        db.commit()
        ids = {"event": people["event"].id, "organiser": people["organiser"].id}
    app.extensions["matchmaker.engines"].warm()
    return app, ids


def _signup(uscc: str) -> dict:
    return {"full_name": "王经理", "email": "wang@example.cn", "password": "a-long-passphrase",
            "confirm": "a-long-passphrase", "mode": "create", "uscc": uscc, "ent_name": "苏州精工传动科技有限公司",
            "industry": "工业", "employees": "350", "revenue_wan": "5000", "assets_wan": "", "region": "江苏省",
            "city": "苏州", "description": "精密减速器", "contact_person": "王经理", "contact_phone": "0512-1234567",
            "contact_email": ""}


def test_the_site_keeps_serving_when_redis_stops(redis_site, redis_server, caplog):
    app, ids = redis_site
    client = app.test_client()
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ready" and ready["checks"]["redis"]["status"] == "ok"

    redis_server.stop()
    caplog.set_level(logging.WARNING)

    # Probes: alive, still serving (degraded), and saying why.
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    checks = response.get_json()["checks"]
    assert response.status_code == 200 and response.get_json()["status"] == "degraded"
    assert checks["redis"] == {"status": "degraded", "reason": "unreachable"}
    assert checks["database"]["status"] == checks["engines"]["status"] == "ok"
    assert client.get("/api/v1/health").status_code == 200  # the database is fine

    # Log-in, with its rate limit counted in memory meanwhile (a warning says so).
    assert client.post("/login", data={"email": "li@example.cn", "password": PASSWORD}).status_code == 302
    assert "falling back to in-memory storage" in caplog.text
    client.post("/logout")
    wrong = [client.post("/login", data={"email": "li@example.cn", "password": "wrong guess"}).status_code
             for _ in range(5)]
    assert wrong[:4] == [200] * 4 and 429 in wrong  # 5 a minute, one of them the good log-in

    # Sign-up and a password reset (a fresh address: the limit is per address).
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "127.0.0.2"
    assert other.post("/register", data=_signup(h.make_uscc(9101))).status_code == 302
    other.post("/logout")
    assert other.post("/password/forgot", data={"email": "li@example.cn"}).status_code == 302

    # A schedule build cannot be queued: it is built in the request instead.
    organiser = app.test_client()
    with organiser.session_transaction() as sess:
        sess["_user_id"] = str(ids["organiser"])
        sess["_fresh"] = True
    page = organiser.post(f"/events/{ids['event']}/schedule/build", data={"time_limit": "2"},
                          follow_redirects=True)
    assert page.status_code == 200
    assert re.search(r"日程已生成：\d+ 场会谈", page.get_data(as_text=True))
    with app.app_context():
        db = get_session()
        assert db.get(Event, ids["event"]).schedule_stats["state"] == "done"
        assert db.scalar(select(func.count(Meeting.id)).where(Meeting.event_id == ids["event"])) == 4
        assert db.scalar(select(User).where(User.email == "wang@example.cn")) is not None

    # Redis back: ready again, on the same process.
    redis_server.start()
    response = client.get("/readyz")
    assert response.status_code == 200 and response.get_json()["checks"]["redis"]["status"] == "ok"
