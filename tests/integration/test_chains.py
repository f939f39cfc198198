"""Chains stored in the database: weak links, chain maps, node pages, uploads, CLI."""
from __future__ import annotations

import copy
import io
import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from matchmaker.commands.chains import chains as chains_cli
from matchmaker.services import chain_analysis
from matchmaker.services import chains as chain_service
from tests.integration import helpers as h


@pytest.fixture
def stored(db):
    chain_service.store_chains(db, h.dev_chains())
    big = h.enterprise(db, "晶澜光伏集团", size="large")
    v1 = h.enterprise(db, "苏州甲电池片有限公司", region="江苏省")
    v2 = h.enterprise(db, "宁波乙电池片有限公司", region="浙江省")
    unverified = h.enterprise(db, "未认证胶膜公司", verified=False)
    h.capability(db, v1, "TOPCon 电池片", chain_nodes=["pv.cell"])
    h.capability(db, v2, "HJT 电池片", chain_nodes=["pv.cell"])
    h.capability(db, v1, "光伏银浆", chain_nodes=["pv.materials"])
    h.capability(db, unverified, "POE 胶膜", chain_nodes=["pv.materials"])
    h.demand(db, big, "电池片采购", chain_nodes=["pv.cell"])
    h.demand(db, big, "胶膜采购", chain_nodes=["pv.materials"])
    h.demand(db, big, "逆变器采购", chain_nodes=["pv.inverter"])
    h.demand(db, big, "草稿不计入", chain_nodes=["pv.wafer"], status="draft")
    db.commit()
    return db


def _status(links, node):
    return next(w for w in links if w.node == node)


def test_weak_links_from_postings(stored):
    links = chain_analysis.weak_link_report(stored, "pv")
    cell, materials, inverter = (_status(links, n) for n in ("pv.cell", "pv.materials", "pv.inverter"))
    assert (cell.status, cell.suppliers, cell.demands) == ("ok", 2, 1)
    assert cell.region_concentration == 0.5
    assert (materials.status, materials.suppliers, materials.suppliers_unverified) == ("thin", 1, 1)
    assert (inverter.status, inverter.suppliers, inverter.demands) == ("gap", 0, 1)
    assert _status(links, "pv.wafer").demands == 0  # drafts are not open demand


def test_chain_map_draws_every_node_with_links(client, stored):
    G = chain_service.current_graph(stored)
    page = client.get("/chains/pv")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    root = ET.fromstring(svg)
    drawn = {el.get("data-node-id") for el in root.iter() if el.get("data-node-id")}
    assert {n for n, d in G.nodes(data=True) if d["chain"] == "pv"} <= drawn
    assert "/chains/node/pv.cell" in svg


def test_chain_index_counts_gaps(client, stored):
    html = client.get("/chains/").get_data(as_text=True)
    assert "光伏" in html and "tag-gap" in html


def test_node_page_lists_suppliers_demands_and_neighbours(client, stored):
    html = client.get("/chains/node/pv.cell").get_data(as_text=True)
    assert "苏州甲电池片有限公司" in html and "电池片采购" in html
    assert "/chains/node/pv.module" in html  # downstream
    assert client.get("/chains/node/no.such").status_code == 404


def test_english_chain_map(client, stored):
    html = client.get("/chains/pv?lang=en").get_data(as_text=True)
    assert "Solar cells" in html or "Cells" in html


def test_upload_shows_diff_and_lists_affected_postings_before_applying(client, stored):
    admin = h.user(stored, role="admin")
    stored.commit()
    h.login(client, admin)
    doc = h.dev_chains()
    new = copy.deepcopy(doc)
    pv = next(c for c in new["chains"] if c["id"] == "pv")
    pv["nodes"] = [n for n in pv["nodes"] if n["id"] != "pv.inverter"]
    pv["edges"] = [e for e in pv["edges"] if "pv.inverter" not in e]
    for chain in new["chains"]:
        chain["edges"] = [e for e in chain["edges"] if "pv.inverter" not in e]
    pv["nodes"][0]["name"] = "多晶硅料"
    body = json.dumps(new, ensure_ascii=False).encode()
    page = client.post("/chains/upload", data={"file": (io.BytesIO(body), "chains.json")},
                       content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "pv.inverter" in html and "逆变器采购" in html and "多晶硅料" in html
    # nothing applied yet
    assert "pv.inverter" in chain_service.current_graph(stored)
    token = html.split("/chains/upload/")[1].split('"')[0]
    done = client.post(f"/chains/upload/{token}")
    assert done.status_code == 302
    stored.expire_all()
    assert "pv.inverter" not in chain_service.current_graph(stored)
    # the demand still points at the removed node and is listed, not dropped
    assert ("demand", "逆变器采购") in [(k, label.split(" ", 1)[1]) for k, label, _ in chain_analysis.orphans(stored)]


def test_bad_upload_names_every_problem_and_changes_nothing(client, stored):
    admin = h.user(stored, role="admin")
    stored.commit()
    h.login(client, admin)
    bad = h.dev_chains()
    bad["chains"][0]["edges"].append(["pv.cell", "pv.nowhere"])
    bad["chains"][0]["nodes"][0]["stage"] = "sideways"
    page = client.post("/chains/upload", data={"file": (io.BytesIO(json.dumps(bad).encode()), "c.json")},
                       content_type="multipart/form-data")
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "pv.nowhere" in html and "sideways" in html


def test_only_admins_upload(client, stored):
    ent = h.enterprise(stored)
    member = h.user(stored, ent)
    stored.commit()
    assert client.get("/chains/upload").status_code == 302  # to log-in
    h.login(client, member)
    assert client.get("/chains/upload").status_code == 403


def test_exports_round_trip(client, stored):
    data = json.loads(client.get("/chains/export.json").get_data(as_text=True))
    assert {c["id"] for c in data["chains"]} == {"pv", "icpkg", "agri"}
    graphml = client.get("/chains/export.graphml")
    assert graphml.status_code == 200 and b"<graphml" in graphml.data


def test_cli_weak_links_prints_gaps_and_thin_nodes(app, stored, monkeypatch):
    monkeypatch.setattr("matchmaker.commands.chains._app", lambda: app)
    result = CliRunner().invoke(chains_cli, ["weak-links", "--chain", "pv"])
    assert result.exit_code == 0, result.output
    assert "gap" in result.output and "pv.inverter" in result.output
    assert "thin" in result.output and "pv.materials" in result.output


def test_cli_validate_reports_problems(tmp_path):
    bad = h.dev_chains()
    bad["chains"][0]["edges"].append(["pv.cell", "pv.nowhere"])
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad), encoding="utf-8")
    result = CliRunner().invoke(chains_cli, ["validate", str(path)])
    assert result.exit_code == 1 and "pv.nowhere" in result.output
    good = tmp_path / "good.json"
    good.write_text(json.dumps(h.dev_chains()), encoding="utf-8")
    ok = CliRunner().invoke(chains_cli, ["validate", str(good)])
    assert ok.exit_code == 0 and "OK" in ok.output
