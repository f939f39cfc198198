"""Each role does its main task from the workbench alone, on a laptop (1366×900) and a phone (390×844).

The only address typed is the log-in page; everything after it is reached by clicking what the
workbench and the pages it leads to offer (on the phone, the site menu folded behind 菜单).
Each task ends on the visible outcome a user would read: the flash message and the new state
label. The demo data gives every width rows of its own (the first still waiting is taken each
time), so the tests share one live site. Screenshots of every step go to ``test-artifacts/``.

* buyer (large enterprise): a demand with new applications → an application → 入围 → 已入围;
* SME: a new opportunity → why it was matched → 报价/揭榜 → the application under 我的申请;
* organiser: a fair with registrations to review → 通过; the fair held today → 签到 a meeting;
* admin: the verification queue → 核验通过 an organisation.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from matchmaker.db import session_scope
from matchmaker.models import Application, Demand, EventParticipant, User
from tests.e2e.support import log_in

pytestmark = pytest.mark.e2e

VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
BUYER, SME = "buyer@demo.matchmaker.cn", "sme@demo.matchmaker.cn"
ORGANISER, ADMIN = "organiser@demo.matchmaker.cn", "admin@demo.matchmaker.cn"


def _log_in(browser, base: str, email: str, viewport: dict, live_app):
    """Open the log-in page, log in, and land on the workbench (a first visit: everything is new)."""
    with session_scope(live_app) as session:
        session.scalars(select(User).where(User.email == email)).one().last_login_at = None
    page = log_in(browser, base, email, viewport, timeout=20_000)
    assert page.url.rstrip("/").endswith("/workbench"), page.url
    assert page.get_by_role("heading", level=1, name="工作台").is_visible()
    return page


def _go(page, link):
    """Click ``link`` (scrolled into view) and wait for the page it opens."""
    link.scroll_into_view_if_needed()
    with page.expect_navigation():
        link.click()


def _menu(page, name: str):
    """Follow a link of the site menu, unfolding it first where it is folded (phones)."""
    toggle = page.locator("header .nav-toggle")
    if toggle.is_visible():
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
    _go(page, page.locator("#site-menu").get_by_role("link", name=name, exact=True))


def _snap(page, artifacts, name: str, size: str):
    page.screenshot(path=str(artifacts / f"task-{name}-{size}.png"), full_page=True)


def _fits(page):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{page.url}: {overflow}px wider than the window"


def _flash(page) -> str:
    return " ".join(page.locator("main .flash").all_inner_texts())


@pytest.mark.parametrize("size", VIEWPORTS)
def test_buyer_shortlists_a_new_application(browser, live_app, live_server, artifacts, size):
    with session_scope(live_app) as session:
        buyer = session.scalars(select(User).where(User.email == BUYER)).one()
        waiting = set(session.scalars(select(Application.demand_id).join(Application.demand).where(
            Demand.enterprise_id == buyer.enterprise_id, Application.status == "submitted")))
    page = _log_in(browser, live_server, BUYER, VIEWPORTS[size], live_app)
    try:
        _snap(page, artifacts, "buyer-1-workbench", size)
        rows = page.locator("section[data-test=buyer] tr[data-test=demand-row]")
        row = next(r for r in rows.all() if int(r.get_attribute("data-demand-id")) in waiting
                   and int(r.locator("[data-count=demand-new-applications]").inner_text()) > 0)
        title = row.locator("th a").inner_text()
        _go(page, row.locator("a[data-count=demand-applications]"))
        assert title in page.locator("h1").inner_text()
        _fits(page)
        _snap(page, artifacts, "buyer-2-received", size)

        entry = page.locator("table.data tbody tr").filter(has_text="已提交").first
        applicant = entry.locator("td").first.locator("a").first.inner_text()
        _go(page, entry.locator("td").first.locator("a").first)
        status = page.locator("[data-test=application-status]")
        assert status.inner_text() == "已提交" and applicant in page.locator("h1").inner_text()
        page.fill("textarea[name=message]", "方案可行，请于下周来我司进行技术交流。")
        _go(page, page.get_by_role("button", name="入围", exact=True))
        assert "已更新申请状态并通知对方" in _flash(page)
        assert status.inner_text() == "已入围"
        _fits(page)
        _snap(page, artifacts, "buyer-3-shortlisted", size)
    finally:
        page.context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_sme_reads_why_an_opportunity_fits_and_applies(browser, live_app, live_server, artifacts, size):
    with session_scope(live_app) as session:
        sme = session.scalars(select(User).where(User.email == SME)).one()
        applied = set(session.scalars(select(Application.demand_id).where(
            Application.enterprise_id == sme.enterprise_id)))
    page = _log_in(browser, live_server, SME, VIEWPORTS[size], live_app)
    try:
        supplier = page.locator("section[data-test=supplier]")
        assert supplier.locator("[data-test=opportunity]").count() > 0
        _snap(page, artifacts, "sme-1-workbench", size)
        _go(page, supplier.locator("a[data-count=new-opportunities]"))
        cards = page.locator("li[data-test=opportunity]")
        card = next(c for c in cards.all() if int(c.get_attribute("data-demand-id")) not in applied)
        reasons = [r.strip() for r in card.locator(".reasons li").all_inner_texts()]
        assert reasons and all(reasons), "an opportunity says why it was matched"
        assert card.locator("a[href*='/capabilities/']").count() == 1  # and with which of our capabilities
        card.scroll_into_view_if_needed()
        _fits(page)
        _snap(page, artifacts, "sme-2-opportunity", size)

        title = card.locator("h3 a").inner_text()
        _go(page, card.locator("h3 a"))
        assert page.locator("h1").inner_text() == title
        _go(page, page.get_by_role("link", name=re.compile("^我要(报价|揭榜)$")))
        page.fill("textarea[name=proposal]", "我司可按贵司指标供货，附近期检测报告，样品两周内送达，可驻厂配合导入。")
        page.fill("input[name=price]", "120")
        _snap(page, artifacts, "sme-3-form", size)
        _go(page, page.locator("form.form button[type=submit]"))
        assert "申请已提交" in _flash(page)
        assert page.locator("[data-test=application-status]").inner_text() == "已提交"
        _snap(page, artifacts, "sme-4-sent", size)

        _menu(page, "工作台")
        _go(page, page.locator("section[data-test=supplier] a[data-count=applications-submitted]"))
        row = page.locator("table.data tbody tr").filter(has_text=title)
        assert row.count() == 1 and "已提交" in row.inner_text()
        _fits(page)
        _snap(page, artifacts, "sme-5-my-applications", size)
    finally:
        page.context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_organiser_approves_a_registration_and_checks_in_a_meeting(browser, live_app, live_server, artifacts,
                                                                   size):
    page = _log_in(browser, live_server, ORGANISER, VIEWPORTS[size], live_app)
    try:
        section = page.locator("section[data-test=organiser]")
        _snap(page, artifacts, "organiser-1-workbench", size)
        fair = section.locator("tr[data-test=managed-fair]").filter(
            has=page.locator("a[data-count=pending-registrations]")).first
        fair_name = fair.locator("th a").inner_text()
        fair_id = fair.get_attribute("data-event-id")
        pending = int(fair.locator("a[data-count=pending-registrations] strong").inner_text())
        _go(page, fair.locator("a[data-count=pending-registrations]"))
        assert fair_name in page.title()
        entry = page.locator("table.data tbody tr").filter(has=page.locator(".tag-verified")).filter(
            has=page.get_by_role("button", name="通过", exact=True)).first
        row_id = entry.get_attribute("id")  # participant-<id>
        assert entry.locator(".tag", has_text="待审核").count() == 1
        _go(page, entry.get_by_role("button", name="通过", exact=True))
        assert "已通过" in _flash(page)
        row = page.locator(f"#{row_id}")
        if row.count():  # the list comes back unfiltered: the row may be on another page
            assert row.locator(".tag", has_text="已通过").count() == 1
        with session_scope(live_app) as session:
            assert session.get(EventParticipant, int(row_id.split("-")[1])).status == "approved"
        _fits(page)
        _snap(page, artifacts, "organiser-2-approved", size)

        _menu(page, "工作台")
        left = page.locator(f"tr[data-test=managed-fair][data-event-id='{fair_id}'] a[data-count=pending-registrations]")
        assert (int(left.locator("strong").inner_text()) if left.count() else 0) == pending - 1
        _go(page, page.locator("section[data-test=organiser] [data-test=checkin-today] a").first)
        card = page.locator("tr.meeting-card.checkin-pending").first
        meeting = card.get_attribute("id")
        buyer = card.locator(".m-party .company-name").first.inner_text()
        _go(page, card.get_by_role("button", name="已洽谈", exact=True))
        done = page.locator(f"#{meeting} .checkin-done")
        assert done.is_visible() and done.inner_text().startswith("已签到") and buyer in done.inner_text()
        assert page.locator(f"#{meeting} .m-checkin .tag").inner_text() == "已洽谈"
        assert page.evaluate("window.scrollY") > 0 or page.locator(f"#{meeting}").is_visible()
        _fits(page)
        page.screenshot(path=str(artifacts / f"task-organiser-3-checked-in-{size}.png"))
    finally:
        page.context.close()


@pytest.mark.parametrize("size", VIEWPORTS)
def test_admin_verifies_an_organisation_from_the_queue(browser, live_app, live_server, artifacts, size):
    page = _log_in(browser, live_server, ADMIN, VIEWPORTS[size], live_app)
    try:
        queue = page.locator("section[data-test=admin] a[data-count=unverified-enterprises]")
        waiting = int(queue.locator("strong").inner_text())
        assert waiting > 0
        _snap(page, artifacts, "admin-1-workbench", size)
        _go(page, queue)
        entry = page.locator("table.data tbody tr").filter(
            has=page.get_by_role("button", name=re.compile("^核验(通过)?$"))).first
        name = entry.locator("td").first.locator("a").first.inner_text()
        _fits(page)
        _snap(page, artifacts, "admin-2-queue", size)
        _go(page, entry.get_by_role("button", name=re.compile("^核验(通过)?$")))
        assert f"已核验“{name}”" in _flash(page)
        assert page.locator("table.data tbody tr").filter(has_text=name).count() == 0  # left the queue
        _snap(page, artifacts, "admin-3-verified", size)
        _menu(page, "工作台")
        assert int(page.locator("section[data-test=admin] a[data-count=unverified-enterprises] strong")
                   .inner_text()) == waiting - 1
    finally:
        page.context.close()
