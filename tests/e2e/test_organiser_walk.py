"""The demo site as a bureau organiser reads it in a real browser: names, not ids; Beijing time.

A bureau organiser reports what the site shows upward, so the words must be the ones
its readers use (see ``tests/integration/test_wording.py`` for each rule's source):
chain and node names, never ids; 平台供给空白/单一来源 for what the platform's postings
cover, never 断点/堵点; 已核验 for the platform's checks; "Xizang"; every stored time in
Beijing time. Screenshots of each page go to ``test-artifacts/``.
"""
from __future__ import annotations

import datetime as dt
import re

import pytest

from matchmaker.db import session_scope
from matchmaker.models import Demand, Event, Notification, User
from matchmaker.services import chains as chain_service
from matchmaker.services.seeding import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

ORGANISER = "organiser@demo.matchmaker.cn"
#: 2026-12-07 20:30 UTC is 2026-12-08 04:30 in Beijing.
KNOWN = dt.datetime(2026, 12, 7, 20, 30, tzinfo=dt.UTC)
NODE_LIKE = re.compile(r"\b[a-z0-9]+\.[a-z0-9-]+\b")
#: Words of the platform's own (the demo's texts are its enterprises' words, and may say 链主企业).
WORDS = ("已认证", "断点", "堵点", "Tibet", "2026-12-07 20:30")

_READ = """() => {
  const tips = [...document.querySelectorAll('svg title, [title], [aria-label], [placeholder]')]
    .map(e => e.tagName.toLowerCase() === 'title' ? e.textContent
         : [e.getAttribute('title'), e.getAttribute('aria-label'), e.getAttribute('placeholder')].join(' '));
  return document.body.innerText + ' ' + tips.join(' ');
}"""


def _pages(live_app) -> list[str]:
    with session_scope(live_app) as session:
        user = session.query(User).filter_by(email=ORGANISER).one()
        demand = session.query(Demand).filter_by(status="published").order_by(Demand.id).first()
        events = [e.id for e in session.query(Event).filter_by(organiser_id=user.id).order_by(Event.id)][:1]
        G = chain_service.current_graph(session)
        chains = list(G.graph["chains"])
        first_node = next(iter(G))
    pages = ["/", "/chains/", *(f"/chains/{c}" for c in chains), f"/chains/node/{first_node}", "/demands/",
             "/capabilities/", "/resources/", "/enterprises/", "/events/", "/notifications/", "/search/?q=电池"]
    if demand is not None:
        pages.append(f"/demands/{demand.id}")
    for e in events:
        pages += [f"/events/{e}", f"/events/{e}/participants", f"/events/{e}/manage/requests",
                  f"/events/{e}/schedule", f"/events/{e}/dashboard"]
    return pages


def test_organiser_sees_names_and_beijing_time(live_server, live_app, browser, artifacts):
    pages = _pages(live_app)
    with session_scope(live_app) as session:
        G = chain_service.current_graph(session)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", ORGANISER)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url
    problems = {}
    for url in pages:
        response = page.goto(f"{live_server}{url}")
        assert response is not None and response.status == 200, url
        text = page.evaluate(_READ)
        # Chain ids such as "solar" are also English words of the demo's texts: node ids are checked here,
        # chain ids on pages with known text in tests/integration/test_wording.py.
        found = sorted({m for m in NODE_LIKE.findall(text) if m in G})
        found += [w for w in WORDS if w in text]
        if found:
            problems[url] = found
        name = re.sub(r"[^a-z0-9]+", "-", url.strip("/").split("?")[0].lower()) or "home"
        page.screenshot(path=str(artifacts / f"organiser-walk-{name}.png"), full_page=True)
        if url.startswith("/chains/") and url != "/chains/":
            assert re.search(r"数据截至 \d{4}-\d\d-\d\d \d\d:\d\d（北京时间）", text), url
    context.close()
    assert problems == {}


def test_a_notification_time_reads_in_beijing_time(live_server, live_app, browser):
    with session_scope(live_app) as session:
        user = session.query(User).filter_by(email=ORGANISER).one()
        session.add(Notification(user_id=user.id, text="示范通知：对接会报名已开始", created_at=KNOWN))
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.fill("input[name=email]", ORGANISER)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form.auth-form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server}/notifications/")
    text = page.inner_text("body")
    context.close()
    assert "2026-12-08 04:30（北京时间）" in text and "2026-12-07 20:30" not in text
