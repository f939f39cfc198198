"""Building, storing, re-running, publishing and exporting a fair's schedule."""
from __future__ import annotations

import io
import re
from collections import Counter

import icalendar
import openpyxl
import pytest
from click.testing import CliRunner

from matchmaker import scheduling
from matchmaker.commands.events import events as events_cli
from matchmaker.models import Event, Meeting, MeetingRequest, Notification
from matchmaker.services.events import schedule as event_schedule
from tests.integration import events_support as es

TIME = {"time_limit": "2"}


@pytest.fixture
def fair(db):
    """5 slots, 3 tables; buyer 1 sits at table 1; supplier 2 is away at 09:00; supplier 3 takes one meeting."""
    people = es.fair(db, buyers=2, suppliers=4)
    (b1, _), (b2, _) = people["buyers"]
    s = [p for p, _u in people["suppliers"]]
    b1.table = 1
    s[1].unavailable = ["09:00"]
    s[2].max_meetings = 1
    for buyer in (b1, b2):
        for supplier in s[:3]:
            es.accepted(db, buyer, supplier, priority=3 if supplier is s[0] else 2)
    pending = MeetingRequest(event_id=people["event"].id, buyer_id=b1.id, supplier_id=s[3].id,
                             requested_by_id=b1.id, status="pending")
    db.add(pending)
    db.commit()
    people["s"] = s
    return people


def _meetings(db, event, status="scheduled"):
    return db.query(Meeting).filter_by(event_id=event.id, status=status).all()


def _as_pure(rows):
    return [scheduling.Meeting(f"P{m.buyer_id}", f"P{m.supplier_id}", m.slot, m.table, m.priority) for m in rows]


def _build(client, event, **data):
    return client.post(f"/events/{event.id}/schedule/build", data={**TIME, **data})


def test_build_stores_meetings_satisfying_every_constraint(client, db, fair):
    event, owner, s = fair["event"], fair["organiser"], fair["s"]
    (b1, _), (b2, _) = fair["buyers"]
    es.as_user(client, owner)
    assert _build(client, event).status_code == 302
    rows = _meetings(db, event)
    problem = event_schedule.build_problem(db, event)
    assert scheduling.check(problem, _as_pure(rows)) == []
    pairs = {(m.buyer_id, m.supplier_id) for m in rows}
    assert (b1.id, s[3].id) not in pairs  # pending requests are not scheduled
    assert all(m.table == 1 for m in rows if m.buyer_id == b1.id)
    assert all(m.table != 1 for m in rows if m.buyer_id == b2.id)
    assert all(m.slot != "09:00" for m in rows if m.supplier_id == s[1].id)
    assert sum(m.supplier_id == s[2].id for m in rows) == 1
    assert max(Counter((p, m.slot) for m in rows for p in (m.buyer_id, m.supplier_id)).values()) == 1
    assert len(rows) == 5  # all accepted requests but supplier 3's second one
    assert all(m.uid == event_schedule.meeting_uid(event.id, m.buyer_id, m.supplier_id) for m in rows)
    stats = db.get(Event, event.id).schedule_stats
    assert (stats["meetings"], stats["total_priority"], stats["upper_bound"]) == (5, 12.0, 12.0)
    assert stats["participants_met"] == stats["participants_with_request"] == 5
    assert [u["pair"][1] for u in stats["unscheduled"]] == [s[2].id]
    es.fresh()
    html = client.get(f"/events/{event.id}/schedule?lang=en").get_data(as_text=True)
    assert 'id="stat-meetings">5<' in html and 'id="stat-gap">0%<' in html
    # Organisers read plain words; the solver's terms stay folded away under the details.
    plain = html[html.index('id="schedule-summary"'):html.index('class="solver-details"')]
    assert "1 of the accepted requests could not be placed" in plain and "no better agenda exists" in plain
    assert not any(word in plain for word in ("upper bound", "relaxation", "gap", "optimal"))
    assert "relaxation" in html[html.index('class="solver-details"'):] or stats["method"] in html
    assert "reached max_meetings (1)" in html and "Added" in html


