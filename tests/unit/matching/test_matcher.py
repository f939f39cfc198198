"""Behaviour of the ranking engine that users rely on."""
import opencc
import pytest

from matchmaker.domain.text import normalize
from matchmaker.matching import (
    DuplicateRecordError,
    Matcher,
    NotFittedError,
    UnknownRecordError,
)


def ranked(matches):
    return [(m.id, m.score) for m in matches]


def by_id(records, rid):
    return next(r for r in records if r["id"] == rid)


def test_scores_are_in_unit_interval_and_sorted(dev_matcher, dev_demands):
    for matches in dev_matcher.rank(dev_demands, top=20):
        scores = [m.score for m in matches]
        assert scores == sorted(scores, reverse=True)
        assert all(0.0 <= s <= 1.0 for s in scores)
        assert len(matches) <= 20


def test_traditional_and_simplified_demands_rank_the_same(dev_matcher, dev_demands):
    to_traditional = opencc.OpenCC("s2t").convert
    for demand in dev_demands[:6]:
        converted = dict(demand, title=to_traditional(demand["title"]),
                         description=to_traditional(demand.get("description", "")))
        assert ranked(dev_matcher.rank([converted])[0]) == ranked(dev_matcher.rank([demand])[0])


def test_full_width_and_half_width_rank_the_same(dev_matcher, dev_demands):
    def full_width(text):
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)

    for demand in dev_demands[:6]:
        wide = dict(demand, title=full_width(demand["title"]),
                    description=full_width(demand.get("description", "")))
        assert ranked(dev_matcher.rank([wide])[0]) == ranked(dev_matcher.rank([demand])[0])


def test_missing_required_qualification_excludes(dev_matcher, dev_demands, dev_capabilities):
    demand = by_id(dev_demands, "DD07")  # requires IATF 16949
    unfiltered = dict(demand, required_qualifications=[])
    lacking = [m.id for m in dev_matcher.rank([unfiltered], top=50)[0]
               if "IATF 16949" not in (by_id(dev_capabilities, m.id).get("qualifications") or [])]
    assert lacking  # the text alone would rank some of them
    kept = {m.id for m in dev_matcher.rank([demand], top=50)[0]}
    assert kept and not kept & set(lacking)
    for m in dev_matcher.rank([demand], top=50)[0]:
        assert "qualification: IATF 16949" in map(str, m.reasons)


def test_qualification_spellings_are_equal(dev_graph):
    capabilities = [
        {"id": "A", "enterprise": "甲", "title": "车规FC-BGA封装测试", "qualifications": ["IATF16949"]},
        {"id": "B", "enterprise": "乙", "title": "车规FC-BGA封装测试", "qualifications": ["ISO 9001"]},
    ]
    demand = {"id": "D", "enterprise": "丙", "title": "FC-BGA封装代工",
              "required_qualifications": ["IATF 16949"]}
    matcher = Matcher().fit(capabilities, dev_graph)
    assert [m.id for m in matcher.rank([demand])[0]] == ["A"]


def test_reasons_name_terms_found_in_both_texts(dev_matcher, dev_demands, dev_capabilities):
    for demand, matches in zip(dev_demands, dev_matcher.rank(dev_demands, top=5)):
        q = normalize(f"{demand['title']} {demand.get('description', '')}")
        for m in matches:
            cap = by_id(dev_capabilities, m.id)
            d = normalize(f"{cap['title']} {cap.get('description', '')}")
            text = m.reason("text")
            assert text, m
            for term in text.values:
                t = term.lower()
                # "demand term/capability term" (either may itself hold a "/")
                splits = [(t[:k], t[k + 1:]) for k in range(len(t)) if t[k] == "/"]
                assert (t in q and t in d) or any(a in q and b in d for a, b in splits), term


def test_reason_formats(dev_capabilities, dev_demands, dev_graph):
    matcher = Matcher(graph_weight=0.05, region_weight=0.02).fit(dev_capabilities, dev_graph)
    top = matcher.rank([by_id(dev_demands, "DD01")], top=3)[0][0]
    assert top.reasons[0].kind == "text"
    shown = [str(r) for r in top.reasons]
    assert shown[0].startswith("text: ")
    assert "chain: pv.cell" in shown
    assert "region: 江苏" in shown
    assert top.to_dict() == {"capability_id": top.id, "score": top.score, "reasons": shown}


def test_chain_and_region_reasons_only_when_they_counted(dev_matcher, dev_demands):
    """With the fitted weights at 0, neither signal moves a score, so neither is a reason."""
    off = dev_matcher.get_params()
    dev_matcher.set_params(graph_weight=0.0, region_weight=0.0)
    try:
        for matches in dev_matcher.rank(dev_demands, top=10):
            for m in matches:
                assert {r.kind for r in m.reasons} <= {"text", "qualification"}
    finally:
        dev_matcher.set_params(**{k: off[k] for k in ("graph_weight", "region_weight")})


