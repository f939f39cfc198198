"""Open Contracting Data Standard 1.1: the release package of the API and of ``matchmaker export ocds``.

Every package is validated offline against the standard's own schemas (version
1.1.5, JSON Schema draft 4, in tests/data/ocds-1.1): the package schema refers to
the release schema by its URL, which a local registry maps to the copied file.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4
from sqlalchemy import event, select

from matchmaker.db import get_engine
from matchmaker.domain import size
from matchmaker.io import ocds as mapping
from matchmaker.models import Application, Demand
from matchmaker.services import applications, audit, ocds
from matchmaker.services import demands as demand_service
from matchmaker.services.chains import current_graph
from matchmaker.services.imports import run_import
from tests.integration import helpers as h
from tests.integration.postings_support import in_days, load_chains

SCHEMAS = h.DATA / "ocds-1.1"
SITE = "https://match.example.cn"
API = "/api/v1/ocds/releases"


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


RELEASE_SCHEMA = _schema("release-schema.json")
PACKAGE_SCHEMA = _schema("release-package-schema.json")
# No retrieval function: a reference the registry does not hold fails instead of going online.
REGISTRY = Registry().with_resource(RELEASE_SCHEMA["id"], DRAFT4.create_resource(RELEASE_SCHEMA))
PACKAGE_VALIDATOR = Draft4Validator(PACKAGE_SCHEMA, registry=REGISTRY, format_checker=Draft4Validator.FORMAT_CHECKER)
RELEASE_VALIDATOR = Draft4Validator(RELEASE_SCHEMA, format_checker=Draft4Validator.FORMAT_CHECKER)


def assert_valid(package: dict) -> None:
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in PACKAGE_VALIDATOR.iter_errors(package)]
    for release in package["releases"]:
        problems += [f"{release['id']} {'/'.join(map(str, e.absolute_path))}: {e.message}"
                     for e in RELEASE_VALIDATOR.iter_errors(release)]
    assert problems == []


def test_the_validators_check_formats_and_the_package_reference_offline():
    checker = Draft4Validator.FORMAT_CHECKER
    assert not checker.conforms("2026-01-31", "date-time") and checker.conforms("2026-01-31T08:00:00Z", "date-time")
    assert not checker.conforms("not a uri", "uri")
    assert PACKAGE_SCHEMA["properties"]["releases"]["items"]["$ref"] == RELEASE_SCHEMA["id"]
    bad = {"uri": SITE, "version": "1.1", "publishedDate": "2026-01-31T08:00:00Z", "publisher": {"name": "x"},
           "releases": [{"ocid": "o", "id": "1", "date": "yesterday", "tag": ["tender"],
                         "initiationType": "tender"}]}
    assert [e.validator for e in PACKAGE_VALIDATOR.iter_errors(bad)] == ["format"]  # checked through the $ref


def test_categories_and_industry_codes():
    assert [mapping.procurement_category(kind, title) for kind, title in [
        ("challenge", "固态电池电解质攻关"), ("procurement", "厂房钢结构施工"), ("procurement", "设备维保服务"),
        ("procurement", "检测设备采购"), ("procurement", "N型硅片")]] == ["services", "works", "services", "goods", "goods"]
    standard = {industry.name for industry in size.INDUSTRIES}
    assert set(mapping.INDUSTRY_CODES) <= standard
    assert standard - set(mapping.INDUSTRY_CODES) == {"工业", "其他未列明行业"}  # no single GB/T 4754 code


# -- a small market ---------------------------------------------------------------------

@pytest.fixture
def market(db):
    """A buyer's demands in every state, an SME that won a challenge, one that was turned down."""
    load_chains(db)
    graph = current_graph(db)
    buyer = h.enterprise(db, name="华东新能源集团股份有限公司", size="large", industry="软件和信息技术服务业",
                         city="苏州", contact={"phone": "0512-12345678", "email": "buyer-secret@example.cn"})
    winner = h.enterprise(db, name="苏州光电材料科技有限公司", size="small", industry="工业")
    loser = h.enterprise(db, name="无锡落选精密有限公司", size="micro")
    buyer_user, winner_user, loser_user = h.user(db, buyer), h.user(db, winner), h.user(db, loser)

    def post(**data):
        demand = demand_service.create_demand(db, buyer, buyer_user.id, graph, data)
        return demand

    cells = post(kind="procurement", title="N型TOPCon电池片月度采购", description="月需求约200MW。",
                 chain_nodes=["pv.cell", "pv.module"], quantity="200", unit="MW", budget="90000000",
                 deadline=in_days(30), region="江苏省", required_qualifications="ISO 9001；IATF 16949",
                 payment_days=60)
    challenge = post(kind="challenge", title="钙钛矿叠层电池效率攻关", description="转换效率达到30%。",
                     chain_nodes=["pv.cell"], budget="5000000", deadline=in_days(60), payment_days=30,
                     acceptance_criteria="第三方检测效率不低于30%", ip_terms="成果归发榜方所有，揭榜方享有署名权")
    draft = post(kind="procurement", title="保密的草稿需求：电池包结构件", payment_days=30)
    withdrawn = post(kind="procurement", title="发布前撤回的需求：逆变器外壳", deadline=in_days(10), payment_days=30)
    cancelled = post(kind="procurement", title="组件清洗运维服务", deadline=in_days(20), payment_days=30)
    for demand in (cells, challenge, cancelled):
        demand_service.change_status(db, demand, buyer_user.id, "published")
    demand_service.change_status(db, withdrawn, buyer_user.id, "cancelled", reason="预算取消")
    demand_service.change_status(db, cancelled, buyer_user.id, "cancelled", reason="项目取消")

    won, _ = applications.apply(db, challenge, winner, winner_user.id,
                                {"proposal": "私密方案：叠层工艺路线", "price": "4800000"})
    lost, _ = applications.apply(db, challenge, loser, loser_user.id, {"proposal": "私密方案：另一条路线"})
    applications.review(db, won, buyer_user.id, "accepted", message="恭喜")
    applications.review(db, lost, buyer_user.id, "rejected", message="私密留言")
    demand_service.change_status(db, challenge, buyer_user.id, "awarded")
    db.commit()
    return {"buyer": buyer, "buyer_user": buyer_user, "winner": winner, "loser": loser, "cells": cells,
            "challenge": challenge, "draft": draft, "withdrawn": withdrawn, "cancelled": cancelled,
            "won": won, "lost": lost}


