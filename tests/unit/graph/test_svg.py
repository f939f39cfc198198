import random
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from graph import UnknownChainError, load_chains, render_svg, weak_links

NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def G(small_doc):
    return load_chains(small_doc)


def parse(svg):
    root = ET.fromstring(svg)
    assert root.tag == NS + "svg"
    return root


def node_groups(root):
    return [g for g in root.iter(NS + "g") if "data-node-id" in g.attrib]


def texts(element):
    return [t.text for t in element.iter(NS + "text")]


def test_one_element_per_node_and_fitted_viewbox(G):
    root = parse(render_svg(G, "nev-battery"))
    ids = [g.get("data-node-id") for g in node_groups(root)]
    assert sorted(ids) == sorted(n for n, c in G.nodes(data="chain") if c == "nev-battery")
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("viewBox") == f"0 0 {width:.0f} {height:.0f}"
    for rect in root.iter(NS + "rect"):
        assert float(rect.get("x")) >= 0 and float(rect.get("y")) >= 0
        assert float(rect.get("x")) + float(rect.get("width")) <= width
        assert float(rect.get("y")) + float(rect.get("height")) <= height


def test_stage_headings_and_names_in_both_languages(G):
    zh = parse(render_svg(G, "nev-battery"))
    assert {"上游", "中游", "下游", "正极材料"} <= set(texts(zh))
    en = parse(render_svg(G, "nev-battery", lang="en"))
    labels = set(texts(en))
    assert {"Upstream", "Midstream", "Downstream", "Cathode materials"} <= labels
    assert "负极材料" in labels  # no name_en: falls back to name
    with pytest.raises(ValueError):
        render_svg(G, "nev-battery", lang="fr")


def test_edges_are_arrows_supplier_to_customer(G):
    root = parse(render_svg(G, "nev-battery"))
    edges = {p.get("data-edge") for p in root.iter(NS + "path") if p.get("data-edge")}
    assert edges == {"nev-battery.cathode nev-battery.cell", "nev-battery.anode nev-battery.cell",
                     "nev-battery.cell nev-battery.pack"}
    marker_ids = {m.get("id") for m in root.iter(NS + "marker")}
    for path in root.iter(NS + "path"):
        if path.get("data-edge"):
            assert path.get("marker-end")[len("url(#"):-1] in marker_ids


def test_cross_chain_neighbour_is_a_stub_not_a_node(G):
    root = parse(render_svg(G, "nev-battery", node_url=lambda n: f"/chains/{n}"))
    stubs = [g for g in root.iter(NS + "g") if "data-neighbour-id" in g.attrib]
    assert [g.get("data-neighbour-id") for g in stubs] == ["ev.vehicle"]
    assert "整车制造" in stubs[0].find(NS + "title").text
    links = {a.get("href") for a in root.iter(NS + "a")}
    assert "/chains/ev.vehicle" in links


def test_weak_links_colour_and_count(G):
    supply = [{"node": "nev-battery.cell", "enterprise": "甲", "region": "江苏", "verified": True}]
    demand = [{"node": "nev-battery.pack", "enterprise": "乙"}] * 2
    weak = weak_links(G, supply, demand, chain="nev-battery")
    for given in (weak, {w.node: w for w in weak}):
        root = parse(render_svg(G, "nev-battery", weak=given))
        groups = {g.get("data-node-id"): g for g in node_groups(root)}
        assert groups["nev-battery.pack"].get("data-status") == "gap"
        assert groups["nev-battery.cell"].get("data-status") == "thin"
        assert "供 0 · 需 2" in texts(groups["nev-battery.pack"])
        assert "供 1 · 需 0" in texts(groups["nev-battery.cell"])
        fills = {g.get("data-node-id"): g.find(NS + "rect").get("fill") for g in groups.values()}
        assert fills["nev-battery.pack"] != fills["nev-battery.cell"] != fills["nev-battery.anode"]
        assert {"平台供给空白", "单一来源", "正常", "暂无供需"} <= set(texts(root))
        assert not {"断点", "堵点"} & set(texts(root))
    en = parse(render_svg(G, "nev-battery", weak=weak, lang="en"))
    assert "Supply 0 · Demand 2" in texts(en)
    assert {"No supply on the platform", "Single source on the platform", "Covered"} <= set(texts(en))
    plain = parse(render_svg(G, "nev-battery"))
    assert all("data-status" not in g.attrib for g in node_groups(plain))
    assert "平台供给空白" not in texts(plain)


def test_tooltips_name_nodes_without_their_ids(G):
    """Readers see node and chain names; ids stay in data attributes and links."""
    root = parse(render_svg(G, "nev-battery", node_url=lambda n: f"/chains/{n}"))
    titles = [t.text for t in root.iter(NS + "title")]
    assert titles and not [t for t in titles if any(node in t for node in G)]
    assert any("整车制造" in t for t in titles)


