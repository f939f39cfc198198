"""import runs: uploads of the bulk import page, their progress and results

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-14 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('preview_id', sa.Integer(), nullable=True),
    sa.Column('links', sa.JSON(), nullable=False),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='import_run_state', native_enum=False, create_constraint=True, length=20), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=True),
    sa.Column('runner', sa.String(length=120), nullable=True),
    sa.Column('error', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_import_run_event_id_event'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['preview_id'], ['import_run.id'], name=op.f('fk_import_run_preview_id_import_run'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_import_run_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_run'))
    )
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_run_preview_id'), ['preview_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_import_run_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('import_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_run_user_id'))
        batch_op.drop_index(batch_op.f('ix_import_run_preview_id'))
    op.drop_table('import_run')
