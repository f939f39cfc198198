"""Resource requests and fair meeting requests each show their own status labels."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matchmaker.models import MeetingRequest, OpenResource, ResourceRequest
from tests.integration import events_support as es
from tests.integration.postings_support import load_chains, login, member


def _page(client, url: str, lang: str) -> str:
    es.fresh(client)
    return client.get(f"{url}?lang={lang}").get_data(as_text=True)


@pytest.fixture
def pending_resource_request(client, db):
    """An SME's pending request to use a large enterprise's lab, seen by the SME."""
    load_chains(db)
    _owner_ent, owner = member(db, size="large", name="示范封测集团", region="江苏省")
    _sme_ent, sme = member(db, size="small", name="苏州芯片设计有限公司")
    login(client, owner)
    client.post("/resources/new", data={
        "kind": "equipment", "title": "失效分析实验室", "description": "开放聚焦离子束与扫描电镜。",
        "chain_nodes": ["icpkg.reliability"], "region": "江苏省"})
    login(client, sme)
    resource = db.scalar(select(OpenResource))
    client.post(f"/resources/{resource.id}/request", data={"message": "需要做FIB切片。"})
    req = db.scalar(select(ResourceRequest))
    assert req.status == "pending"
    return req


@pytest.fixture
def pending_meeting_request(client, db):
    """A supplier's pending meeting request to a buyer at a fair, seen by the supplier."""
    people = es.fair(db, buyers=1, suppliers=1)
    event = people["event"]
    (buyer, _buyer_user), (supplier, supplier_user) = people["buyers"][0], people["suppliers"][0]
    es.as_user(client, supplier_user)
    client.post(f"/events/{event.id}/participants/{supplier.id}/requests/new",
                data={"counterpart": buyer.id, "priority": 2})
    req = db.scalar(select(MeetingRequest))
    assert req.status == "pending"
    return req


@pytest.mark.parametrize(("lang", "own", "other"), [("zh_CN", "待答复", "待回复"),
                                                    ("en", "Pending", "Awaiting answer")])
def test_resource_request_page_shows_resource_request_labels(client, pending_resource_request, lang, own, other):
    html = _page(client, "/resources/requests", lang)
    assert f'<span class="tag">{own}</span>' in html
    assert other not in html


@pytest.mark.parametrize(("lang", "own", "other"), [("zh_CN", "待回复", "待答复"),
                                                    ("en", "Awaiting answer", "Pending")])
def test_meeting_request_page_shows_meeting_request_labels(client, pending_meeting_request, lang, own, other):
    req = pending_meeting_request
    html = _page(client, f"/events/{req.event_id}/requests", lang)
    row = re.search(rf'<tr id="request-{req.id}">.*?</tr>', html, re.DOTALL)
    assert row, html
    assert f"<td>{own}" in row.group(0)
    assert other not in row.group(0)
