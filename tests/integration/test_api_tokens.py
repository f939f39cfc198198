"""Personal API tokens: shown once, stored hashed, Bearer authentication, revocation."""
from __future__ import annotations

import re

from sqlalchemy import select

from matchmaker.models import ApiToken, AuditLog, Qualification
from matchmaker.security import hash_token
from tests.integration import helpers as h
from tests.integration.account_helpers import act_as, bearer


def _create_token(client, name="采购系统接口") -> str:
    page = client.post("/account/tokens", data={"tok-name": name})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    return re.search(r'id="new-token">([^<]+)<', page.get_data(as_text=True)).group(1)


def test_a_token_is_shown_once_stored_hashed_and_authenticates(client, db):
    ent = h.enterprise(db, name="苏州精工传动科技有限公司")
    user = h.user(db, ent, email="api@example.cn")
    db.commit()
    act_as(client, user)
    raw = _create_token(client)
    stored = db.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert stored.token_hash == hash_token(raw) and raw not in stored.token_hash and stored.name == "采购系统接口"
    assert raw not in client.get("/account").get_data(as_text=True)  # never shown again
    act_as(client, None)
    me = client.get("/api/v1/me", headers=bearer(raw))
    assert me.status_code == 200
    assert me.get_json()["email"] == "api@example.cn" and me.get_json()["enterprise"]["name"] == "苏州精工传动科技有限公司"
    db.refresh(stored)
    assert stored.last_used_at is not None
    assert db.scalar(select(AuditLog).where(AuditLog.action == "api_token.create")).user_id == user.id


def test_missing_bad_and_revoked_tokens_are_refused(client, db):
    user = h.user(db, h.enterprise(db))
    db.commit()
    act_as(client, user)
    raw = _create_token(client)
    # A browser session is not an API credential: the API is exempt from CSRF.
    assert client.get("/api/v1/me").status_code == 401
    for headers in ({}, bearer("mm_not-a-token"), {"Authorization": f"Basic {raw}"}, bearer("")):
        page = client.get("/api/v1/me", headers=headers)
        assert page.status_code == 401 and page.headers["WWW-Authenticate"].startswith("Bearer")
    token = db.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    act_as(client, user)
    client.post(f"/account/tokens/{token.id}/revoke")
    db.refresh(token)
    assert token.revoked
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401
    assert client.get(f"/api/v1/enterprises/{user.enterprise_id}", headers=bearer(raw)).status_code == 401


def test_a_deactivated_users_token_stops_working(client, db):
    user = h.user(db, h.enterprise(db))
    db.commit()
    act_as(client, user)
    raw = _create_token(client)
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200
    user.active = False
    db.commit()
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 401


def test_nobody_revokes_someone_elses_token(client, app, db):
    owner, other = h.user(db, h.enterprise(db)), h.user(db, h.enterprise(db))
    db.commit()
    act_as(client, owner)
    raw = _create_token(client)
    token = db.scalar(select(ApiToken).where(ApiToken.user_id == owner.id))
    intruder = app.test_client()
    act_as(intruder, other)
    page = intruder.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "令牌不存在" in page.get_data(as_text=True)
    assert "采购系统接口" not in intruder.get("/account").get_data(as_text=True)
    db.refresh(token)
    assert not token.revoked
    assert client.get("/api/v1/me", headers=bearer(raw)).status_code == 200


def test_enterprise_endpoint_returns_public_fields_only(client, db):
    ent = h.enterprise(db, name="无锡华光精密轴承有限公司", contact={"person": "赵工", "phone": "0510-7654321"},
                       employees=80, revenue_wan=1800)
    db.add(Qualification(enterprise_id=ent.id, name="ISO 9001", canonical="ISO 9001", verified=True))
    h.user(db, ent, email="member@huaguang.cn")
    h.capability(db, ent, title="角接触球轴承")
    h.demand(db, ent, title="轴承钢采购", status="published")
    h.demand(db, ent, title="草稿", status="draft")
    db.commit()
    body = client.get(f"/api/v1/enterprises/{ent.id}").get_json()
    assert body["name"] == "无锡华光精密轴承有限公司"
    assert body["qualifications"] == [{"name": "ISO 9001", "canonical": "ISO 9001", "verified": True,
                                       "valid_until": None}]
    assert [d["title"] for d in body["open_demands"]] == ["轴承钢采购"]
    text = str(body)
    assert "0510-7654321" not in text and "member@huaguang.cn" not in text and "contact" not in body
    assert client.get("/api/v1/enterprises/999999").status_code == 404


def test_search_endpoint(client, db):
    ent = h.enterprise(db, name="宁波精密传感科技有限公司")
    h.demand(db, ent, title="高精度压力传感器年度采购")
    db.commit()
    body = client.get("/api/v1/search", query_string={"q": "壓力傳感器"}).get_json()
    assert body["total"] == 1 and body["results"][0]["title"] == "高精度压力传感器年度采购"
    body = client.get("/api/v1/search", query_string={"q": "寧波精密傳感"}).get_json()
    assert body["enterprises"][0]["name"] == "宁波精密传感科技有限公司"
    assert client.get("/api/v1/search").status_code == 400
    assert client.get("/api/v1/search?q=x", headers=bearer("mm_wrong")).status_code == 401
