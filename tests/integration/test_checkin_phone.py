"""Check-in at the door: search, one participant's meetings, back to the same meeting, badge codes."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import segno

from matchmaker.models import Meeting
from matchmaker.web.events.day import QR_OPTIONS
from tests.integration import events_support as es
from tests.integration import helpers as h


@pytest.fixture
def door(db, client):
    """A published fair: one buyer meeting three suppliers, in three different slots."""
    people = es.fair(db, buyers=1, suppliers=3)
    (b1, _), = people["buyers"]
    s = [p for p, _u in people["suppliers"]]
    for supplier in s:
        es.accepted(db, b1, supplier)
    db.commit()
    es.as_user(client, people["organiser"])
    event = people["event"]
    client.post(f"/events/{event.id}/schedule/build", data={"time_limit": "2"})
    client.post(f"/events/{event.id}/schedule/publish", data={"final": "1"})
    people["b1"], people["s"] = b1, s
    people["meetings"] = {m.supplier_id: m for m in db.query(Meeting).filter_by(status="scheduled")}
    assert len(people["meetings"]) == 3 and len({m.slot for m in people["meetings"].values()}) == 3
    return people


def _shown(client, url) -> list[int]:
    return sorted(map(int, re.findall(r'<tr id="meeting-(\d+)"', client.get(url).get_data(as_text=True))))


def _row(html: str, meeting_id: int) -> str:
    return html.split(f'id="meeting-{meeting_id}"')[1].split("</tr>")[0]


def test_search_by_name_credit_code_and_participant_code(client, db, door):
    event, s, meetings = door["event"], door["s"], door["meetings"]
    url = f"/events/{event.id}/checkin"
    # a search looks through every slot, not only the one waiting now
    assert _shown(client, f"{url}?q=供应商2") == [meetings[s[1].id].id]
    assert _shown(client, f"{url}?q=采购集团1") == sorted(m.id for m in meetings.values())
    code = s[2].enterprise.uscc
    assert _shown(client, f"{url}?q={code[-8:].lower()}") == [meetings[s[2].id].id]
    assert _shown(client, f"{url}?q=P{s[0].id}") == [meetings[s[0].id].id]
    assert _shown(client, f"{url}?q=p{s[0].id}") == [meetings[s[0].id].id]
    # an explicit slot still narrows the search
    other_slot = next(m.slot for m in meetings.values() if m.supplier_id != s[1].id)
    assert _shown(client, f"{url}?q=供应商2&slot={other_slot}") == []
    html = client.get(f"{url}?q=没有这家企业").get_data(as_text=True)
    assert "没有符合条件的会谈" in html and 'value="没有这家企业"' in html
    # without a search the page opens on the first slot still waiting, as before
    first = min(meetings.values(), key=lambda m: event.slots.index(m.slot))
    assert _shown(client, url) == [first.id]


def test_participant_filter_is_what_a_badge_opens(client, db, door):
    event, b1, s, meetings = door["event"], door["b1"], door["s"], door["meetings"]
    url = f"/events/{event.id}/checkin"
    assert _shown(client, f"{url}?participant={b1.id}") == sorted(m.id for m in meetings.values())
    html = client.get(f"{url}?participant={s[1].id}").get_data(as_text=True)
    assert _shown(client, f"{url}?participant={s[1].id}") == [meetings[s[1].id].id]
    assert "供应商2有限公司" in html.split("checkin-who")[1].split("</p>")[0]
    assert f"P{s[1].id}" in html
    other = es.make_event(db, door["organiser"], name="另一场对接会")
    stranger = es.participant(db, other, h.enterprise(db), "supplier")
    db.commit()
    assert client.get(f"{url}?participant={stranger.id}").status_code == 404
    assert client.get(f"{url}?participant=abc").status_code == 404


def test_checkin_returns_to_the_same_meeting_with_a_status(client, db, door):
    event, b1, s, meetings = door["event"], door["b1"], door["s"], door["meetings"]
    m = meetings[s[1].id]
    view = {"slot": "all", "q": "供应商", "participant": str(b1.id)}
    response = client.post(f"/events/{event.id}/meetings/{m.id}/checkin", data={"checkin": "held", **view})
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.path == f"/events/{event.id}/checkin" and target.fragment == f"meeting-{m.id}"
    assert {k: v[0] for k, v in parse_qs(target.query).items()} == view
    assert m.checkin == "held"
    html = client.get(f"{target.path}?{target.query}").get_data(as_text=True)
    said = f"已签到：采购集团1 × 供应商2有限公司（{m.slot}，第{m.table}桌）"
    row = _row(html, m.id)
    assert re.search(r'role="status"[^>]*>' + re.escape(said) + "<", row)
    assert said not in html.replace(row, "")  # in that meeting's card, not at the top of the page
    # said once: the next visit no longer shows it
    assert said not in client.get(f"{target.path}?{target.query}").get_data(as_text=True)
    # the buttons and the outcome form carry the view on
    for name, value in view.items():
        assert f'name="{name}" value="{value}"' in row

    es.fresh(client)
    client.post(f"/events/{event.id}/meetings/{m.id}/checkin?lang=en", data={"checkin": "no_show", "slot": m.slot})
    es.fresh(client)
    html = client.get(f"/events/{event.id}/checkin?slot={m.slot}").get_data(as_text=True)
    assert f"Marked no-show: 采购集团1 × 供应商2有限公司 ({m.slot}, table {m.table})" in _row(html, m.id)

    # a refusal is said in the card too, as an alert, and changes nothing
    response = client.post(f"/events/{event.id}/meetings/{m.id}/checkin", data={"checkin": "maybe", "q": "供应商2"})
    target = urlsplit(response.headers["Location"])
    assert parse_qs(target.query) == {"q": ["供应商2"]} and target.fragment == f"meeting-{m.id}"
    html = client.get(f"/events/{event.id}/checkin?q=供应商2").get_data(as_text=True)
    assert re.search(r'role="alert"[^>]*>签到状态无效', _row(html, m.id)) and m.checkin == "no_show"


def test_outcome_returns_to_the_meeting(client, db, door):
    event, s, meetings = door["event"], door["s"], door["meetings"]
    m = meetings[s[0].id]
    response = client.post(f"/events/{event.id}/meetings/{m.id}/outcome",
                           data={"intent": "yes", "amount": "12", "slot": m.slot, "q": "供应商1"})
    assert response.status_code == 302
    target = urlsplit(response.headers["Location"])
    assert target.fragment == f"meeting-{m.id}" and parse_qs(target.query) == {"slot": [m.slot], "q": ["供应商1"]}
    html = client.get(f"{target.path}?{target.query}").get_data(as_text=True)
    assert "洽谈成果已记录：采购集团1 × 供应商1有限公司" in _row(html, m.id)


def _path_data(html: str) -> str:
    return re.search(r'<svg[^>]*class="qr"[^>]*>.*?<path[^>]*\sd="([^"]+)"', html, re.DOTALL).group(1)


def test_agenda_and_signin_sheet_carry_the_badge_code(client, db, door, app):
    event, b1, s = door["event"], door["b1"], door["s"]
    app.config["MATCHMAKER_BASE_URL"] = "https://fairs.example.org/mm"
    es.as_user(client, door["suppliers"][1][1])
    html = client.get(f"/events/{event.id}/agenda/{s[1].id}").get_data(as_text=True)
    address = f"https://fairs.example.org/mm/events/{event.id}/checkin?participant={s[1].id}"
    expected = segno.make(address, **QR_OPTIONS).svg_inline(scale=3, border=2)
    assert _path_data(html) == re.search(r'\sd="([^"]+)"', expected).group(1)
    elsewhere = segno.make(f"http://localhost/events/{event.id}/checkin?participant={s[1].id}", **QR_OPTIONS)
    assert _path_data(html) != re.search(r'\sd="([^"]+)"', elsewhere.svg_inline()).group(1)
    assert f"参会编号 P{s[1].id}" in html and 'role="img"' in html
    # the code opens that participant's meetings for the organisers
    es.as_user(client, door["organiser"])
    assert _shown(client, urlsplit(address).path.removeprefix("/mm") + "?" + urlsplit(address).query) == [door["meetings"][s[1].id].id]
    sheet = client.get(f"/events/{event.id}/signin").get_data(as_text=True)
    assert sheet.count('class="qr"') == 4  # every approved participant
    for p in (b1, *s):
        assert f"P{p.id}" in sheet


def test_checkin_is_for_the_fairs_organisers_only(client, db, door):
    event, s, meetings = door["event"], door["s"], door["meetings"]
    m = meetings[s[0].id]
    url = f"/events/{event.id}/checkin?participant={s[0].id}"
    es.as_user(client, door["suppliers"][0][1])
    assert client.get(url).status_code == 403
    assert client.post(f"/events/{event.id}/meetings/{m.id}/checkin", data={"checkin": "held"}).status_code == 403
    es.as_user(client, es.organiser(db, organisation="另一个局"))
    db.commit()
    assert client.get(url).status_code in (403, 404)
    assert client.post(f"/events/{event.id}/meetings/{m.id}/checkin", data={"checkin": "held"}).status_code in (403, 404)
    es.as_user(client, None)
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert m.checkin == "pending"