def test_names_and_urls_are_escaped(small_doc):
    small_doc["chains"][2]["name"] = 'A<B & "C">'
    small_doc["chains"][2]["nodes"][0]["name"] = "<script>&amp;"
    small_doc["chains"][2]["nodes"][1]["id"] = 'textile.<&">'
    small_doc["chains"][2]["edges"] = [["textile.fibre", 'textile.<&">']]
    G = load_chains(small_doc)
    svg = render_svg(G, "textile", node_url=lambda n: f"/n?id={n}&x=1")
    assert "<script>" not in svg
    root = parse(svg)
    assert "<script>&amp;" in texts(root)
    assert root.find(NS + "title").text == 'A<B & "C">'
    ids = {g.get("data-node-id") for g in node_groups(root)}
    assert 'textile.<&">' in ids
    hrefs = [a.get("href") for a in root.iter(NS + "a")]
    assert sorted(hrefs) == sorted(['/n?id=textile.fibre&x=1', '/n?id=textile.<&">&x=1'])


def test_every_node_is_a_link_when_node_url_given(G):
    root = parse(render_svg(G, "nev-battery", node_url=lambda n: f"/chains/{n}"))
    wrapped = {}
    for a in root.iter(NS + "a"):
        for g in a.iter(NS + "g"):
            if "data-node-id" in g.attrib:
                wrapped[g.get("data-node-id")] = a.get("href")
    assert wrapped == {n: f"/chains/{n}" for n, c in G.nodes(data="chain")
                       if c == "nev-battery"}
    assert not list(parse(render_svg(G, "nev-battery")).iter(NS + "a"))


def test_a_map_of_links_is_a_group_whose_links_say_each_state_in_words(G):
    """Colour is not the only way to tell: each node link's name starts with the words drawn in
    its box (what a speech user says) and goes on with the status and counts in words."""
    supply = [{"node": "nev-battery.cell", "enterprise": "甲", "region": "江苏", "verified": True}]
    demand = [{"node": "nev-battery.pack", "enterprise": "乙"}] * 2
    weak = weak_links(G, supply, demand, chain="nev-battery")
    root = parse(render_svg(G, "nev-battery", weak=weak, node_url=lambda n: f"/chains/{n}"))
    assert root.get("role") == "group" and root.get("aria-label") == "新能源汽车动力电池产业链图谱，4 个环节"
    names = {g.get("data-node-id"): a.get("aria-label") for a in root.iter(NS + "a")
             for g in a.iter(NS + "g") if "data-node-id" in g.attrib}
    pack = G.nodes["nev-battery.pack"]["name"]
    assert names["nev-battery.pack"].startswith(f"{pack} 供 0 · 需 2 — 平台供给空白：")
    assert "已核验供方 0 家，在招需求 2 条" in names["nev-battery.pack"]
    assert "单一来源" in names["nev-battery.cell"]
    stub = next(a for a in root.iter(NS + "a") if a.find(NS + "g").get("data-neighbour-id"))
    assert stub.get("aria-label").startswith("供应给") and "整车制造" in stub.get("aria-label")
    # Links run in reading order: this chain's boxes first, the stubs to other chains last.
    order = ["node" if a.find(NS + "g").get("data-node-id") else "stub" for a in root.iter(NS + "a")]
    assert order == sorted(order)
    en = parse(render_svg(G, "nev-battery", weak=weak, lang="en", node_url=lambda n: f"/chains/{n}"))
    assert any("— No supply on the platform: 0 verified suppliers, 2 open demands" in a.get("aria-label")
               for a in en.iter(NS + "a"))
    plain = parse(render_svg(G, "nev-battery"))
    assert plain.get("role") == "img"


def test_readable_with_25_nodes_per_stage():
    rng = random.Random(7)
    G = nx.DiGraph(chains={"big": {"id": "big", "name": "大链", "name_en": ""}})
    stages = ("upstream", "midstream", "downstream")
    for s, stage in enumerate(stages):
        for k in range(25):
            G.add_node(f"big.{s}.{k}", chain="big", name=f"很长的环节名称第{k}号" * (k % 3 + 1),
                       name_en="", stage=stage, keywords=[])
    for s in range(2):
        for k in range(25):
            G.add_edge(f"big.{s}.{k}", f"big.{s + 1}.{rng.randrange(25)}")
    for k in range(5):
        G.add_edge(f"big.0.{k}", f"big.0.{k + 10}")  # inside a stage
    root = parse(render_svg(G, "big"))
    boxes = [g.find(NS + "rect") for g in node_groups(root)]
    assert len(boxes) == 75
    rects = [(float(r.get("x")), float(r.get("y")), float(r.get("width")),
              float(r.get("height"))) for r in boxes]
    for i, (x1, y1, w1, h1) in enumerate(rects):
        for x2, y2, w2, h2 in rects[i + 1:]:
            assert x1 + w1 <= x2 or x2 + w2 <= x1 or y1 + h1 <= y2 or y2 + h2 <= y1
    assert min(float(t.get("font-size")) for t in root.iter(NS + "text")) >= 12


def test_unknown_chain(G):
    with pytest.raises(UnknownChainError):
        render_svg(G, "steel")
