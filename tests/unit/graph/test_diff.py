import copy

from graph import NodeChange, diff_chains, load_chains


def test_identical_graphs_have_empty_diff(small_doc, dev_path):
    assert diff_chains(small_doc, copy.deepcopy(small_doc)).is_empty
    G = load_chains(dev_path)
    diff = diff_chains(G, dev_path)
    assert diff.is_empty and diff.summary() == []


def test_every_kind_of_change(small_doc):
    new = copy.deepcopy(small_doc)
    battery, ev, textile = new["chains"]
    battery["nodes"][0]["name"] = "正极"                       # renamed
    battery["nodes"][2]["name_en"] = "Cells"                   # renamed (en)
    battery["nodes"][1]["keywords"] = ["石墨"]                 # changed keywords
    battery["nodes"][3]["stage"] = "midstream"                 # changed stage
    battery["nodes"].append({"id": "nev-battery.bms", "name": "电池管理系统",
                             "stage": "midstream"})            # added
    battery["edges"].append(["nev-battery.bms", "nev-battery.pack"])
    battery["edges"].remove(["nev-battery.anode", "nev-battery.cell"])
    ev["name"] = "整车制造业"
    new["chains"].remove(textile)                              # chain and its nodes removed
    new["chains"].append({"id": "steel", "name": "钢铁", "nodes": []})

    diff = diff_chains(small_doc, new)
    assert not diff.is_empty
    assert diff.nodes_added == ["nev-battery.bms"]
    assert diff.nodes_removed == ["textile.fibre", "textile.cloth"]
    assert diff.nodes_renamed == [
        NodeChange("nev-battery.cathode", "name", "正极材料", "正极"),
        NodeChange("nev-battery.cell", "name_en", "Cell manufacturing", "Cells"),
    ]
    assert diff.nodes_changed == [
        NodeChange("nev-battery.anode", "keywords", [], ["石墨"]),
        NodeChange("nev-battery.pack", "stage", "downstream", "midstream"),
    ]
    assert diff.edges_added == [("nev-battery.bms", "nev-battery.pack")]
    assert set(diff.edges_removed) == {("nev-battery.anode", "nev-battery.cell"),
                                       ("textile.fibre", "textile.cloth")}
    assert diff.chains_added == ["steel"]
    assert diff.chains_removed == ["textile"]
    assert diff.chains_renamed == [NodeChange("ev", "name", "整车", "整车制造业")]
    assert any(line.startswith("nodes removed (2): textile.fibre, textile.cloth")
               for line in diff.summary())


def test_node_moved_to_another_chain(small_doc):
    new = copy.deepcopy(small_doc)
    node = new["chains"][0]["nodes"].pop(3)
    new["chains"][1]["nodes"].append(node)
    diff = diff_chains(small_doc, new)
    assert diff.nodes_changed == [NodeChange("nev-battery.pack", "chain", "nev-battery", "ev")]
    assert not diff.nodes_added and not diff.nodes_removed


def test_affected_references(small_doc):
    new = copy.deepcopy(small_doc)
    new["chains"][2]["nodes"].pop(0)
    new["chains"][2]["edges"] = []
    diff = diff_chains(small_doc, new)
    refs = [("D1", "textile.cloth"), ("C7", "textile.fibre"), ("C8", "nev-battery.cell"),
            ("D2", "textile.fibre")]
    assert diff.affected(refs) == [("C7", "textile.fibre"), ("D2", "textile.fibre")]
    assert diff.affected(iter(refs)) == diff.affected(refs)
