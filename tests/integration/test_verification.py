"""Organisation verification: admins approve or refuse with a reason the organisation is shown; a member's
rename of a verified organisation is confirmed first and sends it back to the queue; renaming back restores it."""
from __future__ import annotations

import lxml.html
import pytest
from sqlalchemy import func, select

from matchmaker.models import AuditLog, Enterprise, Notification
from matchmaker.services import seeding
from matchmaker.services.imports import run_import
from tests.integration import helpers as h
from tests.integration.account_helpers import act_as

OLD = "苏州精工传动有限公司"
NEW = "苏州精工传动科技有限公司"
REASON = "单位名称与统一社会信用代码登记的名称不一致，请按营业执照填写全称。"


def edit_data(**overrides):
    data = {"ent_name": OLD, "industry": "工业", "employees": "120", "revenue_wan": "1500", "assets_wan": "",
            "region": "江苏省", "city": "苏州", "description": "精密减速器与伺服传动",
            "contact_person": "王经理", "contact_phone": "0512-1234567", "contact_email": "sales@example.cn"}
    data.update(overrides)
    return data


@pytest.fixture
def admin(db):
    user = h.user(db, role="admin", email="admin@example.cn")
    db.commit()
    return user


@pytest.fixture
def verified(db):
    """A verified organisation (verified under its present name) and one of its members."""
    ent = h.enterprise(db, name=OLD, verified=True, verified_name=OLD)
    member = h.user(db, ent)
    db.commit()
    return ent, member


@pytest.fixture
def waiting(db):
    """An organisation waiting for its first check, and one of its members."""
    ent = h.enterprise(db, name=OLD, verified=False)
    member = h.user(db, ent)
    db.commit()
    return ent, member


