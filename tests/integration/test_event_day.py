"""The day of a fair: check-in, outcomes, the dashboard, and the agenda API."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from matchmaker.models import Meeting, MeetingRequest
from matchmaker.services import api_tokens
from matchmaker.services import chains as chain_service
from tests.integration import events_support as es
from tests.integration import helpers as h


@pytest.fixture
def day(db, client):
    """A published fair: 1 buyer, 3 suppliers (cells, cells+modules, glass), 3 meetings, 1 pending request."""
    chain_service.store_chains(db, h.dev_chains())
    people = es.fair(db, buyers=2, suppliers=3, theme_nodes=["pv.cell", "pv.module"])
    (b1, _), (b2, _) = people["buyers"]
    s = [p for p, _u in people["suppliers"]]
    h.capability(db, s[0].enterprise, "TOPCon 电池片", chain_nodes=["pv.cell"])
    h.capability(db, s[1].enterprise, "HJT 电池片", chain_nodes=["pv.cell"])
    h.capability(db, s[1].enterprise, "光伏组件代工", chain_nodes=["pv.module"])
    h.capability(db, s[2].enterprise, "光伏玻璃", chain_nodes=["pv.materials"])
    for supplier in s:
        es.accepted(db, b1, supplier)
    db.add(MeetingRequest(event_id=people["event"].id, buyer_id=b2.id, supplier_id=s[0].id,
                          requested_by_id=b2.id, status="pending"))
    db.commit()
    es.as_user(client, people["organiser"])
    client.post(f"/events/{people['event'].id}/schedule/build", data={"time_limit": "2"})
    client.post(f"/events/{people['event'].id}/schedule/publish", data={"final": "1"})
    people["s"] = s
    people["meetings"] = {m.supplier_id: m for m in db.query(Meeting).filter_by(status="scheduled")}
    assert len(people["meetings"]) == 3
    return people


def test_checkin_and_outcomes_feed_the_dashboard(client, db, day):
    event, s, meetings = day["event"], day["s"], day["meetings"]
    m0, m1, m2 = (meetings[p.id] for p in s)
    base = f"/events/{event.id}/meetings"
    client.post(f"{base}/{m0.id}/checkin", data={"checkin": "held"})
    client.post(f"{base}/{m0.id}/outcome", data={"intent": "yes", "amount": "120.5", "notes": "意向采购 1GW"})
    client.post(f"{base}/{m1.id}/outcome", data={"intent": "yes", "amount": "1200000"})  # implies held
    client.post(f"{base}/{m2.id}/checkin", data={"checkin": "no_show"})
    client.post(f"{base}/{m2.id}/outcome", data={"intent": "yes", "amount": "5"})  # refused: no-show
    assert [(m.checkin, m.intent, m.amount) for m in (m0, m1, m2)] == [
        ("held", True, Decimal("120.50")), ("held", True, Decimal("1200000.00")), ("no_show", None, None)]
    assert m0.notes == "意向采购 1GW"
    html = client.get(f"/events/{event.id}/dashboard").get_data(as_text=True)
    totals = dict(re.findall(r'id="total-(\w+)">([\d.,]+)<', html))
    assert totals == {"requested": "4", "accepted": "3", "scheduled": "3", "held": "2", "no_show": "1",
                      "intents": "2", "amount": "1,200,120.50"}
    rows = {node: re.findall(r"<td>([\d.,]+)</td>", cells) for node, cells in re.findall(
        r'<tr data-node="([\w.]+)">.*?</th>((?:<td>[\d.,]+</td>)+)</tr>', html)}
    # Theme nodes, the "other" row for the glass supplier (no theme node), and the total row.
    assert set(rows) == {"pv.cell", "pv.module", "_other", "total"}
    # requested, accepted, scheduled, held, no_show, intents, amount; the cells+modules supplier
    # counts once, under its first theme node.
    assert rows["pv.cell"] == ["3", "2", "2", "2", "0", "2", "1,200,120.50"]  # thousands separated, never 1.2e+06
    assert rows["pv.module"] == ["0", "0", "0", "0", "0", "0", "0.00"]
    assert rows["_other"] == ["1", "1", "1", "0", "1", "0", "0.00"]
    assert rows["total"] == [totals[k] for k in ("requested", "accepted", "scheduled", "held", "no_show", "intents",
                                                  "amount")]
    # The rows add up to the headline figures.
    for i in range(7):
        assert sum(Decimal(rows[n][i].replace(",", "")) for n in ("pv.cell", "pv.module", "_other")) \
            == Decimal(rows["total"][i].replace(",", ""))
    assert "其他/未归类" in html
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert 'data-series="已排程"' in svg and 'data-value="3"' in svg


def test_outcome_validation_and_who_may_record(client, db, day):
    event, s, meetings = day["event"], day["s"], day["meetings"]
    m0, m1 = meetings[s[0].id], meetings[s[1].id]
    base = f"/events/{event.id}/meetings"
    client.post(f"{base}/{m0.id}/outcome", data={"intent": "no", "amount": "10"})
    client.post(f"{base}/{m0.id}/outcome", data={"intent": "yes", "amount": "-3"})
    response = client.post(f"{base}/{m0.id}/outcome", data={"intent": "yes", "amount": "很多", "notes": "下周再谈"})
    assert (m0.intent, m0.amount, m0.checkin) == (None, None, "pending")
    assert response.status_code == 400  # the check-in page again, with what was typed
    row = response.get_data(as_text=True).split(f'id="meeting-{m0.id}"')[1].split("</tr>")[0]
    assert 'value="很多"' in row and 'value="下周再谈"' in row and 'class="error"' in row
    assert '<option value="yes" selected>' in row
    supplier_user = day["suppliers"][0][1]
    es.as_user(client, supplier_user)
    assert client.post(f"{base}/{m0.id}/checkin", data={"checkin": "held"}).status_code == 403
    client.post(f"{base}/{m0.id}/outcome", data={"intent": "yes", "amount": "30"})
    assert (m0.intent, m0.amount, m0.checkin) == (True, Decimal("30.00"), "held")
    assert client.post(f"{base}/{m1.id}/outcome", data={"intent": "yes"}).status_code == 404
    assert m1.intent is None
    assert client.get(f"/events/{event.id}/dashboard").status_code == 403


def _shown(client, url):
    return sorted(map(int, re.findall(r'<tr id="meeting-(\d+)"', client.get(url).get_data(as_text=True))))


def test_checkin_page_filters_by_slot(client, db, day):
    event, meetings = day["event"], day["meetings"]
    url = f"/events/{event.id}/checkin"
    slots = sorted({m.slot for m in meetings.values()})
    for slot in slots:
        assert _shown(client, f"{url}?slot={slot}") == sorted(m.id for m in meetings.values() if m.slot == slot)
    # by default the first slot still waiting for check-ins
    assert _shown(client, url) == _shown(client, f"{url}?slot={slots[0]}")
    for m in meetings.values():
        if m.slot == slots[0]:
            client.post(f"/events/{event.id}/meetings/{m.id}/checkin", data={"checkin": "held"})
    assert _shown(client, url) == _shown(client, f"{url}?slot={slots[1]}")
    everything = sorted(m.id for m in meetings.values())
    assert _shown(client, f"{url}?slot=all") == everything


def test_checkin_list_is_paginated(client, db, day, app):
    event, meetings = day["event"], day["meetings"]
    per_page, app.config["PER_PAGE"] = app.config["PER_PAGE"], 2
    try:
        url = f"/events/{event.id}/checkin?slot=all"
        first, second = _shown(client, url), _shown(client, f"{url}&page=2")
        assert len(first) == 2 and len(second) == 1
        assert sorted(first + second) == sorted(m.id for m in meetings.values())
        assert "page=2" in client.get(url).get_data(as_text=True)
    finally:
        app.config["PER_PAGE"] = per_page


def test_agenda_api_with_token(client, db, day):
    event, s = day["event"], day["s"]
    b1, b1_user = day["buyers"][0]
    _, raw = api_tokens.create_token(db, b1_user, "calendar")
    _, other_raw = api_tokens.create_token(db, day["suppliers"][2][1], "other")
    db.commit()
    es.fresh(client)
    url = f"/api/v1/events/{event.id}/agenda"
    assert client.get(url).status_code == 401
    data = client.get(url, headers={"Authorization": f"Bearer {raw}"}).get_json()
    assert data["participant"]["id"] == b1.id and data["published"] is True
    stored = {m.uid: m for m in day["meetings"].values()}
    assert {m["uid"] for m in data["meetings"]} == set(stored)
    for item in data["meetings"]:
        assert item["start"] == stored[item["uid"]].slot and item["with"]["participant_id"] in {p.id for p in s}
    es.fresh()
    theirs = client.get(f"{url}?participant={b1.id}", headers={"Authorization": f"Bearer {other_raw}"})
    assert theirs.status_code == 404
    es.fresh()
    mine = client.get(url, headers={"Authorization": f"Bearer {other_raw}"}).get_json()
    assert [m["with"]["participant_id"] for m in mine["meetings"]] == [b1.id]
