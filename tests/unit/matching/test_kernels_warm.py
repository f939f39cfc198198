"""Compiled kernels are ready before use, and tiny chain graphs work."""
import networkx as nx

from matchmaker.matching import Matcher, kernels


def test_warm_up_runs_every_kernel_path():
    assert kernels.warm_up() >= 0


def test_graph_with_fewer_nodes_than_max_nodes_infers_nodes():
    G = nx.DiGraph()
    G.add_node("x.a", name="电芯", name_en="cell", keywords=[], stage="up", chain="x")
    G.add_node("x.b", name="电池包", name_en="pack", keywords=[], stage="down", chain="x")
    G.add_edge("x.a", "x.b")
    caps = [{"id": "C1", "title": "电芯", "description": "电芯 cell"},
            {"id": "C2", "title": "电池包", "description": "电池包 pack"}]
    matcher = Matcher(glossary=False, max_nodes=3).fit(caps, G)
    ranked = matcher.rank([{"id": "D1", "title": "采购电池包", "description": ""}], top=2)[0]
    assert ranked[0].id == "C2"
    assert matcher.capabilities_.node_cols.shape == (2, 3)
    assert (matcher.capabilities_.node_cols[:, 2] == -1).all()
