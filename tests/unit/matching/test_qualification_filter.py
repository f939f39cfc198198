"""The engine's hard filter applies the platform's qualification rules
(:func:`matchmaker.domain.qualifications.meets`), in both directions."""
import pytest

from matchmaker.domain.qualifications import meets
from matchmaker.matching import Matcher

TITLE = "航空发动机叶片五轴精密加工"

HOLDERS = {
    "SEED": ["专精特新培育企业"],
    "CITY": ["苏州市专精特新中小企业"],
    "PROV": ["江苏省专精特新中小企业"],
    "GIANT": ["国家级专精特新“小巨人”企业"],
    "AS-D": ["AS9100D"],
    "AS-C": ["AS 9100 C"],
    "OHSAS": ["OHSAS 18001"],
    "ISO45001": ["ISO 45001:2018"],
    "GJB": ["GJB-9001C"],
}


@pytest.fixture(scope="module")
def matcher(dev_graph):
    capabilities = [{"id": cid, "enterprise": f"企业{cid}", "title": TITLE, "qualifications": quals}
                    for cid, quals in HOLDERS.items()]
    return Matcher().fit(capabilities, dev_graph, demands=[
        {"id": f"D-{req}", "enterprise": "采购方", "title": TITLE, "required_qualifications": [req]}
        for req in ("专精特新", "AS9100", "AS9100D", "ISO 45001", "GJB 9001C")])


def _kept(matcher, required):
    demand = {"id": "D", "enterprise": "采购方", "title": TITLE, "required_qualifications": required}
    return {m.id for m in matcher.rank([demand], top=20)[0]}


@pytest.mark.parametrize("required, kept", [
    (["专精特新"], {"PROV", "GIANT"}),
    (["小巨人"], {"GIANT"}),
    (["市级专精特新"], {"CITY", "PROV", "GIANT"}),
    (["专精特新培育企业"], {"SEED", "PROV", "GIANT"}),
    (["AS9100"], {"AS-D", "AS-C"}),
    (["AS9100D"], {"AS-D"}),
    (["ISO 45001"], {"ISO45001"}),
    (["OHSAS 18001"], {"OHSAS", "ISO45001"}),
    (["GJB9001C"], {"GJB"}),
])
def test_engine_keeps_exactly_the_qualified(matcher, required, kept):
    """《优质中小企业梯度培育管理暂行办法》(2022): a 专精特新培育企业 or a city list is not
    专精特新; SAE AS9100D meets a requirement of AS9100; ISO 45001 replaced OHSAS 18001
    (IAF MD 21:2018) and is not met by it."""
    assert _kept(matcher, required) == kept
    assert kept == {cid for cid, quals in HOLDERS.items() if meets(required, quals)}


def test_a_cultivation_candidate_is_excluded_from_a_srdi_demand(matcher):
    """《优质中小企业梯度培育管理暂行办法》(2022): the 培育 list names candidates for the
    专精特新 tier, not holders."""
    assert "SEED" not in _kept(matcher, ["专精特新"])
    assert "SEED" in _kept(matcher, [])


def test_an_as9100d_holder_is_kept_for_as9100(matcher):
    """SAE AS9100D (2016) is an edition of AS9100: a requirement without an edition is met."""
    assert "AS-D" in _kept(matcher, ["AS9100"])


@pytest.mark.parametrize("cid, demands", [
    ("SEED", set()),
    ("PROV", {"D-专精特新"}),
    ("AS-C", {"D-AS9100"}),
    ("AS-D", {"D-AS9100", "D-AS9100D"}),
    ("OHSAS", set()),
    ("ISO45001", {"D-ISO 45001"}),
    ("GJB", {"D-GJB 9001C"}),
])
def test_reverse_direction_applies_the_same_rule(matcher, cid, demands):
    """The demands shown to a capability are those whose requirements it meets (same rule)."""
    capability = {"id": cid, "enterprise": f"企业{cid}", "title": TITLE, "qualifications": HOLDERS[cid]}
    assert {m.id for m in matcher.rank_demands([capability], top=20)[0]} == demands


def test_the_filter_follows_capabilities_added_after_a_query(dev_graph):
    """The answer per requirement set is kept with the corpus; a capability added later with a
    qualification set the corpus had not seen is judged too (kept when qualified, not otherwise)."""
    fresh = Matcher().fit([{"id": cid, "enterprise": f"企业{cid}", "title": TITLE, "qualifications": quals}
                           for cid, quals in HOLDERS.items()], dev_graph)
    assert _kept(fresh, ["小巨人"]) == {"GIANT"}
    assert _kept(fresh, ["小巨人"]) == {"GIANT"}  # answered again from what was kept
    fresh.add({"id": "GIANT-2", "enterprise": "企业G2", "title": TITLE,
               "qualifications": ["国家级专精特新小巨人企业", "ISO 9001"]}, kind="capability")
    fresh.add({"id": "NONE", "enterprise": "企业N", "title": TITLE, "qualifications": ["ISO 14001"]},
              kind="capability")
    assert _kept(fresh, ["小巨人"]) == {"GIANT", "GIANT-2"}
    assert _kept(fresh, ["ISO 14001"]) == {"NONE"}
