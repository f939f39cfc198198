import itertools

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph import ProximityIndex, UnknownNodeError, format_path, load_chains, proximity


@pytest.fixture
def G(small_doc):
    return load_chains(small_doc)


def test_same_node_direct_link_and_unrelated(G):
    assert proximity(G, "nev-battery.cell", "nev-battery.cell") == 1.0
    assert proximity(G, "nev-battery.cathode", "nev-battery.cell") == pytest.approx(0.8)
    assert proximity(G, "nev-battery.cell", "nev-battery.cathode") == pytest.approx(0.8)
    assert proximity(G, "nev-battery.cell", "textile.cloth") == 0.0


def test_supply_path_beats_sibling_at_equal_distance(G):
    upstream = proximity(G, "nev-battery.cathode", "nev-battery.pack")   # a -> c -> p
    siblings = proximity(G, "nev-battery.cathode", "nev-battery.anode")  # a -> c <- b
    assert upstream == pytest.approx(0.4)
    assert siblings == pytest.approx(0.3)
    assert proximity(G, "nev-battery.cathode", "nev-battery.anode", sibling=1) == upstream


def test_monotone_non_increasing_along_a_path():
    P = nx.path_graph(12, create_using=nx.DiGraph)
    scores = [proximity(P, 0, k) for k in range(12)]
    assert scores[0] == 1.0
    assert all(a >= b for a, b in zip(scores, scores[1:]))
    assert scores[1] > scores[2] > 0


def test_max_distance_cuts_off(G):
    assert proximity(G, "nev-battery.cathode", "ev.vehicle") > 0
    assert proximity(G, "nev-battery.cathode", "ev.vehicle", max_distance=2) == 0.0
    index = ProximityIndex(G, max_distance=2)
    assert index.score("nev-battery.cathode", "ev.vehicle") == 0.0
    assert index.score("nev-battery.cathode", "nev-battery.pack") == pytest.approx(0.4)


def test_index_equals_function_on_every_pair(dev_path):
    D = load_chains(dev_path)
    for params in ({}, {"decay": 0.7, "sibling": 1.0}, {"sibling": 0, "max_distance": 3}):
        index = ProximityIndex(**params).fit(D)
        for a, b in itertools.product(D, D):
            assert index.score(a, b) == proximity(D, a, b, **params)


@st.composite
def dags(draw):
    n = draw(st.integers(1, 12))
    pairs = [(i, j) for i in range(n) for j in range(i + 1, n)]
    edges = draw(st.lists(st.sampled_from(pairs), max_size=20)) if pairs else []
    G = nx.DiGraph()
    G.add_nodes_from(range(n))
    G.add_edges_from(edges)
    return G


@settings(max_examples=60, deadline=None)
@given(dags())
def test_properties_on_random_graphs(D):
    index = ProximityIndex(D)
    for a, b in itertools.product(D, D):
        score = proximity(D, a, b)
        assert 0.0 <= score <= 1.0
        assert score == proximity(D, b, a) == index.score(a, b)
        assert (score == 1.0) == (a == b)
        assert (score == 0.0) == (not nx.has_path(D.to_undirected(), a, b))
        path = index.path(a, b)
        if score:
            assert path[0] == a and path[-1] == b
            assert all(D.has_edge(u, v) or D.has_edge(v, u) for u, v in zip(path, path[1:]))
        else:
            assert path == []


def test_scores_is_the_best_pair(G):
    index = ProximityIndex(G)
    a_nodes = ["textile.fibre", "nev-battery.cathode"]
    b_nodes = ["nev-battery.pack", "nev-battery.cell"]
    assert index.scores(a_nodes, b_nodes) == pytest.approx(0.8)
    assert index.best_pair(a_nodes, b_nodes) == ("nev-battery.cathode", "nev-battery.cell")
    assert index.scores([], b_nodes) == 0.0
    assert index.best_pair(["textile.fibre"], ["ev.vehicle"]) is None
    matrix = index.pairwise(a_nodes, b_nodes)
    assert matrix.shape == (2, 2)
    assert matrix[1, 0] == index.score("nev-battery.cathode", "nev-battery.pack")


def test_path_follows_supply_edges_when_they_give_the_score(G):
    index = ProximityIndex(G)
    assert index.path("nev-battery.pack", "nev-battery.cathode") == [
        "nev-battery.pack", "nev-battery.cell", "nev-battery.cathode"]
    assert index.path("nev-battery.cell", "nev-battery.cell") == ["nev-battery.cell"]
    assert index.path("nev-battery.cell", "textile.cloth") == []
    path = index.path("nev-battery.cathode", "nev-battery.pack")
    assert format_path(G, path) == (
        "nev-battery.cathode → nev-battery.cell → nev-battery.pack")
    sibling = index.path("nev-battery.cathode", "nev-battery.anode")
    assert format_path(G, sibling, label="name") == "正极材料 → 电芯制造 ← 负极材料"
    assert format_path(G, sibling, label="name_en").startswith(
        "Cathode materials → Cell manufacturing ← 负极材料")


def test_unknown_node_is_a_typed_error(G):
    index = ProximityIndex(G)
    for call in (lambda: proximity(G, "nev-battery.cell", "steel.ore"),
                 lambda: index.score("steel.ore", "nev-battery.cell"),
                 lambda: index.scores(["nev-battery.cell"], ["steel.ore"]),
                 lambda: index.path("nev-battery.cell", "steel.ore")):
        with pytest.raises(UnknownNodeError) as info:
            call()
        assert info.value.node == "steel.ore"
        assert "steel.ore" in str(info.value)


@pytest.mark.parametrize("params", [{"direct": 0}, {"decay": 1.5}, {"sibling": -0.1},
                                    {"max_distance": 0}, {"max_distance": 2.5}])
def test_bad_parameters(G, params):
    with pytest.raises(ValueError):
        proximity(G, "nev-battery.cell", "nev-battery.pack", **params)
    with pytest.raises(ValueError):
        ProximityIndex(G, **params)


def test_estimator_shape(G):
    index = ProximityIndex(decay=0.6)
    assert not hasattr(index, "nodes_")
    assert index.fit(G) is index
    assert index.nodes_ == list(G)
    assert index.directed_.shape == (G.number_of_nodes(),) * 2
