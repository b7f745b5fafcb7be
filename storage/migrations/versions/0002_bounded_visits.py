"""No appointment or occupancy row lasts more than 24 hours; occupancy is indexed by start.

"What overlaps this day" (the agenda, every slot search and booking) was
``starts_at < hi AND ends_at > lo``: bounded above only, so PostgreSQL read every earlier
appointment and occupancy row the organization ever had (4,000 rows for two months of the
bench salon, more every day). With the length bounded by the database, those queries add
``starts_at > lo - 24 h`` and read a day or two of the (organization_id, starts_at) index.

Written by hand: the check is spelled per backend (SQLite keeps instants as text). On
SQLite, adding a check rebuilds the table (batch mode), keeping its other constraints.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_POSTGRESQL = "ends_at <= starts_at + interval '24 hours'"
_SQLITE = "julianday(ends_at) <= julianday(starts_at, '+24 hours')"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    name, rule = ("lasts_at_most_a_day_sqlite", _SQLITE) if sqlite else ("lasts_at_most_a_day", _POSTGRESQL)
    for table in ("appointments", "occupancy"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_check_constraint(op.f(f"ck_{table}_{name}"), rule)
    with op.batch_alter_table("occupancy") as batch_op:
        batch_op.create_index("ix_occupancy_org_start", ["organization_id", "starts_at"])


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    name = "lasts_at_most_a_day_sqlite" if sqlite else "lasts_at_most_a_day"
    with op.batch_alter_table("occupancy") as batch_op:
        batch_op.drop_index("ix_occupancy_org_start")
    for table in ("occupancy", "appointments"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_{name}"), type_="check")
