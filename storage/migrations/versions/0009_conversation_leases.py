"""``conversations.claimed_until`` and ``claim_token``: a worker's claim on a conversation is a lease.

Until now a worker claimed a conversation with a transaction-scoped advisory lock and kept
that transaction, hence a PostgreSQL connection, open for the whole turn, model call
included: one connection per turn in flight. That capped how many turns a worker process
could carry (``--concurrency`` 64 already needed 64 + 40 connections per process) and could
not go through pgbouncer in transaction mode. A lease is one conditional ``UPDATE`` that
takes the conversation if nobody holds it or the holder's lease ran out, and another that
gives it back: no connection is held in between (messaging.runtime.ConversationClaims).

Both columns start empty: no conversation is claimed. SQLite keeps its file locks and never
writes them. On Citus ``ADD COLUMN`` reaches every shard of the distributed table.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.add_column(sa.Column("claimed_until", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("claim_token", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.drop_column("claim_token")
        batch_op.drop_column("claimed_until")
