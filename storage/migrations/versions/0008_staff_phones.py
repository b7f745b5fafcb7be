"""``staff_phones``: who has this phone, answered on one node (Citus: a reference table).

Signing in by phone and the central number (is this sender staff somewhere?) start from a
phone and no salon. ``staff`` is distributed by salon, so a look-up by phone alone went to
every shard. This table maps a staff phone to its salons and staff ids; the application
keeps it in step with ``staff`` in the same transaction as each write (storage.references).

Filled from ``staff`` as it is, so a populated database is migrated in place. On Citus the
table is created on the coordinator and filled there (``INSERT … SELECT`` from the
distributed ``staff``); ``parlo migrate`` then makes it a reference table, copying the rows
to every node (storage.distribute), as it does with any table a migration adds.

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_phones",
        sa.Column("phone_number", sa.String(length=20), nullable=False),
        sa.Column("organization_id", sa.Uuid(), nullable=False),
        sa.Column("staff_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("phone_number", "organization_id", name="pk_staff_phones"),
    )
    op.create_index("ix_staff_phones_organization_id", "staff_phones", ["organization_id"])
    op.execute("INSERT INTO staff_phones (phone_number, organization_id, staff_id) "
               "SELECT phone_number, organization_id, id FROM staff")


def downgrade() -> None:
    op.drop_index("ix_staff_phones_organization_id", table_name="staff_phones")
    op.drop_table("staff_phones")
