"""The seed chains are drawn as the industries are organised.

Each test names its source: the structure of the industry (who sells what to whom), or
the national plan a node follows. Edges go from supplier to customer.
"""
import json
from pathlib import Path

import opencc
import pytest

import graph
from graph import STAGES, edge_kind
from matchmaker.matching.inference import NodeInferrer

CHAINS = Path(__file__).resolve().parents[3] / "seeds" / "chains"

# Node ids that postings, resources, events and the demo data may hold: they stay.
KEPT_IDS = {
    "machtool": ["casting", "spindle", "linear-motion", "functional-parts", "cnc-system", "servo",
                 "metrology", "tooling", "cnc-lathe", "machining-center", "grinder",
                 "special-machining", "additive", "aerospace", "auto-parts", "mold"],
    "ic": ["eda-ip", "silicon-wafer", "photoresist", "mask", "specialty-gas", "wet-chemicals",
           "target", "cmp-materials", "fab-equipment", "test-equipment", "substrate",
           "chip-design", "foundry", "packaging-test", "power-semiconductor"],
    "nev": ["lithium", "cathode", "anode", "electrolyte", "separator", "cell", "pack", "motor",
            "motor-control", "thermal", "lightweight-body", "intelligent-driving", "cockpit",
            "vehicle", "charging", "recycling"],
    "5g": ["baseband-chip", "rf-frontend", "optical-module", "module", "base-station",
           "core-network", "network-slicing", "mec", "terminal", "private-network",
           "iiot-platform", "operator-si", "smart-factory", "smart-mining", "smart-port", "cv2x"],
    "solar": ["industrial-silicon", "polysilicon", "wafer", "glass", "encapsulant",
              "silver-paste", "module-parts", "equipment", "cell", "module", "inverter",
              "mounting", "storage", "plant-epc", "om", "recycling"],
}


@pytest.fixture(scope="module")
def G():
    return graph.load_chains({"chains": [c for p in sorted(CHAINS.glob("*.json"))
                                         for c in json.loads(p.read_text(encoding="utf-8"))["chains"]]})


@pytest.fixture(scope="module")
def inferrer(G):
    return NodeInferrer(G).fit()


def supply(G, supplier, customer):
    return G.has_edge(supplier, customer) and edge_kind(G, supplier, customer) == "supply"


def suppliers(G, node):
    return {u for u in G.predecessors(node) if edge_kind(G, u, node) == "supply"}


def customers(G, node):
    return {v for v in G.successors(node) if edge_kind(G, node, v) == "supply"}


def keywords(G, node):
    return set(G.nodes[node]["keywords"])


def top_node(inferrer, text):
    found = inferrer.infer(text, 1)
    return found[0][0] if found else None


# --- every chain ----------------------------------------------------------------------------

def test_node_ids_that_postings_hold_are_kept(G):
    """Postings, open resources, events and the demo data name chain nodes by id; a node
    that is split keeps its id for the part they mean (the pack stays `nev.pack`)."""
    missing = [f"{chain}.{n}" for chain, ids in KEPT_IDS.items() for n in ids
               if f"{chain}.{n}" not in G]
    assert missing == []


def test_supply_runs_downstream_inside_each_chain(G):
    """Industry structure: material and products flow from upstream (materials, parts,
    equipment) through midstream (makers) to downstream (users, applications); only a
    recycling edge runs back."""
    backwards = [(u, v) for u, v in G.edges
                 if edge_kind(G, u, v) == "supply"
                 and G.nodes[u]["chain"] == G.nodes[v]["chain"]
                 and STAGES.index(G.nodes[u]["stage"]) > STAGES.index(G.nodes[v]["stage"])]
    assert backwards == []


def test_names_are_simplified_chinese_with_an_english_name(G):
    """The platform's users read simplified Chinese (规范汉字); every node also has an
    English name for the English interface."""
    to_simplified = opencc.OpenCC("t2s")
    for node, data in G.nodes(data=True):
        assert to_simplified.convert(data["name"]) == data["name"], node
        assert data["name_en"], node


