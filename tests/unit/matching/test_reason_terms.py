"""Shared-term reasons read as words, not as fragments glued across word boundaries."""
from matchmaker.matching import Matcher
from matchmaker.matching.reasons import is_stop_word

CAPS = [
    {"id": "C1", "enterprise": "甲", "title": "精密零部件研发与制造",
     "description": "齿轮箱壳体研发与制造，提供小批量试制，满足客户要求"},
    {"id": "C2", "enterprise": "乙", "title": "注塑模具", "description": "家电注塑模具设计"},
]
DEMAND = {"id": "D1", "enterprise": "丙", "title": "齿轮箱壳体研发与制造外协",
          "description": "需供应商具备研发与制造能力，满足我司要求"}


def test_reasons_drop_joining_characters_and_generic_words(dev_graph):
    ranked = Matcher().fit(CAPS, dev_graph).rank([DEMAND], top=2)[0]
    assert ranked[0].capability_id == "C1"
    terms = ranked[0].reason("text").values
    assert any("齿轮箱壳体" in t for t in terms)
    for term in terms:
        assert term[0] not in "与和及的" and term[-1] not in "与和及的", terms
        assert term != "研发与制造" and not is_stop_word(term), terms
