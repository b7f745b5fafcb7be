"""One worker per conversation at a time, so its messages are answered in order.

PostgreSQL: a **lease** on the conversation's row. One conditional ``UPDATE`` takes it when
nobody holds it or the holder's lease ran out (``claimed_until`` in the past, on the
database's clock, the one clock every worker shares); another gives it back. Nothing is held
in between: a turn spends a second or more waiting on the model, and the advisory lock this
replaces kept a transaction, hence a PostgreSQL connection, open for all of it (a connection
per turn in flight: 64 turns needed 64 more connections per worker process, and no pgbouncer
in transaction mode). Each statement names the tenant when it is known: one shard on Citus.

A worker that dies holding a lease leaves it until it runs out (``lease``, at least three
turn budgets); the periodic sweep then answers what was waiting. A holder renews its lease
before each further message of a long run (:meth:`ConversationClaims.keep`), so a busy
conversation is never taken from under it. Should a holder still overrun (a stalled process),
the next holder answers the same message and the turn's record refuses the second answer
(``processed_at`` is set once): order may suffer in that pathological case, exactly-once not.

SQLite: an exclusive ``flock`` on a small file per conversation beside the database
(``parlo.locks/``), which holds between threads and between processes (``parlo serve`` with
its embedded worker next to a ``parlo worker``) and is released by the kernel if the process
dies. An in-memory database falls back to locks inside the process.
"""

from __future__ import annotations

import fcntl
import logging
import os
import threading
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING

from sqlalchemy import Interval, Select, bindparam, func, or_, select, true, update

from storage import Conversation, Database

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger("parlo.whatsapp")

#: The shortest lease: a turn (its budget), its record and the next message's start fit in it many times.
MIN_LEASE = timedelta(seconds=60)
#: A lease need not survive a crash of PostgreSQL: every worker's connection goes with it, so a
#: lost take is a conversation nobody holds, and a lost give-back a lease that runs out. Without
#: waiting for the WAL to reach the disk, a take and a give-back cost PostgreSQL about half the
#: CPU (0.19 → 0.10 ms a pair, measured on 2,000 conversations) and a turn two flushes' latency.
#: Others still see the lease at once: asynchronous commit delays durability, not visibility.
LEASE_SETTINGS = {"synchronous_commit": "off"}

_CONVERSATIONS = Conversation.__table__
_C = _CONVERSATIONS.c
_LEASE_END = func.now() + bindparam("lease", type_=Interval())


def _of(tenant: bool, *where):
    """The conversation by id, and by its tenant when known (one shard on Citus)."""
    return (_C.id == bindparam("conv"), *((_C.organization_id == bindparam("org"),) if tenant else ()), *where)


def _take(tenant: bool):
    # updated_at is named so that its on-update default does not fire: a claim is not a change
    # of the conversation anyone reads.
    return (update(_CONVERSATIONS)
            .where(*_of(tenant, or_(_C.claimed_until.is_(None), _C.claimed_until < func.now())))
            .values(claimed_until=_LEASE_END, claim_token=bindparam("token"), updated_at=_C.updated_at)
            .returning(_C.organization_id))


def _renew(tenant: bool):
    return (update(_CONVERSATIONS).where(*_of(tenant, _C.claim_token == bindparam("token")))
            .values(claimed_until=_LEASE_END, updated_at=_C.updated_at).returning(_C.id))


def _give_back(tenant: bool):
    return (update(_CONVERSATIONS).where(*_of(tenant, _C.claim_token == bindparam("token")))
            .values(claimed_until=None, claim_token=None, updated_at=_C.updated_at))


_TAKE = {tenant: _take(tenant) for tenant in (False, True)}
_RENEW = {tenant: _renew(tenant) for tenant in (False, True)}
_GIVE_BACK = {tenant: _give_back(tenant) for tenant in (False, True)}


@cache  # ``read`` is a module-level statement: built once each
def _taking_and_reading(read: Select) -> Select:
    """The claim and ``read`` in one statement (a data-modifying CTE): ``read``'s row, if any,
    beside the taken row's tenant. One round trip, and one shard on Citus (both name the tenant)."""
    taken = _TAKE[True].cte("taken")
    waiting = read.subquery("waiting")
    return select(taken.c.organization_id, *waiting.c).select_from(taken.outerjoin(waiting, true()))


@dataclass(slots=True)
class Claim:
    """What :meth:`ConversationClaims.hold` yields: true while this caller holds the conversation."""

    held: bool
    #: Whether ``read`` ran with the claim (PostgreSQL, tenant known); then ``row`` is its first
    #: row, or None when it found nothing.
    read_with_it: bool = False
    row: tuple | None = None

    def __bool__(self) -> bool:
        return self.held


@dataclass(slots=True)
class _Lease:
    token: uuid.UUID
    organization_id: uuid.UUID | None
    #: When to renew (this process's monotonic clock): half-way through the lease.
    renew_at: float


