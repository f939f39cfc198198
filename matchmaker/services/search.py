"""Search: postings by text, enterprises by (fuzzy) name.

Postings are matched on their normalised text kept in ``search_entry``, and the query
goes through the same functions, so ``傳感器``, ``传感器`` and ``ＰＬＣ``/``plc`` meet.
Two foldings are stored side by side: :func:`matchmaker.domain.text.normalize` (OpenCC
``tw2sp``: characters *and* Taiwan vocabulary, 碳化矽 -> 碳化硅) and a plain character
fold (``t2s``, 模組 -> 模组, which ``tw2sp`` would turn into 模块); a query term matches
when either of its foldings occurs.

The index is kept on the write path: :func:`init_app` has every session of the app
write the entries of the demands and capabilities it inserts, changes or deletes in
the same flush, so in the same transaction, as the postings themselves. A search
only reads, and a posting is findable exactly when its own change is committed.
Rows written past the ORM (raw SQL, a restored dump) are picked up by
:func:`sync_index` or ``matchmaker search reindex``.

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
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import Text, and_, cast, delete, event, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session, joinedload

from ..domain.text import normalize, normalize_many
from ..models import Capability, Demand, Enterprise, SearchEntry
from ..paging import Page
from . import search_vocabulary
from .ranked_cache import cache_of

__all__ = ["KINDS", "MAX_COUNT", "SearchResults", "fold", "fuzzy_enterprise_page", "fuzzy_enterprises", "index_flushed",
           "index_texts", "init_app", "name_key", "query_terms", "reindex", "search_postings", "sync_index"]

KINDS = ("demand", "capability")
_MODELS = {"demand": Demand, "capability": Capability}
_KIND_OF = {model: kind for kind, model in _MODELS.items()}
#: Lowest RapidFuzz WRatio score that counts as a match in the enterprise search.
FUZZY_CUTOFF = 60
#: Name searches whose rankings each process keeps until an enterprise changes.
RANKED_NAMES_KEPT = 2048
_BATCH = 500


# --------------------------------------------------------------------------- names

@functools.lru_cache(maxsize=1)
def _t2s():
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
        text = _t2s().convert(text)
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


# --------------------------------------------------------------------------- index

def _upsert(session: Session, rows: list[dict]) -> None:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # other backends: replace row by row
        for row in rows:
            session.execute(delete(SearchEntry).where(SearchEntry.object_type == row["object_type"],
                                                      SearchEntry.object_id == row["object_id"]))
            session.execute(SearchEntry.__table__.insert().values(**row))
        return
    stmt = insert(SearchEntry.__table__).values(rows)
    # Two searches may index the same posting at once; the later one simply wins.
    stmt = stmt.on_conflict_do_update(
        index_elements=["object_type", "object_id"],
        set_={"title": stmt.excluded.title, "body": stmt.excluded.body,
              "source_updated_at": stmt.excluded.source_updated_at})
    session.execute(stmt)


_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Character-level folding: NFKC, traditional -> simplified (``t2s``), case-folded, single spaces."""
    text = unicodedata.normalize("NFKC", text or "")
    if not text.isascii():
        text = _t2s().convert(text)
    return _SPACES.sub(" ", text.casefold()).strip()


def index_texts(texts: list[str]) -> list[str]:
    """Each text in both foldings (once when they agree), one per line."""
    return [a if a == b else f"{a}\n{b}" for a, b in zip(normalize_many(texts), (fold(t) for t in texts))]


def query_terms(query: str, also: list[str] | None = None) -> list[set[str]]:
    """The query's terms, each as the set of its foldings and of its glossary synonyms.

    A whole query that is one glossary term (``lithium iron phosphate``) stays one term.
    The synonyms used are appended to ``also`` (to show them).
    """
    text = unicodedata.normalize("NFKC", query or "").strip()
    raws = [text] if " " in text and search_vocabulary.synonyms(text) else text.split()
    terms = []
    for raw in raws:
        forms = {f for f in (normalize(raw), fold(raw)) if f}
        if not forms:
            continue
        for synonym in search_vocabulary.synonyms(raw):
            forms.update(f for f in (normalize(synonym), fold(synonym)) if f)
            if also is not None and synonym not in also:
                also.append(synonym)
        terms.append(forms)
    return terms


