"""Every role's main pages pass axe-core's WCAG 2.1 A and AA rules, on a desktop and on a phone.

axe-core comes from its npm package (``npm install --no-save axe-core@4`` in the repository
root, or ``MATCHMAKER_AXE`` naming its ``axe.min.js``); without it these tests skip, and fail
when every outside part is required. One logged-in browser context serves each role at both
widths; each page is checked as it first shows and, for forms, after a submission with
errors. Screenshots go to ``test-artifacts/a11y-<role>-<page>-<width>.png``.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import or_, select

from matchmaker.db import session_scope
from matchmaker.models import (
    Application,
    Capability,
    Demand,
    Enterprise,
    Event,
    EventParticipant,
    Meeting,
    User,
)
from matchmaker.services import applications as application_service
from matchmaker.services import chains as chain_service
from matchmaker.services.seeding import DEMO_PASSWORD
from tests.conftest import need_service

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
MAP_LINK = "#chain-map svg[role=group] a[aria-label]"
ACCOUNTS = {
    "visitor": None,
    "buyer": "buyer@demo.matchmaker.cn",
    "sme": "sme@demo.matchmaker.cn",
    "organiser": "organiser@demo.matchmaker.cn",
    "suzhou": "suzhou@demo.matchmaker.cn",
    "admin": "admin@demo.matchmaker.cn",
}


@dataclass(frozen=True)
class Check:
    """One page to check: its address; for a form, what to send to see it with errors; and what
    the page must show for the check to mean anything (a selector)."""
    name: str
    url: str
    submit: str | None = None  # the form (a selector) to send before checking
    fill: dict = field(default_factory=dict)
    expect: str | None = None
    status: int = 200


def _axe_path() -> Path:
    return Path(os.environ.get("MATCHMAKER_AXE") or ROOT / "node_modules" / "axe-core" / "axe.min.js")


@pytest.fixture(scope="module")
def axe_source() -> str:
    path = _axe_path()
    if not path.is_file():
        need_service(f"accessibility tests need axe-core at {path} (install with: npm install --no-save axe-core@4)")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def demo(live_app) -> dict:
    """Ids of the demo's pages, and one application from the SME to the large enterprise.

    The national organiser's fair is made to admit only verified organisations, so that its
    participants list shows the confirmation an unverified registration needs to be approved.
    """
    with session_scope(live_app) as session:
        users = {u.email: u for u in session.scalars(select(User).where(User.email.in_(
            [e for e in ACCOUNTS.values() if e])))}
        buyer, sme = users[ACCOUNTS["buyer"]], users[ACCOUNTS["sme"]]
        suzhou, national = users[ACCOUNTS["suzhou"]], users[ACCOUNTS["organiser"]]
        still_open = or_(Demand.deadline.is_(None), Demand.deadline >= dt.date.today())
        demand = session.scalars(select(Demand).where(Demand.enterprise_id == buyer.enterprise_id, still_open,
                                                      Demand.status == "published").order_by(Demand.id)).first()
        applied = select(Application.demand_id).where(Application.enterprise_id == sme.enterprise_id)
        # A demand the SME may still apply to, to see the application form.
        open_demand = session.scalars(select(Demand).where(
            Demand.enterprise_id.not_in([sme.enterprise_id, buyer.enterprise_id]), Demand.status == "published",
            Demand.id.not_in(applied), still_open)
            .order_by(Demand.id)).first()
        application = session.scalars(select(Application).join(Demand, Application.demand_id == Demand.id).where(
            Application.enterprise_id == sme.enterprise_id, Demand.enterprise_id == buyer.enterprise_id)
            .order_by(Application.id)).first()
        if application is None:
            application, _ = application_service.apply(
                session, demand, session.get(Enterprise, sme.enterprise_id), sme.id,
                {"proposal": "示范方案：按图纸加工，月产能 5 万件，交期 30 天。", "price": 120})
            session.flush()
        capability = session.scalars(select(Capability).where(Capability.enterprise_id == sme.enterprise_id)
                                     .order_by(Capability.id)).first()
        fair = session.scalars(select(Event).where(Event.organiser_id == national.id).order_by(Event.id)).first()
        fair.unverified_may_register = False
        past_fair = session.scalars(select(Event).where(Event.organiser_id == suzhou.id).order_by(Event.id)).first()
        met = session.scalars(select(Meeting.buyer_id).where(Meeting.event_id == past_fair.id,
                                                             Meeting.status == "scheduled").order_by(Meeting.id)).first()
        unverified = session.scalars(select(Enterprise).where(Enterprise.verified.is_not(True))
                                     .order_by(Enterprise.id)).first()
        waiting = session.scalars(select(EventParticipant).join(Enterprise, EventParticipant.enterprise).where(
            EventParticipant.event_id == fair.id, EventParticipant.status == "pending",
            Enterprise.verified.is_not(True))).first()
        if waiting is None:  # an unverified organisation's registration waiting for approval
            session.add(EventParticipant(event_id=fair.id, enterprise_id=unverified.id, role="supplier",
                                         status="pending"))
        G = chain_service.current_graph(session)
        ids = {"demand": demand.id, "open_demand": open_demand.id, "application": application.id,
               "capability": capability.id, "buyer_enterprise": buyer.enterprise_id,
               "sme_enterprise": sme.enterprise_id, "fair": fair.id, "past_fair": past_fair.id,
               "agenda_participant": met, "unverified": unverified.id,
               "chain": "nev" if "nev" in G.graph["chains"] else next(iter(G.graph["chains"])),
               "solar": "solar" if "solar" in G.graph["chains"] else next(iter(G.graph["chains"]))}
        ids["node"] = next(n for n, c in G.nodes(data="chain") if c == ids["chain"])
    return ids


def _fair_pages(prefix: str, event: int, follow_up: str | None = None, tables: str | None = None) -> list[Check]:
    return [Check(f"{prefix}", f"/events/{event}"),
            Check(f"{prefix}-participants", f"/events/{event}/participants"),
            Check(f"{prefix}-requests", f"/events/{event}/manage/requests"),
            Check(f"{prefix}-schedule", f"/events/{event}/schedule"),
            Check(f"{prefix}-agendas", f"/events/{event}/agendas"),
            Check(f"{prefix}-table-agendas", f"/events/{event}/agendas/tables", expect=tables),
            Check(f"{prefix}-checkin", f"/events/{event}/checkin"),
            Check(f"{prefix}-dashboard", f"/events/{event}/dashboard"),
            Check(f"{prefix}-followup", f"/events/{event}/followup", expect=follow_up),
            Check(f"{prefix}-signin", f"/events/{event}/signin")]


def _checks(role: str, d: dict) -> list[Check]:
    if role == "visitor":
        return [Check("home", "/"), Check("login", "/login"),
                Check("login-errors", "/login", submit="form.auth-form",
                      fill={"input[name=email]": "nobody@example.com", "input[name=password]": "wrong"}),
                Check("register", "/register"), Check("register-errors", "/register", submit="form#signup"),
                Check("demands", "/demands/"), Check("demand", f"/demands/{d['open_demand']}"),
                Check("capabilities", "/capabilities/"), Check("enterprises", "/enterprises/"),
                Check("resources", "/resources/"), Check("search", "/search/?q=电池"),
                Check("events", "/events/"), Check("fair", f"/events/{d['fair']}"),
                Check("chains", "/chains/"), Check("chain-map", f"/chains/{d['chain']}", expect=MAP_LINK),
                Check("chain-node", f"/chains/node/{d['node']}"),
                Check("not-found", "/demands/99999999", status=404)]
    if role == "buyer":
        return [Check("workbench", "/workbench/"), Check("demands-mine", "/demands/mine"),
                Check("demand-suggestions", f"/demands/{d['demand']}", expect="#suggestions li.card"),
                Check("demand-new-errors", "/demands/new", submit="main form.form"),
                Check("applications-received", "/applications/received"),
                Check("application", f"/applications/{d['application']}"),
                Check("enterprise", f"/enterprises/{d['buyer_enterprise']}"),
                Check("capability", f"/capabilities/{d['capability']}"),
                Check("notifications", "/notifications/"), Check("account", "/account")]
    if role == "sme":
        return [Check("workbench", "/workbench/"), Check("opportunities", "/opportunities/"),
                Check("capabilities-mine", "/capabilities/mine"),
                Check("apply-errors", f"/demands/{d['open_demand']}/apply", submit="main form.form"),
                Check("applications-mine", "/applications/mine"),
                Check("application", f"/applications/{d['application']}"),
                Check("resources", "/resources/"), Check("fair", f"/events/{d['fair']}"),
                Check("followups", "/followups/")]
    if role == "organiser":
        picker = f"/events/{d['fair']}/participants/add?q=精工"
        return [Check("workbench", "/workbench/"), Check("events", "/events/"),
                *_fair_pages("fair", d["fair"]),
                Check("fair-pending", f"/events/{d['fair']}/participants?status=pending",
                      expect="form.approve-unverified input[name=admit_unverified]"),
                Check("fair-picker", picker, expect=".candidate-list li.candidate"),
                Check("fair-picker-errors", picker, submit="form.picker-form"),
                Check("chain-map", f"/chains/{d['chain']}", expect=MAP_LINK),
                Check("key-enterprises", f"/chains/{d['chain']}/key-enterprises"),
                Check("reports", "/reports/"), Check("enterprises", "/enterprises/")]
    if role == "suzhou":
        return [Check("workbench", "/workbench/"),
                *_fair_pages("past-fair", d["past_fair"], follow_up="table.followups tbody tr",
                             tables="table.table-days td .company-name"),
                Check("past-fair-agenda-of", f"/events/{d['past_fair']}/agendas?participant={d['agenda_participant']}",
                      expect="table.agenda-list tbody tr"),
                Check("chain-map", f"/chains/{d['solar']}", expect=MAP_LINK), Check("reports", "/reports/")]
    if role == "admin":
        return [Check("workbench", "/workbench/"), Check("admin", "/admin/"),
                Check("verification", "/admin/enterprises"),
                Check("refusal", f"/admin/enterprises/{d['unverified']}/reject"),
                Check("refusal-errors", f"/admin/enterprises/{d['unverified']}/reject", submit="main form.form",
                      fill={"textarea[name=reason]": ""}),
                Check("qualifications", "/admin/qualifications"),
                Check("users", "/admin/users"), Check("audit", "/admin/audit"), Check("reports", "/reports/")]
    raise AssertionError(role)


@pytest.fixture(scope="module")
def contexts(browser, live_server):
    """One browser context per role, logged in once and reused at each width."""
    made = {}

    def context_for(role: str):
        if role not in made:
            context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="zh-CN")
            context.set_default_timeout(20_000)
            email = ACCOUNTS[role]
            if email:
                page = context.new_page()
                page.goto(f"{live_server}/login")
                page.fill("input[name=email]", email)
                page.fill("input[name=password]", DEMO_PASSWORD)
                with page.expect_navigation():
                    page.click("form.auth-form button[type=submit]")
                assert "/login" not in page.url, f"{email} could not log in"
                page.close()
            made[role] = context
        return made[role]

    yield context_for
    for context in made.values():
        context.close()


def _run_axe(page, axe_source: str) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    return page.evaluate("""async tags => {
      const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
      return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}));
    }""", AXE_TAGS)


def _describe(where: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{where}: {v['id']} ({v['impact']}) — {v['help']}; {len(v['nodes'])} element(s)")
        for node in v["nodes"][:5]:
            summary = " ".join((node["summary"] or "").split())[:300]
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("size", VIEWPORTS)
@pytest.mark.parametrize("role", ACCOUNTS)
def test_main_pages_pass_axe(axe_source, contexts, live_server, demo, artifacts, role, size):
    page = contexts(role).new_page()
    page.set_viewport_size(VIEWPORTS[size])
    failures, checked = [], 0
    try:
        for check in _checks(role, demo):
            response = page.goto(f"{live_server}{check.url}")
            status = response.status if response is not None else None
            assert status == check.status, f"{check.url}: HTTP {status}"
            if check.submit:
                form = page.locator(check.submit).first
                for selector, value in check.fill.items():
                    form.locator(selector).fill(value)
                with page.expect_navigation():
                    form.locator("button[type=submit], button:not([type])").last.click()
                assert page.locator(".error-summary, .error, .flash-error").count() > 0, \
                    f"{check.name}: the form showed no error"
            if check.expect:
                assert page.locator(check.expect).count() > 0, f"{check.name}: nothing matches {check.expect}"
            where = f"{role}/{size} {check.name} ({page.url.removeprefix(live_server)})"
            failures += [_describe(where, [v]) for v in _run_axe(page, axe_source)]
            checked += 1
            page.screenshot(path=str(artifacts / f"a11y-{role}-{check.name}-{size}.png"), full_page=True)
            if size == "phone" and checked == 1 and page.locator(".nav-toggle:visible").count():
                page.click(".nav-toggle")  # the folded menu, once opened, is checked too
                assert page.get_attribute(".nav-toggle", "aria-expanded") == "true"
                failures += [_describe(where + " with the menu open", [v]) for v in _run_axe(page, axe_source)]
    finally:
        page.close()
    assert not failures, f"{len(failures)} axe violation(s) on {role}'s pages at {size} width:\n" + "\n".join(failures)


STATUS_WORDS = ("平台供给空白", "单一来源", "正常", "暂无供需")


def test_chain_map_is_a_group_of_links_named_in_words(contexts, live_server, demo, live_app, artifacts):
    """A keyboard reaches every node of the map, and each link says the node's state in words."""
    with session_scope(live_app) as session:
        G = chain_service.current_graph(session)
        names = {G.nodes[n]["name"] for n, c in G.nodes(data="chain") if c == demo["chain"]}
    page = contexts("visitor").new_page()
    page.set_viewport_size(VIEWPORTS["desktop"])
    try:
        page.goto(f"{live_server}/chains/{demo['chain']}")
        svg = page.locator("#chain-map svg")
        assert svg.get_attribute("role") == "group" and svg.get_attribute("aria-label")
        labels = page.eval_on_selector_all("#chain-map svg a:has([data-node-id])",
                                           "els => els.map(e => e.getAttribute('aria-label'))")
        assert len(labels) == len(names)
        for name in names:
            spoken = [label for label in labels if label.startswith(name + " ")]
            assert spoken and any(word in spoken[0] for word in STATUS_WORDS), (name, spoken)
            assert "家" in spoken[0], spoken
        warned = page.locator("#chain-map svg a:has([data-warning])")
        for i in range(warned.count()):
            assert "预警" in (warned.nth(i).get_attribute("aria-label") or "")
        # Tab from the link just before the map lands on its first node, and on each in turn.
        page.locator("#chain-map").evaluate("el => el.previousElementSibling && el.scrollIntoView()")
        first = page.locator("#chain-map svg a").first
        first.focus()
        seen = set()
        for _ in range(len(names)):
            seen.add(page.evaluate("document.activeElement.getAttribute('aria-label')"))
            assert page.evaluate("!!document.activeElement.closest('#chain-map svg')")
            page.keyboard.press("Tab")
        assert seen == set(labels)
        node = page.get_by_role("link", name=labels[0])
        assert node.count() == 1
        first.focus()
        page.screenshot(path=str(artifacts / "a11y-chain-map-focus.png"))
    finally:
        page.close()
