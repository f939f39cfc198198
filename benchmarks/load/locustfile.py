"""The load benchmark's traffic: who visits Matchmaker, what they open, how often.

Run by :mod:`run` as ``locust -f locustfile.py --headless ...`` with

``LOAD_BENCH_CATALOGUE``
    a JSON file of ids, accounts and search terms of the database under test
    (written by :func:`run.write_catalogue`);
``LOAD_BENCH_MIX``
    ``mix`` (the realistic mix below) or ``floor`` (``GET /healthz`` only);
``LOAD_BENCH_RATE``
    requests per second each simulated user aims at (``constant_throughput``),
    so that the users together offer the target rate;
``LOAD_BENCH_DURATION``
    seconds measured after that reset, then the run ends;
``LOAD_BENCH_WARMUP``
    seconds after which the statistics are reset, once every member has logged
    in (waiting at most twice as long again): log-ins (through the real form,
    CSRF token read from the page) and each worker's first pages are not
    measured.

The mix: anonymous visitors (home, demand hall, demand and capability pages,
search), SMEs logged in (我的商机, demand pages, search, their capabilities; now
and then an application to a demand or an edit of a capability), buyers logged in
(their demand's page with the suggested suppliers, their demands, applications
received), organisers (fairs, demand hall, search), and API clients with a
personal token (lists, a demand, search, suggestions for an own demand, ``/me``).
Requests are named by route (``/demands/[id]``) so the report groups them.
"""
from __future__ import annotations

import json
import os
import random
import re
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import gevent
from locust import FastHttpUser, constant_throughput, events, task

CATALOGUE = json.loads(Path(os.environ["LOAD_BENCH_CATALOGUE"]).read_text(encoding="utf-8")) \
    if os.environ.get("LOAD_BENCH_CATALOGUE") else {}
MIX = os.environ.get("LOAD_BENCH_MIX", "mix")
RATE = float(os.environ.get("LOAD_BENCH_RATE", "4"))
WARMUP = float(os.environ.get("LOAD_BENCH_WARMUP", "10"))
DURATION = float(os.environ.get("LOAD_BENCH_DURATION", "0"))

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


#: Members logged in so far (the statistics are reset once all of them are, and not before WARMUP).
_logged_in = [0]


@events.test_start.add_listener
def _reset_after_warmup(environment, **_kwargs):
    def reset():
        deadline = time.monotonic() + 3 * WARMUP  # a server too slow to log everyone in is measured as it is
        while time.monotonic() < deadline:
            counts = getattr(environment.runner, "user_classes_count", {}) or {}
            members = sum(n for name, n in counts.items() if name in ("Sme", "Buyer", "Organiser"))
            if _logged_in[0] >= members:
                break
            gevent.sleep(0.5)
        environment.stats.reset_all()
        if os.environ.get("LOAD_BENCH_MARK"):  # tells the runner when the measured window opened
            Path(os.environ["LOAD_BENCH_MARK"]).write_text(str(time.time()), encoding="utf-8")
        if DURATION:
            gevent.spawn_later(DURATION, environment.runner.quit)
    gevent.spawn_later(WARMUP, reset)


_FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _form(data: dict, token: str) -> str:
    """A form body with lists as repeated fields (as a browser sends ticked boxes)."""
    return urlencode({**data, "csrf_token": token}, doseq=True)


def _csrf(text: str) -> str | None:
    found = _CSRF.search(text or "")
    return (found.group(1) or found.group(2)) if found else None


_CHECKED_NODE = re.compile(r'name="chain_nodes" value="([^"]+)" checked')
_INFERRED = re.compile(r'name="inferred_nodes"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="inferred_nodes"')


def _confirm(capability: dict, page: str, sent: dict) -> dict | None:
    """The SME accepts the chain nodes the site inferred (and ticked) for a capability that had none."""
    nodes = _CHECKED_NODE.findall(page or "")
    if not nodes:
        return None
    inferred = _INFERRED.search(page)
    capability["chain_nodes"] = nodes
    return {**sent, "chain_nodes": nodes,
            "inferred_nodes": (inferred.group(1) or inferred.group(2) or "") if inferred else ""}


