"""Reading and moving by keyboard, at 1366×900 and 390×844 (WCAG 2.1: 1.4.1 use of colour, 2.4.7 and
2.4.11 focus visible and not obscured, 2.1.1 keyboard).

* A link inside running text is underlined, not told apart by its colour alone.
* The control that receives the focus is never left under the sticky header.
* The schedule's slots × tables grid, wider than a phone, can be reached and scrolled by keyboard.

Screenshots go to ``test-artifacts/reading-*.png``.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.db import session_scope
from matchmaker.models import Event, User
from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}

#: Visible links inside paragraphs and list items of the page's content, and whether each is underlined.
_TEXT_LINKS = """() => [...document.querySelectorAll('main p a, main li a')]
  .filter(a => !a.closest('nav, .pagination, .cards, .wb-counts, .event-tabs')
               && !a.classList.contains('button') && a.offsetParent !== null && a.textContent.trim())
  .map(a => [a.textContent.trim(), getComputedStyle(a).textDecorationLine])"""


def _page(browser, base: str, viewport: dict, email: str | None = None):
    return log_in(browser, base, email, viewport)


@pytest.mark.parametrize("size", VIEWPORTS)
def test_links_in_running_text_are_underlined(browser, live_server, artifacts, size):
    page = _page(browser, live_server, VIEWPORTS[size], "sme@demo.matchmaker.cn")
    try:
        found = []
        for path in ("/workbench/", "/opportunities/", "/login"):
            page.goto(f"{live_server}{path}")
            found += [(path, *link) for link in page.evaluate(_TEXT_LINKS)]
        assert len(found) >= 5
        assert [f for f in found if "underline" not in f[2]] == []
        page.goto(f"{live_server}/workbench/")
        page.screenshot(path=str(artifacts / f"reading-links-{size}.png"))
    finally:
        page.context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_the_focused_field_is_not_hidden_under_the_sticky_header(browser, live_server, artifacts, size):
    page = _page(browser, live_server, VIEWPORTS[size])
    try:
        page.goto(f"{live_server}/register")
        fields = page.locator("main form input:visible, main form select:visible, main form textarea:visible")
        assert fields.count() >= 4
        before, target = fields.nth(2), fields.nth(3)
        header = page.evaluate("document.querySelector('header.topbar').getBoundingClientRect().bottom")
        assert page.evaluate("getComputedStyle(document.querySelector('header.topbar')).position") in ("sticky", "fixed")
        # Put the next field just under the header's bottom edge, where the header covers it, then Tab to it.
        target.evaluate("(el, h) => window.scrollBy(0, el.getBoundingClientRect().top - h + 12)", header)
        assert target.evaluate("el => el.getBoundingClientRect().top") < header
        before.evaluate("el => el.focus({preventScroll: true})")
        page.keyboard.press("Tab")
        assert target.evaluate("el => el === document.activeElement")
        top = target.evaluate("el => el.getBoundingClientRect().top")
        page.screenshot(path=str(artifacts / f"reading-focus-{size}.png"))
        assert top >= header - 1, f"the focused field starts at {top}px, under the header ending at {header}px"
    finally:
        page.context.close()


def test_the_schedule_grid_scrolls_by_keyboard_on_a_phone(browser, live_app, live_server, artifacts):
    with session_scope(live_app) as session:
        organiser = session.scalars(select(User).where(User.email == "organiser@demo.matchmaker.cn")).one()
        fair = session.scalars(select(Event).where(Event.organiser_id == organiser.id, Event.schedule_version > 0)
                               .order_by(Event.id)).first()
        assert fair is not None, "the demo has a fair with a published agenda"
    page = _page(browser, live_server, VIEWPORTS["phone"], organiser.email)
    try:
        page.goto(f"{live_server}/events/{fair.id}/schedule")
        wrap = page.locator(".table-wrap:has(table.schedule-grid)")
        assert wrap.evaluate("el => el.scrollWidth > el.clientWidth"), "the grid is wider than the phone"
        assert wrap.get_attribute("tabindex") == "0" and wrap.get_attribute("role") == "region"
        assert (wrap.get_attribute("aria-label") or "").strip()
        wrap.focus()
        assert wrap.evaluate("el => el === document.activeElement")
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        # Scrolling may be animated: wait for it to move rather than read it at once.
        wrap.evaluate("""el => new Promise((done, fail) => {
          const until = Date.now() + 3000;
          (function look() { el.scrollLeft > 0 ? done() : Date.now() > until ? fail('no sideways scroll')
                                                        : requestAnimationFrame(look); })();
        })""")
        wrap.screenshot(path=str(artifacts / "reading-schedule-grid-390.png"))
    finally:
        page.context.close()
