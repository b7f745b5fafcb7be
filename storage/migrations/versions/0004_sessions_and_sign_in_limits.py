"""Session generations, sign-in rate-limit counters, and no cancelled visit holding time.

* ``staff.session_generation``: every session token carries it; bumping it (sign out
  everywhere, a permission change, a deactivation, a new phone) revokes older sessions.
* ``sign_in_counters``: the sign-in rate limits' windows when there is no Redis. Global
  (keyed by a hash of an address or phone, not by organization); on Citus a reference
  table, made so where the tables are distributed (after the migrations), like the others.
* PostgreSQL: two deferred constraint triggers make "a cancelled appointment with occupancy
  rows" impossible, whatever the code does: an occupancy row for a cancelled appointment,
  or an appointment cancelled while it still has occupancy, fails at commit with SQLSTATE
  23514. The occupancy side locks its appointment ``FOR SHARE`` before looking, so a cancel
  and a move racing in two transactions cannot both pass (one waits for the other and then
  sees it). Deferred: the cancel deletes the occupancy and sets the status in either order
  within its transaction. Not on Citus: triggers on distributed tables need
  ``citus.enable_unsafe_triggers`` and run per shard, where a row lock on another shard's
  appointment is not possible; there the row locks in ``resolvers.scheduling.access`` and
  the same-transaction writes hold the rule.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_FUNCTIONS = ("""
CREATE FUNCTION occupancy_of_live_appointment() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    appointment_status text;
BEGIN
    SELECT status INTO appointment_status FROM appointments
        WHERE id = NEW.appointment_id AND organization_id = NEW.organization_id FOR SHARE;
    IF appointment_status = 'cancelled' THEN
        RAISE EXCEPTION 'appointment % is cancelled: it cannot hold occupancy', NEW.appointment_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'cancelled_holds_no_occupancy';
    END IF;
    RETURN NULL;
END $$""", """
CREATE FUNCTION cancelled_appointment_holds_nothing() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'cancelled' AND EXISTS (
        SELECT 1 FROM occupancy WHERE appointment_id = NEW.id AND organization_id = NEW.organization_id
    ) THEN
        RAISE EXCEPTION 'appointment % is cancelled yet holds occupancy', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'cancelled_holds_no_occupancy';
    END IF;
    RETURN NULL;
END $$""", """
CREATE CONSTRAINT TRIGGER occupancy_of_live_appointment
    AFTER INSERT OR UPDATE ON occupancy DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION occupancy_of_live_appointment()""", """
CREATE CONSTRAINT TRIGGER cancelled_appointment_holds_nothing
    AFTER INSERT OR UPDATE OF status ON appointments DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW WHEN (NEW.status = 'cancelled') EXECUTE FUNCTION cancelled_appointment_holds_nothing()""")

_DROP_FUNCTIONS = (
    "DROP TRIGGER IF EXISTS cancelled_appointment_holds_nothing ON appointments",
    "DROP TRIGGER IF EXISTS occupancy_of_live_appointment ON occupancy",
    "DROP FUNCTION IF EXISTS cancelled_appointment_holds_nothing()",
    "DROP FUNCTION IF EXISTS occupancy_of_live_appointment()",
)


def _is_citus(bind) -> bool:
    return bind.dialect.name == "postgresql" and bool(
        bind.exec_driver_sql("SELECT 1 FROM pg_extension WHERE extname = 'citus'").scalar())


def upgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("staff") as batch_op:
        batch_op.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "sign_in_counters",
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_counters")),
    )
    op.create_index(op.f("ix_sign_in_counters_expires_at"), "sign_in_counters", ["expires_at"])
    if bind.dialect.name == "postgresql" and not _is_citus(bind):
        for statement in _FUNCTIONS:
            op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and not _is_citus(bind):
        for statement in _DROP_FUNCTIONS:
            op.execute(statement)
    op.drop_index(op.f("ix_sign_in_counters_expires_at"), table_name="sign_in_counters")
    op.drop_table("sign_in_counters")
    with op.batch_alter_table("staff") as batch_op:
        batch_op.drop_column("session_generation")