def _index_rows(session: Session, kind: str, rows) -> int:
    count = 0
    rows = list(rows)
    for start in range(0, len(rows), _BATCH):
        batch = rows[start:start + _BATCH]
        titles = index_texts([r.title or "" for r in batch])
        bodies = index_texts([r.description or "" for r in batch])
        _upsert(session, [{"object_type": kind, "object_id": r.id, "title": t, "body": b,
                           "source_updated_at": r.updated_at}
                          for r, t, b in zip(batch, titles, bodies)])
        count += len(batch)
    return count


def sync_index(session: Session) -> int:
    """Index postings that are new or changed since they were indexed; returns how many."""
    total = 0
    for kind, model in _MODELS.items():
        stale = session.execute(
            select(model.id, model.title, model.description, model.updated_at)
            .outerjoin(SearchEntry, and_(SearchEntry.object_type == kind, SearchEntry.object_id == model.id))
            .where(or_(SearchEntry.id.is_(None), SearchEntry.source_updated_at != model.updated_at))
        ).all()
        total += _index_rows(session, kind, stale)
    return total


def index_flushed(session: Session, _flush_context=None) -> None:
    """Index the postings this flush inserted or changed and drop those it deleted.

    Registered by :func:`init_app` as the sessions' ``after_flush`` hook: the rows are
    written, and their ids and new ``updated_at`` known, but the transaction is open,
    so the entries commit or roll back together with the postings.
    """
    changed: dict[str, list] = {kind: [] for kind in _MODELS}
    deleted: dict[str, list[int]] = {kind: [] for kind in _MODELS}
    for obj in session.new:
        if type(obj) in _KIND_OF:
            changed[_KIND_OF[type(obj)]].append(obj)
    for obj in session.dirty:
        if type(obj) in _KIND_OF and session.is_modified(obj, include_collections=False):
            changed[_KIND_OF[type(obj)]].append(obj)
    for obj in session.deleted:
        if type(obj) in _KIND_OF and obj.id is not None:
            deleted[_KIND_OF[type(obj)]].append(obj.id)
    for kind in _MODELS:
        if changed[kind]:
            _index_rows(session, kind, changed[kind])
        if deleted[kind]:
            session.execute(delete(SearchEntry.__table__).where(
                SearchEntry.object_type == kind, SearchEntry.object_id.in_(deleted[kind])))


def init_app(app) -> None:
    """Keep the index in step with the postings in every session the app makes."""
    event.listen(app.extensions["sqlalchemy_sessionmaker"], "after_flush", index_flushed)


def reindex(session: Session) -> int:
    """Rebuild the whole index (also drops entries of deleted postings)."""
    session.execute(delete(SearchEntry))
    total = 0
    for kind, model in _MODELS.items():
        total += _index_rows(session, kind, session.execute(
            select(model.id, model.title, model.description, model.updated_at)).all())
    return total


# --------------------------------------------------------------------------- postings

#: Hits counted at most: past this many a search says "1,000+" (counting every hit of a common word
#: reads the whole index, for a number nobody pages through).
MAX_COUNT = 1000
#: Seconds the site remembers that a query (or its title part) has more than :data:`MAX_COUNT` hits,
#: and so neither counts them again nor looks its title hits up through the indexes (kept in the
#: ranked-results cache, shared by the workers through Redis, and never longer than its
#: ``RANKED_CACHE_SECONDS``): pages stay exact, and a word that falls below the count goes on
#: saying "1,000+" for at most this long.
COMMON_SECONDS = 60.0


