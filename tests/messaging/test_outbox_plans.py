"""How PostgreSQL plans delivery's look-up when the outbox grew faster than its statistics.

Under a burst the outbox goes from a few rows to thousands in seconds, and the planner's
statistics lag until autovacuum's next ANALYZE. On those statistics PostgreSQL answered each
due row's "no earlier row to the same person is being sent" test with a nested loop reading
every row of the salon, for each due row: 100-300 ms a look-up in bench/load.py. Delivery plans
its look-up and claim without nested loops (messaging/outbox_claims.py).
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import text

from messaging.outbox_claims import _look_up, _plan_for_backlogs

pytestmark = pytest.mark.postgres_only

BACKLOG = """
INSERT INTO outbound_messages (id, organization_id, to_number, kind, body, template_variables, status, attempts,
                               next_attempt_at, created_at, updated_at)
SELECT gen_random_uuid(), salons.id[1 + g % 20], 'whatsapp:+52155' || (g % 300), 'reply', 'hola', '{}',
       CASE WHEN g % 30 = 0 THEN 'sending' WHEN g < 2000 THEN 'sent' ELSE 'pending' END, 0,
       now() - interval '1 minute', now() - interval '1 hour' + g * interval '1 millisecond', now()
  FROM generate_series(1, 8000) AS g,
       (SELECT array_agg(gen_random_uuid()) AS id FROM generate_series(1, 20)) AS salons
"""


async def _plan(db, statement, params) -> str:
    async with db.engine.connect() as conn:
        if await conn.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'citus'")):
            pytest.skip("Citus plans the shards' statements on the workers")
        await _plan_for_backlogs(db, conn)
        literal = str(statement.params(**params).compile(dialect=conn.dialect,
                                                         compile_kwargs={"literal_binds": True}))
        return "\n".join(row[0] for row in await conn.execute(text("EXPLAIN " + literal)))


async def test_the_look_up_reads_no_salon_once_per_due_row_on_stale_statistics(db):
    async with db.engine.begin() as conn:
        await conn.execute(text("ANALYZE outbound_messages"))  # statistics of an empty outbox...
        await conn.execute(text(BACKLOG))  # ...and 8,000 rows before the next ANALYZE
        salons = [row[0] for row in await conn.execute(
            text("SELECT DISTINCT organization_id FROM outbound_messages LIMIT 12"))]
    now = datetime.now(timezone.utc)
    for statement, params in ((_look_up(True, 50), {"claim_now": now}),
                              (_look_up(False, 50), {"claim_now": now, "claim_tenants": salons})):
        plan = await _plan(db, statement, params)
        assert "Nested Loop" not in plan, plan
        assert "Anti Join" in plan, plan  # the earlier-row test is still there, as one hash anti-join
