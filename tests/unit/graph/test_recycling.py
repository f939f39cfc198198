"""Recycling edges (回收再生): ``[supplier, customer, "recycle"]`` may close a loop."""
import copy
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pytest

from graph import (
    EDGE_KINDS,
    ChainValidationError,
    EdgeChange,
    ProximityIndex,
    chains_to_dict,
    diff_chains,
    edge_kind,
    layout,
    load_chains,
    proximity,
    read_graphml,
    render_svg,
    supply_graph,
    validate_chains,
    weak_links,
    write_graphml,
)

NS = "{http://www.w3.org/2000/svg}"
SEEDS = Path(__file__).resolve().parents[3] / "seeds" / "chains"
RECYCLE = ["nev-battery.pack", "nev-battery.cathode", "recycle"]


@pytest.fixture
def loop_doc(small_doc):
    """The small document with recycled material going from the pack back to the cathode."""
    document = copy.deepcopy(small_doc)
    document["chains"][0]["edges"].append(list(RECYCLE))
    return document


def kinds(problems):
    return [p.kind for p in problems]


# --- build --------------------------------------------------------------------------------

def test_recycling_edge_may_close_a_loop(loop_doc):
    G = load_chains(loop_doc)
    assert G.edges["nev-battery.pack", "nev-battery.cathode"] == {"kind": "recycle"}
    assert G.edges["nev-battery.cathode", "nev-battery.cell"] == {"kind": "supply"}
    assert edge_kind(G, "nev-battery.pack", "nev-battery.cathode") == "recycle"
    assert not nx.is_directed_acyclic_graph(G)
    assert nx.is_directed_acyclic_graph(supply_graph(G))
    assert EDGE_KINDS == ("supply", "recycle")


def test_supply_written_out_is_the_default(small_doc):
    explicit = copy.deepcopy(small_doc)
    explicit["chains"][0]["edges"][0].append("supply")
    G, H = load_chains(small_doc), load_chains(explicit)
    assert list(G.edges(data=True)) == list(H.edges(data=True))


def test_supply_graph_is_a_view_without_recycling_edges(loop_doc):
    G = load_chains(loop_doc)
    S = supply_graph(G)
    assert list(S) == list(G)
    assert set(S.edges) == set(G.edges) - {("nev-battery.pack", "nev-battery.cathode")}
    assert G.has_edge("nev-battery.pack", "nev-battery.cathode")  # G itself unchanged
    # An edge without a kind (a graph built by hand) is a supply edge.
    plain = nx.DiGraph([("a", "b")])
    assert edge_kind(plain, "a", "b") == "supply" and set(supply_graph(plain).edges) == {("a", "b")}


@pytest.mark.parametrize("kind, shown, hint", [
    ("recycled", "\"recycled\"", "did you mean 'recycle'?"),
    ("Recycle", "\"Recycle\"", "did you mean 'recycle'?"),
    ("回收", "\"回收\"", "did you mean 'recycle'?"),
    ("suply", "\"suply\"", "did you mean 'supply'?"),
    ("return", "\"return\"", None),
    (None, "null", None),
    (1, "1", None),
    (["recycle"], "[\"recycle\"]", None),
])
def test_unknown_edge_kind_names_the_allowed_kinds(loop_doc, kind, shown, hint):
    loop_doc["chains"][0]["edges"][-1][2] = kind
    (problem,) = validate_chains(loop_doc)  # and no cycle: the edge is not taken as supply
    assert problem.kind == "unknown_edge_kind"
    assert problem.location == "chains[0] (nev-battery).edges[4]"
    assert problem.message.startswith(
        f"edge nev-battery.pack -> nev-battery.cathode has unknown kind {shown}; "
        "allowed: supply, recycle")
    if hint:
        assert problem.message.endswith(hint)
    else:
        assert "did you mean" not in problem.message


def test_unknown_kind_and_unknown_node_are_both_reported(small_doc):
    small_doc["chains"][2]["edges"].append(["textile.fibre", "textile.yarn", "reuse"])
    assert kinds(validate_chains(small_doc)) == ["unknown_edge_kind", "unknown_node"]


