"""The OpenAPI document of API v1: complete, valid, and true to what the endpoints return.

Real payloads of every endpoint are checked against the document's schemas, and
schemathesis sends generated requests to every GET operation, checking that none
fails with a server error and every answer has a documented status and shape.
"""
from __future__ import annotations

import datetime as dt
import re

import jsonschema_rs
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from matchmaker.api.openapi import resolve
from matchmaker.api.params import MAX_ID
from matchmaker.models import Meeting, Qualification
from matchmaker.services.api_tokens import create_token
from matchmaker.services.seeding import seed_chains
from tests.integration import events_support as es
from tests.integration import helpers as h

PREFIX = "/api/v1"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.response_schema_conformance,
          schemathesis.checks.status_code_conformance]


def _rule_to_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix(PREFIX))


def _served_operations(app) -> set[tuple[str, str]]:
    return {(_rule_to_path(rule.rule), method.lower()) for rule in app.url_map.iter_rules()
            if rule.rule.startswith(PREFIX + "/") for method in rule.methods - {"HEAD", "OPTIONS"}}


def _refs(node):
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _validator(spec: dict, path: str, status: int):
    response = resolve(spec, spec["paths"][path]["get"]["responses"][str(status)])
    schema = response["content"]["application/json"]["schema"]
    return jsonschema_rs.validator_for({"$schema": DIALECT, **schema, "components": spec["components"]},
                                       validate_formats=True)


def _world(db) -> dict:
    """Chains, a large buyer with demands and a token, SMEs with capabilities, a fair with an agenda."""
    seed_chains(db)
    buyer_ent = h.enterprise(db, name="苏州新能源汽车集团有限公司", size="large", city="苏州", industry="汽车制造")
    buyer = h.user(db, buyer_ent, email="buyer@example.cn")
    demand = h.demand(db, buyer_ent, title="N型TOPCon电池片月度采购", description="月需求约200MW N型TOPCon电池片",
                      chain_nodes=["solar.cell"], budget=90000000, quantity=200, unit="MW",
                      deadline=dt.date.today() + dt.timedelta(days=30), required_qualifications=["ISO 9001"],
                      published_at=dt.datetime.now(dt.UTC))
    draft = h.demand(db, buyer_ent, title="保密的草稿需求", status="draft")
    smes, capabilities = [], []
    for n, (name, title) in enumerate([("无锡晶科光伏科技有限公司", "N型TOPCon电池片"),
                                       ("常州光电材料有限公司", "TOPCon电池片代工")]):
        ent = h.enterprise(db, name=name, size="small", city="无锡", region="江苏省")
        db.add(Qualification(enterprise_id=ent.id, name="ISO 9001", canonical="ISO 9001", verified=n == 0,
                             valid_until=dt.date.today() + dt.timedelta(days=365)))
        capabilities.append(h.capability(db, ent, title=title, description=f"{title}，月产能300MW",
                                         chain_nodes=["solar.cell"], region="江苏省", qualifications=["ISO 9001"],
                                         capacity="300MW/月", active=True))
        smes.append((ent, h.user(db, ent)))
    organiser = es.organiser(db)
    event = es.make_event(db, organiser, status="final", theme_nodes=["solar.cell"])
    draft_event = es.make_event(db, organiser, status="draft", name="筹备中的对接会")
    b = es.participant(db, event, buyer_ent, "buyer", table=1)
    s = es.participant(db, event, smes[0][0], "supplier")
    db.add(Meeting(event_id=event.id, buyer_id=b.id, supplier_id=s.id, slot=event.slots[0], table=1, priority=2,
                   uid=f"meeting-{event.id}-1@matchmaker", sequence=0))
    _, token = create_token(db, buyer, "openapi")
    _, organiser_token = create_token(db, organiser, "openapi")
    db.commit()
    return {"token": token, "organiser_token": organiser_token, "demand": demand.id, "draft": draft.id,
            "enterprise": buyer_ent.id, "capability": capabilities[0].id, "event": event.id,
            "draft_event": draft_event.id, "participant": b.id, "supplier_participant": s.id}


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


# -- the document ---------------------------------------------------------------

def test_every_api_route_is_documented_with_its_methods(app, client):
    spec = client.get(f"{PREFIX}/openapi.json").get_json()
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    served = _served_operations(app)
    assert served, "no API routes registered"
    assert served - documented == set(), "served but undocumented"
    assert documented - served == set(), "documented but not served"


