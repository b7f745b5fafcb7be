"""Small builders so each solver test states only what matters to it (imported by the tests)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from solver import (
    Block,
    BookingRequest,
    Occupancy,
    Processing,
    ResourceKind,
    Salon,
    SalonOptions,
    Service,
    Spot,
    Staff,
    WeeklyHours,
)

MEXICO_CITY = "America/Mexico_City"
TIJUANA = "America/Tijuana"
UTC = timezone.utc

MONDAY = date(2026, 3, 2)  # an ordinary week in Mexico City
SUNDAY_BEFORE = date(2026, 3, 1)


def hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def at(day: date, clock: str, zone: str = MEXICO_CITY) -> datetime:
    """A local wall-clock time as an aware datetime (fold=0)."""
    return datetime.combine(day, hhmm(clock), tzinfo=ZoneInfo(zone))


def local_clock(instant: datetime, zone: str = MEXICO_CITY) -> str:
    return instant.astimezone(ZoneInfo(zone)).strftime("%H:%M")


def weekly(start: str = "09:00", end: str = "17:00", days: Iterable[int] = range(7)) -> tuple[WeeklyHours, ...]:
    return tuple(WeeklyHours(d, hhmm(start), hhmm(end)) for d in days)


CORTE = Service("corte", 30)
TINTE = Service("tinte", 90, processing=Processing(30, 40))  # stylist free 30..70
PEINADO = Service("peinado", 60)


def make_salon(
    staff: Iterable[Staff] = (Staff("ana", {"corte"}),),
    spots: Iterable[Spot] = (),
    services: Iterable[Service] = (CORTE, TINTE, PEINADO),
    *,
    zone: str = MEXICO_CITY,
    hours: tuple[WeeklyHours, ...] | None = None,
    occupancy: Iterable[Occupancy] = (),
    location_blocks: Iterable[Block] = (),
    closed_dates: Iterable[date] = (),
    **options: int,
) -> Salon:
    return Salon(
        timezone=zone,
        business_hours=weekly() if hours is None else hours,
        staff=tuple(staff),
        spots=tuple(spots),
        services=tuple(services),
        closed_dates=frozenset(closed_dates),
        location_blocks=tuple(location_blocks),
        occupancy=tuple(occupancy),
        options=SalonOptions(**options),
    )


def busy(kind: str, resource_id: str, day: date, start: str, end: str, zone: str = MEXICO_CITY) -> Occupancy:
    return Occupancy(ResourceKind(kind), resource_id, at(day, start, zone), at(day, end, zone))


def day_request(
    services: str | tuple[str, ...], day: date = MONDAY, zone: str = MEXICO_CITY, days: int = 1, **kwargs: object
) -> BookingRequest:
    """A request for any start during `days` local days from `day`."""
    ids = (services,) if isinstance(services, str) else services
    start = at(day, "00:00", zone)
    end = datetime.combine(day + timedelta(days=days), time(0), tzinfo=ZoneInfo(zone))
    return BookingRequest(ids, window_start=start, window_end=end, **kwargs)  # type: ignore[arg-type]


def clocks(slots, zone: str = MEXICO_CITY) -> list[str]:
    """Local start times of slots, in time order."""
    return [local_clock(s.start, zone) for s in sorted(slots, key=lambda s: s.start)]


NOW = at(SUNDAY_BEFORE, "08:00")

