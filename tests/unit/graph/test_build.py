import json

import networkx as nx
import pytest

from graph import (
    STAGES,
    ChainError,
    ChainValidationError,
    UnknownChainError,
    chain_nodes,
    load_chains,
    validate_chains,
)


def kinds(problems):
    return [p.kind for p in problems]


def test_loads_schema(small_doc):
    G = load_chains(small_doc)
    assert isinstance(G, nx.DiGraph)
    assert list(G.graph["chains"]) == ["nev-battery", "ev", "textile"]
    assert G.graph["chains"]["ev"] == {"id": "ev", "name": "整车", "name_en": ""}
    assert G.nodes["nev-battery.cathode"] == {
        "chain": "nev-battery", "name": "正极材料", "name_en": "Cathode materials",
        "stage": "upstream", "keywords": ["磷酸铁锂", "三元材料", "NCM", "LFP"],
    }
    assert G.nodes["nev-battery.anode"]["name_en"] == ""
    assert G.nodes["nev-battery.anode"]["keywords"] == []
    assert G.has_edge("nev-battery.pack", "ev.vehicle")
    assert list(G)[:2] == ["nev-battery.cathode", "nev-battery.anode"]


def test_sources_path_string_json_text_and_bytes_agree(dev_path):
    text = dev_path.read_text(encoding="utf-8")
    graphs = [load_chains(dev_path), load_chains(str(dev_path)), load_chains(text),
              load_chains(text.encode("utf-8")), load_chains(json.loads(text))]
    for G in graphs[1:]:
        assert list(G.nodes(data=True)) == list(graphs[0].nodes(data=True))
        assert list(G.edges) == list(graphs[0].edges)
    assert graphs[0].number_of_nodes() == 27


def test_bom_is_accepted(tmp_path, small_doc):
    path = tmp_path / "chains.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(small_doc, ensure_ascii=False).encode())
    assert "ev.vehicle" in load_chains(path)


def test_valid_document_has_no_problems(small_doc, dev_path):
    assert validate_chains(small_doc) == []
    assert validate_chains(dev_path) == []


def test_error_hierarchy_and_message_lists_every_problem(small_doc):
    small_doc["chains"][0]["nodes"][0]["stage"] = "sideways"
    small_doc["chains"][2]["edges"].append(["textile.fibre", "textile.nowhere"])
    with pytest.raises(ChainValidationError) as info:
        load_chains(small_doc)
    error = info.value
    assert isinstance(error, ChainError) and isinstance(error, ValueError)
    assert kinds(error.problems) == ["unknown_stage", "unknown_node"]
    assert "2 problems" in str(error)
    assert "sideways" in str(error) and "textile.nowhere" in str(error)


def test_malformed_json_names_line_and_column(tmp_path):
    path = tmp_path / "chains.json"
    path.write_text('{"chains": [\n  {"id": "a",,}\n]}', encoding="utf-8")
    with pytest.raises(ChainValidationError) as info:
        load_chains(path)
    (problem,) = info.value.problems
    assert problem.kind == "json"
    assert problem.location == "line 2, column 14"
    assert "line 2, column 14" in str(info.value) and str(path) in str(info.value)


def test_missing_file_raises_oserror(tmp_path):
    with pytest.raises(OSError):
        load_chains(tmp_path / "absent.json")


@pytest.mark.parametrize("document, expected", [
    ({}, 'missing the top-level "chains" list'),
    ({"chains": {"id": "a"}}, '"chains" must be a list, got dict'),
    ([], 'must be a JSON object with a "chains" list, got list'),
])
def test_missing_chains_list(document, expected):
    (problem,) = validate_chains(document)
    assert problem.kind == "structure"
    assert expected in problem.message


def test_chain_without_id_or_name(small_doc):
    del small_doc["chains"][1]["id"]
    small_doc["chains"][2]["name"] = " "
    problems = validate_chains(small_doc)
    by_location = {p.location: p for p in problems}
    assert by_location["chains[1]"].message == 'chain has no "id" (a non-empty string)'
    assert by_location["chains[2] (textile)"].message == (
        "chain 'textile' has no \"name\" (a non-empty string)")


def test_node_without_id_or_name(small_doc):
    del small_doc["chains"][2]["nodes"][0]["id"]
    del small_doc["chains"][2]["nodes"][1]["name"]
    problems = validate_chains(small_doc)
    assert [(p.kind, p.location) for p in problems[:2]] == [
        ("missing_field", "chains[2] (textile).nodes[0]"),
        ("missing_field", "chains[2] (textile).nodes[1] (textile.cloth)"),
    ]
    assert "node has no \"id\"" in problems[0].message
    assert "node 'textile.cloth' has no \"name\"" in problems[1].message


