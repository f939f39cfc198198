"""Search: postings by text (enterprises by name: :mod:`.names`).

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
"""
from __future__ import annotations

import re
import unicodedata
import weakref
from dataclasses import dataclass, field

from sqlalchemy import Text, and_, cast, delete, event, func, literal_column, or_, select
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session, joinedload

from ..domain.text import normalize, normalize_many
from ..models import Capability, Demand, SearchEntry
from . import search_vocabulary
from .names import t2s
from .ranked_cache import cache_of

__all__ = ["KINDS", "MAX_COUNT", "SearchResults", "fold", "index_flushed", "index_texts", "init_app", "query_terms",
           "reindex", "search_postings", "sync_index"]

KINDS = ("demand", "capability")
_MODELS = {"demand": Demand, "capability": Capability}
_KIND_OF = {model: kind for kind, model in _MODELS.items()}
_BATCH = 500


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
        text = t2s().convert(text)
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
    ``bigrams`` (the entry's index of two-character pieces, revision 0012) a form
    of two characters, or one holding a word that short (``o&m``), is looked up
    there by its pieces and the column checked on those entries alone; without it,
    such a form is found with ``strpos`` over the whole table (three times faster
    than ``LIKE`` on a copy of the column). Not ``indexed``, every form is: for a
    common word, reading the rows newest first until a page is full beats finding
    all of them through an index.
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