class ConversationClaims:
    _local: dict[uuid.UUID, threading.Lock] = {}
    _local_guard = threading.Lock()

    def __init__(self, db: Database, *, lease: timedelta = MIN_LEASE) -> None:
        self.db = db
        self.lease = max(lease, MIN_LEASE)
        #: Where the lease statements run (PostgreSQL). By default ``db``'s engine; a worker gives
        #: them one of their own whose commits do not wait for the WAL flush (:data:`LEASE_SETTINGS`).
        self.engine: AsyncEngine | None = None
        self._leases: dict[uuid.UUID, _Lease] = {}
        self.lock_dir: Path | None = None
        if db.is_sqlite and db.engine.url.database and db.engine.url.database != ":memory:":
            database = Path(db.engine.url.database)
            self.lock_dir = database.with_name(database.stem + ".locks")

    @asynccontextmanager
    async def hold(self, conversation_id: uuid.UUID, organization_id: uuid.UUID | None = None, *,
                   read: Select | None = None) -> AsyncIterator[Claim]:
        """Whether this caller now holds the conversation (false: someone else does).

        ``organization_id``: the conversation's when known (the queue carries it). ``read``: a
        statement (bound parameters ``conv`` and ``org``; its first column never null) to run
        in the claim's own round trip where it can (PostgreSQL with the tenant known): a turn's
        first read, one round trip fewer. Where it could not, ``Claim.read_with_it`` is false
        and the caller reads for itself.

        The check after giving back ("did anything arrive meanwhile?") is NOT folded into the
        give-back: one statement reads one snapshot, taken before its UPDATE waits for the row,
        so a message stored while the give-back waited on the webhook's row lock would be seen
        by neither it nor the doorbell's take (refused: still held). Apart, the check's
        snapshot follows the give-back's commit, and anything later finds the conversation free."""
        if not self.db.is_sqlite:
            async with self._lease(conversation_id, organization_id, read) as claim:
                yield claim
            return
        async with self._lock(conversation_id) as held:
            yield Claim(held)

    @asynccontextmanager
    async def _lock(self, conversation_id: uuid.UUID) -> AsyncIterator[bool]:
        """SQLite: a file lock (an in-memory database: a lock in this process)."""
        if self.lock_dir is not None:
            self.lock_dir.mkdir(exist_ok=True)
            fd = os.open(self.lock_dir / conversation_id.hex, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    yield False
                    return
                yield True
            finally:
                os.close(fd)  # closing the descriptor releases the lock
            return
        with self._local_guard:
            lock = self._local.setdefault(conversation_id, threading.Lock())
        if not lock.acquire(blocking=False):
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    def tenant_of(self, conversation_id: uuid.UUID) -> uuid.UUID | None:
        """The organization the lease's row named (None: not leased here, or the central tenant)."""
        lease = self._leases.get(conversation_id)
        return lease.organization_id if lease is not None else None

    async def keep(self, conversation_id: uuid.UUID) -> bool:
        """Before another message of a long run: renew the lease when half of it has passed.
        False: the lease was lost (it ran out and another worker took the conversation)."""
        lease = self._leases.get(conversation_id)
        if lease is None or monotonic() < lease.renew_at:
            return True
        async with self._autocommit() as conn:
            renewed = (await conn.execute(_RENEW[lease.organization_id is not None], {
                "conv": conversation_id, "org": lease.organization_id, "token": lease.token,
                "lease": self.lease})).first()
        if renewed is None:
            log.warning("lost the claim on conversation %s (its lease ran out); another worker has it",
                        conversation_id)
            self._leases.pop(conversation_id, None)
            return False
        lease.renew_at = monotonic() + self.lease.total_seconds() / 2
        return True

    @asynccontextmanager
    async def _lease(self, conversation_id: uuid.UUID, organization_id: uuid.UUID | None,
                     read: Select | None) -> AsyncIterator[Claim]:
        token = uuid.uuid4()
        taken_at = monotonic()
        params = {"conv": conversation_id, "org": organization_id, "token": token, "lease": self.lease}
        reading = read is not None and organization_id is not None
        statement = _taking_and_reading(read) if reading else _TAKE[organization_id is not None]
        async with self._autocommit() as conn:
            row = (await conn.execute(statement, params)).first()
        if row is None:  # held by someone else (or no such conversation: nothing to answer either)
            yield Claim(False)
            return
        tenant = organization_id if organization_id is not None else row[0]
        self._leases[conversation_id] = _Lease(token, tenant, taken_at + self.lease.total_seconds() / 2)
        claim = Claim(True, read_with_it=reading, row=tuple(row[1:]) if reading and row[1] is not None else None)
        try:
            yield claim
        finally:
            self._leases.pop(conversation_id, None)
            try:
                async with self._autocommit() as conn:
                    await conn.execute(_GIVE_BACK[tenant is not None],
                                       {"conv": conversation_id, "org": tenant, "token": token})
            except Exception:  # noqa: BLE001 - the lease runs out by itself; the sweep answers what waits
                log.exception("could not give back the claim on conversation %s; it frees itself in %s",
                              conversation_id, self.lease)

    @asynccontextmanager
    async def _autocommit(self):
        async with (self.engine or self.db.engine).connect() as conn:
            yield await conn.execution_options(isolation_level="AUTOCOMMIT")