def _package(db, **kw) -> dict:
    return ocds.release_package(db, base_url=SITE, **kw)


def _by_ocid(package: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for release in package["releases"]:
        out.setdefault(release["ocid"], []).append(release)
    return out


def _amend(db, demand: Demand, user_id: int, **changes) -> None:
    """Change a published demand the way an import does: new values plus an itemised audit entry."""
    changed = {}
    for name, new in changes.items():
        old = getattr(demand, name)
        changed[name] = [old.isoformat() if isinstance(old, dt.date) else None if old is None else str(old),
                         new.isoformat() if isinstance(new, dt.date) else str(new)]
        setattr(demand, name, Decimal(new) if name == "budget" else new)
    audit.record(db, user_id, "demand.update", demand, changed=changed, source="import")
    db.commit()


# -- the package --------------------------------------------------------------------------

def test_the_package_and_every_release_validate(db, market):
    package = _package(db)
    assert_valid(package)
    assert package["version"] == "1.1" and package["releases"]
    assert package["license"] and package["publicationPolicy"] == f"{SITE}/api/docs#listOcdsReleases"
    assert package["publishedDate"] == max(r["date"] for r in package["releases"])
    dates = [r["date"] for r in package["releases"]]
    assert dates == sorted(dates)  # oldest first


def test_drafts_withdrawn_demands_and_private_data_never_appear(db, market):
    package = _package(db)
    ocids = set(_by_ocid(package))
    assert ocids == {f"ocds-matchmaker-{market[k].id}" for k in ("cells", "challenge", "cancelled")}
    text = json.dumps(package, ensure_ascii=False)
    for secret in ("保密的草稿需求", "发布前撤回的需求", "buyer-secret@example.cn", "0512-12345678", "私密方案",
                   "私密留言", "恭喜", market["loser"].name, market["loser"].uscc, "4800000"):
        assert secret not in text  # 4800000: the price the winner quoted, seen only by the buyer


def test_a_procurement_tender_maps_every_term(db, market):
    cells = market["cells"]
    (first,) = _by_ocid(_package(db))[f"ocds-matchmaker-{cells.id}"]
    assert first["id"] == f"ocds-matchmaker-{cells.id}-1" and first["tag"] == ["tender"]
    tender = first["tender"]
    assert (tender["status"], tender["procurementMethod"], tender["mainProcurementCategory"]) == (
        "active", "open", "goods")
    assert tender["value"] == {"amount": 90000000, "currency": "CNY"}
    assert tender["tenderPeriod"]["startDate"].endswith("Z")
    assert tender["tenderPeriod"]["endDate"] == f"{in_days(30).isoformat()}T23:59:59+08:00"
    assert tender["eligibilityCriteria"] == "申请企业须具备以下资质：ISO 9001、IATF 16949。"
    (item,) = tender["items"]
    assert item["classification"] == {"scheme": "MATCHMAKER-CHAIN", "id": "pv.cell", "description": "光伏 · 电池片",
                                      "uri": f"{SITE}/chains/node/pv.cell"}
    assert [c["id"] for c in item["additionalClassifications"]] == ["pv.module"]
    assert (item["quantity"], item["unit"]) == (200, {"name": "MW"})
    (payment,) = tender["milestones"]
    assert payment["type"] == "financing" and "60日内付款" in payment["description"]
    buyer = market["buyer"]
    (party,) = first["parties"]
    assert party["id"] == f"CN-SAIC-{buyer.uscc}" == first["buyer"]["id"] == tender["procuringEntity"]["id"]
    assert party["identifier"] == {"scheme": "CN-SAIC", "id": buyer.uscc, "legalName": buyer.name}
    assert party["roles"] == ["buyer", "procuringEntity"] and party["details"]["scale"] == "large"
    assert party["details"]["classifications"] == [
        {"scheme": "GB/T 4754-2017", "id": "65", "description": "软件和信息技术服务业"}]
    assert "contactPoint" not in party


def test_an_awarded_challenge_carries_the_award_and_the_supplier(db, market):
    challenge, winner = market["challenge"], market["winner"]
    releases = _by_ocid(_package(db))[f"ocds-matchmaker-{challenge.id}"]
    assert [r["tag"] for r in releases] == [["tender"], ["award"], ["tenderUpdate"]]
    tender = releases[0]["tender"]
    assert tender["mainProcurementCategory"] == "services"
    assert tender["procurementMethodDetails"].startswith("揭榜挂帅")
    assert "知识产权归属：成果归发榜方所有" in tender["description"]
    assert {"scheme": "GB/T 4754-2017", "id": "73", "description": "研究和试验发展"} in (
        tender["items"][0]["additionalClassifications"])
    assert [m["type"] for m in tender["milestones"]] == ["delivery", "financing"]
    assert "awards" not in releases[0]
    (award,) = releases[1]["awards"]
    assert award["status"] == "active" and "value" not in award  # a quoted price is private
    assert award["suppliers"] == [{"id": f"CN-SAIC-{winner.uscc}", "name": winner.name}]
    supplier = next(p for p in releases[1]["parties"] if p["id"] == award["suppliers"][0]["id"])
    assert supplier["roles"] == ["supplier"] and supplier["details"] == {"scale": "sme"}  # 工业: no single code
    assert releases[1]["tender"]["status"] == "active"
    assert releases[2]["tender"]["status"] == "complete" and releases[2]["awards"] == releases[1]["awards"]


def test_a_cancelled_tender(db, market):
    cancelled = market["cancelled"]
    releases = _by_ocid(_package(db))[f"ocds-matchmaker-{cancelled.id}"]
    assert [r["tag"] for r in releases] == [["tender"], ["tenderCancellation"]]
    assert [r["tender"]["status"] for r in releases] == ["active", "cancelled"]
    assert releases[0]["tender"]["mainProcurementCategory"] == "services"  # 运维服务


def test_amendments_are_new_releases_with_stable_ids(db, market):
    cells, user = market["cells"], market["buyer_user"]
    before = _package(db)
    assert _package(db) == before  # asking twice gives the same package
    _amend(db, cells, user.id, budget="120000000", deadline=in_days(45))
    amended = _package(db)
    assert_valid(amended)
    assert amended["releases"][:len(before["releases"])] == before["releases"]  # nothing earlier changed
    ocid = f"ocds-matchmaker-{cells.id}"
    first, second = _by_ocid(amended)[ocid]
    assert second["id"] == f"{ocid}-2" and second["tag"] == ["tenderAmendment"]
    assert first["tender"]["value"]["amount"] == 90000000  # as published then
    assert second["tender"]["value"]["amount"] == 120000000
    assert second["tender"]["tenderPeriod"]["endDate"].startswith(in_days(45).isoformat())
    (amendment,) = second["tender"]["amendments"]
    assert (amendment["amendsReleaseID"], amendment["releaseID"]) == (f"{ocid}-1", f"{ocid}-2")
    assert "预算（90000000 → 120000000）" in amendment["description"]
    assert f"截止日期（{in_days(30).isoformat()} → {in_days(45).isoformat()}）" in amendment["description"]

    demand_service.change_status(db, cells, user.id, "closed")
    demand_service.change_status(db, cells, user.id, "published")
    db.commit()
    later = _package(db)
    assert_valid(later)
    assert later["releases"][:len(amended["releases"])] == amended["releases"]
    releases = _by_ocid(later)[ocid]
    assert [r["id"] for r in releases] == [f"{ocid}-{n}" for n in (1, 2, 3, 4)]
    assert [r["tender"]["status"] for r in releases] == ["active", "active", "complete", "active"]
    assert releases[3]["tender"]["amendments"] == second["tender"]["amendments"]
    assert _package(db) == later


def test_an_import_that_changes_a_published_demand_makes_an_amendment(db, market, tmp_path):
    buyer, deadline = market["buyer"], in_days(40).isoformat()
    path = tmp_path / "demands.csv"
    path.write_text(f"id,enterprise,title,budget,deadline,payment_days\n"
                    f"D-1,{buyer.name},光伏玻璃年度采购,3000000,{deadline},60\n", encoding="utf-8")
    assert run_import(db, "demands", path).counts["created"] == 1
    db.commit()
    (demand,) = db.scalars(select(Demand).where(Demand.ref == "D-1"))
    ocid = f"ocds-matchmaker-{demand.id}"
    assert [r["tag"] for r in _by_ocid(_package(db))[ocid]] == [["tender"]]
    path.write_text(f"id,enterprise,title,budget,deadline,payment_days\n"
                    f"D-1,{buyer.name},光伏玻璃年度采购,3500000,{deadline},60\n", encoding="utf-8")
    assert run_import(db, "demands", path).counts["updated"] == 1
    db.commit()
    first, second = _by_ocid(_package(db))[ocid]
    assert second["tag"] == ["tenderAmendment"] and second["id"] == f"{ocid}-2"
    assert (first["tender"]["value"]["amount"], second["tender"]["value"]["amount"]) == (3000000, 3500000)
    assert "预算（3000000 → 3500000）" in second["tender"]["amendments"][0]["description"]


def test_a_demand_written_without_audit_entries_still_has_one_history(db, market):
    """Rows put in directly (seeds, old data): publication at published_at, one event for the status."""
    buyer = market["buyer"]
    old = h.demand(db, buyer, title="历史数据：硅片采购", status="closed", payment_days=60,
                   published_at=dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC))
    db.commit()
    releases = _by_ocid(_package(db))[f"ocds-matchmaker-{old.id}"]
    assert [(r["tag"], r["tender"]["status"]) for r in releases] == [(["tender"], "active"),
                                                                     (["tenderUpdate"], "complete")]
    assert releases[0]["date"] == "2026-03-01T08:00:00Z"
    # Reopened on the site: the audit entry's "previous" keeps the earlier move in its place.
    demand_service.change_status(db, old, market["buyer_user"].id, "published")
    db.commit()
    reopened = _by_ocid(_package(db))[f"ocds-matchmaker-{old.id}"]
    assert [(r["id"], r["tag"], r["tender"]["status"]) for r in reopened] == [
        (f"ocds-matchmaker-{old.id}-1", ["tender"], "active"),
        (f"ocds-matchmaker-{old.id}-2", ["tenderUpdate"], "complete"),
        (f"ocds-matchmaker-{old.id}-3", ["tenderUpdate"], "active")]


