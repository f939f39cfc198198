"""Shared steps of the end-to-end tests."""
from __future__ import annotations

from matchmaker.services.seeding import DEMO_PASSWORD

LAPTOP = {"width": 1366, "height": 900}


def log_in(browser, base: str, email: str | None, viewport: dict | None = None, lang: str = "zh-CN",
           timeout: int = 15_000, **context_options):
    """A new browser context at ``viewport`` with a page logged in as ``email`` (a demo account), or not
    logged in when ``email`` is None; fails when the log-in is refused."""
    context = browser.new_context(viewport=viewport or LAPTOP, locale=lang, **context_options)
    context.set_default_timeout(timeout)
    page = context.new_page()
    if email:
        page.goto(f"{base}/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("form.auth-form button[type=submit]")
        page.wait_for_load_state()
        assert "/login" not in page.url, f"log-in failed for {email}"
    return page
