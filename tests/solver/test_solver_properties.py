"""Generated salons: the listing, the CP-SAT model and a minute-by-minute oracle must agree.

For every generated salon and request:
- each listed slot is inside business and working hours and clear of blocks and stored
  occupancy, by an oracle that reads the rules on the local wall clock (no shared code),
  and the oracle finds no bookable start among a sample of the unlisted ones;
- each listed slot passes recheck_assignment, and CP-SAT can book its start;
- CP-SAT finds no start the listing missed, and its optimum costs what the best slot costs;
- assign_booking (CP-SAT helped by the listing) books one of the best-ranked starts;
- when nothing is listed, assign_booking says why with a time-related reason.

SOLVER_PROPERTY_EXAMPLES sets the number of salons (default 300).
"""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from salon_builders import MEXICO_CITY, TIJUANA
from solver import (
    Block,
    BookingRequest,
    DatedException,
    ExceptionKind,
    NoAssignment,
    Occupancy,
    PartOfDay,
    Preferences,
    Processing,
    Reason,
    ResourceKind,
    Salon,
    SalonOptions,
    Service,
    Spot,
    Staff,
    WeeklyHours,
    assign_booking,
    occupancy_for_assignment,
    recheck_assignment,
)
from solver.assignment import solve_plan
from solver.plan import make_plan
from solver.slots import list_slots

EXAMPLES = int(os.environ.get("SOLVER_PROPERTY_EXAMPLES", "300"))
# Ordinary days and the 2026 change days in Tijuana (Mexico City has none).
FIRST_DAYS = [date(2026, 3, 7), date(2026, 3, 8), date(2026, 6, 10), date(2026, 10, 31), date(2026, 11, 1)]
STEP = 5  # every generated time and length is a multiple of 5 minutes, so the oracle looks every 5


def rarely(draw, one_in: int) -> bool:
    """True about once in `one_in` draws (Hypothesis favours small integers, so test the top)."""
    return draw(st.integers(1, one_in)) == one_in


def clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@st.composite
def local_range(draw, earliest=6 * 60, latest=22 * 60):
    """Quarter-hour range of at least an hour; Hypothesis leans to the widest one."""
    start = earliest + draw(st.integers(0, (latest - 60 - earliest) // 15)) * 15
    end = latest - draw(st.integers(0, (latest - start - 60) // 15)) * 15
    return start, end


@st.composite
def weekly_hours(draw):
    hours = []
    for weekday in range(7):
        if rarely(draw, 10):
            continue  # closed that weekday
        start, end = draw(local_range())
        hours.append(WeeklyHours(weekday, clock(start), clock(end)))
        if end <= 18 * 60 and draw(st.booleans()):
            later_start, later_end = draw(local_range(earliest=end + 30))
            hours.append(WeeklyHours(weekday, clock(later_start), clock(later_end)))
    return tuple(hours)


@st.composite
def services(draw):
    count = draw(st.integers(1, 4))
    result = []
    for i in range(count):
        duration = draw(st.integers(2, 30)) * STEP
        processing = None
        if duration >= 45 and draw(st.booleans()):
            offset = draw(st.integers(1, duration // STEP - 2)) * STEP
            length = draw(st.integers(1, (duration - offset) // STEP)) * STEP
            processing = Processing(offset, length)
        buffer = draw(st.sampled_from([None, 0, 5, 10]))
        result.append(Service(f"svc{i}", duration, buffer, processing))
    return tuple(result)


@st.composite
def salons(draw):
    zone_name = draw(st.sampled_from([MEXICO_CITY, TIJUANA]))
    zone = ZoneInfo(zone_name)
    first_day = draw(st.sampled_from(FIRST_DAYS))
    days = [first_day, first_day + timedelta(days=1)]
    catalogue = draw(services())
    ids = [s.id for s in catalogue]

    def instant(day: date, minutes: int) -> datetime:
        return datetime.combine(day, clock(minutes), tzinfo=zone).astimezone(timezone.utc)

    def random_interval() -> tuple[datetime, datetime]:
        day = draw(st.sampled_from(days))
        start = draw(st.integers(6 * 60 // STEP, 21 * 60 // STEP)) * STEP
        length = draw(st.integers(2, 36)) * STEP
        end = min(start + length, 23 * 60)
        return instant(day, start), instant(day, end)

    staff = []
    for i in range(draw(st.integers(1, 4))):
        performs = draw(st.sets(st.sampled_from(ids), min_size=1)) | ({ids[0]} if i == 0 else set())
        own_hours = draw(weekly_hours()) if rarely(draw, 3) else None
        exceptions = []
        if rarely(draw, 4):
            exceptions.append(DatedException(draw(st.sampled_from(days)), ExceptionKind.DAY_OFF))
        if rarely(draw, 4):
            start, end = draw(local_range())
            exceptions.append(
                DatedException(draw(st.sampled_from(days)), ExceptionKind.EXTRA_HOURS, clock(start), clock(end))
            )
        blocks = tuple(Block(*random_interval(), "personal") for _ in range(draw(st.integers(0, 2))))
        staff.append(Staff(f"st{i}", frozenset(performs), own_hours, tuple(exceptions), blocks))
    spots = []
    for i in range(draw(st.integers(0, 3))):
        hosts = draw(st.sets(st.sampled_from(ids), min_size=1))
        blocks = tuple(Block(*random_interval(), "reparación") for _ in range(draw(st.integers(0, 1))))
        spots.append(Spot(f"sp{i}", frozenset(hosts), blocks))
    occupancy = []
    for _ in range(draw(st.integers(0, 12))):
        if spots and draw(st.booleans()):
            kind, rid = ResourceKind.SPOT, draw(st.sampled_from(spots)).id
        else:
            kind, rid = ResourceKind.STAFF, draw(st.sampled_from(staff)).id
        occupancy.append(Occupancy(kind, rid, *random_interval()))
    location_blocks = tuple(Block(*random_interval(), "evento") for _ in range(draw(st.integers(0, 1))))
    closed = frozenset(d for d in days if rarely(draw, 7))
    options = SalonOptions(
        granularity_minutes=draw(st.sampled_from([10, 15, 30])),
        min_notice_minutes=draw(st.sampled_from([0, 60])),
        max_days_ahead=30,
        buffer_after_minutes=draw(st.sampled_from([0, 5])),
    )
    salon = Salon(
        zone_name, draw(weekly_hours()), tuple(staff), tuple(spots), catalogue, closed, location_blocks,
        tuple(occupancy), options,
    )  # fmt: skip

    wanted = tuple(draw(st.lists(st.sampled_from(ids), min_size=1, max_size=2)))
    prefs = Preferences(
        day=draw(st.none() | st.sampled_from(days)),
        part_of_day=draw(st.none() | st.sampled_from(list(PartOfDay))),
        staff_id=draw(st.none() | st.sampled_from([m.id for m in staff])),
    )
    qualified = [m.id for m in staff if wanted[0] in m.service_ids]
    pinned = None
    if rarely(draw, 4):  # mostly someone who can, sometimes anyone at all
        pinned = draw(st.sampled_from(qualified if qualified and draw(st.booleans()) else [m.id for m in staff]))
    request = BookingRequest(
        wanted,
        group_size=draw(st.sampled_from([1, 1, 1, 2])),
        staff_id=pinned,
        window_start=instant(first_day, 0),
        window_end=instant(first_day + timedelta(days=2), 0),
        preferences=prefs,
    )
    now = instant(first_day - timedelta(days=1), draw(st.sampled_from([8 * 60, 23 * 60 + 30])))
    return salon, request, now


# ---- the oracle: rules read on the local wall clock, one 5-minute point at a time -------------


def _in_local(ranges, t: time) -> bool:
    return any(start <= t and (end == time(0) or t < end) for start, end in ranges)


def oracle_usable(salon: Salon, kind: ResourceKind, rid: str, point: datetime) -> bool:
    local = point.astimezone(ZoneInfo(salon.timezone))
    day, t = local.date(), local.time()
    if day in salon.closed_dates:
        return False
    if not _in_local([(h.start, h.end) for h in salon.business_hours if h.weekday == day.weekday()], t):
        return False
    if any(b.start <= point < b.end for b in salon.location_blocks):
        return False
    if kind is ResourceKind.STAFF:
        person = next(m for m in salon.staff if m.id == rid)
        todays = [e for e in person.exceptions if e.day == day]
        extra = [(e.start, e.end) for e in todays if e.kind is ExceptionKind.EXTRA_HOURS]
        off = any(e.kind is ExceptionKind.DAY_OFF for e in todays)
        if person.weekly_hours is None:
            works = not off or _in_local(extra, t)
        else:
            usual = [] if off else [(h.start, h.end) for h in person.weekly_hours if h.weekday == day.weekday()]
            works = _in_local(usual + extra, t)
        if not works or any(b.start <= point < b.end for b in person.blocks):
            return False
    else:
        place = next(p for p in salon.spots if p.id == rid)
        if any(b.start <= point < b.end for b in place.blocks):
            return False
    return not any(
        o.resource_kind is kind and o.resource_id == rid and o.start <= point < o.end for o in salon.occupancy
    )


def assert_oracle_accepts(salon: Salon, slot) -> None:
    services = {s.id: s for s in salon.services}
    for booked in slot.assignment.services:
        person = next(m for m in salon.staff if m.id == booked.staff_id)
        assert booked.service_id in person.service_ids
        hosting = [p.id for p in salon.spots if booked.service_id in p.service_ids]
        assert (booked.spot_id in hosting) if hosting else booked.spot_id is None
        assert booked.end - booked.start == timedelta(minutes=services[booked.service_id].duration_minutes)
    rows = occupancy_for_assignment(salon, slot.assignment)
    for i, row in enumerate(rows):
        point = row.start
        while point < row.end:
            assert oracle_usable(salon, row.resource_kind, row.resource_id, point), (row, point)
            point += timedelta(minutes=STEP)
        for other in rows[i + 1 :]:
            same = (other.resource_kind, other.resource_id) == (row.resource_kind, row.resource_id)
            assert not (same and other.start < row.end and row.start < other.end), (row, other)


def oracle_bookable(salon: Salon, request: BookingRequest, now: datetime, start: datetime) -> bool:
    """Whether a visit can start then, from the rules alone (own shapes, own counting)."""
    options = salon.options
    if start < now + timedelta(minutes=options.min_notice_minutes):
        return False
    last_day = now.astimezone(ZoneInfo(salon.timezone)).date() + timedelta(days=options.max_days_ahead + 1)
    if start >= datetime.combine(last_day, time(0), tzinfo=ZoneInfo(salon.timezone)):
        return False
    services = {s.id: s for s in salon.services}
    offset = 0
    for service_id in request.service_ids:
        service = services[service_id]
        buffer = options.buffer_after_minutes if service.buffer_after_minutes is None else service.buffer_after_minutes
        span = service.duration_minutes + buffer
        staff_pieces = [(0, span)]
        if service.processing is not None:
            p = service.processing
            staff_pieces = [(0, p.offset_minutes), (p.offset_minutes + p.length_minutes, span)]
        begin = start + timedelta(minutes=offset)

        def usable(kind: ResourceKind, rid: str, pieces) -> bool:
            for a, b in pieces:
                for minute in range(a, b, STEP):
                    if not oracle_usable(salon, kind, rid, begin + timedelta(minutes=minute)):
                        return False
            return True

        for kind, pool, pieces, pinned in (
            (ResourceKind.STAFF, [m.id for m in salon.staff if service_id in m.service_ids], staff_pieces, request.staff_id),
            (ResourceKind.SPOT, [p.id for p in salon.spots if service_id in p.service_ids], [(0, span)], None),
        ):
            if kind is ResourceKind.SPOT and not pool:
                continue  # no spot hosts it: none needed
            able = [rid for rid in pool if usable(kind, rid, pieces)]
            if pinned is not None:
                if pinned not in able:
                    return False
                if request.group_size == 1:
                    continue
            if len(able) < request.group_size:
                return False
        offset += span
    return True


def grid_starts(salon: Salon, request: BookingRequest) -> list[datetime]:
    """Every start on the local quarter-hour grid in the request window."""
    step = timedelta(minutes=salon.options.granularity_minutes)
    starts = []
    point = request.window_start
    while point < request.window_end:
        starts.append(point)
        point += step
    return starts


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(salons())
def test_listing_cp_sat_and_oracle_agree(case):
    salon, request, now = case
    plan = make_plan(salon, request, now)
    if isinstance(plan, NoAssignment):
        event(f"rejected before search: {plan.reason}")
        assert assign_booking(salon, request, now) == plan
        return
    slots = list_slots(plan)
    event("no slot" if not slots else "some slots")
    if not slots:
        for t in grid_starts(salon, request)[::7]:
            assert not oracle_bookable(salon, request, now, t), t
        result = assign_booking(salon, request, now)
        assert isinstance(result, NoAssignment)
        event(f"no slot: {result.reason}")
        assert result.reason in {Reason.CLOSED, Reason.STAFF_NOT_WORKING, Reason.DOES_NOT_FIT, Reason.FULLY_BOOKED}
        assert solve_plan(plan) is None
        return

    listed_starts = {s.start for s in slots}
    unlisted = [t for t in grid_starts(salon, request) if t not in listed_starts]
    for t in unlisted[:: max(1, len(unlisted) // 8)]:
        assert not oracle_bookable(salon, request, now, t), t
    for slot in slots[:: max(1, len(slots) // 8)]:
        assert oracle_bookable(salon, request, now, slot.start), slot

    indices = [(plan.horizon.minute_floor(s.start) - plan.lo) // plan.grid for s in slots]
    assert len(set(indices)) == len(indices)
    for slot in slots[:: max(1, len(slots) // 15)]:
        assert_oracle_accepts(salon, slot)
    for slot in slots:
        assert recheck_assignment(salon, slot.assignment, now) == ()

    for position in sorted({0, len(slots) // 2, len(slots) - 1}):
        assert solve_plan(plan, fixed_start_index=indices[position]) is not None, slots[position]
    listed = sorted((i, i + 1) for i in indices)
    assert solve_plan(plan, forbidden_starts=listed) is None

    solved = solve_plan(plan)
    assert solved is not None and solved.optimal
    assert solved.cost == -slots[0].score
    assert recheck_assignment(salon, solved.assignment, now) == ()
    other_encoding = solve_plan(plan, availability_as_domains=True)
    assert other_encoding is not None and other_encoding.cost == solved.cost

    booked = assign_booking(salon, request, now)  # pruned by the listing, hinted, same answer
    assert not isinstance(booked, NoAssignment)
    best_starts = {s.start for s in slots if s.score == slots[0].score}
    assert booked.start in best_starts
