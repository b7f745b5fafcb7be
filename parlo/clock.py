"""The one place that reads the wall clock. Everything below receives a ``Clock``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

#: A clock is any zero-argument callable returning an aware UTC datetime.
Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


class FrozenClock:
    """A clock that only moves when told to: PARLO_CLOCK demos and tests."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = at.astimezone(timezone.utc)

    def __call__(self) -> datetime:
        return self._now

    def set(self, at: datetime) -> None:
        self._now = at.astimezone(timezone.utc)

    def advance(self, delta: timedelta) -> None:
        self._now += delta


def clock_from(frozen_at: datetime | None) -> Clock:
    return FrozenClock(frozen_at) if frozen_at is not None else system_clock
