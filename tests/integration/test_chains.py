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
    lines = result.output.splitlines()
    assert any("平台供给空白" in line and "pv.inverter" in line for line in lines)
    assert any("单一来源" in line and "pv.materials" in line for line in lines)
    assert lines[0].startswith("Data as of ") and "Beijing time" in lines[0]
    assert "断点" not in result.output and "堵点" not in result.output


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


# --- recycling edges (回收再生) ---------------------------------------------------------------

def _with_pv_recycling(document=None) -> dict:
    """The dev chains plus module recycling feeding recovered glass and frames back upstream."""
    document = copy.deepcopy(document or h.dev_chains())
    pv = next(c for c in document["chains"] if c["id"] == "pv")
    pv["nodes"].append({"id": "pv.recycling", "name": "光伏组件回收", "name_en": "PV module recycling",
                        "stage": "downstream", "keywords": ["组件回收", "退役组件"]})
    pv["edges"] += [["pv.station", "pv.recycling"], ["pv.recycling", "pv.materials", "recycle"]]
    return document


def _upload(client, body: bytes, name="chains.json"):
    return client.post("/chains/upload", data={"file": (io.BytesIO(body), name)},
                       content_type="multipart/form-data")


def _admin(client, db):
    admin = h.user(db, role="admin")
    db.commit()
    h.login(client, admin)


def _recycling_paths(svg: str):
    root = ET.fromstring(svg)
    return [p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("data-edge-kind") == "recycle"]


def _svg(html: str) -> str:
    return html[html.index("<svg"):html.index("</svg>") + 6]


def test_upload_accepts_a_recycling_edge_that_closes_a_loop(client, stored):
    _admin(client, stored)
    page = _upload(client, json.dumps(_with_pv_recycling(), ensure_ascii=False).encode())
    html = page.get_data(as_text=True)
    assert page.status_code == 200, html
    assert "pv.recycling → pv.materials" in html and "回收再生" in html
    token = html.split("/chains/upload/")[1].split('"')[0]
    assert client.post(f"/chains/upload/{token}").status_code == 302
    stored.expire_all()
    G = chain_service.current_graph(stored)
    assert G.edges["pv.recycling", "pv.materials"]["kind"] == "recycle"
    assert G.edges["pv.station", "pv.recycling"]["kind"] == "supply"

    # The chain map draws the loop dashed, with a title and a legend entry.
    html = client.get("/chains/pv").get_data(as_text=True)
    (path,) = _recycling_paths(_svg(html))
    assert path.get("stroke-dasharray") and path.get("data-edge") == "pv.recycling pv.materials"
    assert "回收再生：光伏组件回收 → " in html and 'data-legend="recycle"' in html
    # The node page says which neighbour returns material.
    node = client.get("/chains/node/pv.materials").get_data(as_text=True)
    assert "光伏组件回收</a> <span class=\"muted\">(回收再生)</span>" in node
    # The export writes the kind back.
    exported = json.loads(client.get("/chains/export.json").get_data(as_text=True))
    pv = next(c for c in exported["chains"] if c["id"] == "pv")
    assert ["pv.recycling", "pv.materials", "recycle"] in pv["edges"]
    assert all(len(e) == 2 for e in pv["edges"] if e[0] != "pv.recycling")
    from flask_babel import refresh
    refresh()  # the test's app context would keep the locale of the last request
    english = client.get("/chains/pv?lang=en").get_data(as_text=True)
    assert "Recycling: PV module recycling → " in english
    node = client.get("/chains/node/pv.materials").get_data(as_text=True)
    assert "PV module recycling</a> <span class=\"muted\">(recycling)</span>" in node


def test_upload_refuses_an_unmarked_cycle_and_changes_nothing(client, stored):
    _admin(client, stored)
    bad = h.dev_chains()
    pv = next(c for c in bad["chains"] if c["id"] == "pv")
    pv["edges"].append(["pv.station", "pv.materials"])
    page = _upload(client, json.dumps(bad).encode())
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "supply cycle inside chain" in html and "pv.station -&gt; pv.materials" in html
    assert "recycle" in html  # says how to mark a returning edge
    assert not chain_service.current_graph(stored).has_edge("pv.station", "pv.materials")


def test_upload_names_an_unknown_edge_kind(client, stored):
    _admin(client, stored)
    bad = _with_pv_recycling()
    next(c for c in bad["chains"] if c["id"] == "pv")["edges"][-1][2] = "recycled"
    html = _upload(client, json.dumps(bad).encode()).get_data(as_text=True)
    assert "unknown kind" in html and "allowed: supply, recycle" in html


# Bodies stay under 500 kB: the test client spools a larger one to a file it leaves open.
@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"chains": ' * 40_000])
def test_deeply_nested_upload_is_a_clear_error_not_a_crash(client, stored, body):
    _admin(client, stored)
    page = _upload(client, body)
    assert page.status_code == 422
    assert "nested too deeply" in page.get_data(as_text=True)


def test_plan_upload_reports_deep_nesting(stored):
    import graph as chaingraph
    for source in (b"[" * 100_000, "[" * 100_000):
        with pytest.raises(chaingraph.ChainValidationError, match="nested too deeply"):
            chain_analysis.plan_upload(stored, source)


