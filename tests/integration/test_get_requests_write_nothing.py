"""Reading a page never writes: GET requests of every role leave every table as it was.

A GET may be repeated, prefetched by a browser or replayed by a crawler, and runs
on a read-only replica in a larger deployment; so no GET handler inserts, updates
or deletes a row. The check listens on the engine, so it sees every statement the
request sends, whichever session or helper sends it.
"""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from matchmaker.db import get_engine
from matchmaker.models import (
    Application,
    MeetingRequest,
    Notification,
    OpenResource,
    ResourceRequest,
)
from tests.integration import events_support as ev
from tests.integration import helpers as h
from tests.integration.account_helpers import bearer
from tests.integration.postings_support import load_chains

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "MERGE", "CREATE", "DROP", "ALTER", "TRUNCATE")


@pytest.fixture
def site(db):
    """A small live site: chains, a buyer and a supplier with postings between them, a fair, an admin."""
    load_chains(db)
    buyer = h.enterprise(db, name="华东整车制造集团有限公司", size="large")
    supplier = h.enterprise(db, name="苏州精密传感科技有限公司", size="small")
    large, sme = h.user(db, buyer), h.user(db, supplier)
    published = h.demand(db, buyer, title="车规级压力传感器年度采购", chain_nodes=["pv.wafer"], region="江苏省")
    draft = h.demand(db, buyer, title="电池包结构件（草稿）", status="draft")
    capability = h.capability(db, supplier, title="MEMS 压力传感器批量供货", chain_nodes=["pv.wafer"])
    application = Application(demand_id=published.id, enterprise_id=supplier.id, submitted_by_id=sme.id,
                              capability_id=capability.id, proposal="年产 50 万只，可送样。")
    resource = OpenResource(enterprise_id=buyer.id, kind="equipment", title="环境可靠性实验室开放共享",
                            description="温湿度循环、盐雾试验")
    db.add_all([application, resource])
    db.flush()
    request = ResourceRequest(resource_id=resource.id, enterprise_id=supplier.id, message="希望预约三天盐雾试验。")
    db.add_all([request, Notification(user_id=large.id, text="新的报价", link=f"/demands/{published.id}"),
                Notification(user_id=sme.id, text="资源申请已送达", link="/resources/requests")])
    people = ev.fair(db)
    admin = h.user(db, role="admin")
    db.commit()
    (participant, member), = people["buyers"][:1]
    return {
        "large": large, "sme": sme, "admin": admin, "organiser": people["organiser"], "member": member,
        "buyer": buyer, "supplier": supplier, "published": published, "draft": draft, "capability": capability,
        "application": application, "resource": resource, "event": people["event"], "participant": participant,
    }


def _pages(s) -> dict[str, list[str]]:
    """Representative pages of each role, by the user who reads them (None: anonymous)."""
    d, c, r, e = s["published"].id, s["capability"].id, s["resource"].id, s["event"].id
    public = ["/", f"/demands/{d}", "/demands/?q=传感器", "/capabilities/", f"/capabilities/{c}", "/resources/",
              f"/resources/{r}", "/search/?q=传感器", "/search/?q=苏州精密&tab=enterprises", "/enterprises/",
              f"/enterprises/{s['buyer'].id}", "/chains/", "/chains/pv", "/chains/node/pv.wafer", "/events/",
              f"/events/{e}"]
    return {
        "anonymous": [*public, "/login", "/register", "/password/forgot"],
        "large": [*public, "/demands/mine", "/demands/new", f"/demands/{s['draft'].id}/edit", "/resources/mine",
                  "/resources/new", f"/resources/{r}/edit", "/resources/requests/received", "/applications/received",
                  f"/applications/{s['application'].id}", "/notifications/", "/account", "/workbench/",
                  "/followups/", f"/enterprises/{s['buyer'].id}/edit", f"/enterprises/{s['buyer'].id}/members"],
        "sme": [*public, "/opportunities/", "/capabilities/mine", "/capabilities/new", f"/capabilities/{c}/edit",
                "/resources/requests", f"/demands/{d}/apply", "/applications/mine", "/notifications/", "/account",
                "/workbench/", "/followups/"],
        "member": [f"/events/{e}", f"/events/{e}/requests", f"/events/{e}/agenda/{s['participant'].id}"],
        "organiser": ["/events/new", f"/events/{e}/edit", f"/events/{e}/participants", f"/events/{e}/manage/requests",
                      f"/events/{e}/schedule", f"/events/{e}/dashboard", f"/events/{e}/checkin",
                      f"/events/{e}/followup", "/workbench/", "/reports/", f"/reports/enterprises/{s['buyer'].id}",
                      "/reports/print", "/chains/pv/key-enterprises"],
        "admin": ["/admin/", "/workbench/", "/admin/users", "/admin/enterprises", "/admin/qualifications", "/admin/audit",
                  "/chains/upload", f"/demands/{s['draft'].id}"],
    }


