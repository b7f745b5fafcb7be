"""Exact arithmetic on sets of integer minutes, kept as sorted, disjoint half-open ranges.

Every function takes and returns such lists (`[(start, end), ...]`, start < end, merged),
so free time, start sets and busy time compose without special cases.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

Intervals = list[tuple[int, int]]


def normalize(ranges: Iterable[tuple[int, int]]) -> Intervals:
    """Sort and merge touching or overlapping ranges; drop empty ones."""
    items = sorted(r for r in ranges if r[0] < r[1])
    merged: Intervals = []
    for start, end in items:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def union(*sets: Intervals) -> Intervals:
    return normalize(r for s in sets for r in s)


def intersect(a: Intervals, b: Intervals) -> Intervals:
    result: Intervals = []
    append = result.append
    i = j = 0
    len_a, len_b = len(a), len(b)
    while i < len_a and j < len_b:
        a_start, a_end = a[i]
        b_start, b_end = b[j]
        start = a_start if a_start > b_start else b_start
        if a_end < b_end:
            if start < a_end:
                append((start, a_end))
            i += 1
        else:
            if start < b_end:
                append((start, b_end))
            j += 1
    return result


def merge_sorted(ranges: Iterable[tuple[int, int]]) -> Intervals:
    """normalize() for ranges already sorted by start: one pass, no sort."""
    merged: Intervals = []
    for start, end in ranges:
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def subtract(a: Intervals, b: Intervals) -> Intervals:
    """a minus b (both normalized)."""
    if not b:
        return list(a)
    result: Intervals = []
    append = result.append
    j = 0
    len_b = len(b)
    for start, end in a:
        while j < len_b and b[j][1] <= start:
            j += 1
        k = j
        cursor = start
        while k < len_b:
            b_start, b_end = b[k]
            if b_start >= end:
                break
            if b_start > cursor:
                append((cursor, b_start))
            if b_end > cursor:
                cursor = b_end
            k += 1
        if cursor < end:
            append((cursor, end))
    return result


def complement(a: Intervals, lo: int, hi: int) -> Intervals:
    return subtract([(lo, hi)], a) if lo < hi else []


def shift(a: Intervals, delta: int) -> Intervals:
    return [(s + delta, e + delta) for s, e in a]


def clip(a: Intervals, lo: int, hi: int) -> Intervals:
    return intersect(a, [(lo, hi)]) if lo < hi else []


def starts_fitting(free: Intervals, offset: int, end: int) -> Intervals:
    """Starts s for which [s+offset, s+end) lies inside one range of `free`."""
    length = end - offset
    return [(a - offset, b - end + 1) for a, b in free if b - a >= length]


def covered_at_least(sets: Sequence[Intervals], n: int) -> Intervals:
    """Points covered by at least n of the sets (n=1 is the union)."""
    if n <= 0:
        raise ValueError("n must be positive")
    if n == 1:
        return union(*sets)
    if len(sets) < n:
        return []
    events: list[tuple[int, int]] = []
    for s in sets:
        for start, end in s:
            events.append((start, 1))
            events.append((end, -1))
    events.sort()
    result: Intervals = []
    depth = 0
    opened = 0
    for point, delta in events:
        before = depth
        depth += delta
        if before < n <= depth:
            opened = point
        elif depth < n <= before and opened < point:
            result.append((opened, point))
    return normalize(result)


def contains(a: Intervals, start: int, end: int) -> bool:
    """Whether [start, end) lies inside one range of a."""
    i = bisect_right(a, (start, 1 << 62)) - 1
    return i >= 0 and a[i][0] <= start and end <= a[i][1]


def overlaps(a: Intervals, start: int, end: int) -> bool:
    """Whether [start, end) meets any range of a."""
    i = bisect_right(a, (start, 1 << 62)) - 1
    if i >= 0 and a[i][1] > start:
        return True
    return i + 1 < len(a) and a[i + 1][0] < end


def total(a: Intervals) -> int:
    return sum(e - s for s, e in a)