def test_upload_shows_an_edge_changing_kind(client, stored):
    _admin(client, stored)
    chain_service.store_chains(stored, _with_pv_recycling())
    stored.commit()
    changed = _with_pv_recycling()
    pv = next(c for c in changed["chains"] if c["id"] == "pv")
    pv["edges"] = [e[:2] if e[0] == "pv.recycling" else e for e in pv["edges"]]
    pv["edges"].remove(["pv.station", "pv.recycling"])  # else the unmarked edge closes a cycle
    html = _upload(client, json.dumps(changed).encode()).get_data(as_text=True)
    assert "连接类型变化" in html
    assert "pv.recycling → pv.materials: 回收再生 → 供应" in html


def test_cli_import_reports_and_applies_a_changed_kind(app, stored, tmp_path, monkeypatch):
    monkeypatch.setattr("matchmaker.commands.chains._app", lambda: app)
    marked = h.dev_chains()
    pv = next(c for c in marked["chains"] if c["id"] == "pv")
    pv["edges"] = [e + ["recycle"] if e == ["pv.materials", "pv.module"] else e for e in pv["edges"]]
    path = tmp_path / "marked.json"
    path.write_text(json.dumps(marked, ensure_ascii=False), encoding="utf-8")
    result = CliRunner().invoke(chains_cli, ["import", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "edges changed   1" in result.output
    assert "edge pv.materials -> pv.module: supply -> recycle" in result.output
    stored.expire_all()
    G = chain_service.current_graph(stored)
    assert G.edges["pv.materials", "pv.module"]["kind"] == "recycle"


def test_cli_validate_accepts_a_recycling_loop_and_refuses_an_unmarked_one(tmp_path):
    good = tmp_path / "loop.json"
    good.write_text(json.dumps(_with_pv_recycling()), encoding="utf-8")
    ok = CliRunner().invoke(chains_cli, ["validate", str(good)])
    assert ok.exit_code == 0 and "(1 recycling)" in ok.output
    unmarked = _with_pv_recycling()
    next(c for c in unmarked["chains"] if c["id"] == "pv")["edges"][-1].pop()
    bad = tmp_path / "cycle.json"
    bad.write_text(json.dumps(unmarked), encoding="utf-8")
    refused = CliRunner().invoke(chains_cli, ["validate", str(bad)])
    assert refused.exit_code == 1 and "supply cycle inside chain 'pv'" in refused.output
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    nested = CliRunner().invoke(chains_cli, ["validate", str(deep)])
    assert nested.exit_code == 1 and "nested too deeply" in nested.output


def test_cli_validate_checks_several_files_as_one_set(tmp_path):
    """The seed chains are separate files whose edges cross between them (formats.md: an edge may join
    two chains); checking one alone names the nodes it cannot see and says how to check them together."""
    from matchmaker.services import chains as chains_service
    folder = chains_service.SEEDS / "chains"
    together = CliRunner().invoke(chains_cli, ["validate", str(folder)])
    assert together.exit_code == 0, together.output
    assert "7 files: OK" in together.output and "recycling" in together.output
    files = [str(p) for p in chains_service.seed_files()]
    assert CliRunner().invoke(chains_cli, ["validate", *files]).exit_code == 0
    alone = CliRunner().invoke(chains_cli, ["validate", str(folder / "nev.json")])
    assert alone.exit_code == 1 and "unknown node" in alone.output
    assert "check the files together" in alone.output
    broken = tmp_path / "broken.json"
    broken.write_text('{"chains": [', encoding="utf-8")
    mixed = CliRunner().invoke(chains_cli, ["validate", str(folder / "nev.json"), str(broken)])
    assert mixed.exit_code == 1 and "broken.json" in mixed.output and "malformed JSON" in mixed.output
    for path in chains_service.seed_files():
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    solar = json.loads((tmp_path / "solar.json").read_text(encoding="utf-8"))
    solar["chains"][0]["edges"].append(["solar.nope", "solar.module"])
    (tmp_path / "solar.json").write_text(json.dumps(solar, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "broken.json").unlink()
    named = CliRunner().invoke(chains_cli, ["validate", str(tmp_path)])
    edge = len(solar["chains"][0]["edges"]) - 1
    assert named.exit_code == 1 and f"[solar.json: chains[0] (solar).edges[{edge}]]" in named.output
    missing = CliRunner().invoke(chains_cli, ["validate", str(tmp_path / "nope.json")])
    assert missing.exit_code == 1 and "no such file or folder" in missing.output


def test_seed_chains_load_with_their_recycling_loops(client, db):
    import networkx as nx

    from matchmaker.services import seeding
    seeding.seed_chains(db)
    db.commit()
    G = chain_service.current_graph(db)
    recycling = {(u, v) for u, v, kind in G.edges(data="kind") if kind == "recycle"}
    assert ("nev.recycling", "nev.lithium") in recycling
    assert {("solar.recycling", "solar.glass"), ("solar.recycling", "solar.module-parts"),
            ("solar.recycling", "solar.industrial-silicon")} <= recycling
    assert not nx.is_directed_acyclic_graph(G)
    nev = client.get("/chains/nev").get_data(as_text=True)
    (path,) = _recycling_paths(_svg(nev))
    assert path.get("data-edge") == "nev.recycling nev.lithium" and path.get("stroke-dasharray")
    solar = client.get("/chains/solar").get_data(as_text=True)
    assert len(_recycling_paths(_svg(solar))) == 3
