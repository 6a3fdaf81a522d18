"""Alembic environment shared by the kernel and every plugin's branch.

The caller (``core.db.migrate``) passes the connection and, when
autogenerating, the tables of the one branch being written.
"""
from alembic import context

import core.db.types  # noqa: F401  (custom types referenced by revision scripts)

config = context.config
connection = config.attributes["connection"]
prefixes = config.attributes.get("table_prefixes")


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and prefixes is not None:
        return any(name.startswith(p) for p in prefixes)
    return not (type_ == "table" and name == "core_alembic_version")


context.configure(
    connection=connection,
    target_metadata=config.attributes.get("metadata"),
    include_object=include_object,
    version_table="core_alembic_version",
    render_as_batch=True,
    user_module_prefix="core.db.types.",
    compare_type=True,
)

with context.begin_transaction():
    context.run_migrations()
