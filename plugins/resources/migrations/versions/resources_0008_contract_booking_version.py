"""contract: the booking version it was made from

A confirmed booking's contract is now made after the confirmation (or the
change) is committed, by an after-commit handler of the outbox: inline
right after the commit in the embedded default, by a worker with Redis.
A message may be delivered again (a retry), and the confirmation and a
change may be delivered after the booking moved on; so each contract
records the booking's version it shows, at most one contract per version
(a unique index), and a message finding its booking's version already
covered does nothing. Contracts made before this revision have none.

Revision ID: resources_0008
Revises: resources_0007
"""
import sqlalchemy as sa
from alembic import op

revision = "resources_0008"
down_revision = "resources_0007"
branch_labels = None
depends_on = None

INDEX = "uq_resources_contract_booking_version"


def upgrade():
    present = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("resources_contract")}
    if "booking_version" not in present:
        op.add_column("resources_contract", sa.Column("booking_version", sa.Integer(), nullable=True))
    op.create_index(INDEX, "resources_contract", ["booking_id", "booking_version"], unique=True)


def downgrade():
    op.drop_index(INDEX, table_name="resources_contract")
    if op.get_bind().dialect.name != "sqlite":
        op.drop_column("resources_contract", "booking_version")
