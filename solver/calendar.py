"""Free time per resource over a horizon, in integer minutes from the horizon's origin.

Weekly rules are local; they become instants day by day through the organization's zone,
so a 9-17 schedule stays 9-17 on the clock on DST change days (and lasts 7 or 9 hours).

Local times that do not exist or happen twice on a change day follow one rule:
- a nonexistent time (spring forward, 2:30 in Tijuana) is read with the offset in force
  before the change, i.e. it lands one hour later on the clock (3:30);
- a repeated time (fall back, 1:30 happens twice) means its first occurrence.
This is Python's `fold=0`, used everywhere here.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from solver.intervals import Intervals, intersect, merge_sorted, normalize, subtract, union
from solver.salon import Block, ExceptionKind, ResourceKind, Salon, Spot, Staff, WeeklyHours

_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=64)
def zone_named(name: str) -> ZoneInfo:
    return ZoneInfo(name)


class Horizon:
    """A run of local days; minute 0 is local midnight of the first day (in UTC)."""

    __slots__ = ("zone", "first_day", "days", "origin", "origin_epoch_minute", "_origin_ts", "_local_cache", "day_starts")

    def __init__(self, zone: ZoneInfo, first_day: date, days: int) -> None:
        self.zone = zone
        self.first_day = first_day
        self.days = days
        self.origin = datetime.combine(first_day, time(0), tzinfo=zone).astimezone(timezone.utc)
        self._origin_ts = self.origin.timestamp()
        self.origin_epoch_minute = round(self._origin_ts / 60)
        self._local_cache: dict[tuple[date, time], int] = {}
        # minute of local midnight of each day, plus the midnight after the last day
        self.day_starts = [self.local(first_day + timedelta(days=i), time(0)) for i in range(days + 1)]

    @classmethod
    def covering(cls, zone: ZoneInfo, start: datetime, end: datetime) -> Horizon:
        """The local days that contain [start, end], with a spare day on each side."""
        first = start.astimezone(zone).date() - _ONE_DAY
        last = end.astimezone(zone).date() + _ONE_DAY
        return cls(zone, first, (last - first).days + 1)

    def day(self, index: int) -> date:
        return self.first_day + timedelta(days=index)

    def local(self, day: date, at: time) -> int:
        """Minute of a local wall-clock time on a day (fold=0 rule above)."""
        key = (day, at)
        cached = self._local_cache.get(key)
        if cached is None:
            instant = datetime.combine(day, at, tzinfo=self.zone)
            cached = self._local_cache[key] = round((instant.timestamp() - self._origin_ts) / 60)
        return cached

    def local_range(self, day: date, start: time, end: time) -> tuple[int, int]:
        """A local range of one day; end == 00:00 means the midnight that ends the day."""
        end_minute = self.local(day + _ONE_DAY, time(0)) if end == time(0) else self.local(day, end)
        return self.local(day, start), end_minute

    def minute_floor(self, instant: datetime) -> int:
        return math.floor((instant.timestamp() - self._origin_ts) / 60)

    def minute_ceil(self, instant: datetime) -> int:
        return math.ceil((instant.timestamp() - self._origin_ts) / 60)

    def instant(self, minute: int) -> datetime:
        return self.origin + timedelta(minutes=minute)

    def day_index(self, minute: int) -> int:
        """Index of the local day containing the minute (may fall outside the horizon)."""
        return bisect_right(self.day_starts, minute) - 1

    @property
    def end(self) -> int:
        return self.day_starts[-1]


def _by_weekday(hours: tuple[WeeklyHours, ...]) -> dict[int, list[WeeklyHours]]:
    grouped: dict[int, list[WeeklyHours]] = defaultdict(list)
    for h in hours:
        grouped[h.weekday].append(h)
    return grouped


def _blocks_as_minutes(horizon: Horizon, blocks: tuple[Block, ...]) -> Intervals:
    return normalize((horizon.minute_floor(b.start), horizon.minute_ceil(b.end)) for b in blocks)


class Calendars:
    """Working and free time of a salon's resources over a horizon, computed on demand."""

    def __init__(self, salon: Salon, horizon: Horizon, resources: set[tuple[ResourceKind, str]] | None = None):
        self.salon = salon
        self.horizon = horizon
        self._working: dict[tuple[ResourceKind, str], Intervals] = {}
        self._free: dict[tuple[ResourceKind, str], Intervals] = {}
        #: Opening hours on the clock (closed dates out), before location-wide blocks: the hours
        #: the salon shows. ``business_open`` is when it can actually take clients.
        self.business_hours = self._business_hours()
        self.business_open = subtract(self.business_hours, _blocks_as_minutes(horizon, salon.location_blocks))
        self._busy = self._busy_by_resource(resources)

    def _business_hours(self) -> Intervals:
        salon, horizon = self.salon, self.horizon
        weekly = _by_weekday(salon.business_hours)
        ranges: Intervals = []
        for i in range(horizon.days):
            day = horizon.day(i)
            if day in salon.closed_dates:
                continue
            for h in weekly.get(day.weekday(), ()):
                ranges.append(horizon.local_range(day, h.start, h.end))
        return normalize(ranges)

    def _busy_by_resource(self, wanted: set[tuple[ResourceKind, str]] | None) -> dict[tuple[ResourceKind, str], Intervals]:
        """Stored occupancy per resource, in minutes, only what reaches into the horizon."""
        origin = self.horizon.origin_epoch_minute
        hi = origin + self.horizon.end
        index = self.salon.busy_epoch_minutes
        earliest_start = origin - self.salon.longest_busy_minutes  # no row starting earlier reaches in
        keys = index.keys() if wanted is None else [k for k in wanted if k in index]
        busy: dict[tuple[ResourceKind, str], Intervals] = {}
        for key in keys:
            rows = index[key]
            first = bisect_left(rows, (earliest_start, -(1 << 62)))
            last = bisect_left(rows, (hi, -(1 << 62)))
            busy[key] = merge_sorted([(a - origin, b - origin) for a, b in rows[first:last] if b > origin])
        return busy

    def staff_working(self, staff: Staff) -> Intervals:
        key = (ResourceKind.STAFF, staff.id)
        cached = self._working.get(key)
        if cached is not None:
            return cached
        horizon = self.horizon
        if staff.weekly_hours is None and not staff.exceptions:
            hours = self.business_open
        else:
            # Usual hours (the weekly ones, or all open hours when there are none), minus days
            # off, plus extra hours; all of it only while the location is open.
            weekly = _by_weekday(staff.weekly_hours) if staff.weekly_hours is not None else None
            exceptions: dict[date, list] = defaultdict(list)
            for e in staff.exceptions:
                exceptions[e.day].append(e)
            ranges: Intervals = []
            days_off: Intervals = []
            for i in range(horizon.days):
                day = horizon.day(i)
                todays = exceptions.get(day, ())
                off = any(e.kind is ExceptionKind.DAY_OFF for e in todays)
                if weekly is None:
                    if off:
                        days_off.append(horizon.local_range(day, time(0), time(0)))
                elif not off:
                    ranges.extend(horizon.local_range(day, h.start, h.end) for h in weekly.get(day.weekday(), ()))
                for e in todays:
                    if e.kind is ExceptionKind.EXTRA_HOURS:
                        ranges.append(horizon.local_range(day, e.start, e.end))
            if weekly is None:
                usual = subtract(self.business_open, normalize(days_off))
                hours = intersect(union(usual, normalize(ranges)), self.business_open)
            else:
                hours = intersect(normalize(ranges), self.business_open)
        working = subtract(hours, _blocks_as_minutes(horizon, staff.blocks))
        self._working[key] = working
        return working

    def spot_working(self, spot: Spot) -> Intervals:
        key = (ResourceKind.SPOT, spot.id)
        cached = self._working.get(key)
        if cached is None:
            cached = self._working[key] = subtract(self.business_open, _blocks_as_minutes(self.horizon, spot.blocks))
        return cached

    def busy(self, kind: ResourceKind, resource_id: str) -> Intervals:
        return self._busy.get((kind, resource_id), [])

    def staff_free(self, staff: Staff) -> Intervals:
        key = (ResourceKind.STAFF, staff.id)
        cached = self._free.get(key)
        if cached is None:
            cached = self._free[key] = subtract(self.staff_working(staff), self.busy(ResourceKind.STAFF, staff.id))
        return cached

    def spot_free(self, spot: Spot) -> Intervals:
        key = (ResourceKind.SPOT, spot.id)
        cached = self._free.get(key)
        if cached is None:
            cached = self._free[key] = subtract(self.spot_working(spot), self.busy(ResourceKind.SPOT, spot.id))
        return cached
