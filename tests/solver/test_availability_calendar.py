"""Free time: business hours, weekly hours, exceptions, blocks and DST, seen through slots."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from salon_builders import (
    MEXICO_CITY,
    MONDAY,
    NOW,
    TIJUANA,
    UTC,
    at,
    busy,
    clocks,
    day_request,
    hhmm,
    make_salon,
    weekly,
)
from solver import (
    Block,
    DatedException,
    ExceptionKind,
    Reason,
    Service,
    Staff,
    available_slots,
    explain_no_slots,
)
from solver.calendar import Horizon

HOUR = Service("hora", 60)
SPRING_FORWARD_TIJUANA = date(2026, 3, 8)  # 02:00 PST -> 03:00 PDT
FALL_BACK_TIJUANA = date(2026, 11, 1)  # 02:00 PDT -> 01:00 PST


def hourly_salon(zone: str, **kwargs):
    return make_salon(
        staff=(Staff("ana", {"hora"}),), services=(HOUR,), zone=zone, granularity_minutes=60, max_days_ahead=400, **kwargs
    )


def utc_hours(slots) -> list[int]:
    """UTC hours of the starts, in time order."""
    return [s.start.astimezone(UTC).hour for s in sorted(slots, key=lambda s: s.start)]


def test_a_9_to_17_schedule_stays_9_to_17_when_tijuana_springs_forward():
    salon = hourly_salon(TIJUANA)
    now = at(date(2026, 3, 1), "08:00", TIJUANA)
    before = available_slots(salon, day_request("hora", date(2026, 3, 7), TIJUANA), now)
    change_day = available_slots(salon, day_request("hora", SPRING_FORWARD_TIJUANA, TIJUANA), now)
    expected = ["09:00", "10:00", "11:00", "12:00", "13:00", "14:00", "15:00", "16:00"]
    assert clocks(before, TIJUANA) == expected
    assert clocks(change_day, TIJUANA) == expected
    assert utc_hours(before)[0] == 17  # 09:00 PST
    assert utc_hours(change_day)[0] == 16  # 09:00 PDT


def test_a_9_to_17_schedule_stays_9_to_17_when_tijuana_falls_back():
    salon = hourly_salon(TIJUANA)
    now = at(date(2026, 10, 25), "08:00", TIJUANA)
    before = available_slots(salon, day_request("hora", date(2026, 10, 31), TIJUANA), now)
    change_day = available_slots(salon, day_request("hora", FALL_BACK_TIJUANA, TIJUANA), now)
    assert clocks(change_day, TIJUANA) == clocks(before, TIJUANA)
    assert utc_hours(before)[0] == 16  # 09:00 PDT
    assert utc_hours(change_day)[0] == 17  # 09:00 PST


def test_mexico_city_keeps_utc_minus_6_all_year_since_2022():
    salon = hourly_salon(MEXICO_CITY)
    # First Sunday of April and last Sunday of October were the old change days.
    for day in (date(2026, 4, 5), date(2026, 7, 15), date(2026, 10, 25), date(2026, 12, 1)):
        slots = available_slots(salon, day_request("hora", day), at(day - timedelta(days=1), "08:00"))
        assert utc_hours(slots)[0] == 15, day
        assert clocks(slots)[0] == "09:00"


def test_mexico_city_had_dst_before_2022_and_the_zone_data_knows_it():
    salon = hourly_salon(MEXICO_CITY)
    day = date(2021, 7, 15)
    slots = available_slots(salon, day_request("hora", day), at(day - timedelta(days=1), "08:00"))
    assert utc_hours(slots)[0] == 14  # 09:00 CDT (UTC-5) back then


def test_a_nonexistent_local_time_moves_forward_by_the_gap():
    zone = ZoneInfo(TIJUANA)
    horizon = Horizon(zone, SPRING_FORWARD_TIJUANA, 1)
    minute = horizon.local(SPRING_FORWARD_TIJUANA, time(2, 30))
    instant = horizon.instant(minute)
    assert instant == datetime(2026, 3, 8, 10, 30, tzinfo=timezone.utc)
    assert instant.astimezone(zone).strftime("%H:%M") == "03:30"


def test_a_repeated_local_time_means_its_first_occurrence():
    zone = ZoneInfo(TIJUANA)
    horizon = Horizon(zone, FALL_BACK_TIJUANA, 1)
    instant = horizon.instant(horizon.local(FALL_BACK_TIJUANA, time(1, 30)))
    assert instant == datetime(2026, 11, 1, 8, 30, tzinfo=timezone.utc)  # 01:30 PDT


def test_change_days_are_23_and_25_hours_long():
    zone = ZoneInfo(TIJUANA)
    spring = Horizon(zone, SPRING_FORWARD_TIJUANA, 1)
    fall = Horizon(zone, FALL_BACK_TIJUANA, 1)
    assert spring.day_starts[1] - spring.day_starts[0] == 23 * 60
    assert fall.day_starts[1] - fall.day_starts[0] == 25 * 60


def test_a_closed_date_has_no_slots():
    salon = make_salon(closed_dates=[MONDAY])
    request = day_request("corte")
    assert available_slots(salon, request, NOW) == []
    assert explain_no_slots(salon, request, NOW).reason is Reason.CLOSED


def test_a_weekday_without_business_hours_is_closed():
    salon = make_salon(hours=weekly(days=range(1, 7)))  # closed on Mondays
    assert available_slots(salon, day_request("corte"), NOW) == []
    assert available_slots(salon, day_request("corte", MONDAY + timedelta(days=1)), NOW)


def test_several_open_ranges_in_one_day():
    hours = weekly("09:00", "13:00") + weekly("16:00", "20:00")
    salon = make_salon(staff=(Staff("ana", {"hora"}),), services=(HOUR,), hours=hours, granularity_minutes=60)
    assert clocks(available_slots(salon, day_request("hora"), NOW)) == [
        "09:00", "10:00", "11:00", "12:00", "16:00", "17:00", "18:00", "19:00",
    ]  # fmt: skip


def test_a_lunch_block_splits_the_shift():
    lunch = Block(at(MONDAY, "13:00"), at(MONDAY, "14:00"), "comida")
    salon = make_salon(staff=(Staff("ana", {"hora"}, blocks=(lunch,)),), services=(HOUR,))
    starts = clocks(available_slots(salon, day_request("hora"), NOW))
    assert "12:00" in starts and "14:00" in starts
    assert not {"12:15", "12:30", "12:45", "13:00", "13:15", "13:30", "13:45"} & set(starts)


def test_a_location_block_takes_the_time_from_everyone():
    holiday = Block(at(MONDAY, "00:00"), at(MONDAY + timedelta(days=1), "00:00"), "día festivo")
    salon = make_salon(staff=(Staff("ana", {"corte"}), Staff("beto", {"corte"})), location_blocks=[holiday])
    request = day_request("corte")
    assert available_slots(salon, request, NOW) == []
    assert explain_no_slots(salon, request, NOW).reason is Reason.CLOSED


def test_weekly_hours_are_cut_to_business_hours():
    salon = make_salon(staff=(Staff("ana", {"hora"}, weekly_hours=weekly("07:00", "12:00")),), services=(HOUR,))
    starts = clocks(available_slots(salon, day_request("hora"), NOW))
    assert starts[0] == "09:00" and starts[-1] == "11:00"


def test_staff_without_weekly_hours_work_whenever_the_location_is_open():
    salon = make_salon(staff=(Staff("ana", {"hora"}),), services=(HOUR,))
    starts = clocks(available_slots(salon, day_request("hora"), NOW))
    assert starts[0] == "09:00" and starts[-1] == "16:00"


def test_a_day_off_removes_the_day():
    day_off = DatedException(MONDAY, ExceptionKind.DAY_OFF)
    for staff in (
        Staff("ana", {"corte"}, weekly_hours=weekly(), exceptions=(day_off,)),
        Staff("ana", {"corte"}, exceptions=(day_off,)),
    ):
        salon = make_salon(staff=(staff,))
        assert available_slots(salon, day_request("corte"), NOW) == []
        assert explain_no_slots(salon, day_request("corte"), NOW).reason is Reason.STAFF_NOT_WORKING
        assert available_slots(salon, day_request("corte", MONDAY + timedelta(days=1)), NOW)


def test_extra_hours_add_to_the_weekly_hours_on_that_date():
    extra = DatedException(MONDAY, ExceptionKind.EXTRA_HOURS, hhmm("15:00"), hhmm("17:00"))
    staff = Staff("ana", {"hora"}, weekly_hours=weekly("09:00", "12:00"), exceptions=(extra,))
    salon = make_salon(staff=(staff,), services=(HOUR,), granularity_minutes=60)
    assert clocks(available_slots(salon, day_request("hora"), NOW)) == ["09:00", "10:00", "11:00", "15:00", "16:00"]
    tuesday = available_slots(salon, day_request("hora", MONDAY + timedelta(days=1)), NOW)
    assert clocks(tuesday) == ["09:00", "10:00", "11:00"]


def test_extra_hours_cannot_open_a_closed_location():
    sunday = MONDAY + timedelta(days=6)
    extra = DatedException(sunday, ExceptionKind.EXTRA_HOURS, hhmm("10:00"), hhmm("14:00"))
    staff = Staff("ana", {"corte"}, weekly_hours=weekly(days=range(6)), exceptions=(extra,))
    salon = make_salon(staff=(staff,), hours=weekly(days=range(6)))
    assert available_slots(salon, day_request("corte", sunday), NOW) == []


def test_stored_occupancy_removes_only_that_resource():
    salon = make_salon(
        staff=(Staff("ana", {"hora"}), Staff("beto", {"hora"})),
        services=(HOUR,),
        occupancy=[busy("staff", "ana", MONDAY, "09:00", "17:00")],
        granularity_minutes=60,
    )
    slots = available_slots(salon, day_request("hora"), NOW)
    assert len(slots) == 8
    assert {s.staff_ids for s in slots} == {("beto",)}


def test_extra_hours_count_even_on_a_day_off():
    exceptions = (
        DatedException(MONDAY, ExceptionKind.DAY_OFF),
        DatedException(MONDAY, ExceptionKind.EXTRA_HOURS, hhmm("15:00"), hhmm("17:00")),
    )
    for weekly_hours in (None, weekly()):
        staff = Staff("ana", {"hora"}, weekly_hours=weekly_hours, exceptions=exceptions)
        salon = make_salon(staff=(staff,), services=(HOUR,), granularity_minutes=60)
        assert clocks(available_slots(salon, day_request("hora"), NOW)) == ["15:00", "16:00"]


def test_now_must_be_timezone_aware():
    with pytest.raises(ValueError):
        available_slots(make_salon(), day_request("corte"), NOW.replace(tzinfo=None))


def test_hours_can_run_until_midnight():
    salon = make_salon(staff=(Staff("ana", {"hora"}),), services=(HOUR,), hours=weekly("18:00", "00:00"), granularity_minutes=60)
    assert clocks(available_slots(salon, day_request("hora"), NOW)) == ["18:00", "19:00", "20:00", "21:00", "22:00", "23:00"]
