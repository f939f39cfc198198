"""Attacks on accounts, and what stops them: reset-link poisoning, stolen session and
remember-me cookies, session fixation, stale CSRF tokens, weak passwords; and the audit
trail of log-ins and password changes."""
from __future__ import annotations

import datetime as dt
import re
from email.utils import parsedate_to_datetime

import pytest
from sqlalchemy import select

from matchmaker.db import get_session
from matchmaker.models import AuditLog, User
from tests.integration import helpers as h

PASSWORD = "correct horse battery"
NEW_PASSWORD = "violet kettle drums"
EVIL = "evil.example.test"


def make_user(app, email, password=PASSWORD, **kw) -> int:
    with app.app_context():
        session = get_session()
        user = h.user(session, h.enterprise(session, name="苏州云帆精密机械有限公司"), email=email, password=password,
                      **kw)
        session.commit()
        return user.id


def fetch_user(app, user_id) -> User:
    with app.app_context():
        user = get_session().get(User, user_id)
        get_session().expunge(user)
        return user


def audit_actions(app) -> list[tuple[str, int | None, str | None, dict]]:
    with app.app_context():
        return [(a.action, a.user_id, a.object_id, a.details)
                for a in get_session().scalars(select(AuditLog).order_by(AuditLog.id))]


def log_in(client, email, password=PASSWORD, remember=True, **kw):
    data = {"email": email, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data, **kw)


def cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")
            if client.get_cookie(name) is not None}


def restore(client, saved: dict[str, str]) -> None:
    for name in ("session", "remember_token"):
        client.delete_cookie(name)
    for name, value in saved.items():
        client.set_cookie(name, value)


def is_logged_in(client) -> bool:
    page = client.get("/account")
    assert page.status_code in (200, 302)
    if page.status_code == 302:
        assert "/login" in page.headers["Location"]
    return page.status_code == 200


def mailed_links(caplog) -> list[str]:
    return re.findall(r"(\S*/password/reset/[A-Za-z0-9_\-]+)", caplog.text)


# --------------------------------------------------------------------------- reset-link poisoning

@pytest.fixture
def mail_log(caplog):
    caplog.set_level("WARNING", logger="matchmaker.services.notifications")
    return caplog


def test_a_forged_host_never_reaches_the_reset_link_with_a_base_url(app, client, mail_log):
    make_user(app, "victim@example.cn")
    app.config["MATCHMAKER_BASE_URL"] = "https://match.example.cn/portal"
    page = client.post("/password/forgot", data={"email": "victim@example.cn"}, headers={"Host": EVIL})
    assert page.status_code == 302
    (link,) = mailed_links(mail_log)
    assert link.startswith("https://match.example.cn/portal/password/reset/")
    assert EVIL not in mail_log.text


def test_server_name_and_scheme_make_the_link_when_no_base_url_is_set(app, client, mail_log):
    make_user(app, "victim@example.cn")
    app.config.update(SERVER_NAME="match.example.cn", PREFERRED_URL_SCHEME="https")
    client.post("/password/forgot", data={"email": "victim@example.cn"}, headers={"Host": EVIL})
    (link,) = mailed_links(mail_log)
    assert link.startswith("https://match.example.cn/password/reset/")


def test_without_a_configured_address_a_forged_host_gets_the_path_only(app, client, mail_log):
    make_user(app, "victim@example.cn")
    client.post("/password/forgot", data={"email": "victim@example.cn"}, headers={"Host": EVIL})
    (link,) = mailed_links(mail_log)
    assert EVIL not in mail_log.text.replace("Host", "") and link.startswith("/password/reset/")
    assert "MATCHMAKER_BASE_URL" in mail_log.text, "the log says what to configure"
    # a development site on this machine still gets clickable links
    client.post("/password/forgot", data={"email": "victim@example.cn"}, base_url="http://127.0.0.1:5000")
    assert mailed_links(mail_log)[-1].startswith("http://127.0.0.1:5000/password/reset/")


