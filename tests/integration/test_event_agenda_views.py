"""Organisers read a built schedule by participant and by table."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import event as sa_event

from matchmaker.db import get_engine
from matchmaker.models import Meeting
from matchmaker.services.events import schedule as event_schedule
from tests.integration import events_support as es


def _meeting(db, event, buyer, supplier, slot, table, **kw):
    m = Meeting(event_id=event.id, buyer_id=buyer.id, supplier_id=supplier.id, slot=slot, table=table, priority=2,
                uid=event_schedule.meeting_uid(event.id, buyer.id, supplier.id), **kw)
    db.add(m)
    return m


@pytest.fixture
def fair(db):
    """A provisional agenda over slots 09:00-10:20 and 3 tables: buyer 1 fixed at table 1 meets
    three suppliers there, buyer 2 meets two at table 2; a third meeting of buyer 2 was cancelled."""
    people = es.fair(db, buyers=2, suppliers=3)
    event = people["event"]
    (b1, _), (b2, _) = people["buyers"]
    s = [p for p, _u in people["suppliers"]]
    b1.table = 1
    _meeting(db, event, b1, s[2], "10:00", 1, checkin="held")
    _meeting(db, event, b1, s[0], "09:00", 1)
    _meeting(db, event, b1, s[1], "09:20", 1)
    _meeting(db, event, b2, s[0], "09:40", 2)
    _meeting(db, event, b2, s[1], "09:00", 2)
    _meeting(db, event, b2, s[2], "10:20", 3, status="cancelled")
    event.schedule_version, event.status = 1, "provisional"
    db.commit()
    people["s"] = s
    return people


def _row(html: str, marker: str) -> str:
    return html.split(marker, 1)[1].split("</tr>", 1)[0]


def _in_order(text: str, *parts: str) -> bool:
    """Whether ``parts`` occur in ``text`` one after the other."""
    at = 0
    for part in parts:
        at = text.find(part, at)
        if at < 0:
            return False
        at += len(part)
    return True


def test_participant_agenda_lists_meetings_in_time_order_with_table_and_status(client, db, fair):
    event, s = fair["event"], fair["s"]
    (b1, _), (b2, _) = fair["buyers"]
    es.as_user(client, fair["organiser"])
    html = client.get(f"/events/{event.id}/agendas").get_data(as_text=True)
    for p in (b1, b2, *s):  # every approved participant to pick from, with its number of meetings
        assert f"participant={p.id}" in html
    assert "3 场会谈" in html and "2 场会谈" in html
    response = client.get(f"/events/{event.id}/agendas?participant={s[0].id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    agenda = html.split('class="data stack-cards agenda-list"', 1)[1].split("</table>", 1)[0]
    assert _in_order(agenda, "09:00–09:20", b1.enterprise.name, "09:40–10:00", b2.enterprise.name)
    assert ">1</td>" in agenda and ">2</td>" in agenda  # tables
    assert agenda.count("未签到") == 2
    html = client.get(f"/events/{event.id}/agendas?participant={s[2].id}").get_data(as_text=True)
    agenda = html.split('class="data stack-cards agenda-list"', 1)[1].split("</table>", 1)[0]
    assert _in_order(agenda, "10:00–10:20", "已洽谈", "10:20–10:40", "已取消")
    assert 'class="agenda-cancelled"' in agenda
    assert f"/events/{event.id}/agenda/{s[2].id}" in html  # the printable agenda of the same participant


def test_participant_search_folds_scripts_and_takes_codes(client, db, fair):
    event, s = fair["event"], fair["s"]
    (b1, _), _ = fair["buyers"]
    es.as_user(client, fair["organiser"])

    def listed(query):
        html = client.get(f"/events/{event.id}/agendas", query_string={"q": query}).get_data(as_text=True)
        people = html.split('id="people"', 1)[1]
        return {p.id for p in (b1, *s) if f"participant={p.id}&" in people}

    assert listed("供應商2") == {s[1].id}  # traditional characters
    assert listed("供应商２") == {s[1].id}  # a full-width digit
    assert listed(f"P{s[2].id}") == {s[2].id}
    assert listed(s[0].enterprise.uscc[-8:]) == {s[0].id}
    html = client.get(f"/events/{event.id}/agendas?q=不存在的企业").get_data(as_text=True)
    assert "没有符合“不存在的企业”的参会企业" in html


def test_table_view_shows_each_tables_day_across_the_slots(client, db, fair):
    event, s = fair["event"], fair["s"]
    (b1, _), (b2, _) = fair["buyers"]
    es.as_user(client, fair["organiser"])
    response = client.get(f"/events/{event.id}/agendas/tables")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    wrap = html.split('class="table-wrap stack-cards-wrap table-days-wrap"', 1)[1].split(">", 1)[0]
    assert 'tabindex="0"' in wrap and 'role="region"' in wrap and 'aria-label="各洽谈桌的会谈安排"' in wrap
    header = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert _in_order(header, "09:00–09:20", "09:20–09:40", "09:40–10:00", "10:00–10:20", "10:20–10:40")
    one = _row(html, 'id="table-1"')
    assert f"固定：{b1.enterprise.name}" in one and "3 场" in one
    assert one.count(b1.enterprise.name) == 1  # named once, under the table's number
    assert _in_order(one, s[0].enterprise.name, s[1].enterprise.name, "空闲", s[2].enterprise.name, "已洽谈", "空闲")
    two = _row(html, 'id="table-2"')
    assert _in_order(two, s[1].enterprise.name, "空闲", s[0].enterprise.name) and b2.enterprise.name in two
    three = _row(html, 'id="table-3"')  # the cancelled meeting is not on the table's day
    assert s[2].enterprise.name not in three and three.count("空闲") == 5 and "0 场" in three
    assert "3 张洽谈桌，5 个时段，共 5 场会谈" in html


def test_both_views_say_when_no_schedule_exists_and_link_to_building_it(client, db):
    owner = es.organiser(db)
    event = es.make_event(db, owner)
    db.commit()
    es.as_user(client, owner)
    for url in (f"/events/{event.id}/agendas", f"/events/{event.id}/agendas/tables"):
        html = client.get(url).get_data(as_text=True)
        empty = html.split('id="no-schedule"', 1)[1].split("</div>", 1)[0]
        assert "尚未生成日程" in empty and f'href="/events/{event.id}/schedule"' in empty
    es.fresh(client)
    html = client.get(f"/events/{event.id}/agendas/tables?lang=en").get_data(as_text=True)
    assert "No schedule has been built yet." in html


def test_unpublished_schedule_is_marked_as_the_organisers_draft(client, db, fair):
    event = fair["event"]
    event.status = "closed"
    db.commit()
    es.as_user(client, fair["organiser"])
    html = client.get(f"/events/{event.id}/agendas/tables").get_data(as_text=True)
    assert "日程尚未发布" in html and fair["s"][0].enterprise.name in html


def test_the_views_are_linked_from_the_fair_and_schedule_pages(client, db, fair):
    event = fair["event"]
    es.as_user(client, fair["organiser"])
    for url in (f"/events/{event.id}", f"/events/{event.id}/schedule", f"/events/{event.id}/participants"):
        html = client.get(url).get_data(as_text=True)
        assert f'href="/events/{event.id}/agendas"' in html, url
    html = client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    assert f'href="/events/{event.id}/agendas/tables"' in html
    html = client.get(f"/events/{event.id}/agendas").get_data(as_text=True)
    assert f'href="/events/{event.id}/agendas/tables"' in html


def test_only_the_fairs_organisers_see_the_views(client, db, fair):
    event, s = fair["event"], fair["s"]
    (_, buyer_user), _ = fair["buyers"]
    other = es.organiser(db, organisation="另一个市商务局")
    elsewhere = es.make_event(db, other)
    stranger = es.participant(db, elsewhere, s[0].enterprise, "supplier")
    db.commit()
    urls = [f"/events/{event.id}/agendas", f"/events/{event.id}/agendas/tables",
            f"/events/{event.id}/agendas?participant={s[0].id}"]
    es.as_user(client, None)
    for url in urls:
        assert client.get(url).status_code in (302, 401), url  # to the login page
    for who in (buyer_user, other):  # a participant, an organiser of another organisation: as every organiser page
        es.as_user(client, who)
        for url in urls:
            assert client.get(url).status_code == 403, (who.role, url)
    es.as_user(client, fair["organiser"])
    assert client.get(f"/events/{event.id}/agendas?participant={stranger.id}").status_code == 404
    assert client.get(f"/events/{event.id}/agendas?participant=999999").status_code == 404
    draft = es.make_event(db, other, status="draft")
    db.commit()
    assert client.get(f"/events/{draft.id}/agendas").status_code == 404
    assert client.get(f"/events/{draft.id}/agendas/tables").status_code == 404


@pytest.mark.parametrize("chosen", ["2147483648", "99999999999999999999", "0", "-3"])
def test_a_participant_number_beyond_any_stored_id_is_not_found(client, db, fair, chosen):
    """Ids past what an INTEGER column holds are a plain 404 (PostgreSQL would refuse to compare them)."""
    es.as_user(client, fair["organiser"])
    assert client.get(f"/events/{fair['event'].id}/agendas?participant={chosen}").status_code == 404


def test_a_meeting_with_a_participant_number_beyond_any_stored_id_is_not_found(client, db, fair):
    """The organisers' meeting and on-behalf forms and a participant's request name the other side by id."""
    event = fair["event"]
    (b1, buyer_user), _ = fair["buyers"]
    es.as_user(client, fair["organiser"])
    for url in (f"/events/{event.id}/manage/meetings/add", f"/events/{event.id}/manage/requests/on-behalf"):
        response = client.post(url, data={"buyer": str(b1.id), "supplier": "2147483648", "priority": "2",
                                          "requester": "buyer"})
        assert response.status_code == 404, url
    es.as_user(client, buyer_user)
    response = client.post(f"/events/{event.id}/participants/{b1.id}/requests/new",
                           data={"counterpart": "2147483648", "priority": "2"})
    assert response.status_code == 404


def _statements(app, client, db, url: str) -> int:
    """How many SQL statements one page sends from the request's own thread (the matching engines
    may refit in a background thread meanwhile; their reads are not the page's)."""
    sent = []
    me = threading.get_ident()

    def record(_conn, _cursor, statement, *_args):
        if threading.get_ident() == me:
            sent.append(statement)

    db.expunge_all()  # the tests' session is the request's: let the page find none of its rows already loaded
    es.fresh(client)
    engine = get_engine(app)
    sa_event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa_event.remove(engine, "before_cursor_execute", record)
    return len(sent)


