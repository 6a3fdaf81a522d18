"""occupancy: an index of the long rows

Availability asks "which rows of these hundreds of parts overlap this
window?". The b-tree on ``(part_id, starts_at)`` can bound only the start,
so the question is asked as two bounded scans (see
``operations.occupancy.occupying``): rows starting at most seven days before
the window, through that b-tree, and the long rows (over seven days:
maintenance, long rentals), through this partial index, which holds only
them. Its predicate is written per dialect, exactly as the query writes it.
On PostgreSQL, statistics on the rows' length let the planner see how few
long rows there are (without them it guesses a third of the table, and then
plans a scan of every booking for a search that touches a thousand).

Revision ID: resources_0003
Revises: resources_0002
"""
from alembic import op

revision = "resources_0003"
down_revision = "resources_0002"
branch_labels = None
depends_on = None

INDEX = "ix_resources_occupancy_long"
STATISTICS = "st_resources_occupancy_length"
LONG_ROW = {
    "postgresql": "(ends_at - starts_at) > interval '7 days'",
    "sqlite": "julianday(ends_at) - julianday(starts_at) > 7",
}


def upgrade():
    dialect = op.get_bind().dialect.name
    predicate = LONG_ROW.get(dialect)
    if predicate:
        op.execute(f"CREATE INDEX {INDEX} ON resources_occupancy (part_id, ends_at) WHERE {predicate}")
    if dialect == "postgresql":
        op.execute(f"CREATE STATISTICS {STATISTICS} ON (ends_at - starts_at) FROM resources_occupancy")
        op.execute("ANALYZE resources_occupancy")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")
    if dialect in LONG_ROW:
        op.execute(f"DROP INDEX {INDEX}")
