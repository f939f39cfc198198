"""Restricting a ranking (a page's filters): applied before the top-k, so pages stay full."""
import networkx as nx
import pytest

from matchmaker.matching import Matcher
from matchmaker.matching import ranking

SUPPLIERS = 20_000
EVERY = 1_000  # one posting in a thousand is eligible


def _capability(i: int) -> dict:
    # Every capability matches the demand; the eligible ones are the weakest
    # matches (one shared term of three), so an unrestricted top 200 never
    # reaches them.
    words = "伺服电机 驱动器 编码器" if i % EVERY else "伺服电机 减速机 工业相机"
    return {"id": f"c{i}", "enterprise": f"企业{i}", "title": words.split()[0],
            "description": words, "region": "江苏省" if i % 2 else "广东省"}


@pytest.fixture(scope="module")
def matcher():
    G = nx.DiGraph()
    return Matcher().fit([_capability(i) for i in range(SUPPLIERS)], G)


DEMAND = {"id": "d", "title": "伺服电机", "description": "伺服电机 驱动器 编码器"}


def test_a_filter_leaving_one_in_a_thousand_still_fills_the_page(matcher):
    eligible = [f"c{i}" for i in range(0, SUPPLIERS, EVERY)]
    unrestricted = matcher.rank([DEMAND], top=200)[0]
    assert not {m.capability_id for m in unrestricted} & set(eligible), \
        "the eligible postings are out of reach of a filter applied after ranking"
    page = matcher.rank([DEMAND], top=20, among=eligible)[0]
    assert sorted(m.capability_id for m in page) == sorted(eligible)


def test_a_restricted_ranking_is_the_unrestricted_one_filtered(matcher):
    among = [f"c{i}" for i in range(1, 400, 7)]
    restricted = matcher.rank([DEMAND], top=10, among=among)[0]
    everyone = matcher.score_pairs([DEMAND], among)[0]
    assert [m.capability_id for m in restricted] == [m.capability_id for m in everyone[:10]]
    assert [m.score for m in restricted] == [m.score for m in everyone[:10]]


def test_a_broad_restriction_searches_with_a_mask(matcher, monkeypatch):
    monkeypatch.setattr(ranking, "EXHAUSTIVE_LIMIT", 100)  # force the search path
    among = {f"c{i}" for i in range(0, SUPPLIERS, 3)}
    page = matcher.rank([DEMAND], top=50, among=sorted(among))[0]
    assert len(page) == 50 and {m.capability_id for m in page} <= among
    narrow = [f"c{i}" for i in range(0, SUPPLIERS, EVERY)]
    # the weakest matches, one in a thousand: the search reads far enough to meet them
    assert len(matcher.rank([DEMAND], top=20, among=narrow)[0]) == len(narrow)


def test_unknown_and_removed_ids_are_ignored(matcher):
    page = matcher.rank([DEMAND], top=5, among=["nope", "c0", "c1000"])[0]
    assert {m.capability_id for m in page} == {"c0", "c1000"}
    assert matcher.rank([DEMAND], top=5, among=[])[0] == []


def test_a_search_that_meets_too_few_of_a_rare_restriction_scores_all_of_it(matcher, monkeypatch):
    monkeypatch.setattr(ranking, "EXHAUSTIVE_LIMIT", 5)
    monkeypatch.setattr(ranking, "MAX_BUDGET_GROWTH", 1)  # the search reads no further for it
    narrow = [f"c{i}" for i in range(0, SUPPLIERS, EVERY)]
    budget = matcher.posting_budget
    matcher.set_params(posting_budget=300)
    try:
        page = matcher.rank([DEMAND], top=20, among=narrow)[0]
    finally:
        matcher.set_params(posting_budget=budget)
    assert sorted(m.capability_id for m in page) == sorted(narrow)