def test_paging_follows_links_and_since_filters(db, market):
    everything = _package(db)["releases"]
    assert len(everything) == 6
    seen, package = [], _package(db, per_page=4)
    assert "prev" not in package["links"]
    while True:
        assert_valid(package)
        seen += package["releases"]
        if "next" not in package["links"]:
            break
        page = int(package["links"]["next"].split("page=")[1].split("&")[0])
        package = _package(db, page=page, per_page=4)
        assert package["links"]["prev"].startswith(f"{SITE}{API}?page={page - 1}&per_page=4")
    assert seen == everything
    assert _package(db, page=9, per_page=4)["releases"] == []
    assert _package(db, page=9, per_page=4)["links"]["prev"].startswith(f"{SITE}{API}?page=2&")

    cut = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    assert _package(db, since=cut)["releases"] == []
    yesterday = (dt.datetime.now(dt.UTC) - dt.timedelta(days=1)).date()
    assert _package(db, since=yesterday)["releases"] == everything


def test_the_ocid_prefix_comes_from_the_settings(db, market):
    settings = ocds.settings_from({"MATCHMAKER_OCID_PREFIX": "ocds-a1b2c3"})
    package = ocds.release_package(db, base_url=SITE, **settings)
    assert {r["ocid"].rsplit("-", 1)[0] for r in package["releases"]} == {"ocds-a1b2c3"}
    assert ocds.settings_from({})["ocid_prefix"] == "ocds-matchmaker"
    with pytest.raises(ValueError):
        ocds.release_package(db, base_url="match.example.cn")


