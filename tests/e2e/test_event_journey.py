"""A fair from end to end in a real browser: create, register, agree a meeting, schedule, publish, .ics."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar
import pytest

from matchmaker.db import session_scope
from matchmaker.models import Enterprise, User
from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

ORGANISER, BUYER, SME = ("organiser@demo.matchmaker.cn", "buyer@demo.matchmaker.cn", "sme@demo.matchmaker.cn")


def _enterprise_of(live_app, email: str) -> str:
    with session_scope(live_app) as session:
        user = session.query(User).filter_by(email=email).one()
        return session.get(Enterprise, user.enterprise_id).name


def _log_in(browser, base: str, email: str):
    return log_in(browser, base, email, {"width": 1280, "height": 900}, accept_downloads=True)


def _post_button(page, text: str):
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=text, exact=True).first.click()
    page.wait_for_load_state()


def test_fair_journey(live_server, live_app, browser, artifacts):
    buyer_name, sme_name = _enterprise_of(live_app, BUYER), _enterprise_of(live_app, SME)
    today = dt.date.today()

    organiser = _log_in(browser, live_server, ORGANISER)
    organiser.goto(f"{live_server}/events/new")
    organiser.fill("input[name=name]", "端到端测试对接会")
    organiser.fill("input[name=date]", (today + dt.timedelta(days=14)).isoformat())
    organiser.fill("input[name=start]", "09:00")
    organiser.fill("input[name=end]", "10:00")
    organiser.fill("input[name=meeting_minutes]", "20")
    organiser.fill("input[name=tables]", "2")
    organiser.fill("input[name=venue]", "会展中心 3 号馆")
    organiser.fill("input[name=registration_opens]", (today - dt.timedelta(days=1)).isoformat())
    organiser.fill("input[name=registration_closes]", (today + dt.timedelta(days=7)).isoformat())
    organiser.screenshot(path=str(artifacts / "event-new.png"), full_page=True)
    organiser.click("form.form button[type=submit]")
    organiser.wait_for_load_state()
    event_url = organiser.url.split("?")[0]
    assert "/events/" in event_url and "09:40–10:00" in organiser.content()
    _post_button(organiser, "开放报名")
    organiser.screenshot(path=str(artifacts / "event-page.png"), full_page=True)

    buyer = _log_in(browser, live_server, BUYER)
    buyer.goto(event_url)
    buyer.get_by_role("link", name="立即报名").click()
    buyer.check("input[name=role][value=buyer]")
    buyer.check("input[name=unavailable][value='09:00']")
    buyer.click("form.form button[type=submit]")
    buyer.wait_for_load_state()
    assert "待审核" in buyer.content()

    sme = _log_in(browser, live_server, SME)
    sme.goto(event_url)
    sme.get_by_role("link", name="立即报名").click()
    sme.check("input[name=role][value=supplier]")
    sme.click("form.form button[type=submit]")
    sme.wait_for_load_state()

    organiser.goto(f"{event_url}/participants")
    for _ in range(2):
        _post_button(organiser, "通过")
    assert organiser.content().count("已通过") >= 2
    organiser.screenshot(path=str(artifacts / "event-participants.png"), full_page=True)

    sme.goto(f"{event_url}/requests")
    sme.select_option("select#counterpart", label=buyer_name)
    sme.select_option("form.form select[name=priority]", "3")
    sme.fill("form.form textarea[name=message]", "希望介绍我们的产品")
    sme.get_by_role("button", name="发出邀约", exact=True).last.click()
    sme.wait_for_load_state()
    assert "等待" in sme.content()
    sme.screenshot(path=str(artifacts / "event-requests-sent.png"), full_page=True)

    buyer.goto(f"{event_url}/requests")
    assert "希望介绍我们的产品" in buyer.content()
    _post_button(buyer, "接受")
    assert sme_name in buyer.locator("text=已约定的会谈").locator("xpath=following::table[1]").inner_text()

    organiser.goto(f"{event_url}/schedule")
    organiser.fill("input[name=time_limit]", "3")
    organiser.get_by_role("button", name="生成日程", exact=True).click()
    organiser.wait_for_load_state()
    assert organiser.locator("#stat-meetings").inner_text() == "1"
    _post_button(organiser, "发布最终日程")
    assert "日程定稿" in organiser.content()
    organiser.screenshot(path=str(artifacts / "event-schedule.png"), full_page=True)

    sme.goto(f"{event_url}/agenda")
    assert buyer_name in sme.content()
    sme.screenshot(path=str(artifacts / "event-agenda.png"), full_page=True)
    with sme.expect_download() as info:
        sme.get_by_role("link", name="加入日历（.ics）").click()
    calendar = icalendar.Calendar.from_ical(Path(info.value.path()).read_bytes())
    events = calendar.events
    assert len(events) == 1
    meeting = events[0]
    assert buyer_name in str(meeting["SUMMARY"]) and "会展中心 3 号馆" in str(meeting["LOCATION"])
    assert meeting.decoded("DTSTART").strftime("%H:%M") != "09:00"  # the buyer is away then
    assert str(meeting["STATUS"]) == "CONFIRMED" and str(calendar["METHOD"]) == "PUBLISH"
    for page in (organiser, buyer, sme):
        page.context.close()
