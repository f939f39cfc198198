"""Hardening headers on every answer, Secure cookies on HTTPS (also behind a proxy), and
Retry-After on 429; the templates carry nothing the Content-Security-Policy forbids."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import request

from matchmaker import create_app
from matchmaker.db import get_engine, get_session
from matchmaker.headers import CONTENT_SECURITY_POLICY
from tests.integration import helpers as h

PASSWORD = "correct horse battery"
TEMPLATES = Path(__file__).resolve().parents[2] / "matchmaker" / "templates"


def directives(policy: str) -> dict[str, str]:
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


@pytest.fixture
def make_app(app):
    """Another app on the fixture's database, with settings that apply when the app is built."""
    built = []

    def build(**overrides):
        other = create_app({"TESTING": True, "DATABASE_URL": app.config["DATABASE_URL"], **overrides})
        built.append(other)
        return other
    yield build
    for other in built:
        get_engine(other).dispose()
    if any(other.config.get("RATELIMIT_ENABLED") for other in built):
        create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})  # leave the shared limiter disabled again


def make_user(app, email="li@example.cn"):
    with app.app_context():
        h.user(get_session(), email=email)
        get_session().commit()


def set_cookies(response) -> dict[str, str]:
    return {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}


@pytest.mark.parametrize("path", ["/", "/login", "/chains/", "/no-such-page", "/api/v1/openapi.json",
                                  "/static/css/site.css"])
def test_every_answer_carries_the_hardening_headers(client, path):
    response = client.get(path, follow_redirects=True)
    response.close()  # a static file's answer holds the file open
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == "'self'" and policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'" and policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers, "HSTS only over HTTPS"


def test_the_reset_page_keeps_its_stricter_referrer_policy(client):
    assert client.get("/password/reset/some-token").headers["Referrer-Policy"] == "no-referrer"


def test_plain_http_cookies_are_not_marked_secure(app, client):
    make_user(app)
    page = client.post("/login", data={"email": "li@example.cn", "password": PASSWORD, "remember": "y"})
    cookies = set_cookies(page)
    assert {"session", "remember_token"} <= set(cookies)
    assert not any("Secure" in c for c in cookies.values())


def test_https_answers_get_hsts_and_secure_cookies(app, client):
    make_user(app)
    page = client.post("/login", data={"email": "li@example.cn", "password": PASSWORD, "remember": "y"},
                       base_url="https://localhost")
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"
    cookies = set_cookies(page)
    assert "; Secure" in cookies["session"] and "; Secure" in cookies["remember_token"]
    assert "HttpOnly" in cookies["session"] and "HttpOnly" in cookies["remember_token"]
    assert client.get("/account", base_url="https://localhost").status_code == 200


def test_a_forwarded_proto_is_ignored_without_trusted_proxies(app, client):
    make_user(app)
    page = client.post("/login", data={"email": "li@example.cn", "password": PASSWORD, "remember": "y"},
                       headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in page.headers
    assert not any("Secure" in c for c in set_cookies(page).values())


def test_behind_a_trusted_proxy_https_cookies_are_secure(app, make_app):
    make_user(app)
    proxied = make_app(PROXY_FIX_X_FOR=1, HSTS_INCLUDE_SUBDOMAINS=True)
    seen = {}

    @proxied.get("/_test/remote")
    def remote():
        seen["addr"], seen["secure"] = request.remote_addr, request.is_secure
        return ""
    client = proxied.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    page = client.post("/login", data={"email": "li@example.cn", "password": PASSWORD, "remember": "y"},
                       headers=forwarded)
    assert page.status_code == 302
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    cookies = set_cookies(page)
    assert "; Secure" in cookies["session"] and "; Secure" in cookies["remember_token"]
    client.get("/_test/remote", headers=forwarded)
    assert seen == {"addr": "203.0.113.7", "secure": True}, "the client's address counts, for rate limits and logs"


def test_an_untrusted_host_is_answered_with_400(app, client):
    app.config["TRUSTED_HOSTS"] = ["match.example.cn"]
    refused = client.get("/", headers={"Host": "evil.example.test"})
    assert refused.status_code == 400
    assert refused.headers["X-Frame-Options"] == "DENY"
    assert client.get("/", base_url="https://match.example.cn").status_code == 200


def test_a_429_says_when_to_retry(make_app):
    limited = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    client = limited.test_client()
    answers = [client.post("/login", data={"email": "x@example.cn", "password": "wrong password"})
               for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    retry = int(answers[-1].headers["Retry-After"])
    assert 1 <= retry <= 61
    assert "Retry-After" not in answers[0].headers, "only the refusal carries it"
    assert "请求过于频繁" in answers[-1].get_data(as_text=True)


def test_templates_hold_no_inline_script_handler_or_style():
    """What the Content-Security-Policy would block must not be in a template."""
    offences = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        for pattern, what in ((r"<script(?![^>]*\bsrc=)[^>]*>", "inline <script>"),
                              (r"\son[a-z]+\s*=", "inline event handler"),
                              (r"<style", "<style> block"), (r"\sstyle\s*=", "style attribute"),
                              (r"javascript:", "javascript: address")):
            if re.search(pattern, text, flags=re.IGNORECASE):
                offences.append(f"{template.relative_to(TEMPLATES)}: {what}")
    assert offences == [], offences


def test_the_policy_allows_only_this_site():
    assert "http" not in CONTENT_SECURITY_POLICY and "*" not in CONTENT_SECURITY_POLICY
