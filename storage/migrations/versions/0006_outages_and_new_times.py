"""Outages are calendar facts, and no customer is left behind (issue 24).

* ``availability.spot_id`` and the kind ``spot_out``: a chair or station out of use over a
  UTC range, written when a chair-out rebooking plan is applied; the slot search and the
  optimiser leave that chair out then. A kind of its own (not a ``block`` with a spot), so
  every reader of staff and location blocks keeps meaning what it meant.
* ``appointments.needs_new_time_at``: a re-plan found no place for the appointment; its
  customer was offered other times and the waitlist, it gets no reminder, and the owner's
  summary counts it until it is moved or cancelled.

Both are additions (nullable columns, one more allowed kind): existing rows keep their
meaning. On SQLite, changing the kind's check rebuilds the table (batch mode), keeping
its other constraints.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_KINDS_BEFORE = "kind IN ('recurring', 'exception', 'block')"
_KINDS_AFTER = "kind IN ('recurring', 'exception', 'block', 'spot_out')"
_SPOT_OUT = ("kind <> 'spot_out' OR (spot_id IS NOT NULL AND staff_id IS NULL AND starts_at IS NOT NULL "
             "AND ends_at IS NOT NULL AND starts_at < ends_at)")


def upgrade() -> None:
    with op.batch_alter_table("availability") as batch_op:
        batch_op.add_column(sa.Column("spot_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_availability_spot_id_spots"), "spots", ["spot_id", "organization_id"],
                                    ["id", "organization_id"], ondelete="CASCADE")
        batch_op.create_index(op.f("ix_availability_spot_id"), ["spot_id"])
        batch_op.drop_constraint(op.f("ck_availability_availability_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_availability_availability_kind"), _KINDS_AFTER)
        batch_op.create_check_constraint(op.f("ck_availability_spot_out_has_spot_and_range"), _SPOT_OUT)
    with op.batch_alter_table("appointments") as batch_op:
        batch_op.add_column(sa.Column("needs_new_time_at", storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("appointments") as batch_op:
        batch_op.drop_column("needs_new_time_at")
    op.execute("DELETE FROM availability WHERE kind = 'spot_out'")
    with op.batch_alter_table("availability") as batch_op:
        batch_op.drop_constraint(op.f("ck_availability_spot_out_has_spot_and_range"), type_="check")
        batch_op.drop_constraint(op.f("ck_availability_availability_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_availability_availability_kind"), _KINDS_BEFORE)
        batch_op.drop_index(op.f("ix_availability_spot_id"))
        batch_op.drop_constraint(op.f("fk_availability_spot_id_spots"), type_="foreignkey")
        batch_op.drop_column("spot_id")
