"""The text search index: postings' titles and descriptions in normalised form."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DDL, DateTime, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

#: PostgreSQL: the distinct two-character pieces of an entry's title and body, kept in the
#: generated column ``bigrams`` and indexed by ``ix_search_entry_bigrams`` (revision 0012).
#: A search term of two characters (锂电, 光伏) has no trigram, so the trigram indexes
#: cannot narrow it down; this index can. The column is stored, not computed in the index
#: alone, because PostgreSQL checks rows found through other indexes against every
#: condition of a search: reading the array is cheap, computing it again is not. The
#: models leave the column out (SQLite has no such function, and no page reads it).
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION mm_bigrams(title text, body text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
  FROM (SELECT title || E'\\n' || body AS t) AS s, generate_series(1, char_length(t) - 1) AS i
$$
"""
BIGRAMS_COLUMN = ("ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS bigrams text[] "
                  "GENERATED ALWAYS AS (mm_bigrams(title, body)) STORED")
BIGRAMS_INDEX = "CREATE INDEX IF NOT EXISTS ix_search_entry_bigrams ON search_entry USING gin (bigrams)"


class SearchEntry(Base):
    """One searchable posting; ``title``/``body`` hold :func:`matchmaker.domain.text.normalize` output.

    Postings may be written in traditional or simplified Chinese, full- or half-width;
    storing the normalised text lets a plain ``LIKE`` match them all on every backend.
    ``source_updated_at`` is the posting's ``updated_at`` when it was indexed, so stale
    entries are found by comparing the two.
    """

    __tablename__ = "search_entry"
    __table_args__ = (UniqueConstraint("object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_type: Mapped[str] = mapped_column(String(20))
    object_id: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    source_updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


# A schema made from the models (tests, ``create_all``) searches as a migrated one does.
for _statement in (BIGRAMS_FUNCTION, BIGRAMS_COLUMN, BIGRAMS_INDEX):
    event.listen(SearchEntry.__table__, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
