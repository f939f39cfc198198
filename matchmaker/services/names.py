"""Enterprises by name: fuzzy matching that survives 繁/简, full-width forms, legal forms and typos.

Enterprise names are compared with RapidFuzz on a key that is simplified (OpenCC
``t2s``), half-width, lower-case and stripped of legal-form suffixes (有限公司 …), so
that ``比亞迪``, ``比亚迪股份有限公司`` and the typo ``比亚笛`` find each other. The keys
of all enterprises are kept per database and process (:class:`_NameIndex`), rebuilt
when an enterprise is added or changed; only names sharing enough characters with
the query to reach the score cutoff are scored.
"""
from __future__ import annotations

import functools
import re
import threading
import unicodedata
import weakref
from collections import Counter
from collections.abc import Sequence

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..models import Enterprise
from ..paging import Page

__all__ = ["FUZZY_CUTOFF", "fuzzy_enterprise_page", "fuzzy_enterprises", "name_key", "t2s"]

#: Lowest RapidFuzz WRatio score that counts as a match in the enterprise search.
FUZZY_CUTOFF = 60
#: Name searches whose rankings each process keeps until an enterprise changes.
RANKED_NAMES_KEPT = 2048


@functools.lru_cache(maxsize=1)
def t2s():
    """OpenCC's traditional -> simplified character converter (one per process)."""
    import opencc
    return opencc.OpenCC("t2s")


# Longest first so that 股份有限公司 is removed whole, not as 有限公司 plus a stray 股份.
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "有限公司",
                "集团公司", "总公司", "分公司", "公司", "集团", "co., ltd.", "co.,ltd.", "co. ltd.",
                "co ltd", "limited", "ltd.", "ltd", "inc.", "inc", "corporation", "corp.", "corp",
                "group", "company")
_PUNCT = re.compile(r"[\s()（）\[\]【】「」『』\"'“”‘’.,，、·\-_/&]+")


@functools.lru_cache(maxsize=1 << 18)
def name_key(name: str) -> str:
    """Comparable form of an enterprise name (simplified, half-width, lower-case, no legal form)."""
    text = unicodedata.normalize("NFKC", name or "").strip().lower()
    if not text.isascii():
        text = t2s().convert(text)
    stripped = text
    changed = True
    while changed:
        changed = False
        for suffix in _LEGAL_FORMS:
            if stripped.endswith(suffix) and len(stripped) > len(suffix):
                stripped = stripped[: -len(suffix)].rstrip(" ,.")
                changed = True
    return _PUNCT.sub("", stripped) or _PUNCT.sub("", text)


def fuzzy_enterprises(session: Session, query: str, limit: int | None = None,
                      score_cutoff: float = FUZZY_CUTOFF, exclude_id: int | None = None, where=None
                      ) -> list[tuple[Enterprise, float]]:
    """Enterprises whose name resembles ``query``, best first, as ``(enterprise, score)``.

    Scores are RapidFuzz ``WRatio`` (0-100) between :func:`name_key` forms; a query that
    is part of a longer name scores through WRatio's partial matching. ``where`` (a clause
    on :class:`Enterprise`, such as a region) keeps only the enterprises it holds for.
    """
    ranked = _ranked_names(session, query, score_cutoff, exclude_id, where)
    return _with_rows(session, ranked[:limit] if limit else ranked)


def fuzzy_enterprise_page(session: Session, query: str, page: int = 1, per_page: int = 20,
                          score_cutoff: float = FUZZY_CUTOFF) -> Page:
    """One page of :func:`fuzzy_enterprises` and how many match in all; only the page's rows are loaded."""
    ranked = _ranked_names(session, query, score_cutoff, None)
    page = max(page, 1)
    items = _with_rows(session, ranked[(page - 1) * per_page:page * per_page])
    return Page(items=items, page=page, per_page=per_page, total=len(ranked))


def _ranked_names(session: Session, query: str, score_cutoff: float,
                  exclude_id: int | None, where=None) -> Sequence[tuple[int, str, float]]:
    """``(id, name, score)`` of the enterprises resembling ``query``, best first, then by name."""
    key = name_key(query)
    if not key:
        return []
    names = _name_index(session)
    remembered = (key, score_cutoff, exclude_id)
    if where is None:
        ranked = names.ranked.get(remembered)
        if ranked is not None:
            return ranked
    rows = names.candidates(key, score_cutoff)
    if exclude_id is not None:
        rows = rows[names.ids[rows] != exclude_id]
    if not len(rows):
        return []
    scores = process.cdist([key], names.key_array[rows], scorer=fuzz.WRatio,
                           score_cutoff=score_cutoff, dtype=np.float64)[0]
    hit = np.flatnonzero(scores >= score_cutoff)
    if not len(hit):
        if where is None:
            names.remember(remembered, ())
        return []
    rows = rows[hit]
    rounded = [round(score, 1) for score in scores[hit].tolist()]
    ids = names.ids[rows].tolist()
    if where is None:  # the names as the index read them (thousands of ids are not sent back to the database)
        order = np.lexsort((names.name_rank[rows], -np.asarray(rounded)))
        ranked = tuple((ids[j], names.names[ids[j]], rounded[j]) for j in order.tolist())
        names.remember(remembered, ranked)
        return ranked
    found = dict(zip(ids, rounded))
    rows = []
    ids = list(found)
    for start in range(0, len(ids), 5000):
        stmt = select(Enterprise.id, Enterprise.name).where(Enterprise.id.in_(ids[start:start + 5000]))
        rows += session.execute(stmt.where(where)).all()
    return sorted(((eid, name, found[eid]) for eid, name in rows), key=lambda r: (-r[2], r[1]))


