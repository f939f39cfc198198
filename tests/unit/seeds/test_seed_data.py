"""The shipped seed chains and demo data set load, and are internally consistent."""
import json
from collections import Counter
from pathlib import Path

import pytest

import graph
from matchmaker.domain import payment, size, uscc
from matchmaker.domain.qualifications import normalize_qualification
from matchmaker.domain.regions import normalize_region
from matchmaker.domain.slots import generate_slots

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
CHAINS = SEEDS / "chains"
DEMO = SEEDS / "demo"
CHAIN_IDS = {"5g", "nev", "ic", "robot", "solar", "meddev", "machtool"}
DEMAND_KINDS = {"procurement", "challenge"}
DEMAND_STATUSES = {"draft", "published", "closed", "awarded", "cancelled"}
SIZES = {"micro", "small", "medium", "large"}


def _jsonl(name):
    with (DEMO / name).open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="module")
def chain_files():
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(CHAINS.glob("*.json"))}


@pytest.fixture(scope="module")
def G(chain_files):
    return graph.load_chains({"chains": [c for doc in chain_files.values() for c in doc["chains"]]})


@pytest.fixture(scope="module")
def enterprises():
    return {e["key"]: e for e in _jsonl("enterprises.jsonl")}


@pytest.fixture(scope="module")
def demands():
    return _jsonl("demands.jsonl")


@pytest.fixture(scope="module")
def capabilities():
    return _jsonl("capabilities.jsonl")


@pytest.fixture(scope="module")
def events():
    return json.loads((DEMO / "events.json").read_text(encoding="utf-8"))


# --- chains -------------------------------------------------------------------------------

def test_every_chain_file_is_one_known_chain(chain_files):
    assert set(chain_files) == CHAIN_IDS
    for stem, doc in chain_files.items():
        assert [c["id"] for c in doc["chains"]] == [stem]


def test_chain_files_merge_into_one_valid_graph(G):
    assert set(G.graph["chains"]) == CHAIN_IDS


def test_node_ids_are_unique_and_prefixed_by_their_chain(chain_files):
    ids = [n["id"] for doc in chain_files.values() for c in doc["chains"] for n in c["nodes"]]
    assert len(ids) == len(set(ids))
    for doc in chain_files.values():
        for chain in doc["chains"]:
            assert all(n["id"].startswith(chain["id"] + ".") for n in chain["nodes"])


def test_each_chain_has_ten_described_nodes(chain_files):
    for doc in chain_files.values():
        for chain in doc["chains"]:
            assert len(chain["nodes"]) >= 10, chain["id"]
            for node in chain["nodes"]:
                assert node.get("name_en"), node["id"]
                assert node.get("keywords"), node["id"]


# --- enterprises --------------------------------------------------------------------------

def test_demo_has_enough_records(enterprises, demands, capabilities, events):
    kinds = Counter(e["kind"] for e in enterprises.values())
    assert kinds["large"] >= 30
    assert kinds["sme"] >= 300
    assert len(demands) >= 120
    assert len(capabilities) >= 400
    assert len(events) == 4  # two fairs ahead, one on the day the demo is loaded, one held and followed up


def test_keys_and_ids_are_unique(demands, capabilities):
    lines = _jsonl("enterprises.jsonl")
    assert len({e["key"] for e in lines}) == len(lines)
    assert len({e["name"] for e in lines}) == len(lines)
    assert len({d["id"] for d in demands}) == len(demands)
    assert len({c["id"] for c in capabilities}) == len(capabilities)


def test_credit_codes_are_valid_unique_and_local(enterprises):
    codes = [e["uscc"] for e in enterprises.values()]
    assert len(set(codes)) == len(codes)
    for e in enterprises.values():
        result = uscc.validate(e["uscc"])
        assert result, f"{e['key']}: {result}"
        # GB 32100-2015 table 1: companies are enterprises (91); universities, research
        # institutes and public hospitals are 事业单位 (12).
        assert e["uscc"][:2] == ("91" if e.get("org_type", "enterprise") == "enterprise" else "12"), e["key"]
        # Positions 3-4 are the province of the administrative division code.
        assert e["uscc"][2:4] == _province_prefix(e["region"]), e["key"]


_PROVINCE_CODES = {"北京市": "11", "天津市": "12", "辽宁省": "21", "上海市": "31", "江苏省": "32",
                   "浙江省": "33", "安徽省": "34", "福建省": "35", "山东省": "37", "河南省": "41",
                   "湖北省": "42", "湖南省": "43", "广东省": "44", "重庆市": "50", "四川省": "51",
                   "陕西省": "61"}


def _province_prefix(region):
    return _PROVINCE_CODES[region]


def test_sizes_follow_the_classification_standard(enterprises):
    for e in enterprises.values():
        if e.get("org_type", "enterprise") != "enterprise":
            # The SME size standard classes enterprises; a 事业单位 has no size class.
            assert e["size"] is None and e["kind"] == "institution", e["key"]
            continue
        assert e["size"] in SIZES
        assert size.classify(e["industry"], e["employees"], e["revenue_wan"]).size == e["size"], e["key"]
        assert (e["kind"] == "large") == (e["size"] == "large"), e["key"]


