"""Open innovation resources: opening, finding, requesting, answering, and who may do what."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.models import OpenResource, ResourceRequest
from tests.integration.postings_support import (
    load_chains,
    login,
    logout,
    member,
    notifications_of,
    text,
)


@pytest.fixture
def lab(client, db):
    """A large enterprise that opened a reliability lab through the site, and two SMEs."""
    load_chains(db)
    _owner_ent, owner = member(db, size="large", name="示范封测集团", region="江苏省")
    _sme_ent, sme = member(db, size="small", name="苏州芯片设计有限公司")
    _rival_ent, rival = member(db, size="small", name="另一家中小企业")
    login(client, owner)
    response = client.post("/resources/new", data={
        "kind": "equipment", "title": "失效分析实验室（FIB/SEM）", "description": "开放聚焦离子束与扫描电镜。",
        "chain_nodes": ["icpkg.reliability"], "conditions": "签署保密协议", "fee": "按机时收费",
        "location": "苏州工业园区", "availability": "工作日", "region": "江苏省"})
    assert response.status_code == 302
    logout(client)
    return {"owner": owner, "sme": sme, "rival": rival, "resource": db.scalar(select(OpenResource))}


def test_smes_find_open_resources_with_filters(client, db, lab):
    assert "失效分析实验室" in text(client.get("/resources/?kind=equipment&chain=icpkg&region=江苏"))
    assert "失效分析实验室" not in text(client.get("/resources/?kind=capacity"))
    assert "失效分析实验室" not in text(client.get("/resources/?chain=agri"))
    assert "失效分析实验室" in text(client.get("/resources/?q=电镜"))
    assert "签署保密协议" in text(client.get(f"/resources/{lab['resource'].id}"))


def test_any_verified_organisation_opens_resources_and_anonymous_users_log_in(client, db, lab):
    """携手行动: large firms, SMEs and institutes all open 创新资源; what counts is a checked identity."""
    login(client, lab["sme"])
    assert client.get("/resources/new").status_code == 200
    assert client.post("/resources/new", data={"kind": "rnd", "title": "芯片测试座共享"}).status_code == 302
    logout(client)
    assert client.get("/resources/new").status_code == 302
    assert len(db.scalars(select(OpenResource)).all()) == 2


def test_request_and_approval_notify_both_sides(client, db, lab):
    resource = lab["resource"]
    login(client, lab["sme"])
    response = client.post(f"/resources/{resource.id}/request", data={"message": "需要做两批样品的FIB切片。"},
                           follow_redirects=True)
    assert "申请已发送" in text(response)
    assert any("苏州芯片设计有限公司" in n for n in notifications_of(db, lab["owner"]))
    response = client.post(f"/resources/{resource.id}/request", data={"message": "再申请一次"}, follow_redirects=True)
    assert "已有一份待答复的申请" in text(response)

    req = db.scalar(select(ResourceRequest))
    login(client, lab["owner"])
    assert "需要做两批样品的FIB切片" in text(client.get("/resources/requests/received"))
    response = client.post(f"/resources/requests/{req.id}/decide", data={"decision": "declined", "reply": ""},
                           follow_redirects=True)
    assert "婉拒时请写明原因" in text(response)
    client.post(f"/resources/requests/{req.id}/decide", data={"decision": "approved", "reply": "请周三上午来"})
    db.expire_all()
    assert (req.status, req.reply) == ("approved", "请周三上午来")
    assert any("已同意" in n and "请周三上午来" in n for n in notifications_of(db, lab["sme"]))
    response = client.post(f"/resources/requests/{req.id}/decide", data={"decision": "declined", "reply": "改主意"},
                           follow_redirects=True)
    assert "不能再答复" in text(response)


def test_others_cannot_answer_withdraw_or_edit(client, db, lab):
    resource = lab["resource"]
    login(client, lab["sme"])
    client.post(f"/resources/{resource.id}/request", data={"message": "申请使用"})
    req = db.scalar(select(ResourceRequest))
    _other_ent, other_large = member(db, size="large")
    login(client, other_large)
    assert client.post(f"/resources/requests/{req.id}/decide", data={"decision": "approved"}).status_code == 404
    assert client.get(f"/resources/{resource.id}/edit").status_code == 404
    assert client.post(f"/resources/{resource.id}/active", data={"active": "0"}).status_code == 404
    assert "申请使用" not in text(client.get("/resources/requests/received"))
    login(client, lab["rival"])
    assert client.post(f"/resources/requests/{req.id}/withdraw").status_code == 404
    assert "失效分析实验室" not in text(client.get("/resources/requests"))
    db.expire_all()
    assert req.status == "pending" and resource.active

    login(client, lab["sme"])
    client.post(f"/resources/requests/{req.id}/withdraw")
    db.expire_all()
    assert req.status == "withdrawn"
    assert any("撤回" in n for n in notifications_of(db, lab["owner"]))


def test_a_paused_resource_is_hidden_and_takes_no_requests(client, db, lab):
    resource = lab["resource"]
    login(client, lab["owner"])
    client.post(f"/resources/{resource.id}/active", data={"active": "0"})
    login(client, lab["sme"])
    assert client.get(f"/resources/{resource.id}").status_code == 404
    assert client.post(f"/resources/{resource.id}/request", data={"message": "x"}).status_code == 404
    assert "失效分析实验室" not in text(client.get("/resources/"))
    assert db.scalar(select(ResourceRequest)) is None
