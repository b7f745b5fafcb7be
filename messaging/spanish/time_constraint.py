"""When a customer wants to come, as one value that keeps everything they said.

"El viernes después de las 5", "entre semana en la tarde", "de 10 a 12", "hoy al rato",
"lo más pronto posible" all become one :class:`TimeConstraint`: a conjunction of parts,
each of which alone would admit some starts. A start is admitted when every part said
admits it, so an offer search filters by :meth:`TimeConstraint.admits` (or walks
:meth:`TimeConstraint.windows` day by day) and never drops a bound.

Conventions, so that every caller reads the same thing:

* **Nothing is defaulted.** ``None``/empty means "not said". The dialogue decides what an
  unsaid day means (the appointment's own day for a move, "¿qué día?" for a booking).
* **Bounds apply to the start** of the visit, at minute precision, in local wall-clock
  time (naive datetimes; an aware one is read as already local). "después de las 5" is
  strict (5:00 is not after 5), "a partir de las 5", "desde las 5" and "5 o después"
  include 5:00; "antes de las 12" and "hasta las 12" exclude 12:00; "de 10 a 12" and
  "entre 10 y 12" are 10:00 up to, not including, 12:00.
* **Parts of the day** are the salon windows of :class:`~.times.PartOfDay`; "temprano"
  (:attr:`Lean.EARLY`) is before 11:00 and "tarde" as late (:attr:`Lean.LATE`) from 17:00.
* **Relative asks** ("más temprano", "más tarde" than what was offered) are kept as
  :attr:`Lean.EARLIER`/:attr:`Lean.LATER` and filter nothing until the dialogue gives
  the time they are relative to (:meth:`TimeConstraint.relative_to`).
* **Merging across turns**: a constraint has a *day* part (which days, and "from now"
  for "hoy"/"al rato") and a *clock* part (times, bounds, part of day, lean).
  :meth:`TimeConstraint.over` lays a new message over a remembered one part by part:
  "¿y el sábado?" keeps the remembered hours, "no, mejor a las 6" keeps the day.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta

from .times import PartOfDay

__all__ = ["ClockBound", "DayConstraint", "Lean", "TimeConstraint", "Window"]

EARLY_BEFORE = time(11, 0)  # "temprano": starts before this
LATE_FROM = time(17, 0)  # "tarde" as late: starts from this
AROUND_MINUTES = 30  # "como a las 4": this far either side
_LAST_MINUTE = 24 * 60 - 1


class Lean(enum.StrEnum):
    """Which end of the day, or of what was offered, the customer leans to."""

    SOONEST = "soonest"  # lo más pronto posible, cuanto antes, ahorita: the first start that fits
    EARLY = "early"  # temprano, a primera hora, lo más temprano: before 11:00, earliest first
    LATE = "late"  # tarde (as late), ya noche, lo más tarde, a última hora: from 17:00, latest first
    EARLIER = "earlier"  # más temprano / antes (than the time offered or remembered)
    LATER = "later"  # más tarde / después (than the time offered or remembered)


@dataclass(frozen=True, slots=True)
class ClockBound:
    """One end of the hours admitted: "después de las 5" is ``ClockBound(17:00, inclusive=False)``."""

    time: time
    inclusive: bool


@dataclass(frozen=True, slots=True)
class Window:
    """Starts admitted on one day: from ``first`` to ``last``, both included, at minute precision."""

    first: time
    last: time

    def __contains__(self, moment: time) -> bool:
        return self.first <= moment.replace(second=0, microsecond=0) <= self.last


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=None)


@dataclass(frozen=True, slots=True)
class DayConstraint:
    """Which days: a span (``first``..``last``, both included, either open), a set of
    weekdays ("entre semana", "los sábados"), and a set of days named one by one ("el
    viernes o el sábado"). Every part said must admit the day."""

    first: date | None = None
    last: date | None = None
    weekdays: frozenset[int] | None = None  # 0 = Monday
    only: frozenset[date] | None = None

    @classmethod
    def on(cls, day: date) -> DayConstraint:
        return cls(day, day)

    @property
    def single(self) -> date | None:
        """The one day meant, when exactly one day is admitted by the span or the list."""
        if self.only is not None and len(self.only) == 1:
            (day,) = self.only
            return day if self.admits(day) else None
        if self.first is not None and self.first == self.last and self.admits(self.first):
            return self.first
        return None

    @property
    def is_open(self) -> bool:
        """No last day: "a partir del lunes", "entre semana", "los sábados"."""
        return self.last is None and self.only is None

    def admits(self, day: date) -> bool:
        return (
            (self.first is None or day >= self.first)
            and (self.last is None or day <= self.last)
            and (self.weekdays is None or day.weekday() in self.weekdays)
            and (self.only is None or day in self.only)
        )

    def days_from(self, start: date, *, limit: int = 62) -> Iterator[date]:
        """The admitted days from ``start`` on, in order, looking at most ``limit`` days ahead."""
        first = max(start, self.first) if self.first is not None else start
        last = first + timedelta(days=limit - 1)
        if self.last is not None:
            last = min(last, self.last)
        if self.only is not None:
            yield from (day for day in sorted(self.only) if first <= day <= last and self.admits(day))
            return
        day = first
        while day <= last:
            if self.admits(day):
                yield day
            day += timedelta(days=1)

    def __and__(self, other: DayConstraint) -> DayConstraint:
        """Both at once: "la próxima semana" and "en la tarde entre semana"."""
        first = max((d for d in (self.first, other.first) if d is not None), default=None)
        last = min((d for d in (self.last, other.last) if d is not None), default=None)
        weekdays = self.weekdays if other.weekdays is None else (
            other.weekdays if self.weekdays is None else self.weekdays & other.weekdays
        )
        only = self.only if other.only is None else (other.only if self.only is None else self.only & other.only)
        return DayConstraint(first, last, weekdays, only)


_DAY_PART = frozenset({"days", "not_before"})
_CLOCK_PART = frozenset({"part_of_day", "times", "around", "after", "before", "lean"})


@dataclass(frozen=True, slots=True)
class TimeConstraint:
    """Everything a message says about when (see the module's conventions).

    >>> friday_after_five = TimeConstraint(days=DayConstraint.on(date(2027, 1, 15)),
    ...                                    after=ClockBound(time(17), inclusive=False))
    >>> friday_after_five.admits(datetime(2027, 1, 15, 17, 15))
    True
    >>> friday_after_five.admits(datetime(2027, 1, 15, 17, 0))
    False
    """

    days: DayConstraint | None = None
    not_before: datetime | None = None  # "hoy", "al rato", "en una hora": not before this local moment
    part_of_day: PartOfDay | None = None
    times: tuple[time, ...] = ()  # exact starts said: "a las 4", "a las 4 o a las 5"
    around: bool = False  # the times are approximate: "como a las 4", "4 más o menos"
    after: ClockBound | None = None
    before: ClockBound | None = None
    lean: Lean | None = None

    # ---- what was said
    @property
    def is_empty(self) -> bool:
        return not (self.says_day or self.says_clock or self.lean is Lean.SOONEST)

    @property
    def says_day(self) -> bool:
        return self.days is not None or self.not_before is not None

    @property
    def says_clock(self) -> bool:
        return bool(
            self.part_of_day or self.times or self.after or self.before
            or self.lean in (Lean.EARLY, Lean.LATE, Lean.EARLIER, Lean.LATER)
        )

    @property
    def day(self) -> date | None:
        """The single day meant, if the message names exactly one ("mañana", "el viernes 15")."""
        if self.days is not None:
            return self.days.single
        if self.not_before is not None:
            return self.not_before.date()
        return None

    @property
    def time(self) -> time | None:
        """The single exact start said, if one was ("a las 4")."""
        return self.times[0] if len(self.times) == 1 else None

    @property
    def is_relative(self) -> bool:
        """Says "earlier"/"later" than something the dialogue must supply."""
        return self.lean in (Lean.EARLIER, Lean.LATER)

    # ---- what it admits
    def admits_day(self, day: date) -> bool:
        if self.days is not None and not self.days.admits(day):
            return False
        return self.not_before is None or day >= self.not_before.date()

    def windows(self, day: date) -> tuple[Window, ...]:
        """The starts admitted on ``day``: one window per exact time said, else at most one."""
        if not self.admits_day(day):
            return ()
        low, high = 0, _LAST_MINUTE
        if self.part_of_day is not None:
            start, end = self.part_of_day.window
            low, high = max(low, _minutes(start)), min(high, _minutes(end) - (0 if end == time(23, 59) else 1))
        if self.after is not None:
            low = max(low, _minutes(self.after.time) + (0 if self.after.inclusive else 1))
        if self.before is not None:
            high = min(high, _minutes(self.before.time) - (0 if self.before.inclusive else 1))
        if self.lean is Lean.EARLY:
            high = min(high, _minutes(EARLY_BEFORE) - 1)
        elif self.lean is Lean.LATE:
            low = max(low, _minutes(LATE_FROM))
        if self.not_before is not None and day == self.not_before.date():
            moment = self.not_before
            low = max(low, moment.hour * 60 + moment.minute + (1 if moment.second or moment.microsecond else 0))
        spans = [(low, high)]
        if self.times:
            spread = AROUND_MINUTES if self.around else 0
            spans = [
                (max(low, _minutes(t) - spread), min(high, _minutes(t) + spread)) for t in sorted(set(self.times))
            ]
        return tuple(Window(_clock(a), _clock(b)) for a, b in spans if a <= b)

    def admits(self, moment: datetime) -> bool:
        """Whether a visit starting at ``moment`` (local wall-clock) fits everything said."""
        moment = _local(moment)
        if self.not_before is not None and moment < self.not_before:
            return False
        clock = moment.time()
        return any(clock in window for window in self.windows(moment.date()))

    def candidate_days(self, start: date, *, limit: int = 62) -> Iterator[date]:
        """Days with at least one admitted start, from ``start`` on (at most ``limit`` days ahead)."""
        if self.not_before is not None:
            start = max(start, self.not_before.date())
        days = self.days.days_from(start, limit=limit) if self.days is not None else (
            start + timedelta(days=n) for n in range(limit)
        )
        return (day for day in days if self.windows(day))

    # ---- across turns
    def over(self, remembered: TimeConstraint) -> TimeConstraint:
        """This message's constraint laid over a remembered one, part by part.

        A new day replaces the remembered day (and its "from now"); new hours replace the
        remembered hours. "¿y el sábado?" after "mañana en la tarde" is Saturday afternoon;
        "mejor a las 6" after "el viernes en la tarde" is Friday at 6.
        """
        changes = {}
        if self.says_day:
            changes.update({name: getattr(self, name) for name in _DAY_PART})
        if self.says_clock:
            changes.update({name: getattr(self, name) for name in _CLOCK_PART})
        elif self.lean is Lean.SOONEST:
            changes["lean"] = Lean.SOONEST
        return replace(remembered, **changes)

    def relative_to(self, reference: datetime) -> TimeConstraint:
        """Resolve "más temprano"/"más tarde" against the time they compare with.

        The day is the reference's own unless a day was said; the lean becomes a strict bound.
        """
        if not self.is_relative:
            return self
        reference = _local(reference)
        days = self.days if self.says_day else DayConstraint.on(reference.date())
        bound = ClockBound(reference.time().replace(second=0, microsecond=0), inclusive=False)
        if self.lean is Lean.EARLIER:
            return replace(self, days=days, before=bound, lean=None)
        return replace(self, days=days, after=bound, lean=None)

    def only_day(self) -> TimeConstraint:
        """The day part alone (what a reference to an appointment keeps, for instance)."""
        return TimeConstraint(**{f.name: getattr(self, f.name) for f in fields(self) if f.name in _DAY_PART})
