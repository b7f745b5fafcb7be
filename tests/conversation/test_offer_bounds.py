"""Property: whatever bounds a request says, every start offered for the day asked satisfies all of them.

The offer search (rules/customer/offers.py) runs against a salon free every 15 minutes from
10:00 to 20:00, Monday to Saturday, except a few random busy stretches. Offers on the day
asked must satisfy the whole constraint; when nothing there fits, the nearest times on
each side are offered (said so), and other days offered must satisfy every hour bound.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from messaging.conversation.rules.customer.offers import search
from messaging.conversation.tools import ToolResult
from messaging.conversation.tools.results import Slot, Slots
from messaging.spanish import ClockBound, DayConstraint, Lean, PartOfDay, TimeConstraint

TODAY = date(2026, 1, 16)  # a Friday
NOW = datetime(2026, 1, 16, 10, 0)


class FakeTurn:
    """What the search reads of a turn: today, the business hours, and check_availability."""

    def __init__(self, busy: list[tuple[datetime, datetime]]) -> None:
        self.today = TODAY
        self.profile = SimpleNamespace(hours={d: ((time(10), time(20)),) for d in range(6)})
        self.busy = busy
        self.asked: list[dict] = []

    async def call(self, tool: str, **args):
        self.asked.append(args)
        first, last = date.fromisoformat(args["date_from"]), date.fromisoformat(args["date_to"])
        slots, day = [], first
        while day <= last:
            if day.weekday() < 6:
                moment = datetime.combine(day, time(10))
                while moment <= datetime.combine(day, time(19, 15)):
                    if moment >= NOW and not any(a <= moment < b for a, b in self.busy):
                        slots.append(Slot(moment.isoformat(timespec="minutes"), "staff", None))
                    moment += timedelta(minutes=15)
            day += timedelta(days=1)
        return ToolResult(True, Slots(tuple(slots)))


clock_times = st.builds(time, st.integers(8, 21), st.sampled_from([0, 15, 30, 45]))
bounds = st.builds(ClockBound, clock_times, st.booleans())
days = st.one_of(
    st.none(),
    st.integers(0, 9).map(lambda n: DayConstraint.on(TODAY + timedelta(days=n))),
    st.just(DayConstraint(weekdays=frozenset(range(5)))),
    st.just(DayConstraint(first=TODAY + timedelta(days=3), last=TODAY + timedelta(days=8))),
)
constraints = st.builds(
    TimeConstraint, days=days, part_of_day=st.one_of(st.none(), st.sampled_from(list(PartOfDay))),
    times=st.lists(clock_times, max_size=1).map(tuple), around=st.booleans(),
    after=st.one_of(st.none(), bounds), before=st.one_of(st.none(), bounds),
    lean=st.one_of(st.none(), st.sampled_from([Lean.EARLY, Lean.LATE, Lean.SOONEST])),
)
busy_stretches = st.lists(
    st.builds(lambda d, h, n: (datetime.combine(TODAY + timedelta(days=d), time(h)),
                               datetime.combine(TODAY + timedelta(days=d), time(h)) + timedelta(minutes=30 * n)),
              st.integers(0, 9), st.integers(10, 19), st.integers(1, 8)), max_size=6)


@settings(max_examples=300, deadline=None)
@given(when=constraints, busy=busy_stretches)
def test_every_offered_start_satisfies_every_bound(when, busy):
    turn = FakeTurn(busy)
    found = asyncio.run(search(turn, services=["s"], when=when, default_day=TODAY))
    hours_only = TimeConstraint(part_of_day=when.part_of_day, times=when.times, around=when.around, after=when.after,
                                before=when.before, lean=when.lean)
    nearest = set(found.nearest)
    for start in found.offered:
        assert start >= NOW
        if start in nearest:
            assert found.missed and start.date() == found.asked_day  # said so: "ya no tengo espacio"
            continue
        if found.missed and found.asked_day is not None and when.time is not None:
            continue  # an hour asked and taken: the nearest free times that day, said so
        fits = when if when.admits_day(start.date()) else hours_only
        assert fits.admits(start), (when, start)
        if not found.missed:
            assert when.admits(start), (when, start)
    if found.exact is not None:
        assert when.admits(found.exact)