def test_regions_are_province_level_names(enterprises):
    for e in enterprises.values():
        assert normalize_region(e["region"]) == e["region"], e["key"]
    assert len({e["region"] for e in enterprises.values()}) >= 12


def test_little_giants_are_also_specialised_smes(enterprises):
    for e in enterprises.values():
        quals = {normalize_qualification(q) for q in e["qualifications"]}
        if "小巨人" in quals:
            assert "专精特新" in quals, e["key"]


def test_enterprise_chains_exist(enterprises):
    for e in enterprises.values():
        assert e["chains"] and set(e["chains"]) <= CHAIN_IDS, e["key"]


# --- postings -----------------------------------------------------------------------------

def _check_posting(row, enterprises, G, kinds):
    e = enterprises.get(row["enterprise_key"])
    assert e is not None, row["id"]
    assert e["name"] == row["enterprise"], row["id"]
    assert e["kind"] in kinds, row["id"]
    for node in row.get("chain_nodes") or []:
        assert node in G, f"{row['id']}: unknown node {node}"


def test_demands_come_from_verified_organisations_at_known_nodes(demands, enterprises, G):
    """Any verified organisation posts; size decides only the payment rule. Most demands are
    large firms', a few SMEs buy from SMEs, and a university and a public hospital buy too."""
    posters = Counter(enterprises[d["enterprise_key"]]["kind"] for d in demands)
    assert posters["large"] >= 100 and posters["sme"] >= 3 and posters["institution"] >= 2
    for d in demands:
        _check_posting(d, enterprises, G, {"large", "sme", "institution"})
        assert enterprises[d["enterprise_key"]]["verified"], d["id"]
        assert d["kind"] in DEMAND_KINDS and d["status"] in DEMAND_STATUSES
        assert d["budget"] > 0
        if d["status"] in ("awarded", "closed"):  # settled before the deadline passed, or since
            assert d.get("published", "") <= d["deadline"] <= "2027-09-30", d["id"]
        else:
            assert "2026-12-15" <= d["deadline"] <= "2027-09-30", d["id"]
        if d["kind"] == "challenge":
            assert d["acceptance_criteria"] and d["ip_terms"], d["id"]


def test_capabilities_come_from_smes_and_institutions_at_known_nodes(capabilities, enterprises, G):
    for c in capabilities:
        _check_posting(c, enterprises, G, {"sme", "institution"})
        e = enterprises[c["enterprise_key"]]
        assert c["region"] == e["region"], c["id"]
        assert c["size"] == e["size"], c["id"]
        held = {normalize_qualification(q) for q in e["qualifications"]}
        assert {normalize_qualification(q) for q in c["qualifications"]} <= held, c["id"]


def test_posted_demands_meet_the_payment_terms_of_their_buyer(demands, enterprises):
    """《保障中小企业款项支付条例》: 30 days for a 事业单位, 60 for a large firm, acceptance and a
    bill's tenor included; an SME buyer is outside the regulation."""
    for d in demands:
        if d["status"] != "draft":
            e = enterprises[d["enterprise_key"]]
            buyer = payment.classify_buyer(uscc.entity_kind(e["uscc"]), e["size"])
            review = payment.review(buyer, d["payment_days"], acceptance_days=d.get("acceptance_days"),
                                    method=d.get("payment_method"), instrument_days=d.get("instrument_days"))
            assert not review.problems, d["id"]


def test_demo_shows_gaps_and_thin_nodes(demands, capabilities, enterprises, G):
    supply = [{"node": n, "enterprise": c["enterprise"], "region": c["region"],
               "verified": enterprises[c["enterprise_key"]]["verified"]}
              for c in capabilities for n in c.get("chain_nodes") or []]
    demand = [{"node": n, "enterprise": d["enterprise"]}
              for d in demands if d["status"] == "published" for n in d.get("chain_nodes") or []]
    status = Counter(w.status for w in graph.weak_links(G, supply, demand))
    assert status["gap"] >= 3
    assert status["thin"] >= 5
    assert status["ok"] > status["gap"] + status["thin"]


# --- events -------------------------------------------------------------------------------

def test_events_reference_enterprises_in_their_roles(events, enterprises):
    for ev in events:
        slots = generate_slots(ev["start"], ev["end"], ev["meeting_minutes"], ev["breaks"])
        assert slots
        seen, tables = set(), []
        for p in ev["participants"]:
            e = enterprises[p["enterprise_key"]]
            assert p["enterprise_key"] not in seen
            seen.add(p["enterprise_key"])
            # Roles, not sizes: public hospitals buy at the medical-device fair beside large enterprises.
            assert e["kind"] in (("large", "institution") if p["role"] == "buyer" else ("sme",)), p
            assert set(p.get("unavailable") or []) <= set(slots), p
            if p["role"] == "buyer":
                assert 1 <= p["table"] <= ev["tables"]
                tables.append(p["table"])
            else:
                assert "table" not in p
        assert len(tables) == len(set(tables))
        roles = Counter(p["role"] for p in ev["participants"])
        if "meetings" in ev:  # a past fair or one held the day the demo is loaded: smaller ones
            assert 3 <= roles["buyer"] <= 12 and 10 <= roles["supplier"] <= 50
        else:
            assert 8 <= roles["buyer"] <= 12 and 30 <= roles["supplier"] <= 50