def test_chain_path_reads_in_supply_direction(dev_graph):
    capabilities = [{"id": "W", "enterprise": "甲", "title": "N型单晶硅片",
                     "chain_nodes": ["pv.wafer"]}]
    demand = {"id": "D", "enterprise": "乙", "title": "硅片采购", "chain_nodes": ["pv.cell"]}
    matcher = Matcher(graph_weight=0.05).fit(capabilities, dev_graph)
    assert "chain: pv.wafer → pv.cell" in map(str, matcher.rank([demand])[0][0].reasons)


def test_english_demand_finds_chinese_capability(dev_graph):
    capabilities = [
        {"id": "WIRE", "enterprise": "甲", "title": "镀钯铜键合丝",
         "description": "用于QFN封装，线径0.8–1.2mil"},
        {"id": "INV", "enterprise": "乙", "title": "组串式光伏逆变器", "description": "1500V，IP66"},
        {"id": "TRAC", "enterprise": "丙", "title": "大马力拖拉机", "description": "动力换挡"},
    ]
    demand = {"id": "D", "enterprise": "Acme", "title": "Palladium-coated copper bonding wire",
              "description": "For our packaging lines, annual volume 200 million metres."}
    matches = Matcher().fit(capabilities, dev_graph).rank([demand])[0]
    assert matches[0].id == "WIRE"
    assert matches[0].reason("text").values


def test_region_boosts_but_does_not_filter(dev_graph):
    capabilities = [
        {"id": "FAR", "enterprise": "甲", "title": "组串式逆变器", "region": "广东省"},
        {"id": "NEAR", "enterprise": "乙", "title": "组串式逆变器", "region": "江苏"},
    ]
    demand = {"id": "D", "enterprise": "丙", "title": "组串式逆变器采购", "region": "Jiangsu"}
    matches = Matcher(region_weight=0.02).fit(capabilities, dev_graph).rank([demand])[0]
    assert [m.id for m in matches] == ["NEAR", "FAR"]
    assert "region: 江苏" in map(str, matches[0].reasons)


def test_add_makes_a_capability_rankable_and_remove_hides_it(dev_capabilities, dev_graph):
    matcher = Matcher().fit(dev_capabilities, dev_graph)
    demand = {"id": "D", "enterprise": "甲", "title": "钙钛矿叠层电池中试线"}
    newcomer = {"id": "NEW", "enterprise": "乙", "title": "钙钛矿叠层电池中试线设备",
                "description": "钙钛矿/晶硅叠层电池中试线整线交付"}
    assert "NEW" not in [m.id for m in matcher.rank([demand])[0]]
    matcher.add(newcomer)
    assert matcher.rank([demand])[0][0].id == "NEW"
    with pytest.raises(DuplicateRecordError):
        matcher.add(newcomer)
    matcher.update(dict(newcomer, title="玻璃幕墙清洗", description="高层建筑外墙"))
    assert "NEW" not in [m.id for m in matcher.rank([demand], top=3)[0]]
    matcher.remove("NEW")
    assert "NEW" not in [m.id for m in matcher.rank([demand], top=200)[0]]
    with pytest.raises(UnknownRecordError):
        matcher.remove("NEW")


def test_removing_an_indexed_capability_hides_it(dev_capabilities, dev_demands, dev_graph):
    matcher = Matcher().fit(dev_capabilities, dev_graph)
    demand = by_id(dev_demands, "DD09")
    first = matcher.rank([demand])[0][0].id
    matcher.remove(first)
    assert first not in [m.id for m in matcher.rank([demand], top=200)[0]]


def test_rank_demands_for_capabilities(dev_matcher, dev_capabilities):
    capability = by_id(dev_capabilities, "DC041")  # automotive FC-BGA, holds IATF 16949
    matches = dev_matcher.rank_demands([capability], top=3)[0]
    assert matches[0].id == "DD07" and matches[0].demand_id == "DD07"
    assert matches[0].to_dict()["demand_id"] == "DD07"
    lacking = by_id(dev_capabilities, "DC166")  # FC-BGA too, but no IATF 16949
    assert "DD07" not in [m.id for m in dev_matcher.rank_demands([lacking], top=20)[0]]


def test_errors_a_user_can_act_on(dev_capabilities, dev_graph):
    with pytest.raises(NotFittedError, match="fit"):
        Matcher().rank([{"id": "D", "title": "x"}])
    matcher = Matcher().fit(dev_capabilities[:5], dev_graph)
    with pytest.raises(NotFittedError, match="demands"):
        matcher.rank_demands(dev_capabilities[:1])
    with pytest.raises(ValueError, match="top"):
        matcher.rank([{"id": "D", "title": "x"}], top=0)


def test_rank_time_weights_change_without_refit(dev_capabilities, dev_demands, dev_graph):
    matcher = Matcher().fit(dev_capabilities, dev_graph)
    demand = by_id(dev_demands, "DD04")
    before = ranked(matcher.rank([demand])[0])
    matcher.set_params(graph_weight=0.5, chain_confidence=0.3, region_weight=0.3)
    after = ranked(matcher.rank([demand])[0])
    assert before != after
    with pytest.raises(ValueError, match="unknown parameter"):
        matcher.set_params(colour="blue")
