"""Organisers read a fair's agenda by participant and by table, on a phone and on a laptop.

The organiser reaches both views from the fair's own page (no address typed), finds a
participant by part of its name, and reads each table's day: on a phone as stacked cards,
on a laptop as a table whose scrolling region takes keyboard focus. Nothing may be wider
than the window. Screenshots go to ``test-artifacts/``.
"""
from __future__ import annotations

import pytest

from matchmaker.db import session_scope
from matchmaker.models import Event, Meeting, User
from matchmaker.services import events as event_service
from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

ORGANISER = "organiser@demo.matchmaker.cn"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}
_WIDTH = "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"


@pytest.fixture(scope="module")
def fair(live_app, live_server):
    """The demo organiser's fair with the most scheduled meetings, and the name of one participant in it."""
    with session_scope(live_app) as session:
        user = session.query(User).filter_by(email=ORGANISER).one()
        best, count = None, 0
        for event in session.query(Event).filter(Event.schedule_version > 0):
            n = session.query(Meeting).filter_by(event_id=event.id, status="scheduled").count()
            if event_service.can_manage(user, event) and n > count:
                best, count = event, n
        assert best is not None, "the demo data holds a scheduled fair the demo organiser runs"
        meeting = session.query(Meeting).filter_by(event_id=best.id, status="scheduled").first()
        return {"event": best.id, "name": best.name, "supplier": meeting.supplier.enterprise.name}


def _log_in(browser, base: str, viewport):
    return log_in(browser, base, ORGANISER, viewport)


def _fits(page, what: str) -> None:
    width = page.evaluate(_WIDTH)
    assert width["scroll"] <= width["inner"], f"{what}: page {width['scroll']}px wide in a {width['inner']}px window"


@pytest.mark.parametrize("size", list(VIEWPORTS))
def test_agendas_by_participant_and_by_table(browser, live_server, fair, artifacts, size):
    page = _log_in(browser, live_server, VIEWPORTS[size])
    page.goto(f"{live_server}/events/{fair['event']}")
    page.locator("nav.event-tabs").get_by_role("link", name="会谈安排").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/events/{fair['event']}/agendas")
    page.fill("#agenda-q", fair["supplier"][:4])
    page.get_by_role("button", name="查找", exact=True).click()
    page.wait_for_load_state()
    page.locator(".agenda-people a", has_text=fair["supplier"]).first.click()
    page.wait_for_load_state()
    agenda = page.locator("table.agenda-list")
    assert agenda.locator("tbody tr").count() >= 1
    assert page.locator("#agenda-of-name").inner_text().strip() == fair["supplier"]
    _fits(page, f"agenda by participant ({size})")
    page.screenshot(path=str(artifacts / f"organiser-agenda-participant-{size}.png"), full_page=True)

    page.locator("nav.agenda-views").get_by_role("link", name="按洽谈桌").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/events/{fair['event']}/agendas/tables")
    region = page.locator(".table-days-wrap")
    assert region.get_attribute("role") == "region" and region.get_attribute("tabindex") == "0"
    assert region.get_attribute("aria-label")
    _fits(page, f"agenda by table ({size})")
    row_display = page.evaluate("() => getComputedStyle(document.querySelector('.table-days tbody tr')).display")
    if size == "phone":  # one card per table, no wider than the window
        assert row_display == "block"
        row = page.locator(".table-days tbody tr").first.bounding_box()
        assert row["width"] <= VIEWPORTS[size]["width"]
    else:  # a grid of tables by slots, scrolling sideways inside its region, which takes keyboard focus
        assert row_display == "table-row"
        region.focus()
        assert page.evaluate("() => document.activeElement.classList.contains('table-days-wrap')")
    page.screenshot(path=str(artifacts / f"organiser-agenda-tables-{size}.png"), full_page=True)
    page.context.close()


def test_enterprise_picker_on_a_phone(browser, live_server, fair, artifacts):
    page = _log_in(browser, live_server, VIEWPORTS["phone"])
    page.goto(f"{live_server}/events/{fair['event']}/participants")
    page.get_by_role("link", name="代企业报名").first.click()
    page.wait_for_load_state()
    page.fill("#picker-q", fair["supplier"][:3])
    page.get_by_role("button", name="查找", exact=True).click()
    page.wait_for_load_state()
    assert page.locator(".candidate-list li").count() >= 1
    _fits(page, "enterprise picker (phone)")
    page.screenshot(path=str(artifacts / "organiser-picker-phone.png"), full_page=True)
    page.context.close()
