"""The fair day on a phone at the door: check-in cards, the badge's code, the folded menu, nothing too wide.

Each page is looked at 390×844 (a phone) and 1366×768 (a laptop): nothing may be wider than
the window, and no company name may be squeezed to a character per line. Screenshots of
each go to ``test-artifacts/``.
"""
from __future__ import annotations

import re

import pytest
import segno

from matchmaker.db import session_scope
from matchmaker.models import Event, EventParticipant, Meeting, User
from matchmaker.web.events.day import QR_OPTIONS
from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

ORGANISER, BUYER, ADMIN = ("organiser@demo.matchmaker.cn", "buyer@demo.matchmaker.cn", "admin@demo.matchmaker.cn")
PHONE, LAPTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 768}
BASE_URL = "https://fairs.example.org"

#: Whether the page is wider than the window, and every visible text squeezed narrower than 4
#: characters while taking 3 lines or more (a name broken a character per line).
_FIT = """(selector) => {
  const squeezed = [];
  for (const el of document.querySelectorAll(selector)) {
    const text = el.textContent.trim();
    const range = document.createRange();
    range.selectNodeContents(el);
    const box = range.getBoundingClientRect();  // the text itself, not a cell stretched by its row
    if (text.length < 4 || box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const line = parseFloat(style.lineHeight) || size * 1.6;
    if (box.height >= 3 * line && box.width < 4 * size) squeezed.push(text + ' ' + Math.round(box.width) + 'x' + Math.round(box.height));
  }
  return {scroll: document.documentElement.scrollWidth, inner: window.innerWidth, squeezed};
}"""
NAMES = ".company-name, .card h3, .card a, table.data td, .hero h1"


def _log_in(browser, base: str, email: str, viewport=PHONE, lang="zh-CN", **kw):
    return log_in(browser, base, email, viewport, lang, **kw)


@pytest.fixture(scope="module")
def fair(live_server, live_app, browser):
    """The demo organiser's first fair, scheduled and published, and one participant with meetings."""
    live_app.config["MATCHMAKER_BASE_URL"] = BASE_URL
    with session_scope(live_app) as session:
        user = session.query(User).filter_by(email=ORGANISER).one()
        event_id = session.query(Event).filter_by(organiser_id=user.id).order_by(Event.id).first().id
    page = _log_in(browser, live_server, ORGANISER, viewport=LAPTOP)
    page.goto(f"{live_server}/events/{event_id}/schedule")
    page.fill("input[name=time_limit]", "3")
    page.get_by_role("button", name="生成日程", exact=True).click()
    page.wait_for_load_state()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="发布最终日程", exact=True).first.click()
    page.wait_for_load_state()
    page.context.close()
    with session_scope(live_app) as session:
        meetings = session.query(Meeting).filter_by(event_id=event_id, status="scheduled").all()
        assert len(meetings) >= 10
        busiest = max({m.buyer_id for m in meetings}, key=lambda b: sum(m.buyer_id == b for m in meetings))
        participant = session.get(EventParticipant, busiest)
        return {"event": event_id, "participant": participant.id, "meetings": len(meetings)}


def _check_fit(page, artifacts, name: str):
    found = page.evaluate(_FIT, NAMES)
    page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
    assert found["scroll"] <= found["inner"], f"{name}: {found['scroll']}px wide in a {found['inner']}px window"
    assert not found["squeezed"], f"{name}: squeezed to a character per line: {found['squeezed'][:5]}"


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1366"])
@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_pages_fit_the_window(live_server, browser, artifacts, fair, viewport, lang):
    event, who = fair["event"], fair["participant"]
    page = _log_in(browser, live_server, ORGANISER, viewport=viewport)
    if lang == "en":
        page.goto(f"{live_server}/?lang=en")
    pages = {"checkin": f"/events/{event}/checkin?slot=all", "checkin-badge": f"/events/{event}/checkin?participant={who}",
             "agenda": f"/events/{event}/agenda/{who}", "fairs": "/events/", "home": "/"}
    for name, path in pages.items():
        page.goto(f"{live_server}{path}")
        assert page.locator("h1").count() >= 1
        _check_fit(page, artifacts, f"fair-day-{name}-{viewport['width']}-{lang}")
    page.context.close()


@pytest.mark.parametrize("email", [ORGANISER, BUYER, ADMIN])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_navigation_is_one_line_at_1366(live_server, browser, artifacts, email, lang):
    page = _log_in(browser, live_server, email, viewport=LAPTOP)
    page.goto(f"{live_server}/events/?lang={lang}")
    middles = page.eval_on_selector_all(
        "header.topbar .brand, header.topbar nav.nav a, header.topbar .account a, header.topbar .account button",
        "els => els.map(e => { const r = e.getBoundingClientRect(); return Math.round((r.top + r.bottom) / 2); })")
    page.screenshot(path=str(artifacts / f"fair-day-nav-{lang}-1366-{email.split('@')[0]}.png"))
    assert len(middles) >= 10 and max(middles) - min(middles) <= 6, f"the header wraps: link middles {middles}"
    assert page.locator(".nav-toggle").is_hidden()
    page.context.close()


