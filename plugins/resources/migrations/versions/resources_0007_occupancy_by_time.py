"""occupancy: the booking's code on each row, and an index by time

An availability search over a whole kind (1,500 halls) read the occupancy
part by part through ``(part_id, starts_at)``: a descent of the b-tree per
hall, a visit of the table per row found, and a lookup of the booking per
row for its code. The rows now carry their booking's code (a booking's code
never changes), and a b-tree on ``starts_at`` lets the database read the few
thousand rows of the window in one range, filtering the halls by a hash; on
PostgreSQL the index includes every column the search reads, so the table
is not visited at all. The planner still looks a handful of parts up one by
one through the old index.

The search also reads each hall's largest capacity over its layouts: an
index on ``(resource_id, capacity)`` answers that from the index alone, one
descent per hall.

Revision ID: resources_0007
Revises: resources_0006
"""
import sqlalchemy as sa
from alembic import op

revision = "resources_0007"
down_revision = "resources_0006"
branch_labels = None
depends_on = None

INDEX = "ix_resources_occupancy_start"
INCLUDED = "part_id, ends_at, quantity, booking_id, booking_code, maintenance_id, id"
CAPACITY_INDEX = "ix_resources_layout_resource_capacity"


def upgrade():
    bind = op.get_bind()
    present = {c["name"] for c in sa.inspect(bind).get_columns("resources_occupancy")}
    if "booking_code" not in present:
        op.add_column("resources_occupancy", sa.Column("booking_code", sa.String(length=30), nullable=True))
    if bind.dialect.name == "postgresql":
        op.execute("UPDATE resources_occupancy AS o SET booking_code = b.code FROM resources_booking AS b "
                   "WHERE b.id = o.booking_id")
        op.execute(f"CREATE INDEX {INDEX} ON resources_occupancy (starts_at) INCLUDE ({INCLUDED})")
        op.execute("ANALYZE resources_occupancy")
    else:
        op.execute("UPDATE resources_occupancy SET booking_code = (SELECT code FROM resources_booking "
                   "WHERE resources_booking.id = resources_occupancy.booking_id) WHERE booking_id IS NOT NULL")
        op.create_index(INDEX, "resources_occupancy", ["starts_at"])
    op.create_index(CAPACITY_INDEX, "resources_layout", ["resource_id", "capacity"])


def downgrade():
    op.drop_index(CAPACITY_INDEX, table_name="resources_layout")
    op.drop_index(INDEX, table_name="resources_occupancy")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("resources_occupancy", "booking_code")