def _with_rows(session: Session, ranked: list[tuple[int, str, float]]) -> list[tuple[Enterprise, float]]:
    if not ranked:
        return []
    rows = {e.id: e for e in session.scalars(select(Enterprise).where(Enterprise.id.in_([r[0] for r in ranked])))}
    return [(rows[eid], score) for eid, _, score in ranked if eid in rows]


class _NameIndex:
    """The :func:`name_key` of every enterprise of one database, and which characters each holds.

    ``stamp`` is what the enterprise table looked like when it was read (the newest
    update time and the largest id): adding or changing an enterprise moves it. A
    deleted enterprise may linger until then; callers load the rows they keep, so it
    is never shown.
    """

    def __init__(self, stamp: tuple, rows) -> None:
        self.stamp = stamp
        rows = list(rows)
        self.ids = np.fromiter((eid for eid, _ in rows), dtype=np.int64, count=len(rows))
        self.names = dict(rows)
        self.keys = [name_key(name) for _, name in rows]
        self.key_array = np.array(self.keys, dtype=object)
        #: Rankings already worked out against these names (the same words are searched again and
        #: again; the index, and so what it remembers, is replaced when an enterprise changes).
        self.ranked: dict[tuple, tuple] = {}
        #: Each row's place in the order of the names (ties of score are shown by name).
        self.name_rank = np.empty(len(rows), dtype=np.int64)
        self.name_rank[sorted(range(len(rows)), key=lambda i: rows[i][1])] = np.arange(len(rows))
        self.lengths = np.fromiter(map(len, self.keys), dtype=np.int32, count=len(self.keys))
        postings: dict[str, tuple[list, list]] = {}
        for row, k in enumerate(self.keys):
            for char, n in Counter(k).items():
                at, counts = postings.setdefault(char, ([], []))
                at.append(row)
                counts.append(n)
        self.postings = {c: (np.asarray(at, dtype=np.int32), np.asarray(n, dtype=np.int32))
                         for c, (at, n) in postings.items()}

    def remember(self, query: tuple, ranked: tuple) -> None:
        if len(self.ranked) >= RANKED_NAMES_KEPT:
            self.ranked.clear()
        self.ranked[query] = ranked

    def candidates(self, key: str, score_cutoff: float) -> np.ndarray:
        """Rows whose key can reach ``score_cutoff`` against ``key``.

        Every part of WRatio is an Indel similarity, ``2·LCS / (|x| + |y|)``, scaled by
        at most 1, of the two keys or of the shorter one (length ``m``) and a window of
        the other at most ``m`` long; the longest common subsequence ``L`` is at most
        the number of characters the keys share (with repeats) and at most the
        window's length, so every part is at most ``2L / (m + L)``. A name sharing
        ``L`` characters with ``L·(2 - c) < c·m`` (``c``: the cutoff over 100) cannot
        reach the cutoff and is not scored.
        """
        shared = np.zeros(len(self.keys), dtype=np.int32)
        for char, n in Counter(key).items():
            found = self.postings.get(char)
            if found is not None:
                at, counts = found
                shared[at] += np.minimum(counts, n)
        shortest = np.minimum(self.lengths, len(key))
        return np.flatnonzero((shared > 0) & ((200 - score_cutoff) * shared >= score_cutoff * shortest))


_name_indexes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_name_lock = threading.Lock()


def _name_index(session: Session) -> _NameIndex:
    """The current :class:`_NameIndex` of the session's database (read again when the stamp moved)."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    stamp = tuple(session.execute(select(func.max(Enterprise.updated_at), func.max(Enterprise.id))).one())
    current = _name_indexes.get(engine)
    if current is not None and current.stamp == stamp:
        return current
    with _name_lock:
        current = _name_indexes.get(engine)
        if current is None or current.stamp != stamp:
            current = _NameIndex(stamp, session.execute(select(Enterprise.id, Enterprise.name)))
            _name_indexes[engine] = current
    return current
