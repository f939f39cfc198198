"""Ranking without reasons, then explaining only the shown page: the same page, for less work."""


def test_a_ranking_without_reasons_ranks_the_same(dev_matcher, dev_demands, dev_capabilities):
    explained = dev_matcher.rank(dev_demands, top=30)
    bare = dev_matcher.rank(dev_demands, top=30, explain=False)
    assert [[(m.id, m.score) for m in ms] for ms in bare] == [[(m.id, m.score) for m in ms] for ms in explained]
    assert all(m.reasons == () for ms in bare for m in ms)
    back = dev_matcher.rank_demands(dev_capabilities[:40], top=10, explain=False)
    assert [[(m.id, m.score) for m in ms] for ms in back] == \
        [[(m.id, m.score) for m in ms] for ms in dev_matcher.rank_demands(dev_capabilities[:40], top=10)]


def test_the_reasons_of_a_page_asked_for_afterwards_are_the_full_rankings(dev_matcher, dev_demands):
    for demand in dev_demands:
        explained = dev_matcher.rank([demand], top=30)[0]
        page = [m.id for m in dev_matcher.rank([demand], top=30, explain=False)[0]][5:10]
        if not page:
            continue
        again = dev_matcher.rank([demand], top=len(page), among=page)[0]
        by_id = {m.id: m for m in explained}
        assert [(m.id, m.score, m.reasons) for m in again] == \
            [(i, by_id[i].score, by_id[i].reasons) for i in page]
