"""Two counters for the hot paths: ``conversations.last_sequence``, ``organizations.catalog_version``.

Storing a webhook's message took an advisory lock, ``max(sequence)`` over the conversation's
messages and the insert: three statements (plus BEGIN/COMMIT) on the hottest path there is.
With the counter in the conversation row, one ``INSERT … ON CONFLICT DO UPDATE … RETURNING``
creates or locks the conversation and hands out the next number, and the message insert
rides in the same statement (messaging/inbound.py). Existing conversations start from the
highest number their messages already have, so order continues where it was.

``organizations.catalog_version`` is bumped with every write of the salon's services, staff
or spots (storage/catalog_version.py), so each process can cache that catalog for bookings
and slot searches and know, from the organization row it reads anyway, when to re-read it.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.add_column(sa.Column("catalog_version", sa.BigInteger(), nullable=False, server_default="0"))
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.add_column(sa.Column("last_sequence", sa.BigInteger(), nullable=False, server_default="0"))
    # UPDATE … FROM, joined on the whole key: PostgreSQL, SQLite ≥ 3.33 and Citus (co-located) all take it.
    op.execute("""
        UPDATE conversations SET last_sequence = top.sequence
        FROM (SELECT conversation_id, organization_id, max(sequence) AS sequence
              FROM messages GROUP BY conversation_id, organization_id) AS top
        WHERE conversations.id = top.conversation_id AND conversations.organization_id = top.organization_id
    """)


def downgrade() -> None:
    with op.batch_alter_table("organizations") as batch_op:
        batch_op.drop_column("catalog_version")
    with op.batch_alter_table("conversations") as batch_op:
        batch_op.drop_column("last_sequence")