def _expect(response, *statuses, contains: str | None = None) -> None:
    """Mark the response failed unless its status is one of ``statuses`` (and its body holds ``contains``)."""
    if response.status_code not in statuses:
        response.failure(f"status {response.status_code}")
    elif contains is not None and contains not in (response.text or ""):
        response.failure(f"the page lacks {contains!r}")
    else:
        response.success()


class _Visitor(FastHttpUser):
    abstract = True
    wait_time = constant_throughput(RATE)

    def page(self, path: str, name: str, contains: str | None = None, **kwargs):
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False, **kwargs) as r:
            _expect(r, 200, contains=contains)
            return r

    def search(self):
        self.page(f"/search/?q={quote(random.choice(CATALOGUE['terms']))}", "/search/?q=")


class _Member(_Visitor):
    """A user logged in through the log-in form."""

    abstract = True
    role = ""

    def on_start(self):
        self.account = random.choice(CATALOGUE["accounts"][self.role])
        login = self.client.get("/login", name="/login")
        token = _csrf(login.text)
        with self.client.post("/login", name="POST /login", catch_response=True, allow_redirects=False,
                              data={"email": self.account["email"], "password": CATALOGUE["password"],
                                    "csrf_token": token or ""}) as r:
            if r.status_code not in (302, 303) or r.headers.get("Location", "").rstrip("/").endswith("/login"):
                r.failure(f"log-in refused (status {r.status_code})")
                raise RuntimeError(f"logging in as {self.account['email']} failed")
            r.success()
        _logged_in[0] += 1

    def form_post(self, form_path: str, form_name: str, post_name: str, data: dict, confirm=None) -> None:
        """Open a form (GET, measured) and send it with its CSRF token; a redirect is success.

        ``confirm(page, data)``, when the form comes back to be confirmed (chain nodes
        inferred from the text), returns the data the user confirms with, sent once more.
        """
        r = self.page(form_path, form_name)
        token = _csrf(r.text)
        if token is None:
            return
        with self.client.post(form_path, name=post_name, data=_form(data, token), headers=_FORM,
                              catch_response=True, allow_redirects=False) as post:
            again = confirm(post.text, data) if confirm is not None and post.status_code == 200 else None
            if again is None:
                _expect(post, 302, 303)
            else:
                post.success()
        if again is not None:
            with self.client.post(form_path, name=post_name, data=_form(again, _csrf(post.text) or token),
                                  headers=_FORM, catch_response=True, allow_redirects=False) as post:
                _expect(post, 302, 303)


if MIX == "floor":
    class Floor(FastHttpUser):
        """The floor: the cheapest page of the application, at the same offered rate."""

        wait_time = constant_throughput(RATE)

        @task
        def healthz(self):
            with self.client.get("/healthz", name="/healthz", catch_response=True) as r:
                _expect(r, 200)