def test_an_untrusted_host_is_refused_when_trusted_hosts_are_set(app, client, mail_log):
    make_user(app, "victim@example.cn")
    app.config["TRUSTED_HOSTS"] = ["match.example.cn", ".match.example.cn"]
    refused = client.post("/password/forgot", data={"email": "victim@example.cn"}, headers={"Host": EVIL})
    assert refused.status_code == 400 and "请求无效" in refused.get_data(as_text=True)
    assert mailed_links(mail_log) == []
    page = client.post("/password/forgot", data={"email": "victim@example.cn"}, base_url="https://match.example.cn")
    assert page.status_code == 302
    assert mailed_links(mail_log)[-1].startswith("https://match.example.cn/password/reset/")
    assert client.get("/", base_url="http://www.match.example.cn").status_code == 200


# --------------------------------------------------------------------------- stolen cookies

def test_copied_session_and_remember_cookies_die_at_log_out(app, client):
    make_user(app, "li@example.cn")
    assert log_in(client, "li@example.cn").status_code == 302
    stolen = cookies(client)
    assert set(stolen) == {"session", "remember_token"}
    other_device = app.test_client()
    log_in(other_device, "li@example.cn", remember=False)
    assert is_logged_in(client) and is_logged_in(other_device)

    client.post("/logout")
    assert not is_logged_in(client)
    restore(client, stolen)
    assert not is_logged_in(client), "a copied session cookie outlived the log-out"
    restore(client, {"remember_token": stolen["remember_token"]})
    assert not is_logged_in(client), "a copied remember-me cookie outlived the log-out"
    assert not is_logged_in(other_device), "log-out ends the user's every session"


def test_copied_cookies_die_at_a_password_change_but_the_changer_stays_in(app, client):
    user_id = make_user(app, "li@example.cn")
    log_in(client, "li@example.cn")
    stolen = cookies(client)
    other_device = app.test_client()
    log_in(other_device, "li@example.cn")

    page = client.post("/account/password", data={"pw-current": PASSWORD, "pw-password": NEW_PASSWORD,
                                                  "pw-confirm": NEW_PASSWORD}, follow_redirects=True)
    assert page.status_code == 200 and "密码已修改" in page.get_data(as_text=True)
    assert is_logged_in(client), "the session that changed the password goes on"
    renewed = cookies(client)
    assert not is_logged_in(other_device)

    thief = app.test_client()
    restore(thief, stolen)
    assert not is_logged_in(thief), "a copied session cookie outlived the password change"
    restore(thief, {"remember_token": stolen["remember_token"]})
    assert not is_logged_in(thief), "a copied remember-me cookie outlived the password change"
    # the changer's own remember-me cookie was issued afresh and still works on its own
    returning = app.test_client()
    restore(returning, {"remember_token": renewed["remember_token"]})
    assert is_logged_in(returning)
    assert fetch_user(app, user_id).session_version == 1