def test_edge_with_four_elements_is_refused(loop_doc):
    loop_doc["chains"][0]["edges"][-1].append("twice")
    (problem,) = validate_chains(loop_doc)
    assert problem.kind == "bad_edge"
    assert "optionally followed by its kind (supply or recycle)" in problem.message
    assert '"twice"' in problem.message


def test_unmarked_cycle_is_still_refused_with_its_path(small_doc):
    small_doc["chains"][0]["edges"].append(RECYCLE[:2])
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "cycle"
    assert ("inside chain 'nev-battery': nev-battery.cathode -> nev-battery.cell -> "
            "nev-battery.pack -> nev-battery.cathode") in problem.message
    # The message says how to mark the returning edge.
    assert '["nev-battery.pack", "nev-battery.cathode", "recycle"]' in problem.message
    assert problem.location == "chains[0] (nev-battery).edges[4]"


def test_a_cycle_left_without_the_recycling_edge_is_refused(loop_doc):
    # anode -> cell -> pack -> anode is a supply loop beside the marked one.
    loop_doc["chains"][0]["edges"].append(["nev-battery.pack", "nev-battery.anode"])
    (problem,) = validate_chains(loop_doc)
    assert problem.kind == "cycle"
    assert ("nev-battery.anode -> nev-battery.cell -> nev-battery.pack -> nev-battery.anode"
            in problem.message)
    assert "nev-battery.cathode" not in problem.message.split(";")[0]
    with pytest.raises(ChainValidationError, match="supply cycle inside chain"):
        load_chains(loop_doc)


def test_several_recycling_edges_and_a_two_node_loop(small_doc):
    edges = small_doc["chains"][0]["edges"]
    edges += [["nev-battery.pack", "nev-battery.anode", "recycle"],
              ["nev-battery.cell", "nev-battery.cathode", "recycle"]]
    G = load_chains(small_doc)
    assert sorted(e for e in G.edges if edge_kind(G, *e) == "recycle") == [
        ("nev-battery.cell", "nev-battery.cathode"), ("nev-battery.pack", "nev-battery.anode")]


def test_recycling_edge_across_chains_may_close_a_loop(small_doc):
    small_doc["chains"][1]["edges"].append(["ev.vehicle", "nev-battery.cathode", "recycle"])
    assert validate_chains(small_doc) == []
    small_doc["chains"][1]["edges"][-1] = ["ev.vehicle", "nev-battery.cathode"]
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "cycle" and "across chains nev-battery, ev" in problem.message


def test_recycling_self_loop_and_duplicate_pair_are_refused(small_doc):
    edges = small_doc["chains"][0]["edges"]
    edges.append(["nev-battery.pack", "nev-battery.pack", "recycle"])
    edges.append(["nev-battery.cell", "nev-battery.pack", "recycle"])  # listed as supply too
    assert kinds(validate_chains(small_doc)) == ["self_loop", "duplicate_edge"]


def test_recycling_edges_are_exempt_from_the_stage_order(small_doc):
    # downstream -> upstream and a back edge inside one stage
    small_doc["chains"][0]["nodes"].append(
        {"id": "nev-battery.recycling", "name": "电池回收", "stage": "downstream"})
    small_doc["chains"][0]["edges"] += [
        ["nev-battery.pack", "nev-battery.recycling"],
        ["nev-battery.recycling", "nev-battery.pack", "recycle"],
        ["nev-battery.recycling", "nev-battery.cathode", "recycle"]]
    G = load_chains(small_doc)
    pos = layout(G, "nev-battery")
    for u, v in supply_graph(G).subgraph(pos).edges:
        assert pos[u][0] < pos[v][0]
    assert pos["nev-battery.recycling"][0] > pos["nev-battery.pack"][0] >= 2


# --- deeply nested or unreadable JSON -------------------------------------------------------

@pytest.mark.parametrize("text", ["[" * 100_000, '{"chains": ' * 100_000,
                                  '{"chains": [' + "[" * 50_000])
def test_deeply_nested_json_is_a_problem_not_a_crash(tmp_path, text):
    path = tmp_path / "deep.json"
    path.write_text(text, encoding="utf-8")
    for source in (text, text.encode(), path):
        (problem,) = validate_chains(source)
        assert problem.kind == "json"
        assert "nested too deeply" in problem.message
        with pytest.raises(ChainValidationError, match="nested too deeply"):
            load_chains(source)