# --- machine tools ------------------------------------------------------------------------

def test_machine_tools_include_metal_forming_machines(G):
    """Industry structure: 工业母机 are metal-cutting and metal-forming machine tools
    (金属切削机床 and 金属成形机床, the two classes of the machine-tool trade). Presses and
    die-casting machines are built on large castings, hydraulics and servo drives; their
    buyers are part makers, the OEM press shop and the die casters of 一体化压铸 bodies (the
    6,000–9,000 t cells of the demo)."""
    for node in ("machtool.press", "machtool.die-casting"):
        assert G.nodes[node]["stage"] == "midstream"
        assert {"machtool.casting", "machtool.hydraulics", "machtool.servo"} <= suppliers(G, node)
        assert supply(G, node, "machtool.auto-parts")
    assert {"压力机", "冲压设备"} <= keywords(G, "machtool.press")
    assert {"压铸机", "超大型压铸机"} <= keywords(G, "machtool.die-casting")
    assert supply(G, "machtool.die-casting", "nev.lightweight-body")
    assert supply(G, "machtool.mold", "nev.lightweight-body")
    assert supply(G, "machtool.press", "nev.vehicle")
    assert G.nodes["machtool.hydraulics"]["stage"] == "upstream"


# --- integrated circuits -------------------------------------------------------------------

def test_ic_has_the_parts_beneath_the_fab_equipment(G, inferrer):
    """Industry structure: wafer-fab tools are assembled from precision parts (静电卡盘,
    石英件, 陶瓷件) and subsystems (真空泵, 阀门, 射频电源); fabs and IDMs also buy the parts as
    spares and consumables. The demo's challenges for an etch-chamber ESC and for ceramic
    and quartz parts belong there, not to the tool makers."""
    parts, subsystems = "ic.equipment-parts", "ic.subsystems"
    assert {"静电卡盘", "石英件", "陶瓷件"} <= keywords(G, parts)
    assert {"真空泵", "真空阀门", "射频电源"} <= keywords(G, subsystems)
    for node in (parts, subsystems):
        assert G.nodes[node]["stage"] == "upstream"
        assert supply(G, node, "ic.fab-equipment")
    assert {"ic.foundry", "ic.power-semiconductor"} <= customers(G, parts)
    assert top_node(inferrer, "揭榜挂帅：刻蚀腔体静电卡盘（ESC）国产化，吸附力≥50Torr") == parts
    assert top_node(inferrer, "刻蚀设备陶瓷与石英零部件采购，高纯氧化铝≥99.5%，Y2O3涂层") == parts
    assert top_node(inferrer, "干式真空泵与射频电源国产化") == subsystems


def test_ic_packaging_has_its_materials_and_equipment(G):
    """Industry structure: an OSAT buys 封装基板, 引线框架, 键合丝 and 塑封料, and packaging
    tools (划片, 固晶, 键合, 塑封); power modules take the same materials plus DBC/AMB."""
    materials = "ic.packaging-materials"
    assert {"引线框架", "键合丝", "塑封料"} <= keywords(G, materials)
    assert "引线框架" not in keywords(G, "ic.substrate")  # a lead frame is no substrate
    assert "封装基板" in keywords(G, "ic.substrate")
    for node in (materials, "ic.substrate", "ic.packaging-equipment"):
        assert supply(G, node, "ic.packaging-test"), node
    assert supply(G, materials, "ic.power-semiconductor")


def test_ic_has_a_downstream_stage(G):
    """Industry structure: packaged chips and power devices go into modules and end
    products; 汽车电子, 工业控制 and 消费电子 are their main markets."""
    downstream = {n for n, c in G.nodes(data="chain") if c == "ic"
                  and G.nodes[n]["stage"] == "downstream"}
    assert downstream == {"ic.auto-electronics", "ic.industrial-control", "ic.consumer-electronics"}
    for node in downstream:
        assert {"ic.packaging-test", "ic.power-semiconductor"} <= suppliers(G, node)


# --- new energy vehicles ------------------------------------------------------------------

