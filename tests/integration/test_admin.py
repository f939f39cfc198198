"""Administration: only admins verify, manage users and read the audit log; every change is audited."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.models import AuditLog, Notification, Qualification, User
from matchmaker.services import audit
from tests.integration import helpers as h
from tests.integration.account_helpers import PASSWORD, act_as

ADMIN_GETS = ("/admin/", "/admin/enterprises", "/admin/qualifications", "/admin/users", "/admin/audit",
              "/admin/users/new-organiser")


@pytest.fixture
def admin(db):
    user = h.user(db, role="admin", email="admin@example.cn")
    db.commit()
    return user


def test_only_admins_reach_the_admin_pages(client, db, admin):
    ent = h.enterprise(db, verified=False)
    qual = Qualification(enterprise_id=ent.id, name="ISO 9001", canonical="ISO 9001")
    db.add(qual)
    target = h.user(db, ent)
    organiser = h.user(db, role="organiser")
    db.commit()
    for path in ADMIN_GETS:
        assert client.get(path).status_code == 302  # anonymous: log in first
    posts = (f"/admin/enterprises/{ent.id}/verify", f"/admin/qualifications/{qual.id}/verify",
             f"/admin/users/{target.id}/active", f"/admin/users/{target.id}/role", "/admin/users/new-organiser")
    for who in (target, organiser):
        act_as(client, who)
        for path in ADMIN_GETS:
            assert client.get(path).status_code == 403, path
        for path in posts:
            assert client.post(path, data={"value": "0", "role": "admin"}).status_code == 403, path
    db.refresh(ent), db.refresh(qual), db.refresh(target)
    assert not ent.verified and not qual.verified and target.active and target.role == "enterprise"
    assert db.scalar(select(AuditLog)) is None
    act_as(client, admin)
    for path in ADMIN_GETS:
        assert client.get(path).status_code == 200, path


def test_admin_verifies_an_enterprise_and_a_qualification_with_audit_entries(client, db, admin):
    ent = h.enterprise(db, name="常州恒力液压件有限公司", verified=False)
    member = h.user(db, ent)
    qual = Qualification(enterprise_id=ent.id, name="IATF 16949", canonical="IATF 16949")
    db.add(qual)
    db.commit()
    act_as(client, admin)
    assert "常州恒力液压件有限公司" in client.get("/admin/enterprises").get_data(as_text=True)
    assert "IATF 16949" in client.get("/admin/qualifications").get_data(as_text=True)
    client.post(f"/admin/enterprises/{ent.id}/verify", data={"value": "1"})
    client.post(f"/admin/qualifications/{qual.id}/verify", data={"value": "1"})
    db.refresh(ent), db.refresh(qual)
    assert ent.verified and ent.verified_at is not None
    assert qual.verified and qual.verified_by_id == admin.id
    entries = {(e.action, e.object_id, e.user_id) for e in db.scalars(select(AuditLog))}
    assert ("enterprise.verify", str(ent.id), admin.id) in entries
    assert ("qualification.verify", str(qual.id), admin.id) in entries
    notes = db.scalars(select(Notification).where(Notification.user_id == member.id)).all()
    assert len(notes) == 2 and {n.link for n in notes} == {f"/enterprises/{ent.id}"}
    act_as(client, None)
    html = client.get(f"/enterprises/{ent.id}").get_data(as_text=True)
    assert "平台已核验单位名称与统一社会信用代码" in html and "平台已核验" in html
    act_as(client, admin)
    assert "没有待核验的资质" in client.get("/admin/qualifications").get_data(as_text=True)
    client.post(f"/admin/enterprises/{ent.id}/verify", data={"value": "0"})
    db.refresh(ent)
    assert not ent.verified
    assert db.scalar(select(AuditLog).where(AuditLog.action == "enterprise.unverify")) is not None


def test_admin_finds_deactivates_and_changes_roles_of_users(client, db, admin):
    ent = h.enterprise(db, name="杭州云帆软件有限公司")
    target = h.user(db, ent, email="lin@yunfan.cn")
    h.user(db, email="someone.else@example.cn")
    db.commit()
    act_as(client, admin)
    html = client.get("/admin/users?q=yunfan").get_data(as_text=True)
    assert "lin@yunfan.cn" in html and "someone.else@example.cn" not in html
    assert "lin@yunfan.cn" in client.get("/admin/users?q=云帆").get_data(as_text=True)
    client.post(f"/admin/users/{target.id}/active", data={"value": "0"})
    promoted = client.post(f"/admin/users/{target.id}/role", data={"role": "organiser"})
    # A new organiser is national until its region is set, so the admin is taken to set it.
    assert promoted.status_code == 302 and promoted.headers["Location"].endswith(f"/admin/users/{target.id}/scope")
    db.refresh(target)
    assert not target.active and target.role == "organiser"
    role = db.scalar(select(AuditLog).where(AuditLog.action == "user.role"))
    assert role.user_id == admin.id and role.details == {"email": "lin@yunfan.cn", "old": "enterprise",
                                                         "new": "organiser"}
    assert db.scalar(select(AuditLog).where(AuditLog.action == "user.deactivate")).object_id == str(target.id)
    act_as(client, None)
    html = client.post("/login", data={"email": "lin@yunfan.cn", "password": PASSWORD}).get_data(as_text=True)
    assert "该账号已停用" in html


def test_admin_cannot_lock_themselves_out(client, db, admin):
    act_as(client, admin)
    page = client.post(f"/admin/users/{admin.id}/active", data={"value": "0"}, follow_redirects=True)
    assert "不能修改自己的状态或角色" in page.get_data(as_text=True)
    client.post(f"/admin/users/{admin.id}/role", data={"role": "enterprise"})
    db.refresh(admin)
    assert admin.active and admin.role == "admin"


def test_admin_creates_organiser_accounts(client, db, admin):
    act_as(client, admin)
    html = client.post("/admin/users/new-organiser", data={
        "name": "刘处长", "email": "liu@gxj.gov.cn", "organisation": "示范市工业和信息化局",
        "password": "short", "confirm": "short"}).get_data(as_text=True)
    assert "至少需要 10 个字符" in html
    page = client.post("/admin/users/new-organiser", data={
        "name": "刘处长", "email": "Liu@gxj.gov.cn", "organisation": "示范市工业和信息化局",
        "password": "fair-organiser-2026", "confirm": "fair-organiser-2026"})
    assert page.status_code == 302
    organiser = db.scalar(select(User).where(User.email == "liu@gxj.gov.cn"))
    assert organiser.role == "organiser" and organiser.organisation == "示范市工业和信息化局"
    assert db.scalar(select(AuditLog).where(AuditLog.action == "user.create_organiser")).user_id == admin.id
    html = client.post("/admin/users/new-organiser", data={
        "name": "重复", "email": "liu@gxj.gov.cn", "password": "fair-organiser-2026",
        "confirm": "fair-organiser-2026"}).get_data(as_text=True)
    assert "该邮箱已注册" in html
    act_as(client, None)
    assert client.post("/login", data={"email": "liu@gxj.gov.cn", "password": "fair-organiser-2026"}
                       ).status_code == 302


def test_audit_log_paginates_and_filters(client, db, admin):
    other = h.user(db, email="clerk@example.cn")
    for i in range(23):
        audit.record(db, admin.id, "enterprise.verify", object_type="Enterprise", object_id=i)
    audit.record(db, other.id, "user.password_change", other)
    db.commit()
    act_as(client, admin)
    first = client.get("/admin/audit").get_data(as_text=True)
    assert "1 / 2" in first and "user.password_change" in first
    assert client.get("/admin/audit?page=2").get_data(as_text=True).count("<code>enterprise.verify</code>") == 4
    only = client.get("/admin/audit?action=user.password_change").get_data(as_text=True)
    assert "clerk@example.cn" in only and "<code>enterprise.verify</code>" not in only
    by_user = client.get("/admin/audit?user=clerk").get_data(as_text=True)
    assert "<code>user.password_change</code>" in by_user and "<code>enterprise.verify</code>" not in by_user
    assert "没有符合条件的记录" in client.get("/admin/audit?user=nobody@x").get_data(as_text=True)


def test_cli_creates_the_first_admin(app, db, monkeypatch):
    from click.testing import CliRunner

    from matchmaker.commands import accounts as commands
    monkeypatch.setattr(commands, "_app", lambda: app)
    runner = CliRunner()
    weak = runner.invoke(commands.users, ["create-admin", "root@example.cn", "--password", "short"])
    assert weak.exit_code == 1 and "至少需要 10 个字符" in weak.output
    done = runner.invoke(commands.users, ["create-admin", "Root@Example.cn", "--password", "a-strong-passphrase"])
    assert done.exit_code == 0, done.output
    db.expire_all()
    root = db.scalar(select(User).where(User.email == "root@example.cn"))
    assert root.role == "admin" and root.active
    again = runner.invoke(commands.users, ["create-admin", "root@example.cn", "--password", "a-strong-passphrase"])
    assert again.exit_code == 1 and "该邮箱已注册" in again.output


def test_deactivation_ends_open_sessions(client, db, admin):
    user = h.user(db, h.enterprise(db))
    db.commit()
    act_as(client, user)
    assert client.get("/account").status_code == 200
    user.active = False
    db.commit()
    act_as(client, user)  # same session cookie, fresh request
    assert client.get("/account").status_code == 302
    assert client.get("/enterprises/mine").status_code == 302
