"""The web's outbox rings are coalesced, and none is lost: every caller gets a ring that starts after it asked."""

from __future__ import annotations

import asyncio

from parlo.rings import CoalescedRing


class _Bell:
    """A ring that takes a while (a Redis round trip); records when each ring started."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.release = asyncio.Event()
        self.asked = 0

    async def ring(self) -> None:
        self.started.append(self.asked)
        await self.release.wait()


async def test_many_bookings_at_once_ring_twice_not_once_each():
    bell = _Bell()
    ring = CoalescedRing(bell.ring)
    first = asyncio.create_task(ring())
    await asyncio.sleep(0)
    assert bell.started == [0]  # the first caller rings at once
    for _ in range(20):  # twenty more commits while that ring is on its way
        bell.asked += 1
        await ring()  # returns at once: a ring is wanted after the one in flight
    bell.release.set()
    await first
    # exactly one more ring, and it started after all twenty had asked
    assert bell.started == [0, 20]


async def test_a_caller_after_the_rings_are_done_rings_again():
    bell = _Bell()
    bell.release.set()
    ring = CoalescedRing(bell.ring)
    await ring()
    await ring()
    assert bell.started == [0, 0]


async def test_a_ring_that_fails_does_not_block_the_next_caller():
    calls = []

    async def broken() -> None:
        calls.append(1)
        raise RuntimeError("redis down")

    ring = CoalescedRing(broken)
    for _ in range(2):
        try:
            await ring()
        except RuntimeError:
            pass
    assert len(calls) == 2
