"""booking follows project changes

A booking remembers the last project change request it followed (moved
with, or was flagged by), so that a change delivered twice by the outbox
is not applied twice. Flagged bookings get a partial index: "which
bookings need attention?" is asked of a table of millions, of which a
handful are flagged.

On SQLite the column is added in place, as in ``resources_0002`` (a batch
rebuild of ``resources_booking`` would cascade-delete its occupancy and
contract rows), and the downgrade keeps it there for the same reason.

Revision ID: resources_0004
Revises: resources_0003
"""
import sqlalchemy as sa
from alembic import op

revision = "resources_0004"
down_revision = "resources_0003"
branch_labels = None
depends_on = None

COLUMN = "project_change_id"
FK = "fk_resources_booking_project_change_id_project_change_request"
INDEX = "ix_resources_booking_flagged"
FLAGGED = {"postgresql": "flagged", "sqlite": "flagged = 1"}


def upgrade():
    bind = op.get_bind()
    dialect = bind.dialect.name
    if dialect == "sqlite":
        present = {c["name"] for c in sa.inspect(bind).get_columns("resources_booking")}
        if COLUMN not in present:
            op.execute(f"ALTER TABLE resources_booking ADD COLUMN {COLUMN} INTEGER "
                       f"CONSTRAINT {FK} REFERENCES project_change_request (id) ON DELETE SET NULL")
    else:
        op.add_column("resources_booking", sa.Column(COLUMN, sa.Integer(), nullable=True))
        op.create_foreign_key(FK, "resources_booking", "project_change_request", [COLUMN], ["id"],
                              ondelete="SET NULL")
    predicate = FLAGGED.get(dialect)
    if predicate:
        op.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON resources_booking (project_id) WHERE {predicate}")


def downgrade():
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    if op.get_bind().dialect.name == "sqlite":
        return
    op.drop_constraint(FK, "resources_booking", type_="foreignkey")
    op.drop_column("resources_booking", COLUMN)