def test_menu_folds_on_the_phone(live_server, browser, artifacts):
    page = _log_in(browser, live_server, ORGANISER)
    toggle = page.get_by_role("button", name="菜单")
    link = page.locator("nav.nav").get_by_role("link", name="对接会")
    assert toggle.get_attribute("aria-expanded") == "false" and link.is_hidden()
    assert page.locator(f"#{toggle.get_attribute('aria-controls')}").count() == 1
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and link.is_visible()
    page.screenshot(path=str(artifacts / "fair-day-menu-open-390.png"))
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false" and link.is_hidden()
    # by keyboard: Enter opens, Escape closes and leaves the focus on the button
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true" and link.is_visible()
    page.keyboard.press("Escape")
    assert toggle.get_attribute("aria-expanded") == "false" and link.is_hidden()
    assert page.evaluate("document.activeElement.classList.contains('nav-toggle')")
    toggle.click()
    link.click()
    page.wait_for_load_state()
    assert page.url.rstrip("/").endswith("/events")
    page.context.close()
    # without script the menu simply stays open
    bare = _log_in(browser, live_server, ORGANISER, java_script_enabled=False)
    assert bare.locator(".nav-toggle").is_hidden()
    assert bare.locator("nav.nav").get_by_role("link", name="对接会").is_visible()
    bare.screenshot(path=str(artifacts / "fair-day-menu-noscript-390.png"))
    bare.context.close()


def test_checkin_on_the_phone_stays_at_the_meeting(live_server, browser, artifacts, fair):
    event = fair["event"]
    page = _log_in(browser, live_server, ORGANISER)
    page.goto(f"{live_server}/events/{event}/checkin?slot=all")
    cards = page.locator("tr.meeting-card")
    assert cards.count() >= 6
    card = cards.nth(5)  # well down the page
    meeting_id = card.get_attribute("id")
    buyer, supplier = (n.strip() for n in card.locator(".company-name").all_inner_texts())
    slot, table = card.locator("td.m-slot").inner_text().strip(), card.locator("td.m-table").inner_text().strip()
    held = card.get_by_role("button", name="已洽谈")
    box = held.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44  # a tap target
    for name in card.locator(".company-name").all():
        assert name.bounding_box()["width"] > 150  # a name on its own line, not a narrow column
    card.scroll_into_view_if_needed()
    held.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"?slot=all#{meeting_id}")
    card = page.locator(f"#{meeting_id}")
    status = card.get_by_role("status")
    said = f"已签到：{buyer} × {supplier}（{slot}，第{table}桌）"
    assert status.inner_text().strip() == said
    top, bottom = card.evaluate("e => [e.getBoundingClientRect().top, e.getBoundingClientRect().bottom]")
    assert 0 <= top < 844 and bottom > 0, f"the card is out of view ({top}..{bottom})"
    assert page.evaluate("window.scrollY") > 200  # not back at the top
    header_bottom = page.evaluate("document.querySelector('header.topbar').getBoundingClientRect().bottom")
    assert top >= header_bottom - 1, "the sticky header covers the card"
    page.screenshot(path=str(artifacts / "fair-day-checkin-done-390.png"))
    assert "checkin-held" in (card.get_attribute("class") or "")
    # no-show the same meeting, then the search by name keeps the search on return
    card.get_by_role("button", name="缺席").click()
    page.wait_for_load_state()
    assert page.locator(f"#{meeting_id}").get_by_role("status").inner_text().startswith("已登记缺席：")
    page.fill("input[name=q]", supplier)
    page.get_by_role("button", name="查找").click()
    page.wait_for_load_state()
    found = page.locator("tr.meeting-card")
    assert found.count() >= 1 and page.locator(f"#{meeting_id}").count() == 1
    for i in range(found.count()):  # every meeting shown is one of that supplier's
        assert supplier in found.nth(i).locator(".company-name").all_inner_texts()
    page.locator(f"#{meeting_id}").get_by_role("button", name="改回待签到").click()
    page.wait_for_load_state()
    assert "q=" in page.url and page.url.endswith(f"#{meeting_id}")
    assert page.locator(f"#{meeting_id}").get_by_role("status").inner_text().startswith("已改回待签到：")
    page.screenshot(path=str(artifacts / "fair-day-checkin-search-390.png"))
    page.context.close()


def test_agenda_badge_code_is_the_checkin_address(live_server, browser, artifacts, fair):
    event, who = fair["event"], fair["participant"]
    page = _log_in(browser, live_server, ORGANISER)
    page.goto(f"{live_server}/events/{event}/agenda/{who}")
    svg = page.locator("figure.badge-qr svg.qr")
    assert svg.is_visible() and svg.get_attribute("role") == "img"
    shown = svg.locator("path").get_attribute("d")
    address = f"{BASE_URL}/events/{event}/checkin?participant={who}"
    expected = re.search(r'\sd="([^"]+)"', segno.make(address, **QR_OPTIONS).svg_inline(scale=3, border=2)).group(1)
    assert shown == expected
    box = svg.bounding_box()
    assert box["width"] >= 100 and abs(box["width"] - box["height"]) < 1  # big enough to scan, square
    page.screenshot(path=str(artifacts / "fair-day-agenda-badge-390.png"), full_page=True)
    # what the code holds opens that participant's meetings
    page.goto(address.replace(BASE_URL, live_server))
    assert page.locator(".checkin-who").is_visible() and page.locator("tr.meeting-card").count() >= 1
    page.context.close()
