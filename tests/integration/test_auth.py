"""Accounts: sign-up with credit-code checks, log-in/out, passwords, reset links, CSRF, rate limit."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from matchmaker import create_app
from matchmaker.db import Base, get_engine
from matchmaker.models import AuditLog, Enterprise, Notification, PasswordResetToken, User
from matchmaker.security import hash_token
from tests.integration import helpers as h
from tests.integration.account_helpers import act_as

PASSWORD = "correct horse battery"


def signup_data(uscc, **overrides):
    data = {"full_name": "王经理", "email": "wang@example.cn", "password": "a-long-passphrase",
            "confirm": "a-long-passphrase", "mode": "create", "uscc": uscc, "ent_name": "苏州精工传动科技有限公司",
            "industry": "工业", "employees": "350", "revenue_wan": "5000", "assets_wan": "",
            "region": "江苏省", "city": "苏州", "description": "精密减速器", "contact_person": "王经理",
            "contact_phone": "0512-1234567", "contact_email": ""}
    data.update(overrides)
    return data


def _user(db, email):
    db.expire_all()
    return db.scalar(select(User).where(User.email == email))


def test_sign_up_registers_the_enterprise_with_its_size_class(client, db):
    code = h.make_uscc(7001)
    page = client.post("/register", data=signup_data(code.lower()))
    assert page.status_code == 302
    user = _user(db, "wang@example.cn")
    ent = user.enterprise
    assert ent.uscc == code and ent.name == "苏州精工传动科技有限公司"
    assert ent.size == "medium" and "从业人员350人" in ent.size_rule and not ent.verified
    assert user.role == "enterprise" and user.password_hash != "a-long-passphrase"
    actions = set(db.scalars(select(AuditLog.action).where(AuditLog.user_id == user.id)))
    assert {"enterprise.register", "user.register"} <= actions
    assert page.headers["Location"].endswith("/workbench/")
    profile = client.get(f"/enterprises/{ent.id}").get_data(as_text=True)
    assert "中型企业" in profile and "划型依据" in profile


def test_sign_up_refuses_a_bad_credit_code_with_the_reason(client, db):
    code = h.make_uscc(7002)
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    html = client.post("/register", data=signup_data(wrong)).get_data(as_text=True)
    assert "统一社会信用代码无效" in html and "校验位错误" in html
    html = client.post("/register", data=signup_data("12345")).get_data(as_text=True)
    assert "长度应为18位，实际为5位" in html
    assert _user(db, "wang@example.cn") is None


def test_credit_code_reasons_are_in_english_on_request(client):
    html = client.post("/register?lang=en", data=signup_data("12345")).get_data(as_text=True)
    assert "Invalid unified social credit code: must be 18 characters long, got 5" in html


def test_sign_up_refuses_a_weak_password_with_a_clear_message(client, db):
    html = client.post("/register", data=signup_data(h.make_uscc(7003), password="short1", confirm="short1")
                       ).get_data(as_text=True)
    assert "密码至少需要 10 个字符（当前 6 个）" in html
    html = client.post("/register", data=signup_data(h.make_uscc(7003), password="aaaaaaaaaaaa",
                                                     confirm="aaaaaaaaaaaa")).get_data(as_text=True)
    assert "不能由同一两个字符重复组成" in html
    assert _user(db, "wang@example.cn") is None


def test_sign_up_needs_the_figures_the_industry_is_classified_by(client, db):
    html = client.post("/register", data=signup_data(h.make_uscc(7004), industry="建筑业", employees="",
                                                     revenue_wan="900", assets_wan="")).get_data(as_text=True)
    assert "建筑业按营业收入、资产总额划型，请填写资产总额" in html
    assert _user(db, "wang@example.cn") is None


def test_a_taken_credit_code_must_be_joined_and_joining_needs_approval(client, app, db):
    ent = h.enterprise(db, name="常州恒力液压件有限公司")
    member = h.user(db, ent)
    outsider = h.user(db, h.enterprise(db, name="无锡宏达包装材料有限公司"))
    db.commit()
    html = client.post("/register", data=signup_data(ent.uscc)).get_data(as_text=True)
    assert "该统一社会信用代码已由“常州恒力液压件有限公司”注册" in html
    assert db.scalar(select(Enterprise).where(Enterprise.name == "苏州精工传动科技有限公司")) is None

    page = client.post("/register", data=signup_data(ent.uscc, mode="join", ent_name="", industry="", region=""))
    assert page.status_code == 302
    joiner = _user(db, "wang@example.cn")
    assert joiner.enterprise_id is None and joiner.pending_enterprise_id == ent.id
    asked = db.scalar(select(Notification).where(Notification.user_id == member.id))
    assert asked is not None and asked.link == f"/enterprises/{ent.id}/members", "the request links to the page to decide"
    assert client.get("/enterprises/mine").status_code == 403  # cannot act for it yet

    other = app.test_client()
    act_as(other, outsider)
    assert other.post(f"/enterprises/{ent.id}/members/{joiner.id}/approve").status_code == 403
    assert other.get(f"/enterprises/{ent.id}/members").status_code == 403
    approver = app.test_client()
    act_as(approver, member)
    assert "wang@example.cn" in approver.get(f"/enterprises/{ent.id}/members").get_data(as_text=True)
    approver.post(f"/enterprises/{ent.id}/members/{joiner.id}/approve")
    joiner = _user(db, "wang@example.cn")
    assert joiner.enterprise_id == ent.id and joiner.pending_enterprise_id is None
    approved = db.scalar(select(Notification).where(Notification.user_id == joiner.id))
    assert approved.link == f"/enterprises/{ent.id}"
    assert db.scalar(select(AuditLog).where(AuditLog.action == "membership.approve",
                                            AuditLog.user_id == member.id)) is not None


def test_joining_an_unregistered_code_is_refused(client, db):
    html = client.post("/register", data=signup_data(h.make_uscc(7005), mode="join")).get_data(as_text=True)
    assert "尚无企业以该统一社会信用代码注册" in html
    assert _user(db, "wang@example.cn") is None


def test_similar_names_are_shown_before_a_new_enterprise_is_registered(client, db):
    existing = h.enterprise(db, name="比亚迪股份有限公司", region="广东省")
    db.commit()
    data = signup_data(h.make_uscc(7006), ent_name="比亞迪有限公司")
    html = client.post("/register", data=data).get_data(as_text=True)
    assert "比亚迪股份有限公司" in html and "名称相近" in html
    assert _user(db, "wang@example.cn") is None
    hint = client.get("/register/check", query_string={"name": "比亞迪", "uscc": existing.uscc}).get_json()
    assert hint[0]["name"] == "比亚迪股份有限公司" and hint[0]["same_code"] is True
    assert client.post("/register", data={**data, "confirm_new": "y"}).status_code == 302
    assert _user(db, "wang@example.cn").enterprise.name == "比亞迪有限公司"


def test_log_in_and_out(client, db):
    u = h.user(db, h.enterprise(db), email="li@example.cn")
    db.commit()
    assert client.get("/account").status_code == 302
    html = client.post("/login", data={"email": "li@example.cn", "password": "wrong password!"}).get_data(as_text=True)
    assert "邮箱或密码不正确" in html
    page = client.post("/login?next=/account", data={"email": " LI@example.cn ", "password": PASSWORD})
    assert page.status_code == 302 and page.headers["Location"].endswith("/account")
    assert "li@example.cn" in client.get("/account").get_data(as_text=True)
    assert _user(db, "li@example.cn").last_login_at is not None
    assert client.get("/logout").status_code == 405  # log-out is a POST, so a link cannot force it
    client.post("/logout")
    assert client.get("/account").status_code == 302
    assert u.id


def test_log_in_never_redirects_off_site(client, db):
    h.user(db, email="li@example.cn")
    db.commit()
    page = client.post("/login?next=https://evil.example/x", data={"email": "li@example.cn", "password": PASSWORD})
    assert "evil.example" not in page.headers["Location"]


def test_a_deactivated_account_cannot_log_in(client, db):
    h.user(db, email="off@example.cn", active=False)
    db.commit()
    html = client.post("/login", data={"email": "off@example.cn", "password": PASSWORD}).get_data(as_text=True)
    assert "该账号已停用" in html
    assert client.get("/account").status_code == 302


def test_change_password(client, db):
    u = h.user(db, email="pw@example.cn")
    db.commit()
    h.login(client, u)
    html = client.post("/account/password", data={"pw-current": "not it at all", "pw-password": "new passphrase 1",
                                                  "pw-confirm": "new passphrase 1"}).get_data(as_text=True)
    assert "当前密码不正确" in html
    html = client.post("/account/password", data={"pw-current": PASSWORD, "pw-password": "short",
                                                  "pw-confirm": "short"}).get_data(as_text=True)
    assert "至少需要 10 个字符" in html
    assert client.post("/account/password", data={"pw-current": PASSWORD, "pw-password": "new passphrase 1",
                                                  "pw-confirm": "new passphrase 1"}).status_code == 302
    client.post("/logout")
    assert client.post("/login", data={"email": "pw@example.cn", "password": PASSWORD}).status_code == 200
    assert client.post("/login", data={"email": "pw@example.cn", "password": "new passphrase 1"}).status_code == 302


def _mailed_token(caplog) -> str:
    found = re.findall(r"/password/reset/([A-Za-z0-9_\-]+)", caplog.text)
    assert found, "no reset link was mailed"
    return found[-1]


def test_password_reset_link_works_once(client, db, caplog):
    h.user(db, email="reset@example.cn")
    db.commit()
    caplog.set_level("WARNING", logger="matchmaker.services.notifications")
    page = client.post("/password/forgot", data={"email": "reset@example.cn"})
    assert page.status_code == 302
    token = _mailed_token(caplog)
    row = db.scalar(select(PasswordResetToken))
    assert row.token_hash == hash_token(token) and token not in row.token_hash
    assert client.get(f"/password/reset/{token}").status_code == 200
    page = client.post(f"/password/reset/{token}", data={"password": "brand new secret", "confirm": "brand new secret"})
    assert page.status_code == 302
    assert client.post("/login", data={"email": "reset@example.cn", "password": "brand new secret"}).status_code == 302
    client.post("/logout")
    again = client.post(f"/password/reset/{token}", data={"password": "another secret!", "confirm": "another secret!"})
    assert again.status_code == 400 and "已使用" in again.get_data(as_text=True)
    assert client.post("/login", data={"email": "reset@example.cn", "password": "another secret!"}).status_code == 200


def test_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, db, caplog):
    caplog.set_level("WARNING", logger="matchmaker.services.notifications")
    page = client.post("/password/forgot", data={"email": "nobody@example.cn"}, follow_redirects=True)
    assert "如果该邮箱已注册" in page.get_data(as_text=True)
    assert "/password/reset/" not in caplog.text
    assert db.scalar(select(PasswordResetToken)) is None


def test_an_expired_reset_link_is_refused(client, db):
    u = h.user(db, email="late@example.cn")
    db.add(PasswordResetToken(user_id=u.id, token_hash=hash_token("stale-token"),
                              expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)))
    db.commit()
    page = client.get("/password/reset/stale-token")
    assert page.status_code == 400 and "已过期" in page.get_data(as_text=True)
    client.post("/password/reset/stale-token", data={"password": "brand new secret", "confirm": "brand new secret"})
    assert client.post("/login", data={"email": "late@example.cn", "password": PASSWORD}).status_code == 302


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """An app with extra settings on its own SQLite database (for CSRF and rate-limit checks)."""
    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "instance"))
    built = []

    def build(**overrides):
        app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'own.sqlite'}", **overrides})
        Base.metadata.create_all(get_engine(app))
        built.append(app)
        return app
    yield build
    for app in built:
        get_engine(app).dispose()
    create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})  # leave the shared limiter disabled again


def test_csrf_is_enforced_when_enabled(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from matchmaker.db import get_session
        h.user(get_session(), email="csrf@example.cn")
        get_session().commit()
    client = app.test_client()
    refused = client.post("/login", data={"email": "csrf@example.cn", "password": PASSWORD})
    assert refused.status_code == 400 and "表单已过期或无效" in refused.get_data(as_text=True)
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    ok = client.post("/login", data={"email": "csrf@example.cn", "password": PASSWORD, "csrf_token": token})
    assert ok.status_code == 302


def test_log_in_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    codes = [client.post("/login", data={"email": "x@example.cn", "password": "wrong password"}).status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert "请求过于频繁" in client.post("/login", data={}).get_data(as_text=True)
    assert client.get("/login").status_code == 200  # only attempts count, not viewing the page


def test_failed_log_ins_are_limited_per_account_and_the_wait_is_shown(make_app):
    """Guessing one account's password stops after its failures, from any address; other accounts
    at the same desk (one address) still sign in, and a success clears the account's count."""
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute", LOGIN_FAILURE_LIMIT="3 per 15 minutes")
    with app.app_context():
        from matchmaker.db import get_session
        h.user(get_session(), email="target@example.cn")
        h.user(get_session(), email="desk@example.cn")
        get_session().commit()
    client = app.test_client()

    def log_in(email, password, address):
        return client.post("/login", data={"email": email, "password": password},
                           environ_base={"REMOTE_ADDR": address})

    codes = [log_in("target@example.cn", "wrong guess", f"10.0.0.{i}").status_code for i in range(1, 5)]
    assert codes == [200, 200, 200, 429]
    refused = log_in("TARGET@example.cn ", PASSWORD, "10.0.0.9")  # even the right password, from elsewhere
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "该账号登录失败次数过多" in html and "分钟后再试" in html
    assert 1 <= int(refused.headers["Retry-After"]) <= 15 * 60
    # The desk's address is not locked out: another account signs in from it.
    assert log_in("desk@example.cn", PASSWORD, "10.0.0.4").status_code == 302
    client.post("/logout")
    # A success clears the count: two failures, a success, two failures more are not three in a row.
    codes = [log_in("desk@example.cn", password, "10.0.0.4").status_code
             for password in ("wrong guess", "wrong guess", PASSWORD)]
    client.post("/logout")
    codes += [log_in("desk@example.cn", "wrong guess", "10.0.0.4").status_code for _ in range(2)]
    assert codes == [200, 200, 302, 200, 200]


def test_one_address_may_sign_in_many_accounts_in_a_minute(make_app):
    """The per-address ceiling is high enough for a fair's registration desk switching accounts."""
    app = make_app(RATELIMIT_ENABLED=True)
    with app.app_context():
        from matchmaker.db import get_session
        for i in range(25):
            h.user(get_session(), email=f"visitor{i}@example.cn")
        get_session().commit()
    client = app.test_client()
    for i in range(25):
        assert client.post("/login", data={"email": f"visitor{i}@example.cn", "password": PASSWORD}).status_code == 302
        client.post("/logout")
