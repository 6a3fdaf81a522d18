"""change epoch: its row, and the triggers that give it a new value on every change it watches

Revision ID: core_0002
Revises: core_0001
Create Date: 2026-11-27 11:30:00

See ``core.db.change_epoch``. The watched tables are written out here, as
they were when this revision was made.
"""
from alembic import op

revision = 'core_0002'
down_revision = 'core_0001'
branch_labels = None
depends_on = None

WATCHED = {
    "core_user": ("login", "name", "active", "is_superuser", "is_portal", "locale"),
    "core_role": None,
    "core_role_permission": None,
    "core_user_role": None,
    "core_user_department": None,
    "core_module": None,
}

PG_FUNCTION = """
CREATE FUNCTION core_change_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE core_change_epoch SET value = nextval('core_change_epoch_seq') WHERE id = 1;
    RETURN NULL;
END
$$
"""


def upgrade():
    op.execute("INSERT INTO core_change_epoch (id, value) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE SEQUENCE core_change_epoch_seq")
        op.execute(PG_FUNCTION)
        for table, columns in WATCHED.items():
            update = f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"
            # BEFORE: the row is locked before the statement locks any watched row, so two
            # writers of several watched rows queue up instead of deadlocking
            op.execute(f"CREATE TRIGGER {table}_epoch BEFORE INSERT OR DELETE OR TRUNCATE OR {update} ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION core_change_epoch_bump()")
        return
    for table, columns in WATCHED.items():
        for event in ("INSERT", "DELETE", f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"):
            name = f"{table}_epoch_{event.split()[0].lower()}"
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "
                       "UPDATE core_change_epoch SET value = random() WHERE id = 1; END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_epoch ON {table}")
        op.execute("DROP FUNCTION IF EXISTS core_change_epoch_bump()")
        op.execute("DROP SEQUENCE IF EXISTS core_change_epoch_seq")
    else:
        for table in WATCHED:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_epoch_{event}")
    op.execute("DELETE FROM core_change_epoch")