def test_integer_too_long_to_read_is_a_problem(small_doc):
    text = json.dumps(small_doc).replace('"edges": []', '"edges": [' + "7" * 5000 + "]")
    (problem,) = validate_chains(text)
    assert problem.kind == "json" and "digits" in problem.message


def test_deep_structures_inside_a_parsed_document_are_reported(small_doc):
    deep = []
    for _ in range(100_000):
        deep = [deep]
    small_doc["chains"][0]["nodes"][0]["keywords"] = deep
    small_doc["chains"][2]["edges"].append(deep)
    small_doc["chains"][2]["edges"].append(["textile.fibre", "textile.cloth", deep])
    problems = validate_chains(small_doc)
    assert kinds(problems) == ["bad_keywords", "bad_edge", "unknown_edge_kind"]
    assert all("a list that cannot be shown" in p.message for p in problems)


# --- layout and drawing -------------------------------------------------------------------

def test_layout_ignores_recycling_edges(small_doc, loop_doc):
    assert layout(load_chains(loop_doc), "nev-battery") == layout(load_chains(small_doc),
                                                                   "nev-battery")


def test_layout_of_a_recycling_loop_inside_one_stage():
    G = nx.DiGraph(chains={"c": {"id": "c", "name": "c", "name_en": ""}})
    for node in "abc":
        G.add_node(node, chain="c", name=node, name_en="", stage="upstream", keywords=[])
    G.add_edge("a", "b", kind="supply")
    G.add_edge("b", "c", kind="supply")
    G.add_edge("c", "a", kind="recycle")
    pos = layout(G, "c")
    assert pos["a"][0] < pos["b"][0] < pos["c"][0] < 1


def _points(d):
    """Every point of an SVG path using absolute M, H, V, C and Q commands."""
    points, x, y = [], 0.0, 0.0
    for command, args in re.findall(r"([MHVCQ])([^MHVCQ]*)", d):
        numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", args)]
        if command == "H":
            x = numbers[-1]
        elif command == "V":
            y = numbers[-1]
        else:
            points += list(zip(numbers[0::2], numbers[1::2]))[:-1]
            x, y = numbers[-2], numbers[-1]
        points.append((x, y))
    return points


def test_recycling_edge_is_drawn_dashed_with_a_title_and_legend(loop_doc):
    G = load_chains(loop_doc)
    for lang, word in (("zh", "回收再生"), ("en", "Recycling")):
        svg = render_svg(G, "nev-battery", lang=lang)
        root = ET.fromstring(svg)
        groups = [g for g in root.iter(NS + "g") if g.get("data-edge-kind") == "recycle"]
        (group,) = groups
        title = group.find(NS + "title").text
        assert title.startswith(word)
        names = ("电池包", "正极材料") if lang == "zh" else ("电池包", "Cathode materials")
        assert title.endswith(f"{names[0]} → {names[1]}")
        (path,) = group.iter(NS + "path")
        assert path.get("data-edge") == "nev-battery.pack nev-battery.cathode"
        assert path.get("stroke-dasharray")
        assert path.get("marker-end") == "url(#mm-arrow-r-nev-battery)"
        assert root.find(f".//{NS}marker[@id='mm-arrow-r-nev-battery']") is not None
        legend = root.find(f".//{NS}g[@data-legend='recycle']")
        assert legend is not None and legend.find(NS + "title").text == word
        assert word in [t.text for t in root.iter(NS + "text")]
        # Supply edges stay solid.
        solid = [p for p in root.iter(NS + "path") if p.get("data-edge")
                 and p.get("data-edge-kind") != "recycle"]
        assert len(solid) == 3 and not any(p.get("stroke-dasharray") for p in solid)


def test_no_recycling_legend_without_recycling_edges(small_doc):
    svg = render_svg(load_chains(small_doc), "nev-battery")
    assert "回收再生" not in svg and "mm-arrow-r-" not in svg and 'data-legend' not in svg


