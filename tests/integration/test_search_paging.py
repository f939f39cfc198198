"""Search pages: title hits first, then the others, each newest first, across page boundaries; hits counted
up to a cap ("1,000+") instead of all of them."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from matchmaker.models import SearchEntry
from matchmaker.services import search
from tests.integration import helpers as h


def _world(db) -> list[tuple[str, int]]:
    """13 demands with 伺服 in the title and 11 with it in the description only, interleaved in time;
    returns (kind, id) in the order the search shows them."""
    ent = h.enterprise(db, name="常州伺服科技有限公司")
    for n in range(24):
        if n % 2 == 0 or n > 21:
            h.demand(db, ent, title=f"伺服驱动器采购{n:02d}", description="批量采购，含调试。")
        else:
            h.demand(db, ent, title=f"电机配套{n:02d}", description="配套伺服驱动器，含调试。")
        db.commit()
    h.demand(db, ent, title="液压缸采购", description="不相干")
    db.commit()
    rows = db.execute(select(SearchEntry.object_type, SearchEntry.object_id, SearchEntry.title,
                             SearchEntry.source_updated_at, SearchEntry.id)).all()
    hits = [r for r in rows if "伺服" in r.title or r.title.startswith("电机配套")]
    hits.sort(key=lambda r: ("伺服" not in r.title, -r.source_updated_at.timestamp(), -r.id))
    return [(r.object_type, r.object_id) for r in hits]


@pytest.mark.parametrize("cap", [1000, 20, 10], ids=["all-counted", "capped-few-in-titles", "capped"])
def test_pages_follow_title_hits_then_the_others_newest_first(db, monkeypatch, cap):
    """Counted hits are sorted as read; past the cap the title hits are sorted as read when they are
    within the cap (13 of 24 under 20) or read in order when not (under 10), then the others: the same
    pages either way."""
    monkeypatch.setattr(search, "MAX_COUNT", cap)
    expected = _world(db)
    assert len(expected) == 24
    shown = []
    for page in (1, 2, 3, 4):
        found = search.search_postings(db, "伺服", page=page, per_page=5)
        assert (found.total, found.capped) == ((24, False) if cap > 24 else (cap, True))
        shown += [(kind, posting.id) for kind, posting in found.items]
    assert shown == expected[:20], "page 3 holds the last title hits and the first description hits"
    last = search.search_postings(db, "伺服", page=5, per_page=5)
    assert [(k, p.id) for k, p in last.items] == expected[20:]
    assert search.search_postings(db, "伺服", page=6, per_page=5).items == []
    assert [(k, p.id) for k, p in search.search_postings(db, "伺服", page=3, per_page=7).items] == expected[14:21]


def test_hits_are_counted_up_to_the_cap(client, db, monkeypatch):
    _world(db)
    monkeypatch.setattr(search, "MAX_COUNT", 10)
    found = search.search_postings(db, "伺服", per_page=5)
    assert (found.total, found.capped, found.total_label) == (10, True, "10+")
    assert len(search.search_postings(db, "伺服", page=3, per_page=5).items) == 5, "past the count, pages go on"
    html = client.get("/search/", query_string={"q": "伺服"}).get_data(as_text=True)
    assert "(10+)" in html, "the tab says there are more than counted"
    body = client.get("/api/v1/search", query_string={"q": "伺服", "per_page": 5}).get_json()
    assert (body["total"], body["total_capped"], body["pages"]) == (10, True, 3)
    few = search.search_postings(db, "液压缸")
    assert (few.total, few.capped, few.total_label) == (1, False, "1")


def test_a_query_seen_to_be_common_is_not_counted_again_for_a_while(db, monkeypatch):
    """Past the cap the site remembers the query for COMMON_SECONDS: the next searches skip the
    count (one statement fewer) and their pages stay exact; once that time is over it counts again."""
    from sqlalchemy import event

    monkeypatch.setattr(search, "MAX_COUNT", 10)
    expected = _world(db)
    statements = []
    engine = db.get_bind()
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(engine, "before_cursor_execute", listener)
    try:
        first = search.search_postings(db, "伺服", page=2, per_page=5)
        counted = len(statements)
        statements.clear()
        again = search.search_postings(db, "伺服", page=2, per_page=5)
        assert len(statements) < counted, "the count and the title lookup are not made again"
        assert [(k, p.id) for k, p in again.items] == [(k, p.id) for k, p in first.items] == expected[5:10]
        assert [(k, p.id) for k, p in search.search_postings(db, "伺服", page=3, per_page=7).items] \
            == expected[14:21], "the others still follow the title hits"
        monkeypatch.setattr(search, "MAX_COUNT", 100)
        assert search.search_postings(db, "伺服").capped, "a word known to be common says so for a while"
        monkeypatch.setattr(search, "COMMON_SECONDS", 0)
        found = search.search_postings(db, "伺服")
        assert (found.total, found.capped) == (24, False), "then it is counted again"
    finally:
        event.remove(engine, "before_cursor_execute", listener)