class _Commons:
    """Which queries are known to have more hits than are counted (see :data:`COMMON_SECONDS`)."""

    def __init__(self, session: Session):
        self.cache = cache_of(session)

    def holds(self, known: tuple) -> bool:
        return COMMON_SECONDS > 0 and self.cache.get(self.cache.key("search-common", known)) is not None

    def note(self, known: tuple) -> None:
        if COMMON_SECONDS > 0:
            self.cache.put(self.cache.key("search-common", known), 1, seconds=COMMON_SECONDS)


@dataclass
class SearchResults:
    """One page of posting hits: ``items`` are ``(kind, posting)`` pairs; ``total`` hits in all, at most
    :data:`MAX_COUNT` (``capped``: more)."""

    query: str
    terms: list[str]
    items: list[tuple[str, object]] = field(default_factory=list)
    total: int = 0
    #: Glossary synonyms the search also looked for (``LFP`` → 磷酸铁锂, LiFePO4).
    also: list[str] = field(default_factory=list)
    capped: bool = False

    @property
    def total_label(self) -> str:
        """The number of hits as shown: ``1,000+`` past :data:`MAX_COUNT`."""
        return f"{self.total:,}+" if self.capped else f"{self.total:,}"


def _holds(column, forms, indexed: bool = True, postgresql: bool = False, bigrams: bool = False):
    """``column`` contains one of ``forms``.

    On PostgreSQL a form shorter than three characters has no trigram: with
    ``bigrams`` (the entry's index of two-character pieces, revision 0012) a
    form of two characters, or one holding a word that short (``o&m``), is looked
    up there by its pieces and the column checked on those entries alone; otherwise it is found with ``strpos`` over the whole table
    (three times faster than ``LIKE`` on a copy of the column). Not ``indexed``,
    every form is: for a common word, reading the rows newest first until a page
    is full beats finding all of them through an index.
    """
    clauses = []
    for f in sorted(forms):
        if indexed and bigrams and (len(f) == 2 or len(f) > 2 and _weak_trigrams(f)):
            pieces = sorted({f[i:i + 2] for i in range(len(f) - 1)})
            clauses.append(and_(_BIGRAMS.op("@>")(cast(array(pieces), ARRAY(Text))), func.strpos(column, f) > 0))
        elif not postgresql or indexed and len(f) >= 3:
            clauses.append(column.contains(f, autoescape=True))
        else:
            clauses.append(func.strpos(column, f) > 0)
    return or_(*clauses)


_WORDS = re.compile(r"[^\W_]+")


def _weak_trigrams(form: str) -> bool:
    """Whether ``pg_trgm`` sees a word of fewer than three characters in ``form`` (``o&m``, ``5g 基站``):
    such a word's trigrams hold it padded with spaces and match far too many rows to check one by one."""
    return any(len(word) < 3 for word in _WORDS.findall(form))


#: The generated column of two-character pieces behind ``ix_search_entry_bigrams`` (PostgreSQL,
#: revision 0012; the models leave it out).
_BIGRAMS = literal_column("search_entry.bigrams", ARRAY(Text))
_bigram_indexes: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _has_bigram_index(session: Session) -> bool:
    """Whether the database has ``ix_search_entry_bigrams`` (asked once per engine and process: a
    site upgraded to revision 0012 uses it once restarted)."""
    engine = session.get_bind()
    found = _bigram_indexes.get(engine)
    if found is None:
        found = session.scalar(select(func.to_regclass("ix_search_entry_bigrams").isnot(None)))
        _bigram_indexes[engine] = bool(found)
    return found