def test_duplicate_node_names_both_places(small_doc):
    small_doc["chains"][2]["nodes"].append(
        {"id": "nev-battery.cell", "name": "重复", "stage": "midstream"})
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "duplicate_node"
    assert "'nev-battery.cell' is defined twice" in problem.message
    assert "chains[0] (nev-battery).nodes[2]" in problem.message
    assert "chains[2] (textile).nodes[2]" in problem.message


def test_duplicate_chain_id(small_doc):
    small_doc["chains"][2]["id"] = "ev"
    for node in small_doc["chains"][2]["nodes"]:
        node["id"] = node["id"].replace("textile", "ev")
    small_doc["chains"][2]["edges"] = [["ev.fibre", "ev.cloth"]]
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "duplicate_chain"
    assert problem.message == "chain id 'ev' is used twice: at chains[1] and at chains[2]"


def test_unknown_stage_lists_allowed_values(small_doc):
    small_doc["chains"][1]["nodes"][0]["stage"] = "Downstream"
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "unknown_stage"
    assert problem.location == "chains[1] (ev).nodes[0] (ev.vehicle)"
    assert "'Downstream'" in problem.message
    assert "allowed: " + ", ".join(STAGES) in problem.message


def test_missing_stage(small_doc):
    del small_doc["chains"][1]["nodes"][0]["stage"]
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "missing_field" and "no \"stage\"" in problem.message


@pytest.mark.parametrize("edge", [
    ["textile.fibre"], "textile.fibre", ["textile.fibre", "textile.cloth", "recycle", "x"],
    ["textile.fibre", "textile.cloth", "supply", "supply"], [1, 2], [1, 2, "recycle"],
    {"from": "textile.fibre"}, []])
def test_edge_with_wrong_shape(small_doc, edge):
    small_doc["chains"][2]["edges"].append(edge)
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "bad_edge"
    assert problem.location == "chains[2] (textile).edges[1]"
    assert "pair [supplier, customer]" in problem.message


def test_edge_naming_unknown_node_suggests_a_close_id(small_doc):
    small_doc["chains"][2]["edges"].append(["textile.fiber", "textile.cloth"])
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "unknown_node"
    assert "unknown node 'textile.fiber'" in problem.message
    assert "did you mean 'textile.fibre'" in problem.message


def test_cross_chain_edge_may_name_a_later_chain(small_doc):
    # nev-battery.pack -> ev.vehicle is listed before chain "ev" is defined.
    assert validate_chains(small_doc) == []


def test_self_loop(small_doc):
    small_doc["chains"][2]["edges"].append(["textile.cloth", "textile.cloth"])
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "self_loop"
    assert "textile.cloth -> textile.cloth" in problem.message


def test_duplicate_edge(small_doc):
    small_doc["chains"][2]["edges"].append(["textile.fibre", "textile.cloth"])
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "duplicate_edge"
    assert "chains[2] (textile).edges[0]" in problem.message


def test_cycle_inside_chain_names_its_nodes(small_doc):
    small_doc["chains"][0]["edges"].append(["nev-battery.pack", "nev-battery.cathode"])
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "cycle"
    assert "inside chain 'nev-battery'" in problem.message
    assert ("nev-battery.cathode -> nev-battery.cell -> nev-battery.pack -> "
            "nev-battery.cathode") in problem.message


def test_cycle_across_chains_is_refused(small_doc):
    small_doc["chains"][1]["edges"].append(["ev.vehicle", "nev-battery.cell"])
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "cycle"
    assert "across chains nev-battery, ev" in problem.message
    assert "ev.vehicle" in problem.message


@pytest.mark.parametrize("keywords", ["电芯", [1, 2], ["ok", ""], {"a": 1}])
def test_keywords_must_be_a_list_of_strings(small_doc, keywords):
    small_doc["chains"][0]["nodes"][2]["keywords"] = keywords
    (problem,) = validate_chains(small_doc)
    assert problem.kind == "bad_keywords"
    assert problem.location == "chains[0] (nev-battery).nodes[2] (nev-battery.cell)"
    assert "list of non-empty strings" in problem.message


def test_bad_node_field_does_not_also_report_its_edges_as_unknown(small_doc):
    small_doc["chains"][0]["nodes"][2]["stage"] = "middle"
    assert kinds(validate_chains(small_doc)) == ["unknown_stage"]


def test_collects_problems_from_several_chains(small_doc):
    small_doc["chains"][0]["nodes"][1]["keywords"] = "x"
    del small_doc["chains"][1]["name"]
    small_doc["chains"][2]["edges"].append(["textile.cloth", "textile.cloth"])
    assert kinds(validate_chains(small_doc)) == ["bad_keywords", "missing_field", "self_loop"]


def test_rejects_other_source_types():
    with pytest.raises(TypeError):
        load_chains(42)


def test_chain_nodes(small_doc):
    G = load_chains(small_doc)
    assert chain_nodes(G, "textile") == ["textile.fibre", "textile.cloth"]
    with pytest.raises(UnknownChainError, match="known chains: nev-battery, ev, textile"):
        chain_nodes(G, "steel")