def test_a_past_fairs_meetings_are_a_possible_schedule_and_a_plausible_follow_up(events):
    past = [ev for ev in events if "meetings" in ev and not ev.get("held_on_load_day")]
    assert len(past) == 1
    for ev in past:
        slots = generate_slots(ev["start"], ev["end"], ev["meeting_minutes"], ev["breaks"])
        role = {p["enterprise_key"]: p for p in ev["participants"]}
        busy = set()
        for m in ev["meetings"]:
            assert role[m["buyer"]]["role"] == "buyer" and role[m["supplier"]]["role"] == "supplier"
            assert m["slot"] in slots and m["table"] == role[m["buyer"]]["table"]
            for who in (m["buyer"], m["supplier"]):  # nobody is in two meetings at once
                assert (who, m["slot"]) not in busy
                busy.add((who, m["slot"]))
            assert m["checkin"] in ("held", "no_show")
            if m["checkin"] == "no_show":
                assert "intent" not in m and "stage" not in m
            if m.get("stage"):
                assert m.get("intent") is True and m["amount"] > 0
            if m.get("stage") == "signed":
                assert m["contract_amount"] > 0 and m["contract_type"] and ev["date"] < m["contract_date"]
            if m.get("stage") == "terminated":
                assert m["stage_reason"]
        stages = Counter(m.get("stage") for m in ev["meetings"])
        assert stages["signed"] >= 2 and stages["negotiating"] >= 1 and stages["terminated"] >= 1


def test_event_requests_join_a_buyer_and_a_supplier(events):
    for ev in (ev for ev in events if "requests" in ev):
        role = {p["enterprise_key"]: p["role"] for p in ev["participants"]}
        pairs = [(r["buyer"], r["supplier"]) for r in ev["requests"]]
        assert len(pairs) == len(set(pairs))
        assert 60 <= len(pairs) <= 120
        for r in ev["requests"]:
            assert role[r["buyer"]] == "buyer" and role[r["supplier"]] == "supplier"
            assert r["priority"] in (1, 2, 3)
            assert r["status"] in ("accepted", "pending", "declined")


def test_event_theme_nodes_exist(events, G):
    for ev in events:
        assert set(ev["theme_chains"]) <= CHAIN_IDS
        assert all(n in G for n in ev["theme_nodes"])
        assert ev["registration_opens"] <= ev["registration_closes"] < ev["date"]


def test_open_resources_come_from_large_firms_and_institutions_at_known_nodes(enterprises, G):
    by_key = enterprises
    resources = _jsonl("resources.jsonl")
    assert len(resources) >= 5
    kinds = {"rnd", "design", "equipment", "test_site", "capacity"}
    for row in resources:
        assert by_key[row["enterprise_key"]]["kind"] in ("large", "institution"), row["id"]
        assert row["kind"] in kinds, row["id"]
        assert row["chain_nodes"] and all(n in G for n in row["chain_nodes"]), row["id"]


def _glossary_terms():
    from matchmaker.matching.glossary import load_glossary

    return load_glossary().concepts


@pytest.mark.parametrize("a, b", [
    ("硫酸", "磷酸"), ("盐酸", "硝酸"), ("sulfuric acid", "phosphoric acid"),
    ("工业软件", "PLM"), ("激光焊接", "焊接机器人"), ("组件封装", "芯片封装"),
    ("晶圆", "silicon wafer"), ("抛光片", "外延片"), ("远程监控", "车联网"),
])
def test_a_glossary_line_never_merges_two_different_things(a, b):
    """Two substances or products that differ never share a concept (a false equivalence
    would make an LFP cathode maker a supplier of sulfuric acid)."""
    def concepts_of(term):
        t = term.casefold()
        return {c.id for c in _glossary_terms()
                if t in {x.casefold() for x in c.written}}
    assert not concepts_of(a) & concepts_of(b)


def test_no_glossary_term_is_the_name_of_another_line():
    """A synonym that is another line's own name merges two concepts."""
    concepts = _glossary_terms()
    names = {}
    for c in concepts:
        for name in (c.zh, c.en):
            if name:
                names.setdefault(name.casefold(), set()).add(c.id)
    same_thing = {"光刻胶材料"}  # one substance, listed in two domains under two names
    clashes = [(c.id, s) for c in concepts for s in c.written[2:]
               if s.casefold() in names and c.id not in names[s.casefold()]
               and s not in same_thing]
    assert clashes == []
