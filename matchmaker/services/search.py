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
that ``比亞迪``, ``比亚迪股份有限公司`` and the typo ``比亚笛`` find each other.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from sqlalchemy import and_, case, delete, event, exists, func, or_, select
from sqlalchemy.orm import Session, joinedload

from ..domain.text import normalize, normalize_many
from ..models import Capability, Demand, Enterprise, SearchEntry

__all__ = ["KINDS", "SearchResults", "fold", "fuzzy_enterprises", "index_flushed", "index_texts", "init_app", "name_key",
           "query_terms", "reindex", "search_postings", "sync_index"]

KINDS = ("demand", "capability")
_MODELS = {"demand": Demand, "capability": Capability}
_KIND_OF = {model: kind for kind, model in _MODELS.items()}
#: Lowest RapidFuzz WRatio score that counts as a match in the enterprise search.
FUZZY_CUTOFF = 60
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


@functools.lru_cache(maxsize=65536)
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
                      score_cutoff: float = FUZZY_CUTOFF, exclude_id: int | None = None
                      ) -> list[tuple[Enterprise, float]]:
    """Enterprises whose name resembles ``query``, best first, as ``(enterprise, score)``.

    Scores are RapidFuzz ``WRatio`` (0-100) between :func:`name_key` forms; a query that
    is part of a longer name scores through WRatio's partial matching.
    """
    key = name_key(query)
    if not key:
        return []
    choices = {eid: name_key(name) for eid, name in session.execute(select(Enterprise.id, Enterprise.name))
               if eid != exclude_id}
    found = process.extract(key, choices, scorer=fuzz.WRatio, limit=None, score_cutoff=score_cutoff)
    if not found:
        return []
    rows = {e.id: e for e in session.scalars(select(Enterprise).where(
        Enterprise.id.in_([eid for _, _, eid in found])))}
    ranked = sorted(((rows[eid], round(score, 1)) for _, score, eid in found if eid in rows),
                    key=lambda pair: (-pair[1], pair[0].name))
    return ranked[:limit] if limit else ranked


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


def query_terms(query: str) -> list[set[str]]:
    """The query's terms, each as the set of its foldings."""
    terms = []
    for raw in unicodedata.normalize("NFKC", query or "").split():
        forms = {f for f in (normalize(raw), fold(raw)) if f}
        if forms:
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

@dataclass
class SearchResults:
    """One page of posting hits: ``items`` are ``(kind, posting)`` pairs."""

    query: str
    terms: list[str]
    items: list[tuple[str, object]] = field(default_factory=list)
    total: int = 0


def _visible():
    return or_(
        and_(SearchEntry.object_type == "demand",
             exists().where(Demand.id == SearchEntry.object_id, Demand.status == "published")),
        and_(SearchEntry.object_type == "capability",
             exists().where(Capability.id == SearchEntry.object_id, Capability.active.is_(True))),
    )


def search_postings(session: Session, query: str, kind: str | None = None, page: int = 1,
                    per_page: int = 20) -> SearchResults:
    """Published demands and active capabilities whose title or description holds every term.

    Hits whose title holds every term come first, then the most recently changed.
    """
    terms = query_terms(query)
    results = SearchResults(query=query, terms=[sorted(t)[0] for t in terms])
    if not terms:
        return results

    def holds(column, forms):
        return or_(*[column.contains(f, autoescape=True) for f in sorted(forms)])
    conditions = [or_(holds(SearchEntry.title, t), holds(SearchEntry.body, t)) for t in terms]
    in_title = and_(*[holds(SearchEntry.title, t) for t in terms])
    where = [_visible(), *conditions]
    if kind in KINDS:
        where.append(SearchEntry.object_type == kind)
    results.total = session.scalar(select(func.count()).select_from(SearchEntry).where(*where)) or 0
    hits = session.execute(
        select(SearchEntry.object_type, SearchEntry.object_id).where(*where)
        .order_by(case((in_title, 0), else_=1), SearchEntry.source_updated_at.desc(), SearchEntry.id.desc())
        .limit(per_page).offset((max(page, 1) - 1) * per_page)
    ).all()
    loaded = {}
    for k, model in _MODELS.items():
        ids = [oid for t, oid in hits if t == k]
        if ids:
            for obj in session.scalars(select(model).options(joinedload(model.enterprise)).where(model.id.in_(ids))):
                loaded[(k, obj.id)] = obj
    results.items = [(k, loaded[(k, oid)]) for k, oid in hits if (k, oid) in loaded]
    return results