# -- the API ------------------------------------------------------------------------------

def test_the_api_serves_the_package_publicly(app, client, db, market):
    app.config["MATCHMAKER_OCID_PREFIX"] = "ocds-a1b2c3"
    response = client.get(f"{API}?per_page=2&page=2")
    assert response.status_code == 200
    package = response.get_json()
    assert_valid(package)
    assert package["uri"] == f"http://localhost{API}?page=2&per_page=2"
    assert package["links"] == {"next": f"http://localhost{API}?page=3&per_page=2",
                                "prev": f"http://localhost{API}?page=1&per_page=2"}
    assert all(r["ocid"].startswith("ocds-a1b2c3-") for r in package["releases"])
    app.config["MATCHMAKER_BASE_URL"] = SITE
    since = client.get(f"{API}?since=2000-01-01T00:00:00%2B08:00").get_json()
    assert len(since["releases"]) == 6 and since["uri"].startswith(f"{SITE}{API}?page=1&per_page=20&since=")
    assert client.get(API).get_json() == client.get(API).get_json()


def test_reading_the_releases_writes_nothing(app, client, db, market):
    sent = []

    def record(_conn, _cursor, statement, *_):
        if statement.split(None, 1)[0].upper() not in ("SELECT", "PRAGMA", "SHOW", "SET", "BEGIN", "COMMIT",
                                                       "ROLLBACK", "SAVEPOINT", "RELEASE"):
            sent.append(statement)

    engine = get_engine(app)
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(f"{API}?per_page=3&page=2").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert sent == []