def test_rerun_with_moves_forbidden_keeps_published_meetings_and_reports_changes(client, db, fair):
    event, owner, s = fair["event"], fair["organiser"], fair["s"]
    (b1, b1_user), (b2, _) = fair["buyers"]
    es.as_user(client, owner)
    _build(client, event)
    client.post(f"/events/{event.id}/schedule/publish", data={"final": "0"})
    assert db.get(Event, event.id).status == "provisional"
    assert any("暂定" in n.text for n in db.query(Notification).filter_by(user_id=b1_user.id))
    before = {m.uid: (m.slot, m.table, m.sequence) for m in _meetings(db, event)}
    # one more agreed meeting, one participant newly away, one request withdrawn
    new = db.query(MeetingRequest).filter_by(buyer_id=b1.id, supplier_id=s[3].id).one()
    new.status = "accepted"  # the pending request is answered
    moved = next(m for m in _meetings(db, event) if m.supplier_id == s[0].id and m.buyer_id == b1.id)
    s[0].unavailable = [moved.slot]
    dropped = next(m for m in _meetings(db, event) if m.supplier_id == s[1].id and m.buyer_id == b2.id)
    db.get(MeetingRequest, dropped.request_id).status = "cancelled"
    db.commit()
    _build(client, event)
    after = {m.uid: m for m in db.query(Meeting).filter_by(event_id=event.id)}
    problem = event_schedule.build_problem(db, event)
    assert scheduling.check(problem, _as_pure(_meetings(db, event))) == []
    for uid, (slot, table, sequence) in before.items():
        m = after[uid]
        if uid == moved.uid:
            assert m.slot != slot and m.sequence == sequence + 1 and m.status == "scheduled"
        elif uid == dropped.uid:
            assert m.status == "cancelled" and m.sequence == sequence + 1
        else:
            assert (m.slot, m.table, m.sequence, m.status) == (slot, table, sequence, "scheduled")
    assert any(m.buyer_id == b1.id and m.supplier_id == s[3].id for m in _meetings(db, event))
    kinds = {(c["kind"], tuple(c["pair"])) for c in db.get(Event, event.id).schedule_stats["changes"]}
    assert kinds == {("moved", (b1.id, s[0].id)), ("removed", (b2.id, s[1].id)), ("added", (b1.id, s[3].id))}
    away = before[moved.uid][0]
    reasons = {c["kind"]: c["reason"] for c in db.get(Event, event.id).schedule_stats["changes"]}
    assert reasons == {"moved": {"kind": "participant_unavailable",
                                 "fields": {"participant": event_schedule.participant_key(s[0].id),
                                            "slot": away}},
                       "removed": {"kind": "request_withdrawn", "fields": {}}, "added": None}
    assert new.status == "accepted"
    html = client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    assert f"{s[0].enterprise.name} 在 {away} 无法参会" in html and "邀约已撤回" in html
    es.fresh()
    html = client.get(f"/events/{event.id}/schedule?lang=en").get_data(as_text=True)
    assert f"{s[0].enterprise.name} is now unavailable in {away}" in html
    assert any("日程有变动" in n.text for n in db.query(Notification).filter_by(user_id=b1_user.id))


def test_locked_meetings_stay_when_moves_are_allowed(client, db, fair):
    event, owner = fair["event"], fair["organiser"]
    es.as_user(client, owner)
    _build(client, event)
    target = _meetings(db, event)[-1]
    client.post(f"/events/{event.id}/meetings/{target.id}/lock", data={"locked": "1"})
    assert target.locked
    for seed in range(3):
        _build(client, event, allow_moves="y")
        assert (target.slot, target.table, target.status) == \
            (db.get(Meeting, target.id).slot, db.get(Meeting, target.id).table, "scheduled")
    assert db.get(Meeting, target.id).locked


