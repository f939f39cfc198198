"""Any posting is indexed and ranked without error: empty, odd or huge ones included."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.matching import Matcher

ODD = ["", "—", "！？。，", "😀🚀", "12345", "\x00\x00", "a", "铁", " " * 50, "\u200b",
       "磷酸铁锂正极材料" * 6000]  # the last about 100 kB

texts = st.one_of(st.sampled_from(ODD), st.text(max_size=60))


def _posting(i, title, description):
    return {"id": f"P{i}", "enterprise": "某公司", "title": title, "description": description}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(texts, texts), min_size=1, max_size=8), st.tuples(texts, texts))
def test_arbitrary_corpora_and_queries_rank_without_error(dev_graph, corpus, query):
    caps = [_posting(i, t, d) for i, (t, d) in enumerate(corpus)]
    matcher = Matcher().fit(caps, dev_graph, demands=caps)
    demand = {"id": "Q", "enterprise": "甲", "title": query[0], "description": query[1]}
    for matches in (matcher.rank([demand], top=5)[0], matcher.rank_demands([caps[0]])[0]):
        for m in matches:
            assert 0.0 <= m.score <= 1.0
            assert all(r.kind in ("text", "chain", "region", "qualification") for r in m.reasons)


def test_an_all_empty_corpus_ranks_nothing(dev_graph):
    caps = [_posting(i, t, "") for i, t in enumerate(["", "—", "。", "😀"])]
    matcher = Matcher().fit(caps, dev_graph)
    assert matcher.rank([{"id": "Q", "title": "磷酸铁锂"}])[0] == []
    assert matcher.rank([{"id": "Q", "title": ""}])[0] == []


@pytest.mark.parametrize("odd", ODD)
def test_an_empty_posting_last_in_the_corpus_breaks_nothing(dev_capabilities, dev_graph, odd):
    caps = list(dev_capabilities) + [_posting("X", odd, None)]
    matcher = Matcher().fit(caps, dev_graph)
    ranked = matcher.rank([{"id": "Q", "title": "TOPCon电池片采购"}], top=5)[0]
    assert ranked and ranked[0].id != "PX"
    matcher.add(_posting("Y", odd, ""))
    matcher.update(_posting("Y", "TOPCon电池片", ""))
    assert "PY" in [m.id for m in matcher.rank([{"id": "Q", "title": "TOPCon电池片采购"}], top=50)[0]]