@pytest.mark.parametrize("query, field", [
    ("per_page=101", "per_page"), ("page=0", "page"), ("since=yesterday", "since"), ("since=2026-02-30", "since"),
    ("since=2026-01-31T08:00:00", "since"), ("since=0001-01-01T00:00:00%2B23:00", None),
    ("offset=10", "offset"), ("tag=award", "tag"),
])
def test_the_api_refuses_bad_and_unknown_parameters(client, db, query, field):
    response = client.get(f"{API}?{query}")
    if field is None:  # a bound hours from year 1 is still a bound (before every release)
        assert response.status_code == 200 and response.get_json()["releases"] == []
        return
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_the_operation_is_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"]["/ocds/releases"]["get"]
    names = set()
    for parameter in operation["parameters"]:
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
        names.add(parameter["name"])
    assert names == {"page", "per_page", "since"}
    assert operation["security"] == [] and "Publication policy" in operation["description"]
    assert {"200", "400"} <= set(operation["responses"])
    assert 'id="listOcdsReleases"' in client.get("/api/docs?lang=en").get_data(as_text=True)


# -- the command line ---------------------------------------------------------------------

def test_cli_export_writes_a_valid_package(app, db, market, tmp_path, monkeypatch):
    from matchmaker.commands.exports import export_command
    monkeypatch.setattr("matchmaker.commands.exports._app", lambda: app)
    app.config["MATCHMAKER_OCID_PREFIX"] = "ocds-a1b2c3"  # the file and the API name processes alike
    out = tmp_path / "releases.json"
    result = CliRunner().invoke(export_command, ["ocds", "--out", str(out), "--base-url", SITE])
    assert result.exit_code == 0, result.output
    package = json.loads(out.read_text(encoding="utf-8"))
    assert_valid(package)
    settings = ocds.settings_from(app.config)
    assert package["releases"] == ocds.release_package(db, base_url=SITE, **settings)["releases"]
    assert package["releases"][0]["ocid"].startswith("ocds-a1b2c3-")
    assert "6" in result.output