def _calendar(client, event, participant):
    response = client.get(f"/events/{event.id}/agenda/{participant.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data)


def test_ics_keeps_uids_bumps_sequence_and_cancels(client, db, fair):
    event, owner = fair["event"], fair["organiser"]
    (b1, _), (b2, _) = fair["buyers"]
    supplier, supplier_user = fair["suppliers"][0]
    es.as_user(client, owner)
    _build(client, event)
    es.as_user(client, supplier_user)
    assert len(_calendar(client, event, supplier).events) == 0  # not published yet
    es.as_user(client, owner)
    client.post(f"/events/{event.id}/schedule/publish", data={"final": "1"})
    es.as_user(client, supplier_user)
    cal = _calendar(client, event, supplier)
    assert str(cal["METHOD"]) == "PUBLISH" and str(cal["X-WR-TIMEZONE"]) == "Asia/Shanghai"
    first = {str(e["UID"]): e for e in cal.events}
    mine = {m.uid: m for m in _meetings(db, event) if m.supplier_id == supplier.id}
    assert set(first) == set(mine) and len(mine) == 2
    for uid, e in first.items():
        m = mine[uid]
        start = e.decoded("DTSTART")
        assert str(start.tzinfo) == "Asia/Shanghai" and start.strftime("%H:%M") == m.slot
        assert start.date() == event.date and (e.decoded("DTEND") - start).seconds == 20 * 60
        assert m.buyer.enterprise.name in str(e["SUMMARY"])
        assert event.venue in str(e["LOCATION"]) and f"第 {m.table} 桌" in str(e["LOCATION"])
        assert int(e["SEQUENCE"]) == 0 and str(e["STATUS"]) == "CONFIRMED"
    # b1's meeting moves (supplier away), b2's is withdrawn
    m1 = next(m for m in mine.values() if m.buyer_id == b1.id)
    m2 = next(m for m in mine.values() if m.buyer_id == b2.id)
    old_slot = m1.slot
    supplier.unavailable = [old_slot]
    db.get(MeetingRequest, m2.request_id).status = "cancelled"
    db.commit()
    es.as_user(client, owner)
    _build(client, event)
    es.as_user(client, supplier_user)
    second = {str(e["UID"]): e for e in _calendar(client, event, supplier).events}
    assert set(second) == set(first)
    assert int(second[m1.uid]["SEQUENCE"]) == 1 and str(second[m1.uid]["STATUS"]) == "CONFIRMED"
    new_slot = second[m1.uid].decoded("DTSTART").strftime("%H:%M")
    assert new_slot == db.get(Meeting, m1.id).slot and new_slot != old_slot
    assert int(second[m2.uid]["SEQUENCE"]) == 1 and str(second[m2.uid]["STATUS"]) == "CANCELLED"


def test_agenda_page_and_privacy(client, db, fair):
    event, owner = fair["event"], fair["organiser"]
    (b1, b1_user), (b2, _) = fair["buyers"]
    es.as_user(client, owner)
    _build(client, event)
    es.as_user(client, b1_user)
    assert "日程尚未发布" in client.get(f"/events/{event.id}/agenda/{b1.id}").get_data(as_text=True)
    es.as_user(client, owner)
    client.post(f"/events/{event.id}/schedule/publish", data={"final": "0"})
    es.as_user(client, b1_user)
    response = client.get(f"/events/{event.id}/agenda", follow_redirects=True)
    html = response.get_data(as_text=True)
    mine = [m for m in _meetings(db, event) if m.buyer_id == b1.id]
    assert re.findall(r"<tr><td>(\d\d:\d\d)–\d\d:\d\d</td>", html) == sorted(m.slot for m in mine)
    for m in mine:
        assert m.supplier.enterprise.name in html
    assert "data-print" in html and ".ics" in html  # the print button
    for url in (f"/events/{event.id}/agenda/{b2.id}", f"/events/{event.id}/agenda/{b2.id}.ics"):
        assert client.get(url).status_code == 404
    other_event = es.make_event(db, owner)
    db.commit()
    assert client.get(f"/events/{other_event.id}/agenda/{b1.id}").status_code == 404


def test_xlsx_export_holds_every_meeting_three_ways(client, db, fair):
    event, owner = fair["event"], fair["organiser"]
    es.as_user(client, owner)
    _build(client, event)
    response = client.get(f"/events/{event.id}/export.xlsx")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    wb = openpyxl.load_workbook(io.BytesIO(response.data))
    assert wb.sheetnames == ["按企业", "按桌号", "按时段"]
    rows = _meetings(db, event)
    expected = {(m.slot, m.table, m.buyer.enterprise.name, m.supplier.enterprise.name) for m in rows}
    by_table = {(r[1], r[0], r[3], r[4]) for r in wb["按桌号"].iter_rows(min_row=2, values_only=True)}
    by_slot = {(r[0], r[2], r[3], r[4]) for r in wb["按时段"].iter_rows(min_row=2, values_only=True)}
    assert by_table == expected == by_slot
    people = list(wb["按企业"].iter_rows(min_row=2, values_only=True))
    assert len(people) == 2 * len(rows)
    assert {(r[0], r[2], r[4], r[5]) for r in people} >= {
        (m.buyer.enterprise.name, m.slot, m.table, m.supplier.enterprise.name) for m in rows}


def test_signin_sheet_lists_approved_participants(client, db, fair):
    event, owner = fair["event"], fair["organiser"]
    es.as_user(client, owner)
    _build(client, event)
    html = client.get(f"/events/{event.id}/signin").get_data(as_text=True)
    for p, _u in fair["buyers"] + fair["suppliers"]:
        assert p.enterprise.name in html
    assert "@media print" not in html and "data-print" in html  # the print button


def test_cli_schedule_builds_the_stored_event(app, db, fair, monkeypatch):
    event = fair["event"]
    monkeypatch.setattr("matchmaker.commands.events._app", lambda: app)
    result = CliRunner().invoke(events_cli, ["schedule", str(event.id), "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    assert "meetings scheduled   5 of 6 accepted requests" in result.output
    assert "upper bound 12" in result.output
    db.expire_all()
    names = {p.id: p.enterprise.name for p, _u in fair["buyers"] + fair["suppliers"]}
    (left,) = db.get(Event, event.id).schedule_stats["unscheduled"]
    buyer, supplier = (names[p] for p in left["pair"])
    assert f"  left out {buyer} / {supplier}: supplier reached max_meetings (1)" in result.output
    assert len(_meetings(db, event)) == 5
    missing = CliRunner().invoke(events_cli, ["schedule", "999"])
    assert missing.exit_code == 1 and "no event with id 999" in missing.output


def test_statistics_stored_as_english_text_still_show(client, db, fair):
    event, owner = fair["event"], fair["organiser"]
    (b1, _), _b2 = fair["buyers"]
    s = fair["s"]
    event.schedule_version = 1
    event.schedule_stats = {"meetings": 0, "requests": 1, "total_priority": 0, "upper_bound": 2, "gap": 100,
                            "participants_met": 0, "participants_with_request": 2, "coverage_bound": 2,
                            "optimal": False, "seconds": 0.1, "method": "exact MILP", "warnings": [],
                            "changes": [], "unscheduled": [{"pair": [b1.id, s[0].id], "priority": 2,
                                                            "reason": "buyer's schedule is full"}]}
    db.commit()
    es.as_user(client, owner)
    html = client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    assert "buyer&#39;s schedule is full" in html


def test_build_without_accepted_requests_says_so(client, db):
    people = es.fair(db, buyers=1, suppliers=1)
    event, owner = people["event"], people["organiser"]
    es.as_user(client, owner)
    _build(client, event)
    html = client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    assert "还没有已接受的会谈邀约" in html
    assert db.get(Event, event.id).schedule_version == 0


@pytest.mark.redis
def test_build_runs_as_an_rq_job_when_redis_is_configured(client, db, fair, job_queue):
    from rq import SimpleWorker

    queue, connection = job_queue, job_queue.connection
    event, owner = fair["event"], fair["organiser"]
    es.as_user(client, owner)
    _build(client, event)
    assert db.get(Event, event.id).schedule_stats["state"] == "queued"
    assert "本页每 5 秒刷新" in client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    assert not _meetings(db, event)
    [job] = queue.get_jobs()
    assert job.args[0] == "matchmaker.services.events.jobs:run_schedule_job"
    db.commit()
    SimpleWorker([queue], connection=connection).work(burst=True)
    db.expire_all()
    stored = db.get(Event, event.id)
    assert stored.schedule_stats["state"] == "done" and stored.schedule_version == 1
    assert len(_meetings(db, event)) == 5


def _invalid_fair(client, db, fair):
    """Buyer 1's fixed table is beyond the event's 3 tables; a locked meeting sits in a slot its supplier left."""
    event, owner = fair["event"], fair["organiser"]
    (b1, _), (b2, _) = fair["buyers"]
    es.as_user(client, owner)
    _build(client, event)
    locked = next(m for m in _meetings(db, event) if m.buyer_id == b2.id)
    client.post(f"/events/{event.id}/meetings/{locked.id}/lock", data={"locked": "1"})
    supplier = locked.supplier
    supplier.unavailable = [locked.slot]
    b1.table = 5
    db.commit()
    return b1, locked


def test_invalid_fair_data_is_shown_by_enterprise_name(client, db, fair):
    event = fair["event"]
    b1, locked = _invalid_fair(client, db, fair)
    buyer, supplier = locked.buyer.enterprise.name, locked.supplier.enterprise.name
    html = client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    assert 'id="schedule-problems"' in html
    assert f"参会企业 {b1.enterprise.name}：第 5 桌超出桌号范围 1–3" in html
    assert (f"第 1 场锁定会谈（{buyer}，{supplier}，{locked.slot}，第 {locked.table} 桌）："
            f"{supplier} 在 {locked.slot} 无法参会") in html
    assert event_schedule.participant_key(b1.id) + "'" not in html
    assert f"participant {event_schedule.participant_key(b1.id)!r}" not in html
    es.fresh()
    english = client.get(f"/events/{event.id}/schedule?lang=en").get_data(as_text=True)
    assert f"participant &#39;{b1.enterprise.name}&#39;: table 5 is outside 1..3" in english
    assert f"&#39;{supplier}&#39; is unavailable in {locked.slot}" in english


def test_building_invalid_fair_data_is_refused_with_names(client, db, fair):
    event = fair["event"]
    b1, _locked = _invalid_fair(client, db, fair)
    version = db.get(Event, event.id).schedule_version
    _build(client, event)
    html = client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    assert f"排程数据有误：参会企业 {b1.enterprise.name}：第 5 桌超出桌号范围 1–3；" in html
    db.expire_all()
    assert db.get(Event, event.id).schedule_version == version
    problems = event_schedule.data_problems(db, event)
    assert [m.kind for m in problems] == ["table_out_of_range", "locked_unavailable"]
    assert problems[0].fields == {"record": "participant", "participant": event_schedule.participant_key(b1.id),
                                  "table": 5, "tables": 3}


def test_a_valid_fair_shows_no_data_problems(client, db, fair):
    event = fair["event"]
    es.as_user(client, fair["organiser"])
    assert event_schedule.data_problems(db, event) == []
    assert 'id="schedule-problems"' not in client.get(f"/events/{event.id}/schedule").get_data(as_text=True)


def test_agenda_notices_link_to_each_participants_agenda(client, db, fair):
    event, owner = fair["event"], fair["organiser"]
    es.as_user(client, owner)
    _build(client, event)
    client.post(f"/events/{event.id}/schedule/publish", data={"final": "0"})
    db.expire_all()
    for participant, user in fair["buyers"] + fair["suppliers"]:
        (note,) = db.query(Notification).filter_by(user_id=user.id).all()
        assert note.link == f"/events/{event.id}/agenda/{participant.id}"
    (b1, b1_user), _b2 = fair["buyers"]
    moved = next(m for m in _meetings(db, event) if m.buyer_id == b1.id)
    moved.supplier.unavailable = [moved.slot]
    db.commit()
    _build(client, event, allow_moves="y")
    db.expire_all()
    changed = db.query(Notification).filter_by(user_id=b1_user.id).order_by(Notification.id).all()[-1]
    assert "会谈日程有变动" in changed.text and changed.link == f"/events/{event.id}/agenda/{b1.id}"


def test_a_rebuild_by_the_command_links_changed_agendas(client, db, app, fair, monkeypatch):
    event, owner = fair["event"], fair["organiser"]
    es.as_user(client, owner)
    _build(client, event)
    client.post(f"/events/{event.id}/schedule/publish", data={"final": "0"})
    (b1, b1_user), _b2 = fair["buyers"]
    moved = next(m for m in _meetings(db, event) if m.buyer_id == b1.id)
    moved.supplier.unavailable = [moved.slot]
    db.commit()
    monkeypatch.setattr("matchmaker.commands.events._app", lambda: app)
    result = CliRunner().invoke(events_cli, ["schedule", str(event.id), "--allow-moves", "--time-limit", "2"])
    assert result.exit_code == 0, result.output
    db.expire_all()
    changed = db.query(Notification).filter_by(user_id=b1_user.id).order_by(Notification.id).all()[-1]
    assert "会谈日程有变动" in changed.text and changed.link == f"/events/{event.id}/agenda/{b1.id}"


def test_ics_sequence_grows_with_every_change_a_calendar_must_apply(client, db, fair):
    """Over a schedule's life — provisional, final, a meeting moved, one withdrawn — each change a
    participant's calendar must pick up comes with a higher SEQUENCE, including TENTATIVE → CONFIRMED."""
    event, owner = fair["event"], fair["organiser"]
    (b1, _), (b2, _) = fair["buyers"]
    supplier, supplier_user = fair["suppliers"][0]

    def calendar():
        es.as_user(client, supplier_user)
        events = {str(e["UID"]): e for e in _calendar(client, event, supplier).events}
        es.as_user(client, owner)
        return {uid: (int(e["SEQUENCE"]), str(e["STATUS"])) for uid, e in events.items()}

    es.as_user(client, owner)
    _build(client, event)
    client.post(f"/events/{event.id}/schedule/publish", data={"final": "0"})
    provisional = calendar()
    assert len(provisional) == 2 and set(provisional.values()) == {(0, "TENTATIVE")}

    client.post(f"/events/{event.id}/schedule/publish", data={"final": "1"})
    final = calendar()
    assert set(final) == set(provisional) and set(final.values()) == {(1, "CONFIRMED")}

    mine = {m.buyer_id: m for m in _meetings(db, event) if m.supplier_id == supplier.id}
    supplier.unavailable = [mine[b1.id].slot]
    db.get(MeetingRequest, mine[b2.id].request_id).status = "cancelled"
    db.commit()
    _build(client, event)
    changed = calendar()
    assert changed[mine[b1.id].uid] == (2, "CONFIRMED")
    assert changed[mine[b2.id].uid] == (2, "CANCELLED")
    assert client.post(f"/events/{event.id}/schedule/publish", data={"final": "1"}).status_code in (302, 303)
    assert calendar() == changed  # publishing the final agenda again changes nothing a calendar shows
