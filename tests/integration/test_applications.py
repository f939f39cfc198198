"""Applications: applying with files, the file rules, review, withdrawal, and who may see what."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from matchmaker.models import Application, Attachment
from tests.integration import helpers
from tests.integration.postings_support import (
    PDF,
    PNG,
    docx_bytes,
    in_days,
    load_chains,
    login,
    logout,
    member,
    notifications_of,
    text,
)


@pytest.fixture
def market(db):
    """A published demand of a large enterprise, and two SMEs."""
    load_chains(db)
    buyer_ent, buyer = member(db, size="large", name="示范封测集团")
    sme_ent, sme = member(db, size="small", name="苏州键合丝有限公司")
    _rival_ent, rival = member(db, size="medium", name="无锡竞争者有限公司")
    demand = helpers.demand(db, buyer_ent, title="镀钯铜键合丝采购", kind="procurement", deadline=in_days(20))
    db.commit()
    return {"buyer": buyer, "sme": sme, "sme_ent": sme_ent, "rival": rival, "demand": demand, "buyer_ent": buyer_ent}


def _apply(client, demand, files=(), **fields):
    data = {"proposal": "月供 5000 km，交期两周。", "price": "12", "capability_id": ""}  # 万元
    data.update(fields)
    data["attachments"] = [(io.BytesIO(content), name) for name, content in files]
    return client.post(f"/demands/{demand.id}/apply", data=data, content_type="multipart/form-data",
                       follow_redirects=True)


def test_an_sme_applies_with_a_file_and_both_sides_are_notified(app, client, db, market):
    login(client, market["sme"])
    response = _apply(client, market["demand"], files=[("报价单.pdf", PDF)])
    assert "申请已提交" in text(response)
    application = db.scalar(select(Application))
    assert (application.status, float(application.price)) == ("submitted", 120000.0)
    [attachment] = application.attachments
    stored = Path(app.config["UPLOAD_FOLDER"]) / attachment.stored_name
    assert stored.read_bytes() == PDF and attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.filename == "报价单.pdf" and "报价单" not in attachment.stored_name
    assert not str(stored).startswith(str(Path(app.root_path) / "static"))
    assert any("苏州键合丝有限公司" in n and "报价" in n for n in notifications_of(db, market["buyer"]))

    login(client, market["buyer"])
    response = client.post(f"/applications/{application.id}/review", data={"status": "shortlisted",
                                                                           "message": "请下周来厂交流"},
                           follow_redirects=True)
    assert "已更新申请状态" in text(response)
    assert any("已入围" in n and "请下周来厂交流" in n for n in notifications_of(db, market["sme"]))


def test_nobody_applies_to_their_own_demand_and_anonymous_users_log_in_first(client, db, market):
    response = client.get(f"/demands/{market['demand'].id}/apply")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login(client, market["buyer"])
    assert client.get(f"/demands/{market['demand'].id}/apply").status_code == 403
    assert _apply(client, market["demand"]).status_code == 403
    assert db.scalar(select(Application)) is None


def test_one_application_per_enterprise_and_demand(client, db, market):
    login(client, market["sme"])
    _apply(client, market["demand"])
    response = _apply(client, market["demand"], proposal="第二份方案")
    assert "已申请过该需求" in text(response)
    assert len(db.scalars(select(Application)).all()) == 1


def test_a_draft_or_closed_demand_takes_no_applications(client, db, market):
    draft = helpers.demand(db, market["buyer_ent"], title="草稿", status="draft")
    closed = helpers.demand(db, market["buyer_ent"], title="已截止", status="closed")
    db.commit()
    login(client, market["sme"])
    assert client.get(f"/demands/{draft.id}/apply").status_code == 404
    assert "不接受申请" in text(_apply(client, closed))
    assert db.scalar(select(Application)) is None


@pytest.mark.parametrize("name, content, message", [
    ("程序.exe", b"MZ\x90\x00", "类型不允许"),
    ("伪装.pdf", PNG, "内容与扩展名 .pdf 不符"),
    ("空壳.docx", docx_bytes(with_document=False), "内容与扩展名 .docx 不符"),
    ("超大.pdf", PDF + b"0" * 2048, "超过"),
])
def test_bad_files_are_refused_with_a_reason_and_the_good_file_is_kept(app, client, db, market, name, content,
                                                                        message):
    app.config["UPLOAD_MAX_BYTES"] = 1024
    login(client, market["sme"])
    response = _apply(client, market["demand"], files=[("技术方案.docx", docx_bytes()), (name, content)])
    html = text(response)
    assert message in html and "申请已提交" in html
    application = db.scalar(select(Application))
    assert [a.filename for a in application.attachments] == ["技术方案.docx"]
    assert len(list(Path(app.config["UPLOAD_FOLDER"]).iterdir())) == 1


def test_a_bad_file_added_later_leaves_the_earlier_files(app, client, db, market):
    login(client, market["sme"])
    _apply(client, market["demand"], files=[("报价单.pdf", PDF)])
    application = db.scalar(select(Application))
    response = client.post(f"/applications/{application.id}/attachments",
                           data={"attachments": [(io.BytesIO(PNG), "照片.jpg"), (io.BytesIO(PNG), "样品.png")]},
                           content_type="multipart/form-data", follow_redirects=True)
    html = text(response)
    assert "内容与扩展名 .jpg 不符" in html and "已添加 1 个附件" in html
    db.expire_all()
    assert sorted(a.filename for a in application.attachments) == ["报价单.pdf", "样品.png"]


def test_attachments_are_served_only_to_the_applicant_and_the_demand_owner(client, db, market):
    login(client, market["sme"])
    _apply(client, market["demand"], files=[("报价单.pdf", PDF)])
    attachment = db.scalar(select(Attachment))
    url = f"/attachments/{attachment.id}"
    for who in ("sme", "buyer"):
        login(client, market[who])
        response = client.get(url)
        assert response.status_code == 200 and response.data == PDF
        assert response.headers["Content-Disposition"].startswith("attachment")
        assert response.headers["Content-Type"] == "application/pdf"
        response.close()
    _other_large_ent, other_large = member(db, size="large")
    for intruder in (market["rival"], other_large):
        login(client, intruder)
        assert client.get(url).status_code == 404
    logout(client)
    assert client.get(url).status_code == 302


def test_others_cannot_see_or_change_an_application(client, db, market):
    login(client, market["sme"])
    _apply(client, market["demand"], files=[("报价单.pdf", PDF)])
    application = db.scalar(select(Application))
    attachment = application.attachments[0]
    _other_large_ent, other_large = member(db, size="large")
    login(client, market["rival"])
    assert client.get(f"/applications/{application.id}").status_code == 404
    assert client.post(f"/applications/{application.id}/withdraw").status_code == 404
    assert client.post(f"/applications/{application.id}/attachments", data={}).status_code == 404
    assert client.post(f"/attachments/{attachment.id}/delete").status_code == 404
    login(client, other_large)
    assert client.get(f"/applications/{application.id}").status_code == 404
    assert client.post(f"/applications/{application.id}/review", data={"status": "accepted"}).status_code == 404
    assert "苏州键合丝有限公司" not in text(client.get("/applications/received"))
    db.expire_all()
    assert application.status == "submitted" and len(application.attachments) == 1


def test_review_follows_the_lifecycle_and_refuses_illegal_moves(client, db, market):
    login(client, market["sme"])
    _apply(client, market["demand"])
    application = db.scalar(select(Application))
    login(client, market["buyer"])
    client.post(f"/applications/{application.id}/review", data={"status": "accepted", "message": "恭喜中标"})
    response = client.post(f"/applications/{application.id}/review", data={"status": "rejected"},
                           follow_redirects=True)
    assert "申请不能从“已接受”变为“未采纳”" in text(response)
    db.expire_all()
    assert application.status == "accepted" and application.message == "恭喜中标"
    assert any("已接受" in n for n in notifications_of(db, market["sme"]))
    login(client, market["sme"])
    response = client.post(f"/applications/{application.id}/withdraw", follow_redirects=True)
    assert "申请不能从“已接受”变为“已撤回”" in text(response)


def test_withdrawing_tells_the_demand_owner(client, db, market):
    login(client, market["sme"])
    _apply(client, market["demand"])
    application = db.scalar(select(Application))
    client.post(f"/applications/{application.id}/withdraw")
    db.expire_all()
    assert application.status == "withdrawn"
    assert any("撤回" in n for n in notifications_of(db, market["buyer"]))


def test_each_side_lists_its_own_applications(client, db, market):
    login(client, market["sme"])
    assert "还没有申请" in text(client.get("/applications/mine"))
    _apply(client, market["demand"])
    assert "镀钯铜键合丝采购" in text(client.get("/applications/mine"))
    assert "苏州键合丝有限公司" not in text(client.get("/applications/received"))  # an SME's own list: none received
    login(client, market["buyer"])
    html = text(client.get(f"/applications/received?demand={market['demand'].id}"))
    assert "苏州键合丝有限公司" in html
    assert "镀钯铜键合丝采购" not in text(client.get("/applications/mine"))  # the buyer sent none
    _other_ent, other_large = member(db, size="large")
    login(client, other_large)
    assert client.get(f"/applications/received?demand={market['demand'].id}").status_code == 404


def test_simultaneous_submissions_store_one_application(app, db, market):
    """The same application sent 10 times at once (a double click, two colleagues): one is stored,
    the others are told it exists; no error page."""
    from tests.integration.test_concurrency import _at_once

    demand = market["demand"]
    data = {"proposal": "月供 5000 km，交期两周。", "price": "12", "capability_id": ""}
    results = _at_once(app, [(market["sme"], "POST", f"/demands/{demand.id}/apply", data)] * 10)
    assert {code for code, _ in results} == {200}
    db.rollback()
    assert len(db.scalars(select(Application).where(Application.demand_id == demand.id)).all()) == 1
    assert sum("申请已提交" in body for _, body in results) == 1
    assert all("申请已提交" in body or "已申请过该需求" in body for _, body in results)


def test_the_buyer_sees_whether_each_applicant_is_verified(client, db, market):
    """An unverified organisation may apply at once; the buyer sees so on the list and the application."""
    market["sme_ent"].verified = False
    db.commit()
    login(client, market["sme"])
    _apply(client, market["demand"])
    login(client, market["buyer"])
    row = text(client.get("/applications/received")).split("苏州键合丝有限公司", 1)[1].split("</tr>")[0]
    assert "未核验" in row
    application = db.scalar(select(Application).where(Application.enterprise_id == market["sme_ent"].id))
    page = text(client.get(f"/applications/{application.id}"))
    assert 'data-test="applicant-verification">未核验' in page and "平台尚未核验该单位的身份信息" in page
    market["sme_ent"].verified = True
    db.commit()
    assert 'data-test="applicant-verification">已核验' in text(client.get(f"/applications/{application.id}"))
