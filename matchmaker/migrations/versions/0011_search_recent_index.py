"""search entries in the order the search shows them: most recently changed first

Revision ID: 0011
Revises: 0010
Create Date: 2027-01-20 10:00:00

Measured on 100,000 enterprises and 300,000 postings (benchmarks/load): the site
search shows the hits whose title holds every term first, then the others, each
newest first (``source_updated_at DESC, id DESC``). Without an index in that order
PostgreSQL finds every hit and sorts them all for one page of 20: 0.5-1.5 s of
server time for a common word (光伏, 25,000 hits), and a word of two characters
cannot use the trigram indexes at all. With ``ix_search_entry_recent`` each of the
two parts is read newest first and the reading stops at the page's end.

PostgreSQL only, like the other indexes for a large site (see revision 0008): the
models do not declare it.
"""
import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

#: The indexes this revision creates (for tools comparing the models with the database).
NAMES = ('ix_search_entry_recent',)


def upgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.create_index('ix_search_entry_recent', 'search_entry',
                    [sa.text('source_updated_at DESC'), sa.text('id DESC')])


def downgrade() -> None:
    if op.get_bind().dialect.name != 'postgresql':
        return
    op.execute(sa.text('DROP INDEX IF EXISTS "ix_search_entry_recent"'))
