"""booking package and act

A caterer's booking names the menu package it charges per head, a troupe's
booking the act it performs.

On SQLite the columns are added in place: batch mode would rebuild
``resources_booking``, and dropping the old table with foreign keys on
deletes (cascades) the occupancy and contract rows of every booking. The
same reason keeps the downgrade from dropping them there (a SQLite column
with a foreign key cannot be dropped in place); uninstalling drops the whole
table in ``resources_0001`` anyway, and a later upgrade finds them present.

Revision ID: resources_0002
Revises: resources_0001
Create Date: 2026-11-27 05:17:53.191490
"""
import sqlalchemy as sa
from alembic import op

revision = 'resources_0002'
down_revision = 'resources_0001'
branch_labels = None
depends_on = None

COLUMNS = (("package_id", "resources_package"), ("act_id", "resources_act"))


def _fk_name(column, table):
    return f"fk_resources_booking_{column}_{table}"


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        present = {c["name"] for c in sa.inspect(bind).get_columns("resources_booking")}
        for column, table in COLUMNS:
            if column not in present:
                op.execute(f"ALTER TABLE resources_booking ADD COLUMN {column} INTEGER "
                           f"CONSTRAINT {_fk_name(column, table)} REFERENCES {table} (id) ON DELETE SET NULL")
        return
    for column, table in COLUMNS:
        op.add_column('resources_booking', sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(_fk_name(column, table), 'resources_booking', table, [column], ['id'],
                              ondelete='SET NULL')


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        return
    for column, table in COLUMNS:
        op.drop_constraint(_fk_name(column, table), 'resources_booking', type_='foreignkey')
        op.drop_column('resources_booking', column)
