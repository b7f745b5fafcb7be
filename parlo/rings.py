"""One doorbell ring in flight at a time: the web's "outbox rows are due" rings, coalesced.

Every booking rang the workers' doorbell after its commit (a Redis ``LPUSH``): at a few
hundred bookings a second that is a Redis round trip per booking in the web process, and
as many wake-ups of the delivery, each finding the rows the previous one already took.

A ring says "look at the outbox now"; one ring sent *after* a commit covers every row
committed before it. So while a ring is on its way, callers only mark that another is
wanted, and the ring in flight is followed by exactly one more. A caller's rows are
committed before it asks; the ring it may have missed (sent, and perhaps read, before its
commit) is always followed by that one. Nothing is lost; at most one Redis round trip
later than before, and the periodic sweep still backs everything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable


class CoalescedRing:
    """``await ring()`` as often as wanted; ``ring`` runs once at a time, and again if asked meanwhile.

    One per event loop (the web app's GraphQL endpoint holds one). ``ring`` must not raise
    (the outbox notifier logs its own failures); if it does, the next caller rings anew.
    """

    def __init__(self, ring: Callable[[], Awaitable[None]]) -> None:
        self._ring = ring
        self._busy = False
        self._again = False

    async def __call__(self) -> None:
        if self._busy:
            self._again = True  # the ring in flight may predate this caller's commit: one more after it
            return
        self._busy = True
        try:
            while True:
                self._again = False
                await self._ring()
                if not self._again:
                    return
        finally:
            self._busy = False