def test_the_table_view_reads_the_same_few_rows_however_many_take_part(app, client, db):
    """Every table's buyer and supplier names come with the meetings: more participants, tables and
    meetings send no more statements."""
    people = es.fair(db, buyers=0, suppliers=0, tables=12)
    event = people["event"]
    event.schedule_version, event.status = 1, "provisional"
    slots = list(event.slots)

    def grow(first: int, count: int) -> None:
        for t in range(first, first + count):
            buyer = es.participant(db, event, es.member(db, size="large", name=f"桌{t}采购集团")[0], "buyer", table=t)
            for i, slot in enumerate(slots[:3]):
                supplier = es.participant(db, event, es.member(db, name=f"桌{t}供应商{i}有限公司")[0], "supplier")
                _meeting(db, event, buyer, supplier, slot, t)
        db.commit()

    grow(1, 2)
    url = f"/events/{event.id}/agendas/tables"
    es.as_user(client, people["organiser"])
    engines = app.extensions.get("matchmaker.engines")
    _statements(app, client, db, url)
    if engines is not None:
        assert engines.wait_idle(60)
    before = _statements(app, client, db, url)
    grow(3, 8)  # 10 buyers, 30 suppliers, 30 meetings
    _statements(app, client, db, url)
    if engines is not None:
        assert engines.wait_idle(60)
    assert _statements(app, client, db, url) == before
    html = client.get(url).get_data(as_text=True)
    assert "桌10供应商2有限公司" in _row(html, 'id="table-10"') and "固定：桌10采购集团" in html