def page(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def queue(client, status="pending") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(page(client.get(f"/admin/enterprises?status={status}")))


def row(doc, ent) -> lxml.html.HtmlElement | None:
    found = doc.xpath(f"//tr[@data-enterprise-id='{ent.id}']")
    return found[0] if found else None


def actions(db, action: str) -> list[AuditLog]:
    return list(db.scalars(select(AuditLog).where(AuditLog.action == action)))


def reject(client, ent, reason=REASON, **extra):
    return client.post(f"/admin/enterprises/{ent.id}/reject",
                       data={"reason": reason, "checked_name": ent.name, **extra})


# --------------------------------------------------------------------------- refusing with a reason

def test_a_refusal_needs_a_reason_of_bounded_length(client, db, admin, waiting):
    ent, _member = waiting
    act_as(client, admin)
    form = lxml.html.fromstring(page(client.get(f"/admin/enterprises/{ent.id}/reject")))
    assert form.xpath("//textarea[@name='reason']") and form.xpath(f"//input[@name='checked_name'][@value='{OLD}']")
    for reason, error in (("", "请填写不予核验的原因"), ("   \n ", "请填写不予核验的原因"), ("名" * 501, "原因不超过 500 字")):
        doc = lxml.html.fromstring(page(reject(client, ent, reason)))
        box = doc.xpath("//textarea[@name='reason']")[0]
        assert box.get("aria-invalid") == "true" and "reason-error" in box.get("aria-describedby")
        assert error in doc.xpath("//*[@id='reason-error']")[0].text_content()
    db.refresh(ent)
    assert ent.verification_rejected_at is None and ent.verification_note is None
    assert not actions(db, "enterprise.reject")
    assert db.scalar(select(func.count()).select_from(Notification)) == 0


def test_the_reason_reaches_the_organisation_and_only_it(client, db, admin, waiting):
    ent, member = waiting
    act_as(client, admin)
    response = reject(client, ent, next="/admin/enterprises?status=pending")
    assert response.status_code == 302 and response.headers["Location"] == "/admin/enterprises?status=pending"
    db.refresh(ent)
    assert not ent.verified and ent.verification_note == REASON and ent.verification_rejected_at is not None
    entry = actions(db, "enterprise.reject")[0]
    assert entry.user_id == admin.id and entry.object_id == str(ent.id) and entry.details["reason"] == REASON
    note = db.scalar(select(Notification).where(Notification.user_id == member.id))
    assert "未通过平台核验" in note.text and REASON.rstrip("。") in note.text and note.link == f"/enterprises/{ent.id}"
    # The admins' list: refused, not in the queue any more.
    assert row(queue(client), ent) is None
    refused = row(queue(client, "rejected"), ent)
    assert "未通过核验" in refused.text_content() and REASON in refused.text_content()
    # The organisation sees the reason and what to do next on its page and its workbench.
    act_as(client, member)
    own = lxml.html.fromstring(page(client.get(f"/enterprises/{ent.id}")))
    box = own.xpath("//*[@data-test='verification-rejected']")[0].text_content()
    assert REASON in box and "下一步" in box and own.xpath("//*[@data-test='verification-rejected']"
                                                          f"//a[@href='/enterprises/{ent.id}/edit']")
    bench = page(client.get("/workbench/"))
    assert REASON in bench and "平台未通过本单位的核验" in bench
    # Other people see only that it is not verified.
    act_as(client, h.user(db, h.enterprise(db)))
    db.commit()
    assert REASON not in page(client.get(f"/enterprises/{ent.id}"))
    act_as(client, None)
    assert REASON not in page(client.get(f"/enterprises/{ent.id}"))


def test_only_admins_refuse(client, db, admin, waiting):
    ent, member = waiting
    organiser = h.user(db, role="organiser")
    outsider = h.user(db, h.enterprise(db))
    db.commit()
    assert client.get(f"/admin/enterprises/{ent.id}/reject").status_code == 302  # log in first
    assert reject(client, ent).status_code == 302
    for who in (member, organiser, outsider):
        act_as(client, who)
        assert client.get(f"/admin/enterprises/{ent.id}/reject").status_code == 403
        assert reject(client, ent).status_code == 403
        assert client.post(f"/admin/enterprises/{ent.id}/verify", data={"value": "1"}).status_code == 403
    db.refresh(ent)
    assert ent.verification_note is None and ent.verification_rejected_at is None and not ent.verified
    assert not actions(db, "enterprise.reject") and not actions(db, "enterprise.verify")
    act_as(client, admin)
    assert client.get("/admin/enterprises/999999/reject").status_code == 404
    assert client.post("/admin/enterprises/999999/reject", data={"reason": REASON}).status_code == 404


def test_an_edit_after_a_refusal_sends_it_back_to_the_queue(client, db, admin, waiting):
    ent, member = waiting
    act_as(client, admin)
    reject(client, ent)
    act_as(client, member)
    done = page(client.post(f"/enterprises/{ent.id}/edit", data=edit_data(city="苏州工业园区"), follow_redirects=True))
    assert "已重新提交平台核验" in done
    db.refresh(ent)
    assert ent.verification_rejected_at is None and ent.verification_note == REASON and not ent.verified
    assert actions(db, "enterprise.update")[0].details["verification"] == "resubmitted"
    assert "上次未通过的原因" in done  # the organisation's page: waiting again, the last reason as history
    act_as(client, admin)
    again = row(queue(client), ent)
    assert again is not None and again.get("data-state") == "pending" and REASON in again.text_content()
    assert row(queue(client, "rejected"), ent) is None
    client.post(f"/admin/enterprises/{ent.id}/verify", data={"value": "1", "name": OLD})
    db.refresh(ent)
    assert ent.verified and ent.verified_name == OLD and ent.verified_at is not None
    assert ent.verification_note is None and ent.verification_rejected_at is None
    assert row(queue(client, "verified"), ent) is not None


def test_the_queue_filters_and_the_dashboard_counts(client, db, admin):
    pending = h.enterprise(db, name="待核验甲有限公司", verified=False)
    refused = h.enterprise(db, name="已退回乙有限公司", verified=False)
    done = h.enterprise(db, name="已核验丙有限公司", verified=True, verified_name="已核验丙有限公司")
    db.commit()
    act_as(client, admin)
    reject(client, refused, "名称不符")
    listed = {status: {e.get("data-enterprise-id") for e in queue(client, status).xpath("//tr[@data-enterprise-id]")}
              for status in ("pending", "rejected", "verified", "all")}
    assert listed["pending"] == {str(pending.id)} and listed["rejected"] == {str(refused.id)}
    assert listed["verified"] == {str(done.id)} and listed["all"] == {str(pending.id), str(refused.id), str(done.id)}
    assert listed["pending"] == {e.get("data-enterprise-id") for e in queue(client, "unverified")
                                 .xpath("//tr[@data-enterprise-id]")}  # the queue's former name
    assert str(pending.id) in {e.get("data-enterprise-id") for e in lxml.html.fromstring(
        page(client.get("/admin/enterprises"))).xpath("//tr[@data-enterprise-id]")}
    home = lxml.html.fromstring(page(client.get("/admin/")))
    assert home.xpath("//a[@href='/admin/enterprises?status=pending']//strong")[0].text == "1"
    assert home.xpath("//a[@href='/admin/enterprises?status=rejected']//strong")[0].text == "1"


def test_a_decision_on_a_name_since_changed_is_refused(client, db, admin, waiting):
    ent, member = waiting
    act_as(client, admin)
    seen = lxml.html.fromstring(page(client.get(f"/admin/enterprises/{ent.id}/reject")))
    act_as(client, member)
    client.post(f"/enterprises/{ent.id}/edit", data=edit_data(ent_name=NEW))
    act_as(client, admin)
    stale = {"reason": REASON, "checked_name": seen.xpath("//input[@name='checked_name']/@value")[0]}
    assert "刚刚更名为" in page(client.post(f"/admin/enterprises/{ent.id}/reject", data=stale))
    listed = page(client.post(f"/admin/enterprises/{ent.id}/verify", data={"value": "1", "name": OLD},
                              follow_redirects=True))
    assert "刚刚更名为" in listed
    db.refresh(ent)
    assert not ent.verified and ent.verification_rejected_at is None


# --------------------------------------------------------------------------- renaming a verified organisation

def test_the_edit_form_says_before_saving_that_a_new_name_needs_a_new_check(client, db, verified, admin):
    ent, member = verified
    act_as(client, member)
    doc = lxml.html.fromstring(page(client.get(f"/enterprises/{ent.id}/edit")))
    name = doc.xpath("//input[@name='ent_name']")[0]
    assert "更名后需平台重新核验" in doc.xpath(f"//*[@id='{name.get('aria-describedby')}']")[0].text_content()
    assert "我了解：更名后需重新核验" in doc.xpath("//input[@name='confirm_rename'][@type='checkbox']/..")[0].text_content()
    act_as(client, admin)  # an admin's correction keeps the verification: nothing to confirm
    assert not lxml.html.fromstring(page(client.get(f"/enterprises/{ent.id}/edit"))).xpath(
        "//input[@name='confirm_rename']")


def test_a_rename_without_confirmation_is_refused_at_the_name_and_changes_nothing(client, db, verified):
    ent, member = verified
    act_as(client, member)
    doc = lxml.html.fromstring(page(client.post(f"/enterprises/{ent.id}/edit",
                                                data=edit_data(ent_name=NEW, city="无锡"))))
    name = doc.xpath("//input[@name='ent_name']")[0]
    assert name.get("aria-invalid") == "true" and "ent_name-error" in name.get("aria-describedby").split()
    assert "我了解：更名后需重新核验" in doc.xpath("//*[@id='ent_name-error']")[0].text_content()
    assert name.get("value") == NEW  # what was typed stays in the form
    assert doc.xpath("//*[@id='error-summary']//a[@href='#ent_name']")
    db.refresh(ent)
    assert ent.name == OLD and ent.city != "无锡" and ent.verified and ent.verified_name == OLD
    assert not actions(db, "enterprise.update")
    # Other changes need no confirmation.
    assert client.post(f"/enterprises/{ent.id}/edit", data=edit_data(city="无锡")).status_code == 302
    db.refresh(ent)
    assert ent.city == "无锡" and ent.verified


def test_a_confirmed_rename_waits_in_the_queue_under_its_old_name(client, db, verified, admin):
    ent, member = verified
    act_as(client, member)
    done = page(client.post(f"/enterprises/{ent.id}/edit", data=edit_data(ent_name=NEW, confirm_rename="y"),
                            follow_redirects=True))
    assert "需平台重新核验" in done and OLD in done
    db.refresh(ent)
    assert ent.name == NEW and not ent.verified and ent.verified_at is None and ent.verified_name == OLD
    entry = actions(db, "enterprise.update")[0]
    assert entry.details["renamed_from"] == OLD and entry.details["verification"] == "lifted"
    own = lxml.html.fromstring(done).xpath("//*[@data-test='verification-pending']")[0].text_content()
    assert "更名后待平台重新核验" in own and OLD in own
    assert "更名后待平台重新核验" in page(client.get("/workbench/"))
    act_as(client, admin)
    waiting = row(queue(client), ent)
    assert waiting is not None and f"原名 {OLD}，改名后待重新核验" in waiting.xpath(".//*[@data-test='renamed']")[0].text
    client.post(f"/admin/enterprises/{ent.id}/verify", data={"value": "1", "name": NEW})
    db.refresh(ent)
    assert ent.verified and ent.verified_name == NEW


def test_renaming_back_before_any_decision_restores_the_verification(client, db, verified, admin):
    ent, member = verified
    act_as(client, member)
    client.post(f"/enterprises/{ent.id}/edit", data=edit_data(ent_name=NEW, confirm_rename="y"))
    back = page(client.post(f"/enterprises/{ent.id}/edit", data=edit_data(ent_name=OLD), follow_redirects=True))
    assert "已恢复“已核验”" in back
    db.refresh(ent)
    assert ent.name == OLD and ent.verified and ent.verified_at is not None and ent.verified_name == OLD
    assert [e.details.get("verification") for e in actions(db, "enterprise.update")] == ["lifted", "restored"]
    act_as(client, admin)
    assert row(queue(client), ent) is None


def test_after_a_refusal_renaming_back_restores_nothing(client, db, verified, admin):
    ent, member = verified
    act_as(client, member)
    client.post(f"/enterprises/{ent.id}/edit", data=edit_data(ent_name=NEW, confirm_rename="y"))
    act_as(client, admin)
    reject(client, ent)
    act_as(client, member)
    client.post(f"/enterprises/{ent.id}/edit", data=edit_data(ent_name=OLD))
    db.refresh(ent)
    assert ent.name == OLD and not ent.verified and ent.verification_rejected_at is None  # back in the queue


def test_after_refusing_a_verified_organisation_its_page_no_longer_calls_the_old_name_checked(
        client, db, verified, admin):
    """Refusing a verified organisation withdraws the verification: a later rename must not be shown as
    "renamed since the check", since the platform's last word on the old name is the refusal."""
    ent, member = verified
    act_as(client, admin)
    reject(client, ent)
    act_as(client, member)
    client.post(f"/enterprises/{ent.id}/edit", data=edit_data(ent_name=NEW))
    html = page(client.get(f"/enterprises/{ent.id}"))
    assert "平台核验过的名称" not in html
    act_as(client, admin)
    assert "改名后待重新核验" not in page(client.get("/admin/enterprises?status=all"))


def test_a_withdrawn_verification_is_not_restored_by_a_rename(client, db, verified, admin):
    ent, member = verified
    act_as(client, admin)
    client.post(f"/admin/enterprises/{ent.id}/verify", data={"value": "0", "name": OLD})
    db.refresh(ent)
    assert not ent.verified and ent.verified_name is None
    act_as(client, member)
    client.post(f"/enterprises/{ent.id}/edit", data=edit_data(ent_name=NEW))
    client.post(f"/enterprises/{ent.id}/edit", data=edit_data(ent_name=OLD))
    db.refresh(ent)
    assert not ent.verified


def test_an_admin_rename_keeps_the_verification(client, db, verified, admin):
    ent, _member = verified
    act_as(client, admin)
    assert client.post(f"/enterprises/{ent.id}/edit", data=edit_data(ent_name=NEW)).status_code == 302
    db.refresh(ent)
    assert ent.name == NEW and ent.verified and ent.verified_name == NEW
    assert row(queue(client), ent) is None


def test_an_import_renaming_a_verified_organisation_keeps_it_verified_under_the_new_name(db, verified, tmp_path):
    """Imports change managed organisations only when an admin (or the command line) runs them."""
    ent, _member = verified
    path = tmp_path / "rename.csv"
    path.write_text(f"名称,信用代码\n{NEW},{ent.uscc}\n", encoding="utf-8")
    run_import(db, "enterprises", path)
    db.commit()
    db.refresh(ent)
    assert ent.name == NEW and ent.verified and ent.verified_name == NEW


def test_seeded_verified_organisations_record_the_name_verified(db):
    seeding.seed_demo(db)
    db.commit()
    organisations = list(db.scalars(select(Enterprise)))
    assert any(e.verified for e in organisations) and any(not e.verified for e in organisations)
    assert all(e.verified_name == (e.name if e.verified else None) for e in organisations)


def test_the_api_offers_no_way_round_the_rule(client, db, verified):
    """The API reads enterprises only: no write reaches an organisation's name."""
    ent, _member = verified
    for method in ("put", "patch", "post", "delete"):
        response = getattr(client, method)(f"/api/v1/enterprises/{ent.id}", json={"name": NEW})
        assert response.status_code == 405, method
    db.refresh(ent)
    assert ent.name == OLD and ent.verified


# --------------------------------------------------------------------------- forgery

def test_the_verification_forms_need_the_csrf_token(client, db, app, verified, admin):
    ent, member = verified
    app.config["WTF_CSRF_ENABLED"] = True
    act_as(client, admin)
    for path in (f"/admin/enterprises/{ent.id}/reject", "/admin/enterprises?status=all"):
        assert 'name="csrf_token"' in page(client.get(path))
    assert reject(client, ent).status_code == 400
    assert client.post(f"/admin/enterprises/{ent.id}/verify", data={"value": "0", "name": OLD}).status_code == 400
    act_as(client, member)
    assert 'name="csrf_token"' in page(client.get(f"/enterprises/{ent.id}/edit"))
    assert client.post(f"/enterprises/{ent.id}/edit",
                       data=edit_data(ent_name=NEW, confirm_rename="y")).status_code == 400
    db.refresh(ent)
    assert ent.name == OLD and ent.verified and ent.verification_note is None
    assert db.scalar(select(func.count()).select_from(AuditLog)) == 0
    assert db.scalar(select(Enterprise).where(Enterprise.name == NEW)) is None
