"""verification with a reason and the verified name; per-fair admission of unverified organisations

Revision ID: 0010
Revises: 0009
Create Date: 2027-01-18 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('verified_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('verification_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('verification_rejected_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unverified_may_register', sa.Boolean(), server_default=sa.true(),
                                      nullable=False))

    # Organisations verified before this revision were verified under their present name.
    enterprise = sa.table('enterprise', sa.column('name', sa.String), sa.column('verified', sa.Boolean),
                          sa.column('verified_name', sa.String))
    op.get_bind().execute(enterprise.update().where(enterprise.c.verified.is_(True))
                          .values(verified_name=enterprise.c.name))


def downgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('unverified_may_register')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('verification_rejected_at')
        batch_op.drop_column('verification_note')
        batch_op.drop_column('verified_name')
