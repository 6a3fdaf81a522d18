"""needs and allocation runs

A project's needs (a hall for 200 as a banquet on the 12th evening, twelve
projectors) waiting for the allocator to choose their resources, and the
allocator's proposals, kept for review and applied in one step.

Revision ID: resources_0006
Revises: resources_0005
Create Date: 2026-11-27 08:18:42.136459
"""
import sqlalchemy as sa
from alembic import op

import core.db.types

revision = 'resources_0006'
down_revision = 'resources_0005'
branch_labels = None
depends_on = None


def _stamps(table):
    return [
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['created_by_id'], ['core_user.id'], name=f'fk_{table}_created_by_id_core_user',
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['core_user.id'], name=f'fk_{table}_updated_by_id_core_user',
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=f'pk_{table}'),
    ]


def upgrade():
    op.create_table(
        'resources_allocation_run',
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('project_id', sa.Integer(), nullable=True),
        sa.Column('starts_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('ends_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('kinds', sa.String(length=200), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('served', sa.Integer(), nullable=False),
        sa.Column('unserved', sa.Integer(), nullable=False),
        sa.Column('result', sa.JSON(), nullable=False),
        sa.Column('applied_at', core.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column('applied_by_id', sa.Integer(), nullable=True),
        sa.Column('problem', sa.Text(), nullable=True),
        *_stamps('resources_allocation_run'),
        sa.ForeignKeyConstraint(['applied_by_id'], ['core_user.id'],
                                name='fk_resources_allocation_run_applied_by_id_core_user', ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['project_id'], ['project_project.id'],
                                name='fk_resources_allocation_run_project_id_project_project', ondelete='CASCADE'),
    )
    op.create_index('ix_resources_allocation_run_project_id', 'resources_allocation_run', ['project_id'])
    op.create_table(
        'resources_need',
        sa.Column('project_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('starts_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('ends_at', core.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column('layout', sa.String(length=20), nullable=True),
        sa.Column('guests', sa.Integer(), nullable=True),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('match', sa.String(length=100), nullable=True),
        sa.Column('city', sa.String(length=30), nullable=True),
        sa.Column('weight', sa.Integer(), nullable=False),
        sa.Column('notes', sa.Text(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=True),
        *_stamps('resources_need'),
        sa.ForeignKeyConstraint(['booking_id'], ['resources_booking.id'],
                                name='fk_resources_need_booking_id_resources_booking', ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['project_id'], ['project_project.id'],
                                name='fk_resources_need_project_id_project_project', ondelete='CASCADE'),
    )
    op.create_index('ix_resources_need_booking_id', 'resources_need', ['booking_id'])
    op.create_index('ix_resources_need_project_id', 'resources_need', ['project_id'])
    op.create_index('ix_resources_need_status_start', 'resources_need', ['status', 'starts_at'])


def downgrade():
    op.drop_table('resources_need')
    op.drop_table('resources_allocation_run')