def test_backward_recycling_edge_runs_below_the_boxes_inside_the_drawing(loop_doc):
    G = load_chains(loop_doc)
    root = ET.fromstring(render_svg(G, "nev-battery", weak=weak_links(G, [], [])))
    width, height = float(root.get("width")), float(root.get("height"))
    boxes = [r for g in root.iter(NS + "g") if g.get("data-node-id") for r in g.iter(NS + "rect")]
    lowest = max(float(r.get("y")) + float(r.get("height")) for r in boxes)
    leftmost = min(float(r.get("x")) for r in boxes)
    path = next(p for p in root.iter(NS + "path") if p.get("data-edge-kind") == "recycle")
    xs, ys = zip(*_points(path.get("d")))
    assert max(ys) > lowest              # the lane lies below every box
    assert 0 <= min(xs) < leftmost       # and enters the cathode from its left
    assert max(xs) <= width and max(ys) < height
    # The legend sits below the lane.
    legend = root.find(f".//{NS}g[@data-legend='recycle']/{NS}path")
    assert _points(legend.get("d"))[0][1] > max(ys)


def test_several_lanes_do_not_overlap(small_doc):
    small_doc["chains"][0]["nodes"].append(
        {"id": "nev-battery.recycling", "name": "电池回收", "stage": "downstream"})
    small_doc["chains"][0]["edges"] += [
        ["nev-battery.pack", "nev-battery.recycling"],
        ["nev-battery.recycling", "nev-battery.cathode", "recycle"],
        ["nev-battery.recycling", "nev-battery.anode", "recycle"],
        ["nev-battery.recycling", "nev-battery.cell", "recycle"]]
    root = ET.fromstring(render_svg(load_chains(small_doc), "nev-battery"))
    paths = [p for p in root.iter(NS + "path") if p.get("data-edge-kind") == "recycle"]
    assert len(paths) == 3
    lanes = {max(y for _, y in _points(p.get("d"))) for p in paths}
    assert len(lanes) == 3


def test_forward_recycling_edge_and_cross_chain_recycling_stub(small_doc):
    # Forward: a by-product of the cathode maker reused by the pack assembler.
    small_doc["chains"][0]["edges"].append(["nev-battery.cathode", "nev-battery.pack", "recycle"])
    small_doc["chains"][1]["edges"].append(["ev.vehicle", "nev-battery.anode", "recycle"])
    G = load_chains(small_doc)
    root = ET.fromstring(render_svg(G, "nev-battery", lang="en"))
    forward = root.find(f".//{NS}path[@data-edge='nev-battery.cathode nev-battery.pack']")
    assert forward.get("stroke-dasharray") and forward.get("data-edge-kind") == "recycle"
    stub = root.find(f".//{NS}g[@data-neighbour-id='ev.vehicle']")
    assert "Recycling" in stub.find(NS + "title").text
    assert stub.find(NS + "path").get("data-edge-kind") == "recycle"
    # The other chain's drawing shows the outgoing recycling stub too.
    other = ET.fromstring(render_svg(G, "ev"))
    stub = other.find(f".//{NS}g[@data-neighbour-id='nev-battery.anode']")
    assert "回收再生" in stub.find(NS + "title").text


# --- proximity and weak links -------------------------------------------------------------

def test_proximity_counts_recycling_edges_like_any_edge(small_doc, loop_doc):
    plain, looped = load_chains(small_doc), load_chains(loop_doc)
    a, b = "nev-battery.pack", "nev-battery.cathode"
    assert proximity(plain, a, b) == pytest.approx(0.4)   # cathode -> cell -> pack
    assert proximity(looped, a, b) == pytest.approx(0.8)  # the recycling edge itself
    index = ProximityIndex(looped)
    for u in looped:
        for v in looped:
            assert index.score(u, v) == pytest.approx(proximity(looped, u, v))
    assert index.path(a, b) == [a, b]


def test_weak_links_do_not_depend_on_recycling_edges(small_doc, loop_doc):
    supply = [{"node": "nev-battery.cell", "enterprise": "甲", "verified": True},
              {"node": "nev-battery.cathode", "enterprise": "乙", "verified": True}]
    demand = [{"node": "nev-battery.pack", "enterprise": "丙"}]
    assert weak_links(load_chains(loop_doc), supply, demand) == \
        weak_links(load_chains(small_doc), supply, demand)


# --- export and diff ----------------------------------------------------------------------

