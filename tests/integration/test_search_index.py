"""The search index is written with the postings, in their transaction, never by a search."""
from __future__ import annotations

from sqlalchemy import select

from matchmaker.models import SearchEntry
from matchmaker.services import search
from tests.integration import helpers as h


def _entries(db) -> dict[tuple[str, int], str]:
    return {(e.object_type, e.object_id): e.title for e in db.scalars(select(SearchEntry))}


def test_a_posting_is_indexed_in_the_flush_that_writes_it(db):
    ent = h.enterprise(db)
    d = h.demand(db, ent, title="液壓缸密封件採購")
    c = h.capability(db, ent, title="ＰＬＣ控制柜集成")
    entries = _entries(db)
    assert "液压缸密封件采购" in entries[("demand", d.id)]
    assert "plc控制柜集成" in entries[("capability", c.id)]
    d.title = "气缸密封件采购"
    db.flush()
    assert "气缸密封件采购" in _entries(db)[("demand", d.id)]


def test_a_rolled_back_posting_leaves_no_entry(db):
    ent = h.enterprise(db)
    db.commit()
    h.demand(db, ent, title="伺服电机采购")
    db.rollback()
    assert _entries(db) == {}


def test_a_deleted_posting_leaves_the_index(db):
    ent = h.enterprise(db)
    kept, gone = h.demand(db, ent, title="保留"), h.capability(db, ent, title="删除")
    db.commit()
    db.delete(gone)
    db.commit()
    assert list(_entries(db)) == [("demand", kept.id)]


def test_sync_index_finds_nothing_stale_after_ordinary_writes(db):
    ent = h.enterprise(db)
    d = h.demand(db, ent, title="紧固件采购")
    h.capability(db, ent, title="紧固件生产")
    db.commit()
    d.status = "closed"
    db.commit()
    assert search.sync_index(db) == 0
