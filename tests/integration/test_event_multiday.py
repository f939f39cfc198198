"""Fairs over several days: slots per day, availability by day, agendas on the right day."""
from __future__ import annotations

import datetime as dt

import icalendar

from matchmaker.models import Event, Meeting
from matchmaker.services import chains as chain_service
from matchmaker.services import events as event_service
from tests.integration import events_support as es
from tests.integration import helpers as h


def _form(**over):
    today = event_service.today()
    data = {"name": "汽车零部件两日对接会", "date": (today + dt.timedelta(days=20)).isoformat(),
            "end_date": (today + dt.timedelta(days=21)).isoformat(), "start": "09:00", "end": "10:00",
            "meeting_minutes": "30", "tables": "4", "request_expiry_hours": "48"}
    data.update(over)
    return data


def test_two_day_fair_has_slots_on_both_days_grouped_by_day(client, db):
    chain_service.store_chains(db, h.dev_chains())
    owner = es.organiser(db)
    db.commit()
    es.as_user(client, owner)
    assert client.post("/events/new", data=_form()).status_code == 302
    event = db.query(Event).one()
    day1, day2 = event.date.isoformat(), (event.date + dt.timedelta(days=1)).isoformat()
    assert event.end_date == event.date + dt.timedelta(days=1)
    assert event.slots == [f"{day1} 09:00", f"{day1} 09:30", f"{day2} 09:00", f"{day2} 09:30"]
    event.status = "open"
    _, member = es.member(db)
    db.commit()
    es.as_user(client, member)
    html = client.get(f"/events/{event.id}/register").get_data(as_text=True)
    assert html.index(day1) < html.index(f'value="{day1} 09:30"') < html.index(day2)
    assert html.count('class="slot-day"') == 2


def test_end_date_must_follow_the_date_and_stay_within_a_week(client, db):
    owner = es.organiser(db)
    db.commit()
    es.as_user(client, owner)
    today = event_service.today()
    before = (today + dt.timedelta(days=19)).isoformat()
    html = client.post("/events/new?lang=en", data=_form(end_date=before)).get_data(as_text=True)
    assert "The last day cannot be before the first." in html
    es.fresh(client)
    too_long = (today + dt.timedelta(days=27)).isoformat()
    html = client.post("/events/new?lang=en", data=_form(end_date=too_long)).get_data(as_text=True)
    assert "A fair lasts at most 7 days." in html
    assert db.query(Event).count() == 0


def test_one_day_fair_keeps_plain_slots(db):
    owner = es.organiser(db)
    event = es.make_event(db, owner, end_date=None)
    same_day = es.make_event(db, owner, end_date=event.date)
    assert event.slots == same_day.slots == ["09:00", "09:20", "09:40", "10:00", "10:20"]
    assert same_day.end_date is None


def _two_day_fair(db):
    today = event_service.today()
    people = es.fair(db, buyers=1, suppliers=1, end_date=today + dt.timedelta(days=11))
    event = people["event"]
    (buyer, _), (supplier, _) = people["buyers"][0], people["suppliers"][0]
    day1 = event.date.isoformat()
    supplier.unavailable = [s for s in event.slots if s.startswith(day1)]  # away on day 1
    es.accepted(db, buyer, supplier)
    db.commit()
    return people


def _calendar(client, event, participant):
    response = client.get(f"/events/{event.id}/agenda/{participant.id}.ics")
    assert response.status_code == 200
    return icalendar.Calendar.from_ical(response.data)


def test_meeting_on_day_two_starts_on_day_two_in_the_calendar(client, db):
    people = _two_day_fair(db)
    event, owner = people["event"], people["organiser"]
    supplier, supplier_user = people["suppliers"][0]
    es.as_user(client, owner)
    assert client.post(f"/events/{event.id}/schedule/build", data={"time_limit": "2"}).status_code == 302
    meeting = db.query(Meeting).filter_by(event_id=event.id, status="scheduled").one()
    day2 = event.date + dt.timedelta(days=1)
    assert meeting.slot.startswith(day2.isoformat())
    grid = client.get(f"/events/{event.id}/schedule").get_data(as_text=True)
    assert f'<th class="slot-day">{day2.isoformat()}</th>' in grid

    client.post(f"/events/{event.id}/schedule/publish", data={"final": "0"})
    es.as_user(client, supplier_user)
    (provisional,) = _calendar(client, event, supplier).events
    start = provisional.decoded("DTSTART")
    assert start.date() == day2 and start.strftime("%H:%M") == meeting.slot[-5:]
    assert str(start.tzinfo) == "Asia/Shanghai"
    assert (provisional.decoded("DTEND") - start) == dt.timedelta(minutes=event.meeting_minutes)
    assert str(provisional["STATUS"]) == "TENTATIVE"

    es.as_user(client, owner)
    client.post(f"/events/{event.id}/schedule/publish", data={"final": "1"})
    es.as_user(client, supplier_user)
    (final,) = _calendar(client, event, supplier).events
    assert str(final["STATUS"]) == "CONFIRMED" and final.decoded("DTSTART") == start