def search_postings(session: Session, query: str, kind: str | None = None, page: int = 1,
                    per_page: int = 20) -> SearchResults:
    """Published demands and active capabilities whose title or description holds every term.

    Hits whose title holds every term come first, then the others, each most
    recently changed first; they are counted up to :data:`MAX_COUNT`. Past that
    many, the two parts are read one after the other in that order (PostgreSQL
    reads ``ix_search_entry_recent`` and stops at the page's end).
    """
    also: list[str] = []
    terms = query_terms(query, also)
    results = SearchResults(query=query, terms=[min(t) for t in terms], also=also)
    if not terms:
        return results
    # Visibility by joining the posting on its key (an index probe per hit), not by a
    # subquery over every published demand and active capability.
    demand = and_(SearchEntry.object_type == "demand", Demand.id == SearchEntry.object_id)
    capability = and_(SearchEntry.object_type == "capability", Capability.id == SearchEntry.object_id)
    visible = [or_(Demand.status == "published", Capability.active.is_(True))]
    if kind in KINDS:
        visible.append(SearchEntry.object_type == kind)

    postgresql = session.get_bind().dialect.name == "postgresql"
    bigrams = postgresql and _has_bigram_index(session)

    def titles(indexed=True):
        return and_(*[_holds(SearchEntry.title, t, indexed, postgresql, bigrams) for t in terms])

    def anywhere(indexed=True):
        return and_(*[or_(_holds(SearchEntry.title, t, indexed, postgresql, bigrams),
                          _holds(SearchEntry.body, t, indexed, postgresql, bigrams)) for t in terms])

    def matching(*columns, where):
        return select(*columns).select_from(SearchEntry).outerjoin(Demand, demand) \
            .outerjoin(Capability, capability).where(*visible, where)

    def newest(stmt):
        return stmt.order_by(SearchEntry.source_updated_at.desc(), SearchEntry.id.desc())

    page = max(page, 1)
    start = (page - 1) * per_page
    columns = (SearchEntry.object_type, SearchEntry.object_id)
    # First every hit, up to one more than are counted, in whatever order the database finds them: a
    # rare word is read once (and sorted here), a common one stops the reading early; one seen to be
    # common a moment ago is not counted again.
    commons = _Commons(session)
    known = (tuple(sorted(tuple(sorted(t)) for t in terms)), kind if kind in KINDS else None)
    found = None if commons.holds(known) else session.execute(
        matching(*columns, titles().label("in_title"), SearchEntry.source_updated_at,
                 SearchEntry.id, where=anywhere()).limit(MAX_COUNT + 1)).all()
    if found is not None and len(found) <= MAX_COUNT:
        found.sort(key=lambda r: (bool(r.in_title), r.source_updated_at, r.id), reverse=True)
        hits = [(r.object_type, r.object_id) for r in found[start:start + per_page]]
        results.total = len(found)
    else:
        # More than are counted. The title hits first: a few are found through the indexes and sorted
        # here; many are read newest first (ix_search_entry_recent) to the page's end, as are the others.
        results.total, results.capped = MAX_COUNT, True
        if found is not None:
            commons.note(known)
        in_title_known = (*known, "title")
        few = None if commons.holds(in_title_known) else session.execute(
            matching(*columns, SearchEntry.source_updated_at, SearchEntry.id,
                     where=titles()).limit(MAX_COUNT + 1)).all()
        if few is not None and len(few) <= MAX_COUNT:
            few.sort(key=lambda r: (r.source_updated_at, r.id), reverse=True)
            hits = [(r.object_type, r.object_id) for r in few[start:start + per_page]]
            in_titles = len(few)
        else:
            if few is not None:
                commons.note(in_title_known)
            titled = matching(*columns, where=titles(indexed=False))
            hits = session.execute(newest(titled).limit(per_page).offset(start)).all()
            in_titles = start + len(hits) if hits or not start else session.scalar(
                select(func.count()).select_from(titled.limit(start).subquery()))
        if len(hits) < per_page:
            # The title hits end on this page (or before it): the others follow them.
            others = matching(*columns, where=and_(anywhere(indexed=False), ~titles(indexed=False)))
            hits += session.execute(newest(others).limit(per_page - len(hits))
                                    .offset(max(0, start - in_titles))).all()
    loaded = {}
    for k, model in _MODELS.items():
        ids = [oid for t, oid in hits if t == k]
        if ids:
            for obj in session.scalars(select(model).options(joinedload(model.enterprise)).where(model.id.in_(ids))):
                loaded[(k, obj.id)] = obj
    results.items = [(k, loaded[(k, oid)]) for k, oid in hits if (k, oid) in loaded]
    return results
