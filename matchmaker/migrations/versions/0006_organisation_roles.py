"""organisation type (enterprise, university, research institute …), 链主 designations, 联合体 partners

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-21 10:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

ORG_TYPES = ('enterprise', 'university', 'research_institute', 'public_institution', 'government',
             'social_organisation')

# Positions 1-2 of the credit code (GB 32100-2015 table 1) that are not enterprises.
_BY_CATEGORY = {'11': 'government', '12': 'public_institution', 'A1': 'public_institution',
                '13': 'social_organisation', '51': 'social_organisation', '52': 'social_organisation',
                '53': 'social_organisation'}


def upgrade() -> None:
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_type', sa.Enum(*ORG_TYPES, name='org_type', native_enum=False,
                                                          create_constraint=True, length=20),
                                      server_default='enterprise', nullable=False))
        batch_op.add_column(sa.Column('chain_leader_of', sa.JSON(), nullable=True))
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partners', sa.JSON(), nullable=True))

    enterprise = sa.table('enterprise', sa.column('id', sa.Integer), sa.column('name', sa.String),
                          sa.column('uscc', sa.String), sa.column('org_type', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(enterprise.c.id, enterprise.c.name, enterprise.c.uscc)
                        .where(enterprise.c.uscc.is_not(None))).all()
    for id_, name, code in rows:
        kind = _BY_CATEGORY.get((code or '')[:2].upper())
        if kind == 'public_institution':
            if '大学' in name or '学院' in name:
                kind = 'university'
            elif '研究院' in name or '研究所' in name or '研究中心' in name:
                kind = 'research_institute'
        if kind is not None:
            bind.execute(enterprise.update().where(enterprise.c.id == id_).values(org_type=kind))


def downgrade() -> None:
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_column('partners')
    with op.batch_alter_table('enterprise', schema=None) as batch_op:
        batch_op.drop_column('chain_leader_of')
        batch_op.drop_constraint(op.f('ck_enterprise_org_type'), type_='check')
        batch_op.drop_column('org_type')
