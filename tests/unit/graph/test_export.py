import json

import pytest

from graph import (
    ChainError,
    chains_to_dict,
    load_chains,
    read_graphml,
    write_chains,
    write_graphml,
)


def same_graph(G, H):
    assert G.graph["chains"] == H.graph["chains"]
    assert list(G.graph["chains"]) == list(H.graph["chains"])
    assert list(G.nodes(data=True)) == list(H.nodes(data=True))
    assert set(G.edges) == set(H.edges)


def test_dict_round_trip(small_doc, dev_path):
    for source in (small_doc, dev_path):
        G = load_chains(source)
        same_graph(load_chains(chains_to_dict(G)), G)


def test_dump_of_a_loaded_document_is_stable(small_doc):
    once = chains_to_dict(load_chains(small_doc))
    assert chains_to_dict(load_chains(once)) == once


def test_dump_keeps_chain_node_and_key_order(dev_path):
    original = json.loads(dev_path.read_text(encoding="utf-8"))
    dumped = chains_to_dict(load_chains(original))
    assert [c["id"] for c in dumped["chains"]] == [c["id"] for c in original["chains"]]
    for new, old in zip(dumped["chains"], original["chains"]):
        assert [n["id"] for n in new["nodes"]] == [n["id"] for n in old["nodes"]]
        assert sorted(map(tuple, new["edges"])) == sorted(map(tuple, old["edges"]))
        assert list(new["nodes"][0]) == ["id", "name", "name_en", "stage", "keywords"]


def test_dump_matches_the_exchange_format(small_doc):
    dumped = chains_to_dict(load_chains(small_doc))
    battery = dumped["chains"][0]
    assert battery["nodes"][0] == small_doc["chains"][0]["nodes"][0]
    # Optional fields: empty name_en left out, keywords always written.
    assert battery["nodes"][1] == {"id": "nev-battery.anode", "name": "负极材料",
                                   "stage": "upstream", "keywords": []}
    assert "name_en" not in dumped["chains"][1]
    # A cross-chain edge is listed with its supplier's chain.
    assert ["nev-battery.pack", "ev.vehicle"] in battery["edges"]


def test_cross_chain_edge_listed_under_customer_loads_the_same(small_doc):
    G = load_chains(small_doc)
    small_doc["chains"][0]["edges"].remove(["nev-battery.pack", "ev.vehicle"])
    small_doc["chains"][1]["edges"].append(["nev-battery.pack", "ev.vehicle"])
    same_graph(load_chains(small_doc), G)


def test_write_chains_is_utf8_and_readable(tmp_path, small_doc):
    G = load_chains(small_doc)
    path = tmp_path / "out.json"
    write_chains(G, path)
    text = path.read_text(encoding="utf-8")
    assert "新能源汽车动力电池" in text  # not \u-escaped
    same_graph(load_chains(path), G)


def test_dump_refuses_node_of_unknown_chain(small_doc):
    G = load_chains(small_doc)
    G.nodes["ev.vehicle"]["chain"] = "cars"
    with pytest.raises(ChainError, match="'ev.vehicle' belongs to chain 'cars'"):
        chains_to_dict(G)


def test_graphml_round_trip_keeps_non_ascii_keywords_and_order(tmp_path, small_doc, dev_path):
    for source in (small_doc, dev_path):
        G = load_chains(source)
        path = tmp_path / "chains.graphml"
        write_graphml(G, path)
        H = read_graphml(path)
        same_graph(H, G)
        assert H.nodes[list(G)[0]]["keywords"] == G.nodes[list(G)[0]]["keywords"]


@pytest.mark.parametrize("keywords", [
    [], ["a"], ["a;b", "c"], ["back\\slash", "semi;colon\\"], ["；全角", "、顿号"],
])
def test_graphml_keywords_with_separators_survive(tmp_path, small_doc, keywords):
    small_doc["chains"][0]["nodes"][0]["keywords"] = keywords
    G = load_chains(small_doc)
    write_graphml(G, tmp_path / "g.graphml")
    assert read_graphml(tmp_path / "g.graphml").nodes["nev-battery.cathode"]["keywords"] \
        == keywords


def test_read_graphml_refuses_other_graphml(tmp_path):
    import networkx as nx

    nx.write_graphml(nx.path_graph(3), tmp_path / "plain.graphml")
    with pytest.raises(ChainError, match="not a chain graph"):
        read_graphml(tmp_path / "plain.graphml")


def test_graphml_through_file_objects(small_doc):
    import io

    G = load_chains(small_doc)
    buffer = io.BytesIO()
    write_graphml(G, buffer)
    assert "正极材料".encode() in buffer.getvalue()
    buffer.seek(0)
    same_graph(read_graphml(buffer), G)
