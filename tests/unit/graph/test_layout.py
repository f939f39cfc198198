import networkx as nx
import pytest

from graph import STAGES, ChainError, UnknownChainError, layout, load_chains
from graph.layout import _crossings


def chain_graph(nodes, edges, chain="c"):
    """nodes: list of (id, stage)."""
    G = nx.DiGraph(chains={chain: {"id": chain, "name": chain, "name_en": ""}})
    for node, stage in nodes:
        G.add_node(node, chain=chain, name=node, name_en="", stage=stage, keywords=[])
    G.add_edges_from(edges)
    return G


def test_every_node_placed_and_stages_left_to_right(dev_path):
    G = load_chains(dev_path)
    for chain in G.graph["chains"]:
        pos = layout(G, chain)
        members = [n for n, c in G.nodes(data="chain") if c == chain]
        assert set(pos) == set(members)
        for node, (x, _) in pos.items():
            assert STAGES.index(G.nodes[node]["stage"]) <= x < STAGES.index(
                G.nodes[node]["stage"]) + 1
        # No two nodes share a position.
        assert len(set(pos.values())) == len(pos)


def test_edges_inside_a_stage_point_right(dev_path):
    G = load_chains(dev_path)
    pos = layout(G, "pv")
    # polysilicon -> wafer are both upstream.
    assert pos["pv.polysilicon"][0] == 0.0
    assert 0 < pos["pv.wafer"][0] < 1
    for u, v in G.subgraph(pos).edges:
        assert pos[u][0] < pos[v][0]
    flat = layout(G, "pv", sublayers=False)
    assert flat["pv.wafer"][0] == 0.0


def test_deterministic(dev_path):
    G = load_chains(dev_path)
    assert layout(G, "icpkg") == layout(load_chains(dev_path), "icpkg")


def test_barycentre_ordering_removes_crossings():
    nodes = [("a", "upstream"), ("b", "upstream"), ("c", "upstream"),
             ("x", "midstream"), ("y", "midstream"), ("z", "midstream")]
    edges = [("a", "z"), ("b", "y"), ("c", "x")]
    G = chain_graph(nodes, edges)
    column = {n: 0 if s == "upstream" else 1 for n, s in nodes}
    naive = {n: i % 3 for i, (n, _) in enumerate(nodes)}
    assert _crossings(edges, column, naive) == 3
    pos = layout(G, "c")
    rows = {n: y for n, (_, y) in pos.items()}
    assert _crossings(edges, column, rows) == 0


def test_rows_evenly_spaced_and_centred():
    nodes = [("a", "upstream"), ("b", "upstream"), ("c", "upstream"), ("m", "midstream")]
    G = chain_graph(nodes, [("a", "m"), ("b", "m"), ("c", "m")])
    pos = layout(G, "c")
    assert sorted(pos[n][1] for n in "abc") == [0.0, 1.0, 2.0]
    assert pos["m"] == (1.0, 1.0)


def test_ignores_other_chains(small_doc):
    G = load_chains(small_doc)
    assert set(layout(G, "ev")) == {"ev.vehicle"}


def test_errors():
    G = chain_graph([("a", "upstream"), ("b", "upstream")], [("a", "b"), ("b", "a")])
    with pytest.raises(ChainError, match="cycle"):
        layout(G, "c")
    with pytest.raises(UnknownChainError):
        layout(G, "other")
