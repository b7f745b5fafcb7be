"""Row ids: time-ordered UUIDs (RFC 9562 version 7).

Why not random ``uuid4``: several reads order rows by ``(created_at, id)`` — the outbox sends
a conversation's replies in that order — and rows written in one turn share ``created_at``
(the clock is read once per turn, and a frozen clock in tests never moves). With random ids
that tie broke at random, so an apology could be sent after the reply that followed it. A
version-7 id starts with the millisecond it was made and, within one process, keeps
increasing (the ``uuid6`` package's monotonic counter), so the tie breaks in creation order.
It also keeps B-tree inserts at the right edge of the index instead of scattering them.

Ids stay unguessable enough for row keys (74 random bits); secrets (sign-in tokens) keep
using ``secrets``/``uuid4``.
"""

from __future__ import annotations

import uuid

from uuid6 import uuid7


def new_id() -> uuid.UUID:
    """A new row id, later than every id this process made before."""
    return uuid.UUID(int=uuid7().int)
