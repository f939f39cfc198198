import pytest

from graph import UnknownChainError, UnknownNodeError, load_chains, weak_links


@pytest.fixture
def G(small_doc):
    return load_chains(small_doc)


def cap(node, enterprise, region=None, verified=True):
    return {"node": node, "enterprise": enterprise, "region": region, "verified": verified}


def need(node, enterprise="大企业"):
    return {"node": node, "enterprise": enterprise}


def by_node(links):
    return {w.node: w for w in links}


def test_statuses(G):
    supply = [
        cap("nev-battery.cathode", "甲", "江苏"),
        cap("nev-battery.cathode", "乙", "江苏"),
        cap("nev-battery.cell", "丙", "广东"),
        cap("nev-battery.pack", "丁", "浙江", verified=False),
    ]
    demand = [need("nev-battery.cathode"), need("nev-battery.cell"), need("nev-battery.pack"),
              need("nev-battery.pack", "另一家")]
    links = by_node(weak_links(G, supply, demand, chain="nev-battery"))
    assert links["nev-battery.pack"].status == "gap"      # demand, only unverified supply
    assert links["nev-battery.pack"].demands == 2
    assert links["nev-battery.pack"].suppliers_unverified == 1
    assert links["nev-battery.cell"].status == "thin"
    assert links["nev-battery.cathode"].status == "ok"
    assert links["nev-battery.anode"].status == "idle"


def test_one_verified_supplier_without_demand_is_thin(G):
    links = by_node(weak_links(G, [cap("textile.cloth", "甲")], [], chain="textile"))
    assert links["textile.cloth"].status == "thin"
    assert links["textile.fibre"].status == "idle"


def test_enterprise_counted_once_per_node(G):
    supply = [cap("nev-battery.cell", "甲", "江苏")] * 3 + [cap("nev-battery.cell", "甲", "江苏",
                                                             verified=False)]
    (cell,) = [w for w in weak_links(G, supply, [need("nev-battery.cell")])
               if w.node == "nev-battery.cell"]
    assert cell.suppliers == 1
    assert cell.suppliers_unverified == 0   # 甲 is already a verified supplier here
    assert cell.capabilities == 3
    assert cell.status == "thin"


def test_concentrations(G):
    supply = [
        cap("nev-battery.cell", "甲", "江苏"), cap("nev-battery.cell", "甲", "江苏"),
        cap("nev-battery.cell", "甲", "江苏"),
        cap("nev-battery.cell", "乙", "江苏"),
        cap("nev-battery.cell", "丙", "广东"),
        cap("nev-battery.cell", "丁", None),            # no region: not in the region share
        cap("nev-battery.cell", "戊", "四川", verified=False),
    ]
    cell = by_node(weak_links(G, supply, []))["nev-battery.cell"]
    assert cell.suppliers == 4
    assert cell.suppliers_unverified == 1
    assert cell.region_concentration == pytest.approx(2 / 3)
    assert cell.top_region == "江苏"
    assert cell.enterprise_concentration == pytest.approx(3 / 6)
    assert cell.top_enterprise == "甲"
    idle = by_node(weak_links(G, supply, []))["nev-battery.anode"]
    assert idle.region_concentration is None and idle.top_region is None
    assert idle.enterprise_concentration is None


def test_region_tie_is_deterministic(G):
    supply = [cap("textile.cloth", "甲", "浙江"), cap("textile.cloth", "乙", "江苏")]
    for records in (supply, supply[::-1]):
        cloth = by_node(weak_links(G, records, []))["textile.cloth"]
        assert cloth.region_concentration == 0.5
        assert cloth.top_region == min("浙江", "江苏")


def test_order_by_status_then_chain_order(G):
    demand = [need("textile.cloth"), need("nev-battery.pack")]
    supply = [cap("ev.vehicle", "甲"), cap("nev-battery.cell", "乙")]
    links = weak_links(G, supply, demand)
    assert [(w.status, w.node) for w in links][:4] == [
        ("gap", "nev-battery.pack"), ("gap", "textile.cloth"),
        ("thin", "nev-battery.cell"), ("thin", "ev.vehicle"),
    ]
    assert {w.status for w in links[4:]} == {"idle"}
    assert len(links) == G.number_of_nodes()


def test_chain_filter_and_attributes(G):
    links = weak_links(G, [cap("ev.vehicle", "甲")], [need("ev.vehicle")], chain="nev-battery")
    assert [w.node for w in links] == ["nev-battery.cathode", "nev-battery.anode",
                                       "nev-battery.cell", "nev-battery.pack"]
    first = links[0]
    assert (first.name, first.name_en, first.chain, first.stage) == (
        "正极材料", "Cathode materials", "nev-battery", "upstream")
    with pytest.raises(UnknownChainError):
        weak_links(G, [], [], chain="steel")


def test_unknown_node_raises_or_is_skipped(G):
    with pytest.raises(UnknownNodeError, match="steel.ore"):
        weak_links(G, [cap("steel.ore", "甲")], [])
    with pytest.raises(UnknownNodeError, match="steel.ore"):
        weak_links(G, [], [need("steel.ore")])
    links = weak_links(G, [cap("steel.ore", "甲")], [need("steel.ore")], ignore_unknown=True)
    assert {w.status for w in links} == {"idle"}


def test_tags_count_distinct_verified_suppliers(G):
    """Tags (such as the tiers of quality SMEs) are counted per node over verified suppliers only."""
    supply = [
        {**cap("nev-battery.cell", "甲"), "tags": ("专精特新", "小巨人")},
        {**cap("nev-battery.cell", "甲"), "tags": ("专精特新",)},      # same enterprise, counted once
        {**cap("nev-battery.cell", "乙"), "tags": ["专精特新"]},
        cap("nev-battery.cell", "丙"),
        {**cap("nev-battery.cell", "丁", verified=False), "tags": ("小巨人",)},
    ]
    links = by_node(weak_links(G, supply, [], chain="nev-battery"))
    assert links["nev-battery.cell"].tagged == {"专精特新": 2, "小巨人": 1}
    assert links["nev-battery.cell"].suppliers == 3
    assert links["nev-battery.anode"].tagged == {}
