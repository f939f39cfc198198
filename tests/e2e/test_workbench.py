"""Each role logs in, lands on its workbench and follows a count to the list behind it, on a desktop and a phone."""
from __future__ import annotations

import pytest

from matchmaker.db import session_scope
from matchmaker.models import User
from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
#: Who logs in, and the workbench section whose first count link is followed.
ROLES = {
    "buyer": ("buyer@demo.matchmaker.cn", "buyer"),
    "sme": ("sme@demo.matchmaker.cn", "supplier"),
    "organiser": ("organiser@demo.matchmaker.cn", "organiser"),
    "admin": ("admin@demo.matchmaker.cn", "admin"),
}


def _first_visit(live_app, email: str) -> None:
    """Forget the user's earlier log-ins (another test's), so that everything counts as new."""
    with session_scope(live_app) as session:
        session.query(User).filter_by(email=email).one().last_login_at = None


def _log_in(browser, base: str, email: str, viewport: dict):
    return log_in(browser, base, email, viewport)


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_lands_on_its_workbench_and_follows_a_count(browser, live_app, live_server, artifacts, role,
                                                              size):
    email, section = ROLES[role]
    _first_visit(live_app, email)
    page = _log_in(browser, live_server, email, VIEWPORTS[size])
    try:
        assert page.url.rstrip("/").endswith("/workbench"), page.url
        assert page.get_by_role("heading", level=1, name="工作台").is_visible()
        block = page.locator(f"section[data-test='{section}']")
        assert block.is_visible()
        # Nothing wider than the screen: a phone scrolls down, not sideways.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{overflow}px wider than the viewport"
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(artifacts / f"workbench-{role}-{size}.png"), full_page=True)

        link = block.locator("a[data-count]").first
        link.scroll_into_view_if_needed()
        target = link.get_attribute("href")
        shown = int("".join(ch for ch in link.inner_text() if ch.isdigit()))
        with page.expect_navigation():
            link.click()
        assert page.url.endswith(target.split("#")[0]) or target.split("#")[0] in page.url
        assert page.locator("main, body").first.is_visible()
        if shown:
            empty = page.locator(".empty").count()
            assert empty == 0 or page.locator("table tbody tr, ul.cards > li").count() > 0
        page.screenshot(path=str(artifacts / f"workbench-{role}-{size}-list.png"), full_page=True)
    finally:
        page.context.close()