def test_export_writes_the_kind_only_for_recycling_edges(loop_doc):
    loop_doc["chains"][2]["edges"][0].append("supply")  # explicit default: written as a pair
    dumped = chains_to_dict(load_chains(loop_doc))
    battery = dumped["chains"][0]["edges"]
    assert RECYCLE in battery
    assert all(len(e) == 2 for e in battery if e != RECYCLE)
    assert dumped["chains"][2]["edges"] == [["textile.fibre", "textile.cloth"]]


def test_round_trip_is_exact(loop_doc):
    loop_doc["chains"][1]["edges"].append(["ev.vehicle", "nev-battery.anode", "recycle"])
    G = load_chains(loop_doc)
    once = chains_to_dict(G)
    again = load_chains(once)
    assert list(again.edges(data=True)) == list(G.edges(data=True))
    assert chains_to_dict(again) == once
    assert json.loads(json.dumps(once)) == once


def test_graphml_keeps_edge_kinds(loop_doc, tmp_path):
    G = load_chains(loop_doc)
    buffer = io.BytesIO()
    write_graphml(G, buffer)
    buffer.seek(0)
    H = read_graphml(buffer)
    assert sorted(H.edges(data="kind")) == sorted(G.edges(data="kind"))
    # A file written without kinds reads as supply edges.
    plain = nx.DiGraph(chains=json.dumps(G.graph["chains"]))
    plain.add_nodes_from(G.nodes(data=True))
    for _, data in plain.nodes(data=True):
        data["keywords"] = ";".join(data["keywords"])
    plain.add_edge("nev-battery.cathode", "nev-battery.cell")
    nx.write_graphml(plain, tmp_path / "old.graphml")
    old = read_graphml(tmp_path / "old.graphml")
    assert edge_kind(old, "nev-battery.cathode", "nev-battery.cell") == "supply"
    assert old.edges["nev-battery.cathode", "nev-battery.cell"] == {"kind": "supply"}


def test_diff_shows_a_changed_kind(small_doc, loop_doc):
    marked = copy.deepcopy(small_doc)
    marked["chains"][0]["edges"][0].append("recycle")  # cathode -> cell becomes recycling
    diff = diff_chains(small_doc, marked)
    assert diff.edges_changed == [
        EdgeChange("nev-battery.cathode", "nev-battery.cell", "supply", "recycle")]
    assert not diff.edges_added and not diff.edges_removed and not diff.is_empty
    assert diff.summary() == [
        "edges changed (1): nev-battery.cathode -> nev-battery.cell: supply -> recycle"]
    back = diff_chains(marked, small_doc).edges_changed
    assert [(c.old, c.new) for c in back] == [("recycle", "supply")]
    added = diff_chains(small_doc, loop_doc)
    assert added.edges_added == [("nev-battery.pack", "nev-battery.cathode")]
    assert added.edges_changed == []
    assert diff_chains(loop_doc, copy.deepcopy(loop_doc)).is_empty


# --- the seed chains ----------------------------------------------------------------------

def test_seed_chains_close_their_recycling_loops():
    document = {"chains": [c for path in sorted(SEEDS.glob("*.json"))
                           for c in json.loads(path.read_text(encoding="utf-8"))["chains"]]}
    G = load_chains(document)
    recycling = {e for e in G.edges if edge_kind(G, *e) == "recycle"}
    assert ("nev.recycling", "nev.lithium") in recycling
    assert {("solar.recycling", "solar.glass"), ("solar.recycling", "solar.module-parts"),
            ("solar.recycling", "solar.industrial-silicon")} <= recycling
    for recycler in ("nev.recycling", "solar.recycling"):
        assert G.nodes[recycler]["stage"] == "downstream"
        # fed by its own chain, and its material goes back upstream: a loop
        assert any(edge_kind(G, u, recycler) == "supply" for u in G.predecessors(recycler))
        assert any(recycler in cycle for cycle in nx.simple_cycles(G.subgraph(
            [n for n, c in G.nodes(data="chain") if c == G.nodes[recycler]["chain"]])))
    assert nx.is_directed_acyclic_graph(supply_graph(G))
    root = ET.fromstring(render_svg(G, "solar"))
    assert len([p for p in root.iter(NS + "path") if p.get("data-edge-kind") == "recycle"]) == 3
