"""Interval arithmetic on sorted, disjoint windows (half-open, in minutes)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable

from .salon import Window


def merged(windows: Iterable[Window]) -> tuple[Window, ...]:
    """Sorted, disjoint windows; touching windows become one (a split shift stays split)."""
    result: list[Window] = []
    for window in sorted(windows, key=lambda w: (w.start, w.end)):
        if window.length <= 0:
            continue
        if result and window.start <= result[-1].end:
            last = result[-1]
            result[-1] = Window(last.start, max(last.end, window.end))
        else:
            result.append(window)
    return tuple(result)


def without(windows: Iterable[Window], busy: Iterable[Window]) -> tuple[Window, ...]:
    """The parts of `windows` not covered by `busy`."""
    free = list(merged(windows))
    for taken in merged(busy):
        remaining: list[Window] = []
        for window in free:
            if taken.end <= window.start or window.end <= taken.start:
                remaining.append(window)
                continue
            if window.start < taken.start:
                remaining.append(Window(window.start, taken.start))
            if taken.end < window.end:
                remaining.append(Window(taken.end, window.end))
        free = remaining
    return tuple(free)


class FreeTime:
    """Sorted free windows of one resource, with quick "does this fit" checks."""

    __slots__ = ("windows", "_starts")

    def __init__(self, windows: Iterable[Window]) -> None:
        self.windows = merged(windows)
        self._starts = [w.start for w in self.windows]

    def holds(self, part: Window) -> bool:
        return self.holds_span(part.start, part.end)

    def holds_span(self, start: int, end: int) -> bool:
        """``holds(Window(start, end))`` without making the window (the candidate search asks it often)."""
        index = bisect_right(self._starts, start) - 1
        return index >= 0 and self.windows[index].end >= end

    def fitting(self, starts: list[int], shape: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
        """The sorted ``starts`` at which every (offset, end offset) piece of ``shape`` is free.

        A piece [t+a, t+b) fits a free window w exactly when w.start - a <= t <= w.end - b, so
        each window gives a slice of the starts (found by bisection): the candidate search asks
        this for every stylist and chair of every movable appointment.
        """
        found: tuple[int, ...] | None = None
        for a, b in shape:
            piece: list[int] = []
            for window in self.windows:
                lo, hi = bisect_left(starts, window.start - a), bisect_right(starts, window.end - b)
                piece.extend(starts[lo:hi])
            if found is None:
                found = tuple(piece)
            else:
                allowed = set(piece)
                found = tuple(t for t in found if t in allowed)
            if not found:
                return ()
        return found or ()

    def take(self, parts: Iterable[Window]) -> FreeTime:
        return FreeTime(without(self.windows, parts))

    def within(self, span: Window) -> tuple[Window, ...]:
        """The free windows clipped to `span`."""
        clipped = (Window(max(w.start, span.start), min(w.end, span.end)) for w in self.windows)
        return tuple(w for w in clipped if w.length > 0)

    def largest_within(self, span: Window) -> int:
        return max((w.length for w in self.within(span)), default=0)