def test_a_password_reset_ends_every_session(app, client, mail_log):
    make_user(app, "li@example.cn")
    log_in(client, "li@example.cn")
    stolen = cookies(client)
    stranger = app.test_client()
    stranger.post("/password/forgot", data={"email": "li@example.cn"})
    token = mailed_links(mail_log)[-1].rsplit("/", 1)[1]
    assert stranger.post(f"/password/reset/{token}",
                         data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302
    assert not is_logged_in(client)
    restore(client, stolen)
    assert not is_logged_in(client)
    restore(client, {"remember_token": stolen["remember_token"]})
    assert not is_logged_in(client)


def test_a_password_reset_revokes_api_tokens_made_from_a_stolen_session(app, client, mail_log):
    """A token made with a hijacked session would outlive the reset that ends the session itself."""
    from matchmaker.services import api_tokens

    user_id = make_user(app, "li@example.cn")
    with app.app_context():
        session = get_session()
        _token, raw = api_tokens.create_token(session, session.get(User, user_id), "从被盗会话创建")
        session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    client.post("/password/forgot", data={"email": "li@example.cn"})
    token = mailed_links(mail_log)[-1].rsplit("/", 1)[1]
    client.post(f"/password/reset/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_a_deactivated_account_reactivated_keeps_none_of_its_old_sessions(app, client):
    """Stolen cookies must not come back to life when an admin reactivates the account."""
    from matchmaker.services import admin as admin_service

    user_id = make_user(app, "li@example.cn")
    admin_id = make_user(app, "admin@example.cn", role="admin")
    log_in(client, "li@example.cn")
    stolen = cookies(client)
    with app.app_context():
        session = get_session()
        admin = session.get(User, admin_id)
        admin_service.set_active(session, admin, user_id, False)
        admin_service.set_active(session, admin, user_id, True)
        session.commit()
    restore(client, stolen)
    assert not is_logged_in(client)
    restore(client, {"remember_token": stolen["remember_token"]})
    assert not is_logged_in(client)


def test_a_session_from_before_session_versions_lasts_until_the_first_log_out(app, client):
    user_id = make_user(app, "li@example.cn")
    with client.session_transaction() as sess:
        sess["_user_id"], sess["_fresh"] = str(user_id), True
    old = cookies(client)
    assert is_logged_in(client)
    client.post("/logout")
    restore(client, old)
    assert not is_logged_in(client)


def test_remember_me_lasts_fourteen_days_unless_configured(app, client):
    make_user(app, "li@example.cn")
    page = log_in(client, "li@example.cn")
    cookie = next(c for c in page.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", cookie).group(1))
    left = expires - dt.datetime.now(dt.timezone.utc)
    assert dt.timedelta(days=13, hours=23) < left <= dt.timedelta(days=14)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_log_in_without_remember_me_drops_an_earlier_remember_me_cookie(app, client):
    make_user(app, "li@example.cn")
    make_user(app, "wu@example.cn")
    log_in(client, "li@example.cn")
    left_behind = cookies(client)["remember_token"]
    client.post("/logout")
    restore(client, {"remember_token": left_behind})
    assert log_in(client, "wu@example.cn", remember=False).status_code == 302
    assert client.get_cookie("remember_token") is None
    assert is_logged_in(client)


# --------------------------------------------------------------------------- session fixation, CSRF

def _csrf_field(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_log_in_starts_a_new_session_with_a_new_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    make_user(app, "li@example.cn")
    with client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
        sess["lang"] = "en"
    before = _csrf_field(client.get("/login").get_data(as_text=True))
    with client.session_transaction() as sess:
        raw_before = sess["csrf_token"]
    page = client.post("/login", data={"email": "li@example.cn", "password": PASSWORD, "csrf_token": before})
    assert page.status_code == 302
    with client.session_transaction() as sess:
        assert "planted" not in sess and sess["lang"] == "en", "only the chosen language survives log-in"
        assert sess.get("csrf_token") != raw_before
    after = re.search(r'<meta name="csrf-token" content="([^"]+)"', client.get("/account").get_data(as_text=True))
    assert after and after.group(1) != before
    with client.session_transaction() as sess:
        assert sess["csrf_token"] != raw_before
    # a token read before log-in (e.g. by a page the attacker controlled) is worthless afterwards
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.post("/logout", data={"csrf_token": after.group(1)}).status_code == 302


# --------------------------------------------------------------------------- password policy

def signup(uscc, **overrides):
    data = {"full_name": "王经理", "email": "wangjun@example.cn", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
            "mode": "create", "uscc": uscc, "ent_name": "苏州精工传动科技有限公司", "industry": "工业",
            "employees": "350", "revenue_wan": "5000", "assets_wan": "", "region": "江苏省", "city": "苏州",
            "description": "精密减速器", "contact_person": "王经理", "contact_phone": "0512-1234567",
            "contact_email": ""}
    data.update(overrides)
    return data


@pytest.mark.parametrize("password, message", [
    ("1234567890", "密码不能全是（或几乎全是）数字"),
    ("password12", "这是常见密码"),
    ("Qwertyuiop!", "这是常见密码"),
    ("wangjun-secret-9", "密码不能包含邮箱用户名"),
    ("精工传动科技2026ok", "密码不能包含企业（单位）名称"),
])
def test_sign_up_refuses_weak_passwords_with_the_reason(app, client, password, message):
    html = client.post("/register", data=signup(h.make_uscc(7101), password=password, confirm=password)
                       ).get_data(as_text=True)
    assert message in html
    with app.app_context():
        assert get_session().scalar(select(User).where(User.email == "wangjun@example.cn")) is None


def test_the_reasons_are_in_english_on_request_and_the_rules_are_on_the_form(client):
    html = client.post("/register?lang=en", data=signup(h.make_uscc(7102), password="password12",
                                                        confirm="password12")).get_data(as_text=True)
    assert "This is a common password (or a simple variant of one)" in html
    assert "not all digits, not a common password" in html
    assert "不能全是数字，不能是常见密码" in client.get("/register?lang=zh_CN").get_data(as_text=True)


def test_a_strong_password_signs_up(app, client):
    assert client.post("/register", data=signup(h.make_uscc(7103))).status_code == 302


def test_password_change_and_reset_apply_the_rules(app, client, mail_log):
    make_user(app, "li@example.cn")
    log_in(client, "li@example.cn")
    html = client.post("/account/password", data={"pw-current": PASSWORD, "pw-password": "password12",
                                                  "pw-confirm": "password12"}).get_data(as_text=True)
    assert "这是常见密码" in html
    html = client.post("/account/password", data={"pw-current": PASSWORD, "pw-password": "云帆精密机械2026!",
                                                  "pw-confirm": "云帆精密机械2026!"}).get_data(as_text=True)
    assert "密码不能包含企业（单位）名称" in html, "the service knows the user's enterprise"
    assert "不能全是数字" in client.get("/account").get_data(as_text=True), "the rules are shown by the form"
    client.post("/logout")
    client.post("/password/forgot", data={"email": "li@example.cn"})
    token = mailed_links(mail_log)[-1].rsplit("/", 1)[1]
    page = client.post(f"/password/reset/{token}", data={"password": "1234567890", "confirm": "1234567890"})
    assert page.status_code == 200 and "密码不能全是（或几乎全是）数字" in page.get_data(as_text=True)
    assert "不能全是数字" in client.get(f"/password/reset/{token}").get_data(as_text=True)
    assert log_in(client, "li@example.cn").status_code == 302, "the old password still works"


def test_the_command_line_applies_the_rules(app, monkeypatch):
    from click.testing import CliRunner

    from matchmaker.commands import accounts as commands
    monkeypatch.setattr(commands, "_app", lambda: app)
    weak = CliRunner().invoke(commands.users, ["create-admin", "root@example.cn", "--password", "password12"])
    assert weak.exit_code == 1 and "这是常见密码" in weak.output


# --------------------------------------------------------------------------- audit trail

def test_log_ins_failures_and_password_changes_are_audited(app, client, mail_log):
    user_id = make_user(app, "li@example.cn")
    log_in(client, "li@example.cn", password="not the password at all")
    log_in(client, "nobody@example.cn", password="not the password at all")
    log_in(client, "li@example.cn")
    client.post("/account/password", data={"pw-current": PASSWORD, "pw-password": NEW_PASSWORD,
                                           "pw-confirm": NEW_PASSWORD})
    client.post("/logout")
    client.post("/password/forgot", data={"email": "li@example.cn"})
    token = mailed_links(mail_log)[-1].rsplit("/", 1)[1]
    client.post(f"/password/reset/{token}", data={"password": "amber lantern road", "confirm": "amber lantern road"})

    entries = audit_actions(app)
    assert [a for a, *_ in entries] == ["user.login_failed", "user.login_failed", "user.login",
                                        "user.password_change", "user.password_reset_request", "user.password_reset"]
    failed_known, failed_unknown = entries[0], entries[1]
    assert failed_known[1] is None and failed_known[2] == str(user_id)
    assert failed_known[3] == {"email": "li@example.cn"}
    assert failed_unknown[1] is None and failed_unknown[2] is None and failed_unknown[3] == {"email": "nobody@example.cn"}
    assert entries[2][1] == user_id
    assert "not the password" not in repr(entries), "no password is ever recorded"
