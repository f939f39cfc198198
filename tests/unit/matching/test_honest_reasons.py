"""Reasons on both development sets: no stop word, bare number or qualification name as a
shared term; the bridge links English and Chinese; one score in [0, 1]."""
import json

import pytest

import graph
from matchmaker.domain.qualifications import normalize_qualification
from matchmaker.matching import Matcher
from matchmaker.matching.bridge import Bridge
from matchmaker.matching.reasons import is_stop_word


def _jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


@pytest.mark.parametrize("name", ["match-dev", "match-dev-2"])
def test_no_reason_shows_a_stop_word_number_or_qualification(data_dir, name):
    folder = data_dir / name
    caps, demands = _jsonl(folder / "capabilities.jsonl"), _jsonl(folder / "demands.jsonl")
    matcher = Matcher().fit(caps, graph.load_chains(folder / "chains.json"))
    by_id = {c["id"]: c for c in caps}

    def loose_names(names):
        return {"".join(ch for ch in n.casefold() if ch.isalnum()) for n in names if n} | {
            "".join(ch for ch in (normalize_qualification(n) or "").casefold() if ch.isalnum())
            for n in names} - {""}

    checked = 0
    for demand, matches in zip(demands, matcher.rank(demands, top=10)):
        for m in matches:
            quals = loose_names(list(demand.get("required_qualifications") or [])
                                + list(by_id[m.id].get("qualifications") or []))
            assert 0.0 <= m.score <= 1.0
            text = m.reason("text")
            for term in (text.values if text else ()):
                for part in term.split("/"):
                    loose = "".join(ch for ch in part.casefold() if ch.isalnum())
                    assert loose and not is_stop_word(part), (m.id, term)
                    assert not loose.replace(".", "").isdigit(), (m.id, term)
                    assert not any(loose in q for q in quals), (m.id, term)
                checked += 1
    assert checked > 100


def test_bridge_gives_chinese_words_for_english_phrases():
    bridge = Bridge()
    assert "锻造" in bridge.words("precision forging of titanium")
    assert bridge("") == "" and bridge("纯中文文本") == ""
    assert "the" not in " ".join(bridge.words("the and of"))


def test_english_capability_found_for_a_chinese_demand_through_the_bridge(dev_graph):
    caps = [{"id": "EN", "enterprise": "Acme", "title": "Ultrasonic inspection services"},
            {"id": "X", "enterprise": "乙", "title": "注塑模具设计"}]
    demand = {"id": "D", "enterprise": "甲", "title": "超声检测外协"}
    with_bridge = Matcher().fit(caps, dev_graph).rank([demand])[0]
    without = Matcher(bridge=False).fit(caps, dev_graph).rank([demand])[0]
    assert [m.id for m in with_bridge][:1] == ["EN"]
    assert "EN" not in [m.id for m in without]
    # the reason names the bridged words as each posting writes them
    assert "超声/ultrasonic" in with_bridge[0].reason("text").values
