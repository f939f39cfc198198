"""fields of imported records: credit code optional, district, acceptance period

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.alter_column('uscc', existing_type=sa.String(length=18), nullable=True)
        batch_op.add_column(sa.Column('district', sa.String(length=40), nullable=True))
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acceptance_days', sa.Integer(), nullable=True))


def downgrade() -> None:
    missing = op.get_bind().execute(sa.text('SELECT count(*) FROM enterprise WHERE uscc IS NULL')).scalar()
    if missing:
        raise RuntimeError(f'{missing} enterprise(s) have no credit code; give them one (or delete them) '
                           'before downgrading below revision 0003, which requires it')
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.drop_column('acceptance_days')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('district')
        batch_op.alter_column('uscc', existing_type=sa.String(length=18), nullable=False)