def test_nev_bms_is_its_own_node_feeding_the_pack(G):
    """Industry structure: the BMS (电池管理系统) is an electronic system of its own, made by
    specialised suppliers from sampling and control chips; the pack maker assembles cells,
    BMS and thermal parts. `nev.pack` keeps the pack."""
    assert supply(G, "nev.bms", "nev.pack")
    assert supply(G, "ic.packaging-test", "nev.bms")
    assert {"BMS", "电池管理系统"} <= keywords(G, "nev.bms")
    assert not {"BMS", "电池管理系统"} & keywords(G, "nev.pack")
    assert "BMS" not in G.nodes["nev.pack"]["name"]
    assert {"nev.cell", "nev.bms", "nev.thermal"} <= suppliers(G, "nev.pack")


def test_nev_charging_is_fed_by_power_electronics_not_by_the_battery(G):
    """Industry structure: a charging pile is built from charging power modules (which take
    the power semiconductors), with PV inverters and storage at 光储充 stations. A battery
    pack is not an input of a charging pile: the pile serves the vehicle and its user, and
    the charger-BMS dialogue (GB/T 27930) is an interface, not a supply. Nor is a pile an
    input of the vehicle."""
    charging = "nev.charging"
    assert not G.has_edge("nev.pack", charging)
    assert not {"nev.cell", "nev.pack", "nev.bms"} & set(G.predecessors(charging))
    assert not G.has_edge(charging, "nev.vehicle") and not G.has_edge("nev.vehicle", charging)
    assert supply(G, "nev.charging-module", charging)
    assert supply(G, "ic.power-semiconductor", "nev.charging-module")
    assert "充电模块" in keywords(G, "nev.charging-module")
    assert G.nodes[charging]["stage"] == "downstream"


def test_nev_cells_take_foils_and_equipment_and_motors_take_magnets(G):
    """Industry structure: a lithium-ion cell is coated on copper foil (anode) and aluminium
    foil (cathode) on lines of 涂布, 卷绕/叠片 and 化成分容 equipment; a permanent-magnet
    traction motor needs NdFeB (钕铁硼) magnets."""
    for node in ("nev.copper-foil", "nev.aluminium-foil", "nev.battery-equipment"):
        assert G.nodes[node]["stage"] == "upstream"
        assert supply(G, node, "nev.cell"), node
    assert {"涂布机", "卷绕机", "叠片机", "化成分容"} <= keywords(G, "nev.battery-equipment")
    assert "锂电铜箔" in keywords(G, "nev.copper-foil")
    assert "电池铝箔" in keywords(G, "nev.aluminium-foil")
    assert supply(G, "nev.magnet", "nev.motor")
    assert "钕铁硼" in keywords(G, "nev.magnet")


def test_nev_recycling_takes_packs_and_scrap_and_returns_lithium(G):
    """Industry structure: retired packs and cell-production scrap are recycled (梯次利用,
    再生利用); recovered lithium, nickel and cobalt go back to the raw-material makers."""
    assert {"nev.pack", "nev.cell"} <= suppliers(G, "nev.recycling")
    assert edge_kind(G, "nev.recycling", "nev.lithium") == "recycle"


# --- 5G -------------------------------------------------------------------------------------

def test_5g_separates_operators_from_integrators(G):
    """《5G应用“扬帆”行动计划（2021－2023年）》 counts 5G 行业虚拟专网, which are built on the
    operators' networks, apart from the 5G 应用解决方案供应商 it aims to grow; 《5G全连接工厂
    建设指南》 (2022) names 基础电信企业, equipment makers and 垂直行业解决方案提供商 as separate
    parties. Operators are large carriers; integrators are mostly SMEs that build on their
    networks."""
    operator, integrator = "5g.operator", "5g.operator-si"
    assert {"基础电信企业", "电信运营商"} <= keywords(G, operator)
    assert not any("运营商" in k or "电信企业" in k for k in keywords(G, integrator))
    assert "运营商" not in G.nodes[integrator]["name"]
    assert {"5g.base-station", "5g.core-network", "5g.transport", "5g.advanced"} \
        <= suppliers(G, operator)
    assert supply(G, operator, "5g.private-network")
    assert supply(G, "5g.private-network", integrator)
    assert integrator not in suppliers(G, operator)


