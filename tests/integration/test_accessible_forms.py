"""Forms tell assistive technology what went wrong and where: errors tied to their fields, one summary."""
from __future__ import annotations

import re

from tests.integration import helpers as h


def test_a_refused_form_lists_every_error_and_ties_each_to_its_field(client, db):
    html = client.post("/password/forgot", data={"email": "not an address"}).get_data(as_text=True)
    summary = re.search(r'<div class="error-summary" id="error-summary" role="alert" tabindex="-1">(.*?)</div>',
                        html, re.S)
    assert summary, "the errors are summed up at the top, where focus goes"
    assert 'href="#email"' in summary.group(1)
    control = re.search(r"<input[^>]*\bid=\"email\"[^>]*>", html).group(0)
    assert 'aria-invalid="true"' in control and 'aria-describedby="email-error"' in control
    assert 'id="email-error"' in html


def test_a_form_without_errors_has_no_summary_and_no_invalid_marks(client, db):
    html = client.get("/login").get_data(as_text=True)
    assert 'id="error-summary"' not in html and "aria-invalid" not in html


def test_every_page_starts_with_a_link_past_the_navigation(client, db):
    h.enterprise(db)
    db.commit()
    for url in ("/", "/demands/", "/login"):
        html = client.get(url).get_data(as_text=True)
        body = html[html.index("<body>"):]
        assert body.index('class="skip-link" href="#main"') < body.index('class="topbar"')
        assert '<main class="container" id="main" tabindex="-1">' in html
