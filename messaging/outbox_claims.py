"""Claiming outbox rows: which due rows a worker takes, so that of two workers only one sends
a row and each person's messages leave in the order they were written.

A look-up (one plain read, across every salon for the sweep, or of some salons) finds due rows
whose person has nothing earlier being sent or waiting for a retry; the claim then takes the
ones nobody holds (``FOR UPDATE SKIP LOCKED``) in one conditional ``UPDATE … RETURNING`` per
batch (one per salon on Citus, :func:`tenant_groups`), and gives back a person's later rows when
another worker took an earlier one meanwhile. :mod:`messaging.delivery` sends what is claimed.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
import weakref
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, bindparam, exists, select, text, update
from sqlalchemy.orm import aliased

from messaging.runtime import Messaging
from storage import Database, DeliveryStatus, OutboundMessage, is_retryable_conflict
from storage.distribute import has_citus
from storage.queries import ALL_SALONS

log = logging.getLogger("parlo.whatsapp")

#: ``claim_due(tenant=...)`` default: the sweep across every salon.
ANY_TENANT = object()

#: Times a claim or a record is run when PostgreSQL aborts it for a deadlock with another worker's.
CONFLICT_TRIES = 4


async def again_on_conflict(write):
    """Run ``write()`` again when PostgreSQL aborted it for a deadlock (40P01) or a
    serialization failure with another worker's claim or record. Both are conditional
    statements on the rows' state, so running one again is safe; giving up instead left a
    batch that had gone out in ``sending`` until the abandoned-send sweep (seen under
    bench/load.py: two workers' claim and record locking rows in different orders)."""
    for attempt in range(1, CONFLICT_TRIES + 1):
        try:
            return await write()
        except Exception as exc:
            if attempt == CONFLICT_TRIES or not is_retryable_conflict(exc):
                raise
            log.info("outbox: write aborted by a deadlock with another worker; running it again (%d)", attempt)
            await asyncio.sleep(0.005 * attempt)


def _blocking(now, *, taken=None):
    """An earlier row to the same person (in the same tenant) that this row must wait for.

    A row being sent, or waiting for its retry, always holds the later ones back. A due row
    holds them back too, unless it is one of ``taken`` (the ids claimed in the same statement:
    a person's due rows are claimed together and sent in order by one worker). A row
    scheduled for later that was never tried (a reminder) holds nothing back.
    """
    earlier = aliased(OutboundMessage)
    due_earlier = and_(earlier.status == DeliveryStatus.PENDING,
                       (earlier.next_attempt_at <= now) | (earlier.attempts > 0))
    if taken is not None:
        # a due row claimed alongside is no obstacle; one waiting for its retry still is
        due_earlier = and_(due_earlier, ~earlier.id.in_(taken) | (earlier.next_attempt_at > now))
    return exists().where(_written_before(earlier), (earlier.status == DeliveryStatus.SENDING) | due_earlier)


def _waiting_earlier(now):
    """The look-up's test: only a row being sent or waiting for its retry hides the later ones
    (a due earlier row comes first in the same ordered look-up; the claim checks it exactly)."""
    earlier = aliased(OutboundMessage)
    return exists().where(
        _written_before(earlier),
        (earlier.status == DeliveryStatus.SENDING)
        | and_(earlier.status == DeliveryStatus.PENDING, earlier.attempts > 0, earlier.next_attempt_at > now),
    )


def _written_before(earlier) -> ColumnElement[bool]:
    """``earlier`` is a row to the same person written before this one. Order is kept per
    recipient within a tenant (a salon's thread, or Parlo's central one): the tenant key in the
    correlation also lets Citus run it on each shard."""
    return and_(
        earlier.organization_id == OutboundMessage.organization_id,
        earlier.to_number == OutboundMessage.to_number,
        earlier.id != OutboundMessage.id,
        (earlier.created_at < OutboundMessage.created_at)
        | and_(earlier.created_at == OutboundMessage.created_at, earlier.id < OutboundMessage.id),
    )


# Built once: an alias and this condition cost ~1 ms of CPU to build, each time, per statement.
_NOW = bindparam("claim_now", type_=OutboundMessage.next_attempt_at.type)
_TAKEN = bindparam("claim_rows", expanding=True, type_=OutboundMessage.id.type)
_DUE = and_(OutboundMessage.status == DeliveryStatus.PENDING, OutboundMessage.next_attempt_at <= _NOW)
_CANDIDATES = (select(OutboundMessage.id, OutboundMessage.organization_id, OutboundMessage.to_number).where(_DUE, ~_waiting_earlier(_NOW))
               .order_by(OutboundMessage.created_at, OutboundMessage.id))
#: The due rows of every salon: on Citus the one statement of a tick that reads every shard.
_SWEEP = _CANDIDATES.prefix_with(ALL_SALONS)
#: The due rows of some salons (one shard per salon on Citus: see :func:`tenant_groups`).
_OF_TENANTS = _CANDIDATES.where(OutboundMessage.organization_id.in_(bindparam("claim_tenants", expanding=True)))


@lru_cache(maxsize=16)
def _look_up(sweep: bool, limit: int):
    """The look-up statement, built once per batch size (building one costs more than running it)."""
    return (_SWEEP if sweep else _OF_TENANTS).limit(limit)


#: A salon's rows of the look-up taken in one statement, and read back in it. A row is taken
#: only while still pending and due with nothing before it (the look-up is a snapshot; another
#: worker may have taken it, or an earlier row, since): of two workers only one takes a row.
_CLAIMABLE = aliased(OutboundMessage)
#: The looked-up rows no one else holds now: a row another worker is claiming or recording is
#: skipped, not waited for (waiting let a claim and a record lock rows in opposite orders and
#: deadlock under bench/load.py); a person's later rows then go back, as for any row missed.
_UNLOCKED = (select(_CLAIMABLE.id)
             .where(_CLAIMABLE.organization_id.in_(bindparam("claim_tenants", expanding=True)),
                    _CLAIMABLE.id.in_(_TAKEN), _CLAIMABLE.status == DeliveryStatus.PENDING)
             .with_for_update(skip_locked=True))
_CLAIM = (update(OutboundMessage)
          .where(OutboundMessage.organization_id.in_(bindparam("claim_tenants", expanding=True)),
                 OutboundMessage.id.in_(_UNLOCKED),
                 _DUE, ~_blocking(_NOW, taken=_TAKEN))
          .values(status=DeliveryStatus.SENDING, claimed_at=_NOW, attempts=OutboundMessage.attempts + 1,
                  updated_at=_NOW)
          .returning(OutboundMessage)
          .execution_options(synchronize_session=False))


def this_row(row: OutboundMessage):
    """One outbox row by its whole key: on Citus the statement goes to the salon's shard only."""
    return and_(OutboundMessage.organization_id == row.organization_id, OutboundMessage.id == row.id)


#: The look-up and the claim test each due row for an earlier row to the same person (an
#: anti-join on ``outbound_messages`` itself). Planned on the statistics of a small table, which
#: an outbox is for its first seconds under a burst (a new database, a bench) until autovacuum's
#: next ANALYZE, PostgreSQL picks a nested loop that reads every row of the salon for each due
#: row: 100-300 ms a statement at 12,000 rows in bench/load.py, most of PostgreSQL's CPU there.
#: The right plan is a hash anti-join whatever the table's size (on a tiny table both are
#: instant), so these statements are planned without nested loops: 56-118 → 2-3 ms on a copy of
#: that backlog with stale statistics, the same 2-3 ms with fresh ones. Transaction-scoped.
_NO_NESTED_LOOPS = text("SET LOCAL enable_nestloop = off")


async def _plan_for_backlogs(db: Database, conn) -> None:
    """Within the transaction of a look-up or a claim, before it (PostgreSQL only; Citus plans
    the shards' statements on the workers, where this setting does not reach)."""
    if not db.is_sqlite:
        await conn.execute(_NO_NESTED_LOOPS)


#: Per engine: does each statement have to stay within one salon (Citus)?
_ONE_SHARD: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def tenant_groups(db: Database, tenants: Iterable[uuid.UUID | None]) -> list[list[uuid.UUID | None]]:
    """How a batch's statements are split: one salon each on Citus, where a statement naming
    one salon goes to its one shard (tests/conversation/test_single_shard.py); elsewhere all the
    salons of a batch in one statement (a batch of 50 rows spans some 40 salons under load)."""
    tenants = list(tenants)
    engine = db.engine.sync_engine
    one_shard = _ONE_SHARD.get(engine)
    if one_shard is None:
        if db.is_sqlite:
            one_shard = False
        else:
            async with db.engine.connect() as conn:
                one_shard = await conn.run_sync(has_citus)
        _ONE_SHARD[engine] = one_shard
    return [[tenant] for tenant in tenants] if one_shard else [tenants] if tenants else []


async def claim_due(m: Messaging, *, limit: int | None = None, only_to: tuple[str, ...] | None = None,
                    tenant: uuid.UUID | None | object = ANY_TENANT) -> list[OutboundMessage]:
    """Take due rows for this worker, oldest first. Each is claimed by exactly one worker.

    ``only_to`` limits the worker to some addresses (``parlo chat`` delivers its own messages only).
    ``tenant`` limits it to one salon (``None``: Parlo's own rows); by default the look-up is the
    sweep across every salon. Each claim, and everything after it, names the row's salon: one
    statement per salon on Citus, one for the batch elsewhere, however many rows are due.
    """
    tenants = ANY_TENANT if tenant is ANY_TENANT else [tenant]
    return (await claim_batch(m, limit=limit, only_to=only_to, tenants=tenants))[0]


async def claim_batch(m: Messaging, *, limit: int | None, only_to: tuple[str, ...] | None,
                 tenants: list[uuid.UUID | None] | object) -> tuple[list[OutboundMessage], bool]:
    """The claimed rows, and whether a look-up came back full (more may be due)."""
    now = m.now()
    limit = limit or m.config.delivery.batch_size
    sweep = tenants is ANY_TENANT
    if sweep:
        looks = [{"claim_now": now}]
    else:
        looks = [{"claim_now": now, "claim_tenants": group} for group in await tenant_groups(m.db, tenants)]
    if only_to is None:
        query = _look_up(sweep, limit)
    else:
        query = (_SWEEP if sweep else _OF_TENANTS).where(OutboundMessage.to_number.in_(only_to)).limit(limit)
    candidates = []
    full = False
    # A connection, not an ORM session: most looks find nothing (every ring ends with one).
    async with m.db.engine.connect() as conn:
        await _plan_for_backlogs(m.db, conn)
        for params in looks:
            found = (await conn.execute(query, params)).all()
            full = full or len(found) >= limit
            candidates += found
    if not candidates:
        return [], False
    by_tenant: dict[uuid.UUID | None, list[uuid.UUID]] = {}
    for row_id, row_tenant, _to in candidates:
        by_tenant.setdefault(row_tenant, []).append(row_id)
    groups = await tenant_groups(m.db, by_tenant)

    async def claim() -> dict[uuid.UUID, OutboundMessage]:
        claimed: dict[uuid.UUID, OutboundMessage] = {}
        async with m.db.transaction(write=True) as session:
            await _plan_for_backlogs(m.db, session)
            for group in groups:
                for row in (await session.scalars(_CLAIM, {
                        "claim_now": now, "claim_tenants": group,
                        "claim_rows": sorted(row_id for tenant in group for row_id in by_tenant[tenant])})).all():
                    claimed[row.id] = row
        return claimed

    claimed = await again_on_conflict(claim)
    # A person's rows are sent in order by one worker: a row taken while an earlier one of the
    # look-up went to another worker (it took that one between our look-up and our claim) is
    # given back, to be sent after it.
    missed: set[tuple[uuid.UUID | None, str]] = set()
    taken: list[OutboundMessage] = []
    out_of_turn: list[OutboundMessage] = []
    for row_id, row_tenant, to in candidates:
        row = claimed.get(row_id)
        if row is None:
            missed.add((row_tenant, to))
        elif (row_tenant, to) in missed:
            out_of_turn.append(row)
        else:
            taken.append(row)
    if out_of_turn:
        await release(m, out_of_turn, None)
    return taken, full


async def release(m: Messaging, rows: list[OutboundMessage], until: datetime | None) -> None:
    """Give back claimed rows that must wait behind an earlier row to the same person."""
    async with m.db.transaction(write=True) as session:
        for row in rows:
            await session.execute(
                update(OutboundMessage).where(this_row(row), OutboundMessage.status == DeliveryStatus.SENDING)
                .values(status=DeliveryStatus.PENDING, attempts=OutboundMessage.attempts - 1,
                        next_attempt_at=until or row.next_attempt_at, updated_at=m.now())
                .execution_options(synchronize_session=False)
            )
