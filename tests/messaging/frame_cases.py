"""Shorthands for the frame table: a row reads like the frame a receptionist would write down.

"Now" is Thursday 14 January 2027, 10:30 AM in the salon, so "mañana" is Friday the
15th, "el sábado" the 16th, "el lunes" the 18th and "el jueves" next week's, the 21st.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from messaging.spanish import (
    Act,
    AppointmentRef,
    Catalog,
    ClockBound,
    DayConstraint,
    Frame,
    Lean,
    OfferChoice,
    PartOfDay,
    TimeConstraint,
)

NOW = datetime(2027, 1, 14, 10, 30)
CATALOG = Catalog.of(
    {
        "corte": "Corte de cabello",
        "barba": "Arreglo de barba",
        "tinte": "Tinte completo",
        "mani": "Manicure",
        "pedi": "Pedicure",
        "cejas": "Depilación de cejas",
        "peinado": "Peinado",
    },
    {"pedro": "Pedro Hernández", "maria": "María López", "fer": "Fernanda Ruiz"},
)

# acts
BOOK, MOVE, CANCEL, CORRECT, CHOOSE = Act.BOOK, Act.MOVE, Act.CANCEL, Act.CORRECT, Act.CHOOSE
SAME, FOLLOW, OTHER, LATE_ACT = Act.SAME_AS_LAST, Act.FOLLOW_UP, Act.OTHER_OPTIONS, Act.RUNNING_LATE
PRICE, DURATION, HOURS, WHERE, SERVICES = Act.ASK_PRICE, Act.ASK_DURATION, Act.ASK_HOURS, Act.ASK_LOCATION, Act.ASK_SERVICES
MINE, PERSON, HELP = Act.ASK_APPOINTMENTS, Act.ASK_PERSON, Act.HELP
YES, NO, HI, THANKS, BYE = Act.CONFIRM, Act.DENY, Act.GREET, Act.THANK, Act.GOODBYE
# parts of the day and leans
MORNING, MIDDAY, AFTERNOON, EVENING = PartOfDay.MORNING, PartOfDay.MIDDAY, PartOfDay.AFTERNOON, PartOfDay.EVENING
SOONEST, EARLY, LATE, EARLIER, LATER = Lean.SOONEST, Lean.EARLY, Lean.LATE, Lean.EARLIER, Lean.LATER
W = TimeConstraint


def d(day: int, month: int = 1) -> date:
    return date(2027, month, day)


def on(day: int, month: int = 1) -> DayConstraint:
    return DayConstraint.on(d(day, month))


def days(first: int, last: int, month: int = 1) -> DayConstraint:
    return DayConstraint(d(first, month), d(last, month))


def either(*days_of_january: int) -> DayConstraint:
    chosen = frozenset(d(day) for day in days_of_january)
    return DayConstraint(min(chosen), max(chosen), only=chosen)


def weekdays(*numbers: int) -> DayConstraint:
    return DayConstraint(weekdays=frozenset(numbers))


def t(hour: int, minute: int = 0) -> time:
    return time(hour, minute)


def after(hour: int, minute: int = 0) -> ClockBound:
    """"después de las 5": 5:00 itself excluded."""
    return ClockBound(time(hour, minute), inclusive=False)


def from_(hour: int, minute: int = 0) -> ClockBound:
    """"a partir de las 5", "desde las 5", "de 5 en adelante": 5:00 included."""
    return ClockBound(time(hour, minute), inclusive=True)


def before(hour: int, minute: int = 0) -> ClockBound:
    """"antes de las 12", "hasta las 12", the end of "de 10 a 12": 12:00 excluded."""
    return ClockBound(time(hour, minute), inclusive=False)


def upto(hour: int, minute: int = 0) -> ClockBound:
    """"12 o antes": 12:00 included."""
    return ClockBound(time(hour, minute), inclusive=True)


def today_from(hour: int, minute: int = 0, **more) -> TimeConstraint:
    """Today, not before ``hour:minute`` ("hoy", "al rato", "en una hora")."""
    return W(days=on(14), not_before=datetime(2027, 1, 14, hour, minute), **more)


def S(*ids: str | tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Services named, in order: "corte" one service, ("mani", "pedi") an ambiguous mention."""
    return tuple(item if isinstance(item, tuple) else (item,) for item in ids)


@dataclass(frozen=True)
class R:
    """An appointment reference, services by id."""

    days: DayConstraint | None = None
    weekday: int | None = None
    time: time | None = None
    services: tuple[tuple[str, ...], ...] = ()
    every: bool = False

    @classmethod
    def of(cls, ref: AppointmentRef | None) -> R | None:
        if ref is None:
            return None
        return cls(ref.days, ref.weekday, ref.time, tuple(m.ids for m in ref.services), ref.every)


def F(
    *acts: Act,
    when: TimeConstraint = TimeConstraint(),
    services: tuple = (),
    ref: R | None = None,
    choice: OfferChoice | None = None,
    staff: tuple[str, ...] = (),
    name: str | None = None,
    unknown: tuple[str, ...] = (),
    any_staff: bool = False,
) -> dict:
    """The frame expected, as the table compares it (acts in the frame's order)."""
    order = {act: index for index, act in enumerate(Act)}
    return {
        "acts": tuple(sorted(acts, key=order.__getitem__)),
        "when": when,
        "services": services,
        "ref": ref,
        "choice": choice,
        "staff": staff,
        "name": name,
        "unknown": unknown,
        "any_staff": any_staff,
    }


def seen(frame: Frame) -> dict:
    """The same view of a parsed frame."""
    return {
        "acts": frame.acts,
        "when": frame.when,
        "services": tuple(mention.ids for mention in frame.services),
        "ref": R.of(frame.appointment),
        "choice": frame.choice,
        "staff": tuple(mention.id for mention in frame.staff),
        "name": frame.person_name,
        "unknown": frame.unknown_services,
        "any_staff": frame.any_staff,
    }


MY_APPOINTMENT = R()


def from_day(day: int, month: int = 1) -> DayConstraint:
    """"a partir del lunes", "desde el 20": that day on."""
    return DayConstraint(first=d(day, month))


def until_day(day: int, month: int = 1) -> DayConstraint:
    """"hasta el jueves" (that day included); "antes del viernes" is until the day before."""
    return DayConstraint(last=d(day, month))