def test_write_releases_streams_the_same_releases(db, market, tmp_path):
    out = tmp_path / "releases.json"
    assert ocds.write_releases(db, out, base_url=SITE, chunk=2) == 6
    package = json.loads(out.read_text(encoding="utf-8"))
    assert_valid(package)
    assert package["releases"] == _package(db)["releases"] and package["uri"] == f"{SITE}{API}"
    assert not list(tmp_path.glob(".releases.json.*"))  # no temporary file left behind


def test_dates_of_events_without_audit_entries_never_move(db, market):
    """Rows written directly: the award is dated by its application's submission, the status change
    by the event before it; later edits (which move updated_at) change no release id, date or order."""
    buyer, winner = market["buyer"], market["winner"]
    published = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
    old = h.demand(db, buyer, title="历史数据：银浆采购", status="awarded", published_at=published,
                   created_at=published - dt.timedelta(days=2))
    db.add(Application(demand_id=old.id, enterprise_id=winner.id, proposal="历史方案", status="accepted",
                       created_at=published + dt.timedelta(days=3)))
    db.commit()
    ocid = f"ocds-matchmaker-{old.id}"

    def shape():
        package = _package(db)
        assert_valid(package)
        return [(r["id"], r["date"], r["tag"]) for r in package["releases"]], _by_ocid(package)[ocid]

    before, releases = shape()
    assert [(r["date"], r["tag"]) for r in releases] == [
        ("2026-03-01T08:00:00Z", ["tender"]), ("2026-03-04T08:00:00Z", ["award"]),
        ("2026-03-04T08:00:00Z", ["tenderUpdate"])]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    db.execute(Demand.__table__.update().where(Demand.id == old.id).values(description="后来补充的说明",
                                                                           updated_at=later))
    db.execute(Application.__table__.update().where(Application.demand_id == old.id).values(
        message="后来补充的留言", updated_at=later))
    db.commit()
    assert shape()[0] == before


def test_histories_are_read_again_only_after_a_change(app, client, db, market, monkeypatch):
    from matchmaker.services.ocds import history

    reads = []
    real = history._read_histories
    monkeypatch.setattr(history, "_read_histories", lambda session: reads.append(1) or real(session))
    first = client.get(API).get_json()
    assert client.get(f"{API}?page=1").get_json() == first and _package(db)["releases"]
    assert len(reads) == 1
    cells, user = market["cells"], market["buyer_user"]
    demand_service.change_status(db, cells, user.id, "closed")
    db.commit()
    after = client.get(API).get_json()
    assert len(reads) == 2 and len(after["releases"]) == len(first["releases"]) + 1
    db.execute(Demand.__table__.delete().where(Demand.id == market["cancelled"].id))
    db.commit()
    assert f"ocds-matchmaker-{market['cancelled'].id}" not in _by_ocid(_package(db)) and len(reads) == 3


@pytest.fixture
def limited_app(tmp_path, monkeypatch):
    """An app of its own with the rate limit on (the test configuration turns it off)."""
    from matchmaker.app import create_app
    from matchmaker.db import Base

    monkeypatch.setenv("MATCHMAKER_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'limited.sqlite'}",
                      "RATELIMIT_ENABLED": True, "OCDS_RATE_LIMIT": "3 per minute"})
    Base.metadata.create_all(get_engine(app))
    yield app
    get_engine(app).dispose()
    create_app({"TESTING": True, "DATABASE_URL": "sqlite://"})  # leave the shared limiter disabled again


def test_the_api_is_rate_limited(limited_app):
    client = limited_app.test_client()
    codes = [client.get(API).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get(API)
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == 429
