"""A time constraint admits exactly the starts that fit everything the customer said."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from messaging.spanish import ClockBound, DayConstraint, Lean, PartOfDay, TimeConstraint, Window

THURSDAY = date(2027, 1, 14)
FRIDAY = date(2027, 1, 15)
SATURDAY = date(2027, 1, 16)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def test_after_five_is_strict_and_from_five_includes_five():
    after = TimeConstraint(after=ClockBound(time(17), inclusive=False))
    from_ = TimeConstraint(after=ClockBound(time(17), inclusive=True))
    assert not after.admits(at(FRIDAY, 17)) and after.admits(at(FRIDAY, 17, 15))
    assert from_.admits(at(FRIDAY, 17)) and not from_.admits(at(FRIDAY, 16, 59))


def test_a_range_of_hours_admits_its_start_but_not_its_end():
    ten_to_twelve = TimeConstraint(after=ClockBound(time(10), True), before=ClockBound(time(12), False))
    assert ten_to_twelve.admits(at(FRIDAY, 10))
    assert ten_to_twelve.admits(at(FRIDAY, 11, 45))
    assert not ten_to_twelve.admits(at(FRIDAY, 12))
    assert ten_to_twelve.windows(FRIDAY) == (Window(time(10), time(11, 59)),)


def test_weekdays_in_the_afternoon_leave_out_the_weekend_and_the_morning():
    weekdays_afternoon = TimeConstraint(
        days=DayConstraint(weekdays=frozenset(range(5))), part_of_day=PartOfDay.AFTERNOON
    )
    assert weekdays_afternoon.admits(at(FRIDAY, 16))
    assert not weekdays_afternoon.admits(at(SATURDAY, 16))
    assert not weekdays_afternoon.admits(at(FRIDAY, 10))
    assert list(weekdays_afternoon.candidate_days(FRIDAY, limit=4)) == [FRIDAY, date(2027, 1, 18)]


def test_today_from_now_never_admits_the_past():
    now = datetime(2027, 1, 14, 15, 20, 30)
    later_today = TimeConstraint(days=DayConstraint.on(THURSDAY), not_before=now)
    assert not later_today.admits(at(THURSDAY, 15, 15))
    assert later_today.admits(at(THURSDAY, 15, 30))
    assert later_today.windows(THURSDAY)[0].first == time(15, 21)
    assert later_today.day == THURSDAY


def test_an_exact_time_admits_that_start_and_around_admits_half_an_hour_either_side():
    four = TimeConstraint(times=(time(16),))
    around_four = TimeConstraint(times=(time(16),), around=True)
    assert four.admits(at(FRIDAY, 16)) and not four.admits(at(FRIDAY, 16, 15))
    assert around_four.admits(at(FRIDAY, 15, 30)) and around_four.admits(at(FRIDAY, 16, 30))
    assert not around_four.admits(at(FRIDAY, 16, 45))


def test_two_times_said_are_two_windows():
    four_or_five = TimeConstraint(times=(time(17), time(16)))
    assert four_or_five.windows(FRIDAY) == (Window(time(16), time(16)), Window(time(17), time(17)))


def test_early_and_late_are_the_ends_of_the_day():
    early, late = TimeConstraint(lean=Lean.EARLY), TimeConstraint(lean=Lean.LATE)
    assert early.admits(at(FRIDAY, 10, 45)) and not early.admits(at(FRIDAY, 11))
    assert late.admits(at(FRIDAY, 17)) and not late.admits(at(FRIDAY, 16, 45))


def test_days_named_one_by_one():
    friday_or_monday = DayConstraint(only=frozenset({FRIDAY, date(2027, 1, 18)}))
    assert list(friday_or_monday.days_from(THURSDAY)) == [FRIDAY, date(2027, 1, 18)]
    assert friday_or_monday.single is None
    assert DayConstraint.on(FRIDAY).single == FRIDAY


def test_a_new_day_keeps_the_remembered_hours():
    remembered = TimeConstraint(days=DayConstraint.on(FRIDAY), part_of_day=PartOfDay.AFTERNOON)
    and_saturday = TimeConstraint(days=DayConstraint.on(SATURDAY))
    assert and_saturday.over(remembered) == TimeConstraint(
        days=DayConstraint.on(SATURDAY), part_of_day=PartOfDay.AFTERNOON
    )


def test_a_new_time_keeps_the_remembered_day():
    remembered = TimeConstraint(days=DayConstraint.on(FRIDAY), after=ClockBound(time(17), False))
    better_at_six = TimeConstraint(times=(time(18),))
    assert better_at_six.over(remembered) == TimeConstraint(days=DayConstraint.on(FRIDAY), times=(time(18),))


def test_another_day_drops_the_from_now_of_today():
    remembered = TimeConstraint(days=DayConstraint.on(THURSDAY), not_before=at(THURSDAY, 15))
    merged = TimeConstraint(days=DayConstraint.on(SATURDAY)).over(remembered)
    assert merged.not_before is None and merged.day == SATURDAY


def test_later_than_an_offer_becomes_a_bound_on_that_day():
    later = TimeConstraint(lean=Lean.LATER).relative_to(at(FRIDAY, 16))
    assert later.day == FRIDAY
    assert later.admits(at(FRIDAY, 16, 15)) and not later.admits(at(FRIDAY, 16))
    earlier = TimeConstraint(lean=Lean.EARLIER, days=DayConstraint.on(SATURDAY)).relative_to(at(FRIDAY, 16))
    assert earlier.day == SATURDAY and earlier.admits(at(SATURDAY, 15)) and not earlier.admits(at(SATURDAY, 16))


def test_an_empty_constraint_admits_everything_and_says_nothing():
    empty = TimeConstraint()
    assert empty.is_empty and not empty.says_day and not empty.says_clock
    assert empty.admits(at(FRIDAY, 3))


# ---- properties
_times = st.times().map(lambda t: t.replace(second=0, microsecond=0))
_bounds = st.builds(ClockBound, _times, st.booleans())
_days = st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 3, 31))
_day_constraints = st.builds(
    DayConstraint,
    st.none() | _days,
    st.none() | _days,
    st.none() | st.frozensets(st.integers(0, 6), min_size=1),
    st.none() | st.frozensets(_days, min_size=1, max_size=4),
)
_moments = st.datetimes(min_value=datetime(2027, 1, 1), max_value=datetime(2027, 3, 31, 23, 59)).map(
    lambda m: m.replace(second=0, microsecond=0)
)
_parts = {
    "days": st.none() | _day_constraints,
    "not_before": st.none() | _moments,
    "part_of_day": st.none() | st.sampled_from(PartOfDay),
    "times": st.lists(_times, max_size=3).map(tuple),
    "after": st.none() | _bounds,
    "before": st.none() | _bounds,
    "lean": st.none() | st.sampled_from([Lean.SOONEST, Lean.EARLY, Lean.LATE]),
}


@settings(max_examples=400, deadline=None)
@given(parts=st.fixed_dictionaries(_parts), around=st.booleans(), moment=_moments)
def test_a_composed_constraint_admits_a_start_iff_every_part_alone_admits_it(parts, around, moment):
    composed = TimeConstraint(**parts, around=around)
    alone = [TimeConstraint(**{name: value}, around=around) for name, value in parts.items()]
    assert composed.admits(moment) == all(part.admits(moment) for part in alone)


@settings(max_examples=200, deadline=None)
@given(parts=st.fixed_dictionaries(_parts), start=_days)
def test_every_start_in_a_window_is_admitted_and_the_minutes_around_it_are_not(parts, start):
    constraint = TimeConstraint(**parts)
    for day in list(constraint.candidate_days(start, limit=10))[:3]:
        for window in constraint.windows(day):
            first, last = datetime.combine(day, window.first), datetime.combine(day, window.last)
            assert constraint.admits(first) and constraint.admits(last)
            before, after = first - timedelta(minutes=1), last + timedelta(minutes=1)
            if before.date() == day and not any(before.time() in w for w in constraint.windows(day)):
                assert not constraint.admits(before)
            if after.date() == day and not any(after.time() in w for w in constraint.windows(day)):
                assert not constraint.admits(after)


@settings(max_examples=200, deadline=None)
@given(new=st.fixed_dictionaries(_parts), old=st.fixed_dictionaries(_parts))
def test_laying_a_message_over_a_remembered_one_keeps_whatever_it_did_not_say(new, old):
    newer, remembered = TimeConstraint(**new), TimeConstraint(**old)
    merged = newer.over(remembered)
    source_of_day = newer if newer.says_day else remembered
    assert (merged.days, merged.not_before) == (source_of_day.days, source_of_day.not_before)
    source_of_clock = newer if newer.says_clock else remembered
    assert (merged.part_of_day, merged.times, merged.after, merged.before) == (
        source_of_clock.part_of_day, source_of_clock.times, source_of_clock.after, source_of_clock.before
    )