@pytest.fixture
def writes(app):
    """The data-changing statements sent to the database while the test runs."""
    sent: list[str] = []

    def record(_conn, _cursor, statement, _parameters, _context, _executemany):
        words = statement.split(None, 1)
        if words and words[0].upper() in _WRITES:
            sent.append(" ".join(statement.split())[:160])

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", record)
    yield sent
    event.remove(engine, "before_cursor_execute", record)


def _written_by(client, urls, writes, headers=None) -> dict[str, list[str]]:
    """``url -> statements`` for the pages that wrote; every page must answer 200."""
    found = {}
    for url in urls:
        writes.clear()
        response = client.get(url, headers=headers or {})
        assert response.status_code == 200, f"GET {url} answered {response.status_code}"
        if writes:
            found[url] = list(writes)
    return found


@pytest.mark.parametrize("role", ["anonymous", "large", "sme", "member", "organiser", "admin"])
def test_get_pages_change_no_row(client, site, writes, role):
    ev.as_user(client, None if role == "anonymous" else site[role])
    assert _written_by(client, _pages(site)[role], writes) == {}


def test_api_reads_change_no_row(client, db, site, writes):
    from matchmaker.services import api_tokens

    _token, raw = api_tokens.create_token(db, site["large"], "ERP 对接")
    db.commit()
    d, c = site["published"].id, site["capability"].id
    urls = ["/api/v1/overview", "/api/v1/demands", f"/api/v1/demands/{d}", "/api/v1/capabilities",
            f"/api/v1/capabilities/{c}", "/api/v1/search?q=传感器", f"/api/v1/enterprises/{site['buyer'].id}",
            "/api/v1/events"]
    assert _written_by(client, urls, writes) == {}
    # A token's first use is stamped once (its own short transaction, before the view);
    # within the next minute its requests write nothing.
    client.get("/api/v1/me", headers=bearer(raw))
    assert _written_by(client, [*urls, f"/api/v1/demands/{d}/suggestions", "/api/v1/me"], writes,
                       headers=bearer(raw)) == {}


def test_a_search_finds_a_posting_as_soon_as_its_change_is_committed(client, db, site, writes):
    capability = site["capability"]
    capability.title = "碳化矽功率模組封裝"
    db.commit()
    writes.clear()
    html = client.get("/search/", query_string={"q": "碳化硅 模组"}).get_data(as_text=True)
    assert "<mark>碳化矽</mark>功率<mark>模組</mark>封裝" in html and writes == []
    db.delete(capability)
    db.commit()
    assert "碳化矽功率模組封裝" not in client.get("/search/", query_string={"q": "碳化硅"}).get_data(as_text=True)


def test_a_request_past_its_expiry_is_shown_expired_without_a_write(client, db, site, writes):
    event, participant = site["event"], site["participant"]
    supplier = next(p for p in event.participants if p.role == "supplier")
    late = MeetingRequest(event_id=event.id, buyer_id=participant.id, supplier_id=supplier.id,
                          requested_by_id=participant.id, priority=3, status="pending",
                          expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    db.add(late)
    db.commit()
    pages = {site["member"]: f"/events/{event.id}/requests",
             site["organiser"]: f"/events/{event.id}/manage/requests"}
    for user, url in pages.items():
        ev.as_user(client, user)
        for query in ({}, {"status": "expired"}):
            writes.clear()
            html = client.get(url, query_string=query).get_data(as_text=True)
            row = html[html.index(f'id="request-{late.id}"'):]
            row = row[:row.index("</tr>")]
            assert "已过期" in row and "有效至" not in row, (url, query)
            assert writes == [], url
    ev.as_user(client, site["organiser"])
    pending = client.get(f"/events/{event.id}/manage/requests", query_string={"status": "pending"})
    assert f'id="request-{late.id}"' not in pending.get_data(as_text=True)
    db.expire_all()
    assert db.get(MeetingRequest, late.id).status == "pending"