else:
    class Anonymous(_Visitor):
        weight = 30

        @task(3)
        def home(self):
            self.page("/", "/")

        @task(3)
        def demand_hall(self):
            page = random.choice((1, 1, 1, 2, 3, 5))
            if random.random() < 0.3:
                self.page(f"/demands/?region={quote(random.choice(CATALOGUE['regions']))}&page={page}",
                          "/demands/?region=")
            else:
                self.page(f"/demands/?page={page}", "/demands/")

        @task(4)
        def demand(self):
            self.page(f"/demands/{random.choice(CATALOGUE['demands'])}", "/demands/[id]")

        @task(2)
        def capability(self):
            self.page(f"/capabilities/{random.choice(CATALOGUE['capabilities'])}", "/capabilities/[id]")

        @task(3)
        def search_task(self):
            self.search()

        @task(1)
        def enterprise(self):
            self.page(f"/enterprises/{random.choice(CATALOGUE['enterprises'])}", "/enterprises/[id]")

    class Sme(_Member):
        weight = 30
        role = "sme"

        @task(6)
        def opportunities(self):
            self.page("/opportunities/", "/opportunities/ (我的商机)")

        @task(3)
        def demand(self):
            self.page(f"/demands/{random.choice(CATALOGUE['demands'])}", "/demands/[id] (SME)")

        @task(2)
        def search_task(self):
            self.search()

        @task(1)
        def my_capabilities(self):
            self.page("/capabilities/mine", "/capabilities/mine")

        @task(1)
        def apply(self):
            todo = self.account["can_apply"]
            if not todo:
                return
            demand = todo.pop(random.randrange(len(todo)))
            self.form_post(f"/demands/{demand}/apply", "/demands/[id]/apply", "POST /demands/[id]/apply",
                           {"proposal": "可按贵方技术要求定制，交期四周，提供样品与检测报告。", "price": "12.5",
                            "capability_id": str(self.account["capabilities"][0]["id"])})

        @task(1)
        def edit_capability(self):
            capability = random.choice(self.account["capabilities"])
            marker = "（可提供样品）"
            description = capability["description"]
            description = description[:-len(marker)] if description.endswith(marker) else description + marker
            capability["description"] = description
            data = {"title": capability["title"], "description": description,
                    "chain_nodes": capability["chain_nodes"], "inferred_nodes": "",
                    "qualifications": capability["qualifications"], "capacity": capability["capacity"] or "",
                    "region": capability["region"] or ""}
            self.form_post(f"/capabilities/{capability['id']}/edit", "/capabilities/[id]/edit",
                           "POST /capabilities/[id]/edit", data, confirm=lambda page, sent: _confirm(capability, page, sent))

    class Buyer(_Member):
        weight = 15
        role = "buyer"

        @task(6)
        def own_demand(self):
            self.page(f"/demands/{random.choice(self.account['demands'])}", "/demands/[id] (buyer, suggestions)",
                      contains='id="suggestions"')

        @task(1)
        def my_demands(self):
            self.page("/demands/mine", "/demands/mine")

        @task(1)
        def received(self):
            self.page("/applications/received", "/applications/received")

        @task(1)
        def search_task(self):
            self.search()

    class Organiser(_Member):
        weight = 5
        role = "organiser"

        @task(1)
        def events(self):
            self.page("/events/", "/events/")

        @task(1)
        def event(self):
            if CATALOGUE["events"]:
                self.page(f"/events/{random.choice(CATALOGUE['events'])}", "/events/[id]")

        @task(1)
        def demand_hall(self):
            self.page("/demands/", "/demands/")

        @task(1)
        def search_task(self):
            self.search()

    class ApiClient(FastHttpUser):
        weight = 20
        wait_time = constant_throughput(RATE)

        def on_start(self):
            self.account = random.choice(CATALOGUE["accounts"]["buyer"])
            self.headers = {"Authorization": f"Bearer {self.account['token']}"}

        def get(self, path: str, name: str):
            with self.client.get(path, name=name, headers=self.headers, catch_response=True) as r:
                _expect(r, 200)

        @task(3)
        def demands(self):
            self.get(f"/api/v1/demands?page={random.randint(1, 5)}", "/api/v1/demands")

        @task(3)
        def demand(self):
            self.get(f"/api/v1/demands/{random.choice(CATALOGUE['demands'])}", "/api/v1/demands/[id]")

        @task(2)
        def capabilities(self):
            self.get(f"/api/v1/capabilities?region={quote(random.choice(CATALOGUE['regions']))}",
                     "/api/v1/capabilities?region=")

        @task(2)
        def search(self):
            self.get(f"/api/v1/search?q={quote(random.choice(CATALOGUE['terms']))}", "/api/v1/search?q=")

        @task(2)
        def suggestions(self):
            self.get(f"/api/v1/demands/{random.choice(self.account['demands'])}/suggestions",
                     "/api/v1/demands/[id]/suggestions")

        @task(1)
        def me(self):
            self.get("/api/v1/me", "/api/v1/me")
