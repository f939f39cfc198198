"""fair follow-up to signed contracts, organisers' region scope, fairs' region, demands' chain tags

Revision ID: 0009
Revises: 0008
Create Date: 2027-01-11 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def _choice(*values, name):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=20)


def upgrade() -> None:
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', _choice('intent', 'negotiating', 'signed', 'terminated',
                                                       name='followup_stage'), nullable=True))
        batch_op.add_column(sa.Column('stage_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('stage_updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('stage_updated_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contract_amount', sa.Numeric(16, 2), nullable=True))
        batch_op.add_column(sa.Column('contract_date', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('contract_type', _choice('purchase', 'technology', 'joint_rnd', 'investment',
                                                               name='contract_type'), nullable=True))
        batch_op.add_column(sa.Column('demand_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reminders_sent', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_meeting_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_meeting_demand_id'), ['demand_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_meeting_stage_updated_by_id_user'), 'user',
                                    ['stage_updated_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_meeting_demand_id_demand'), 'demand', ['demand_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('scope_level', _choice('national', 'province', 'city', 'district',
                                                             name='scope_level'), nullable=True))
        batch_op.add_column(sa.Column('scope_province', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('scope_city', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('scope_district', sa.String(length=40), nullable=True))
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('district', sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_region'), ['region'], unique=False)
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_tag', _choice('fill', 'secure', 'strengthen', name='chain_tag'),
                                      nullable=True))

    # A meeting whose outcome was an intent to cooperate starts its follow-up at 意向.
    meeting = sa.table('meeting', sa.column('intent', sa.Boolean), sa.column('stage', sa.String))
    op.get_bind().execute(meeting.update().where(meeting.c.intent.is_(True)).values(stage='intent'))


def downgrade() -> None:
    with op.batch_alter_table('demand', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_demand_chain_tag'), type_='check')
        batch_op.drop_column('chain_tag')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_region'))
        batch_op.drop_column('district')
        batch_op.drop_column('region')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_user_scope_level'), type_='check')
        batch_op.drop_column('scope_district')
        batch_op.drop_column('scope_city')
        batch_op.drop_column('scope_province')
        batch_op.drop_column('scope_level')
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_meeting_demand_id_demand'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_meeting_stage_updated_by_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_meeting_demand_id'))
        batch_op.drop_index(batch_op.f('ix_meeting_stage'))
        batch_op.drop_constraint(op.f('ck_meeting_contract_type'), type_='check')
        batch_op.drop_constraint(op.f('ck_meeting_followup_stage'), type_='check')
        batch_op.drop_column('reminders_sent')
        batch_op.drop_column('demand_id')
        batch_op.drop_column('contract_type')
        batch_op.drop_column('contract_date')
        batch_op.drop_column('contract_amount')
        batch_op.drop_column('stage_updated_by_id')
        batch_op.drop_column('stage_updated_at')
        batch_op.drop_column('stage_reason')
        batch_op.drop_column('stage')
