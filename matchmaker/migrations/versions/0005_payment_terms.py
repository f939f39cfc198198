"""payment terms of a demand: payment method, bill or voucher tenor, third-party condition, free text

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-14 16:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_method', sa.Enum('cash', 'bill', 'voucher', name='payment_method', native_enum=False, create_constraint=True, length=20), nullable=True))
        batch_op.add_column(sa.Column('instrument_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('third_party_condition', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('payment_terms', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.drop_column('payment_terms')
        batch_op.drop_column('third_party_condition')
        batch_op.drop_column('instrument_days')
        batch_op.drop_constraint(op.f('ck_demand_payment_method'), type_='check')
        batch_op.drop_column('payment_method')