def test_the_document_is_valid_openapi(client):
    spec = client.get(f"{PREFIX}/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    schemathesis.openapi.from_dict(spec).validate()  # the official OpenAPI 3.1 meta-schema
    for schema in spec["components"]["schemas"].values():
        jsonschema_rs.meta.validate({"$schema": DIALECT, **schema})  # each one is sound JSON Schema
    refs = list(_refs(spec))
    assert refs and all(resolve(spec, {"$ref": r}) for r in refs)  # KeyError for a dangling one
    for path, item in spec["paths"].items():
        for method, op in item.items():
            declared = {resolve(spec, p)["name"] for p in op.get("parameters", [])
                        if resolve(spec, p)["in"] == "path"}
            assert declared == set(re.findall(r"{(\w+)}", path)), (method, path)
            for response in op["responses"].values():
                assert "application/json" in resolve(spec, response)["content"]


def test_the_docs_page_lists_every_operation(client):
    spec = client.get(f"{PREFIX}/openapi.json").get_json()
    assert "需要令牌" in client.get("/api/docs").get_data(as_text=True)  # Chinese by default
    page = client.get("/api/docs?lang=en")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    for path in spec["paths"]:
        assert f"<code>{PREFIX}{path}</code>" in html
    assert "Token required" in html and "https://" not in html.split("<main", 1)[1]  # nothing fetched from outside


# -- real payloads against the schemas --------------------------------------------

def test_real_payloads_match_the_documented_schemas(client, db):
    w = _world(db)
    spec = client.get(f"{PREFIX}/openapi.json").get_json()
    token, organiser = _bearer(w["token"]), _bearer(w["organiser_token"])
    calls = [
        ("/health", "/health", {}, 200), ("/overview", "/overview", {}, 200),
        ("/me", "/me", token, 200), ("/me", "/me", organiser, 200), ("/me", "/me", {}, 401),
        ("/enterprises/{enterprise_id}", f"/enterprises/{w['enterprise']}", {}, 200),
        ("/enterprises/{enterprise_id}", f"/enterprises/{MAX_ID}", {}, 404),
        ("/search", "/search?q=電池片", {}, 200), ("/search", "/search?q=无锡晶科", token, 200),
        ("/search", "/search?q=%20", {}, 400),
        ("/demands", "/demands", {}, 200), ("/demands", "/demands?chain=solar&region=江苏&per_page=1", {}, 200),
        ("/demands", "/demands?page=abc", {}, 400), ("/demands", "/demands", _bearer("mm_wrong"), 401),
        ("/demands/{demand_id}", f"/demands/{w['demand']}", {}, 200),
        ("/demands/{demand_id}", f"/demands/{w['draft']}", token, 200),
        ("/demands/{demand_id}", f"/demands/{w['draft']}", {}, 404),
        ("/demands/{demand_id}/suggestions", f"/demands/{w['demand']}/suggestions", token, 200),
        ("/demands/{demand_id}/suggestions", f"/demands/{w['demand']}/suggestions", organiser, 404),
        ("/demands/{demand_id}/suggestions", f"/demands/{w['demand']}/suggestions", {}, 401),
        ("/capabilities", "/capabilities?size=small", {}, 200), ("/capabilities", "/capabilities?size=x", {}, 400),
        ("/capabilities/{capability_id}", f"/capabilities/{w['capability']}", {}, 200),
        ("/events", "/events?upcoming=true", {}, 200), ("/events", "/events?upcoming=TRUE", {}, 200), ("/events", "/events", organiser, 200),
        ("/events/{event_id}", f"/events/{w['event']}", {}, 200),
        ("/events/{event_id}", f"/events/{w['draft_event']}", organiser, 200),
        ("/events/{event_id}", f"/events/{w['draft_event']}", token, 404),
        ("/events/{event_id}/agenda", f"/events/{w['event']}/agenda", token, 200),
        ("/events/{event_id}/agenda", f"/events/{w['event']}/agenda?participant={w['supplier_participant']}",
         organiser, 200),
        ("/events/{event_id}/agenda", f"/events/{w['event']}/agenda?participant={w['supplier_participant']}",
         token, 404),
        ("/events/{event_id}/agenda", f"/events/{w['event']}/agenda?participant=x", token, 400),
    ]
    bodies = {}
    for path, url, headers, status in calls:
        es.fresh()
        response = client.get(PREFIX + url, headers=headers)
        assert response.status_code == status, (url, response.get_data(as_text=True)[:300])
        assert str(status) in spec["paths"][path]["get"]["responses"], (url, status)
        errors = [e.message for e in _validator(spec, path, status).iter_errors(response.get_json())]
        assert errors == [], (url, errors)
        if status == 200:
            bodies.setdefault(url, response.get_json())
    # The checks above saw real content, not empty lists that fit any schema.
    assert bodies["/demands"]["items"][0]["published_at"].endswith("+00:00")
    assert bodies[f"/demands/{w['demand']}/suggestions"]["ranked"]
    assert bodies[f"/events/{w['event']}/agenda"]["meetings"][0]["with"]["participant_id"] == w["supplier_participant"]
    assert bodies[f"/enterprises/{w['enterprise']}"]["open_demands"]
    assert bodies["/search?q=電池片"]["results"] and bodies["/search?q=无锡晶科"]["enterprises"]
    assert bodies[f"/demands/{w['draft']}"]["status"] == "draft"


@pytest.mark.parametrize("url, field", [
    ("/demands?page=two", "page"), ("/demands?page=0", "page"), ("/demands?page=100000000000000000000", "page"),
    ("/demands?per_page=101", "per_page"), ("/demands?per_page=١٢", "per_page"), ("/demands?kind=tender", "kind"),
    ("/demands?deadline_before=31/12/2026", "deadline_before"), ("/demands?q=%00", "q"),
    ("/capabilities?size=huge", "size"), ("/capabilities?region=%00", "region"),
    ("/search?q=%00", "q"), ("/search?q=x&kind=people", "kind"), ("/search?q=x&page=99999999999999999999", "page"),
    ("/events?upcoming=maybe", "upcoming"), ("/events?upcoming=%20true", "upcoming"), ("/events?page=-1", "page"),
    ("/demands?regoin=江苏", "regoin"), ("/events?page=1&upcomming=true", "upcomming"),
])
def test_bad_query_parameters_answer_400_naming_the_parameter(client, url, field):
    response = client.get(PREFIX + url)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == 400 and error["field"] == field and field in error["message"]


@pytest.mark.parametrize("url", ["/demands/", "/capabilities/", "/enterprises/", "/events/"])
def test_ids_beyond_the_database_range_are_not_found(client, url):
    for value in (MAX_ID, MAX_ID + 1, 10**20):
        response = client.get(f"{PREFIX}{url}{value}")
        assert response.status_code == 404 and response.get_json()["error"]["code"] == 404


def test_a_query_parameter_without_a_name_is_refused(client, db):
    """A misspelt or empty parameter must not be read as an unfiltered list."""
    response = client.get(f"{PREFIX}/demands?=null")
    assert response.status_code == 400
    assert "Unknown query parameter ''" in response.get_json()["error"]["message"]
    assert client.get(f"{PREFIX}/demands?region=江苏&page=1").status_code == 200


def test_bad_parameters_of_an_authenticated_endpoint_answer_400(client, db):
    w = _world(db)
    response = client.get(f"{PREFIX}/demands/{w['demand']}/suggestions?size=giant", headers=_bearer(w["token"]))
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "size"
    response = client.get(f"{PREFIX}/events/{w['event']}/agenda?participant={10**12}", headers=_bearer(w["token"]))
    assert response.status_code == 400 and response.get_json()["error"]["field"] == "participant"


# -- property-based requests ------------------------------------------------------

def test_get_endpoints_hold_to_the_document(app, subtests):
    """Generated requests to every operation: anonymous, as the buyer, as the fair's organiser.

    Valid requests must get a documented answer of the documented shape; invalid
    ones (wrong types, out-of-range numbers, unknown choices) a documented 4xx.
    """
    from matchmaker.db import get_session
    with app.app_context():
        world = _world(get_session())
    schema = schemathesis.openapi.from_wsgi(f"{PREFIX}/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # schemathesis leaves out the document's own path; every other operation is exercised.
    assert {(op.path, op.method) for op in operations} == _served_operations(app) - {("/openapi.json", "get")}
    rejecting = [*CHECKS, schemathesis.checks.negative_data_rejection]
    for mode, checks in ((GenerationMode.POSITIVE, CHECKS), (GenerationMode.NEGATIVE, rejecting)):
        for operation in operations:
            if mode is GenerationMode.NEGATIVE and not _parameters_of(schema, operation):
                continue  # nothing a request could get wrong
            with subtests.test(msg=f"{mode.value} {operation.label}"):
                _fuzz(operation, mode, checks, [None, _bearer(world["token"]), _bearer(world["organiser_token"])])()


def _parameters_of(schema, operation) -> list:
    return schema.raw_schema["paths"][operation.path][operation.method].get("parameters", [])


def _fuzz(operation, mode, checks, credentials):
    # Every example is a real request against a real database, so Hypothesis's speed
    # health checks say nothing useful; no example database, as all operations share
    # this one function's name.
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(case=operation.as_strategy(mode), headers=st.sampled_from(credentials))
    def run(case, headers):
        case.call_and_validate(headers=headers, checks=checks)
    return run
