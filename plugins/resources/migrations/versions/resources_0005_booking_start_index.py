"""booking: an index of the start

The bookings list of the admin sorts by window and filters "in use between
these days"; the index on ``(resource_id, starts_at)`` serves neither when no
resource is named. With this one a page sorted by window reads its 25 rows,
and the period filter (which also bounds the start by the longest booking
allowed, 31 days) reads the bookings near the period, instead of every
booking of the table.

Revision ID: resources_0005
Revises: resources_0004
"""
from alembic import op

revision = "resources_0005"
down_revision = "resources_0004"
branch_labels = None
depends_on = None

INDEX = "ix_resources_booking_starts_at"


def upgrade():
    op.create_index(INDEX, "resources_booking", ["starts_at"])


def downgrade():
    op.drop_index(INDEX, table_name="resources_booking")
