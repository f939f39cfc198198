"""search terms of two characters read an index: bigrams of the search entries

Revision ID: 0012
Revises: 0011
Create Date: 2027-01-27 10:00:00

Measured on 100,000 enterprises and 300,000 postings (benchmarks/load): a search
term of two characters (锂电, 光伏, or a glossary synonym such as 正极) has no
trigram, so the trigram indexes of revision 0008 cannot narrow it down, and each
such search read the whole of ``search_entry`` (0.3-1.2 s of PostgreSQL). Under the
load benchmark's mix these reads kept most of the machine's two cores busy.
``ix_search_entry_bigrams`` is a GIN index of the distinct two-character pieces of
each entry's title and body, kept in the generated column ``bigrams``
(``mm_bigrams(title, body)``); the search asks it for the entries holding the piece
and checks the text itself on those alone. The column is stored rather than the
index built on the expression: rows found through the trigram indexes are checked
against every condition of the search, and computing the pieces again for each of
them cost seconds for a common word (about 900 bytes a row).

PostgreSQL only, like the other indexes for a large site (see revision 0008). The
models create the same function, column and index when they make a PostgreSQL schema
(:mod:`matchmaker.models.search`). Adding a stored column rewrites ``search_entry``
under an exclusive lock and the index is not built concurrently: searches wait while
this runs (76 s for 300,000 postings on two cores).
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

#: The indexes this revision creates (for tools comparing the models with the database).
NAMES = ('ix_search_entry_bigrams',)

# As written here, not imported from the models: a revision stays what it was when it shipped.
BIGRAMS_FUNCTION = """
CREATE OR REPLACE FUNCTION mm_bigrams(title text, body text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(t, i, 2)), '{}')
  FROM (SELECT title || E'\\n' || body AS t) AS s, generate_series(1, char_length(t) - 1) AS i
$$
"""
BIGRAMS_COLUMN = ('ALTER TABLE search_entry ADD COLUMN IF NOT EXISTS bigrams text[] '
                  'GENERATED ALWAYS AS (mm_bigrams(title, body)) STORED')
BIGRAMS_INDEX = 'CREATE INDEX IF NOT EXISTS ix_search_entry_bigrams ON search_entry USING gin (bigrams)'


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(sa.text(BIGRAMS_FUNCTION))
    op.execute(sa.text(BIGRAMS_COLUMN))
    op.execute(sa.text(BIGRAMS_INDEX))


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(sa.text('DROP INDEX IF EXISTS "ix_search_entry_bigrams"'))
    op.execute(sa.text('ALTER TABLE search_entry DROP COLUMN IF EXISTS bigrams'))
    op.execute(sa.text('DROP FUNCTION IF EXISTS mm_bigrams(text, text)'))