def test_5g_follows_the_sailing_plan(G):
    """《5G应用“扬帆”行动计划（2021－2023年）》 (工信部联通信〔2021〕77号): more than 3,000 5G
    行业虚拟专网, 5G 应用解决方案供应商, and among its key sectors 工业互联网, 车联网, 智慧港口,
    智慧采矿 and 智慧电力. A 5G factory (5G全连接工厂) is served by 5G factory solution
    providers."""
    assert G.nodes["5g.private-network"]["name"] == "5G行业虚拟专网"
    assert supply(G, "5g.factory-solution", "5g.smart-factory")
    assert "5G全连接工厂" in keywords(G, "5g.smart-factory")
    assert "5G工厂解决方案" in keywords(G, "5g.factory-solution")
    assert {"5g.private-network", "5g.iiot-platform"} <= suppliers(G, "5g.factory-solution")
    for sector in ("5g.smart-factory", "5g.cv2x", "5g.smart-port", "5g.smart-mining",
                   "5g.smart-grid"):
        assert G.nodes[sector]["stage"] == "downstream", sector
        assert supply(G, "5g.operator-si", sector), sector


def test_5g_has_redcap_5g_a_test_instruments_and_transport(G, inferrer):
    """Industry structure and 3GPP releases: RedCap (R17 reduced-capability devices) modules
    are a product line of their own; 5G-A (5G-Advanced, 通感一体, 无源物联) equipment is deployed
    by the operators (《5G规模化应用“扬帆”行动升级方案》, 2024); test instruments serve
    module, base-station and network work; base stations reach the core over the transport
    network (承载网: SPN, OTN), which takes optical modules."""
    redcap = "5g.redcap-module"
    assert "RedCap" in keywords(G, redcap) and "RedCap" not in keywords(G, "5g.module")
    assert supply(G, "5g.baseband-chip", redcap) and supply(G, redcap, "5g.terminal")
    assert top_node(inferrer, "5G RedCap工业模组采购，3GPP R17 RedCap，工业级宽温") == redcap
    assert "通感一体" in keywords(G, "5g.advanced")
    assert G.nodes["5g.test-instrument"]["stage"] == "upstream"
    assert {"5g.module", "5g.base-station"} <= customers(G, "5g.test-instrument")
    assert supply(G, "5g.optical-module", "5g.transport")
    assert supply(G, "5g.transport", "5g.operator")
    assert "承载网" in keywords(G, "5g.transport")
    assert "承载网" not in keywords(G, "5g.optical-module")


# --- photovoltaics --------------------------------------------------------------------------

def test_solar_crystal_pulling_consumes_quartz_crucibles(G):
    """Industry structure: Czochralski pulling (直拉法) melts polysilicon in a quartz crucible
    that is used up in each run; the same crucible makers supply the semiconductor
    wafer makers."""
    assert G.nodes["solar.crucible"]["stage"] == "upstream"
    assert supply(G, "solar.crucible", "solar.wafer")
    assert supply(G, "solar.crucible", "ic.silicon-wafer")
    assert "石英坩埚" in keywords(G, "solar.crucible")


def test_solar_module_recycling_closes_its_loops(G):
    """Industry structure: retired modules come from the plants, and scrap from the module
    makers; recycling recovers glass, aluminium frames and ribbons, and silicon, which
    return upstream."""
    recycler = "solar.recycling"
    assert G.nodes[recycler]["stage"] == "downstream"
    assert {"solar.plant-epc", "solar.module"} <= suppliers(G, recycler)
    returns = {v for v in G.successors(recycler)}
    assert returns == {"solar.glass", "solar.module-parts", "solar.industrial-silicon"}
    for node in returns:
        assert edge_kind(G, recycler, node) == "recycle"
        assert G.nodes[node]["stage"] == "upstream"
