"""Offering free times that respect everything the customer said, and reading which one they pick.

:func:`search` asks ``check_availability`` (with the appointment being moved, when it is a
move, so its own time counts as free) and keeps only starts the frame's
:class:`~messaging.spanish.TimeConstraint` admits: the day(s), "después de las 5", "de 10
a 12", "entre semana en la tarde", "hoy al rato". When nothing on the day asked fits, it
says so and offers the nearest times on each side that day and the next day that fits.
Only times the tool returned are ever offered or booked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from messaging.spanish import DayConstraint, Lean, PartOfDay, TimeConstraint
from wording import at_time, bullet_list, capitalize_first, format_time, hour_words, time_with_article, weekday_name

from ..base import TurnState, local, numbered

MAX_OFFERED = 4
#: How many days ahead an open request ("entre semana", "lo más pronto posible") is searched.
SEARCH_DAYS = 14


@dataclass
class Found:
    """What a search found for the constraint, and how to say it."""

    asked_day: date | None
    day: date | None = None  # the day of the fitting offers
    offered: list[datetime] = field(default_factory=list)
    available: list[datetime] = field(default_factory=list)  # every fitting start of that day
    exact: datetime | None = None  # the one time asked, free
    missed: bool = False  # the day asked had nothing that fits
    nearest: list[datetime] = field(default_factory=list)  # that day, either side of what was asked
    closed: bool = False  # the day asked, the business does not open
    error: str | None = None

    @property
    def nothing(self) -> bool:
        return not self.offered and self.exact is None


def nice(starts: list[datetime]) -> list[datetime]:
    """O'clock and half-hour starts, when there are any: easier to read and to say."""
    return [s for s in starts if s.minute in (0, 30)] or starts


def spread(starts: list[datetime], count: int = MAX_OFFERED) -> list[datetime]:
    """A few times spread over the span, preferring o'clock and half-hour starts."""
    pool = nice(starts)
    if len(pool) <= count:
        return pool
    step = (len(pool) - 1) / (count - 1)
    return sorted({pool[round(i * step)] for i in range(count)})


def _pick_offers(admitted: list[datetime], when: TimeConstraint) -> list[datetime]:
    if when.lean in (Lean.SOONEST, Lean.EARLY):
        return nice(admitted)[:3] if len(nice(admitted)) >= 3 else admitted[:3]
    if when.lean is Lean.LATE:
        return (nice(admitted)[-3:] if len(nice(admitted)) >= 3 else admitted[-3:])
    if when.times and when.around:
        centre = when.times[0].hour * 60 + when.times[0].minute
        near = sorted(admitted, key=lambda s: abs(s.hour * 60 + s.minute - centre))[:3]
        return sorted(near)
    return spread(admitted)


async def search(t: TurnState, *, services: list[str], when: TimeConstraint, default_day: date,
                 appointment_id: str | None = None, staff_id: str | None = None) -> Found:
    """Free starts for the visit that fit ``when``; with no day said, from ``default_day`` on."""
    today = t.today
    start = today if when.says_day else max(default_day, today)
    days = list(when.candidate_days(start, limit=SEARCH_DAYS))
    if not days:
        return Found(asked_day=when.day, error="past" if (when.day and when.day < today) else "none")
    asked = days[0] if (when.day is not None or not when.says_day) and when.lean is not Lean.SOONEST else None
    hours_only = replace(when, days=None, not_before=None)  # the next days that fit: same hours asked
    if asked is not None:
        later = hours_only.candidate_days(asked + timedelta(days=1), limit=SEARCH_DAYS)
        days = days + [d for d in later if d > days[-1]]
    by_day: dict[date, list[datetime]] = {}

    async def fetch(first: date, last: date) -> str | None:
        result = await t.call("check_availability", service_ids=services, date_from=first.isoformat(),
                              date_to=last.isoformat(), appointment_id=appointment_id, staff_id=staff_id)
        if not result.ok:
            return result.message or "No pude revisar la agenda."
        for slot in result.value.slots:
            moment = local(slot.start)
            by_day.setdefault(moment.date(), []).append(moment)
        return None

    def first_fit(upto: date) -> tuple[date | None, list[datetime]]:
        for day in days:
            if day > upto:
                break
            fits = when if when.admits_day(day) else hours_only
            admitted = [s for s in by_day.get(day, []) if fits.admits(s)]
            if admitted:
                return day, admitted
        return None, []

    # The day asked first (a week for an open request); the following days only when nothing fits.
    near = days[0] if asked is not None else min(days[-1], days[0] + timedelta(days=6))
    if error := await fetch(days[0], near):
        return Found(asked_day=asked, error=error)
    day, admitted = first_fit(near)
    if day is None and days[-1] > near:
        last = min(days[-1], days[0] + timedelta(days=30))
        if error := await fetch(near + timedelta(days=1), last):
            return Found(asked_day=asked, error=error)
        day, admitted = first_fit(last)
    found = Found(asked_day=asked, day=day, available=list(by_day.get(day, [])) if day else [])
    if asked is not None and found.day != asked:
        found.missed = True
        found.closed = asked.weekday() not in t.profile.hours
        free = by_day.get(asked, [])
        windows = when.windows(asked)
        if free and windows:
            low, high = min(w.first for w in windows), max(w.last for w in windows)
            before = [s for s in nice(free) if s.time() < low] or [s for s in free if s.time() < low]
            after = [s for s in nice(free) if s.time() > high] or [s for s in free if s.time() > high]
            found.nearest = ([before[-1]] if before else []) + ([after[0]] if after else [])
    if found.day is not None:
        single = when.time if not when.around else None
        if single is not None and found.day == asked:
            found.exact = next((s for s in admitted if s.time() == single), None)
        found.offered = _pick_offers(admitted, when)
    if found.missed and when.time is not None and by_day.get(asked):
        # One hour asked and taken: the nearest free times that day, on both sides.
        found.day, found.available = asked, by_day[asked]
        found.offered = nearest_to(by_day[asked], when.time, MAX_OFFERED)
        found.nearest = []
    elif found.missed:
        found.offered = found.nearest + found.offered[: max(1, MAX_OFFERED - len(found.nearest) - 1)]
        found.available = sorted(set(found.available) | set(by_day.get(asked, [])))
    return found


# ---------------------------------------------------------------- words


_PART_WORDS = {PartOfDay.MORNING: "en la mañana", PartOfDay.MIDDAY: "al mediodía",
               PartOfDay.AFTERNOON: "en la tarde", PartOfDay.EVENING: "en la noche"}


def clock_words(when: TimeConstraint) -> str:
    """The hours asked, in a sentence: "después de las 5:00 PM", "de 10:00 AM a 12:00 PM", "en la tarde"."""
    if when.times:
        return ("como " if when.around else "") + at_time(when.times[0])
    after, before = when.after, when.before
    if after and before:
        return f"entre {time_with_article(after.time)} y {time_with_article(before.time)}"
    if after:
        return f"{'a partir de' if after.inclusive else 'después de'} {time_with_article(after.time)}"
    if before:
        return f"{'hasta' if before.inclusive else 'antes de'} {time_with_article(before.time)}"
    if when.lean is Lean.EARLY:
        return "temprano"
    if when.lean is Lean.LATE:
        return "en la tarde-noche"
    if when.part_of_day is not None:
        return _PART_WORDS[when.part_of_day]
    return ""


def when_words(t: TurnState, day: date, when: TimeConstraint) -> str:
    """ "el viernes después de las 5:00 PM", "mañana sábado en la tarde"."""
    clock = clock_words(when)
    return t.day_words(day) + (f" {clock}" if clock else "")


def offer_line(t: TurnState, start: datetime, shown_day: date | None) -> str:
    return format_time(start.time()) if start.date() == shown_day else \
        capitalize_first(f"{t.day_words(start.date())} {at_time(start.time())}")


def offer_text(t: TurnState, found: Found, when: TimeConstraint, *, lead: str, what: str) -> str:
    """The message that lists the offers (``what``: " para corte de cabello ($150)")."""
    if found.missed and found.asked_day is not None:
        if found.closed:
            intro = f"{capitalize_first(t.day_words(found.asked_day))} no abrimos. "
        elif when.time is not None and found.day == found.asked_day:
            intro = f"{capitalize_first(at_time(when.time))} ya no tengo espacio. "
        else:
            intro = f"{capitalize_first(when_words(t, found.asked_day, when))} ya no tengo espacio. "
        if found.nearest:
            return (f"{lead}{intro}Te puedo ofrecer{what}:\n"
                    + bullet_list(offer_line(t, s, found.asked_day) for s in found.offered) + "\n¿Cuál te funciona?")
        lead = lead.replace("Perfecto. ", "") + intro
    return (f"{lead}{capitalize_first(t.day_words(found.day))} tengo disponibles estos horarios{what}:\n"
            + bullet_list(offer_line(t, s, found.day) for s in found.offered) + "\n¿Cuál te funciona mejor?")


def iso(moment: datetime) -> str:
    return moment.replace(tzinfo=None).isoformat(timespec="minutes")


def at_words(t: TurnState, start: datetime | str, *, dated: bool = False) -> str:
    """ "mañana sábado a las 4:00 PM"; ``dated``: "el martes 24 a las 10:00 AM" (no doubt which week)."""
    moment = local(start) if isinstance(start, str) else start
    day = t.day_words(moment.date())
    if dated and not day.startswith(("hoy", "mañana")):
        day = f"el {weekday_name(moment.date())} {moment.day}"
    return f"{day} {at_time(moment.time())}"


def nearest_to(starts: list[datetime], wanted: time, count: int = 3) -> list[datetime]:
    minutes = wanted.hour * 60 + wanted.minute
    return sorted(sorted(nice(starts), key=lambda s: abs(s.hour * 60 + s.minute - minutes))[:count])


# ---------------------------------------------------------------- picking one


_CLOCK_TIME = re.compile(r"\b(a\s+la|a\s+las|las|la\s+una)\s+\d|\d\s*:\s*\d\d|\d\s*(y\s+media|y\s+cuarto|pm|am|p\.\s*m|a\.\s*m)"
                         r"|\bmedio\s*d[ií]a\b", re.IGNORECASE)


def names_a_clock_time(text: str) -> bool:
    """True when the words state a time of day ("a las 4", "4:30"), not a position ("la 2", "2")."""
    return bool(_CLOCK_TIME.search(text))


def picked(t: TurnState) -> tuple[datetime | None, bool]:
    """(the start picked, whether the customer proposed it rather than took an offer)."""
    from .common import frame, memory

    mem, f = memory(t), frame(t)
    offered = [local(s) for s in mem.offered]
    available = [local(s) for s in mem.available] or offered
    said = f.when.time if not f.when.around else None
    index = numbered(t.text, len(offered))
    if index is None and f.choice is not None:
        index = f.choice.pick(offered)
    if index is not None and said is not None and names_a_clock_time(t.text) and offered[index].time() != said:
        index = None  # "a las 4" when 4:30 was offered: a different time is the customer's to choose
    if index is not None and not (f.when.says_day and f.when.day not in (None, offered[index].date())):
        return offered[index], False
    day = date.fromisoformat(mem.day) if mem.day else None
    if said is not None and (not f.when.says_day or f.when.day == day):
        same = [s for s in available if s.time() == said and (day is None or s.date() == day)] or \
            [s for s in available if s.time() == said]
        if same:
            return same[0], same[0] not in offered
    if index is None and f.when.lean is Lean.SOONEST and not f.when.says_clock and offered:
        return sorted(offered)[0], False
    return None, False


async def not_picked(t: TurnState, u, *, research) -> None:
    """No offer picked: a time not free that day, a new day or hours, thanks, another day, or ask again."""
    from messaging.spanish import Act, Intent

    from .common import begin, frame, memory, owner_first, step, yes_no
    from .state import Step

    mem, f = memory(t), frame(t)
    offered = [local(s) for s in mem.offered]
    available = [local(s) for s in mem.available] or offered
    day = date.fromisoformat(mem.day) if mem.day else t.today
    said = f.when.time
    if said is not None and not f.when.says_day and not f.when.around:
        same_day = [s for s in available if s.date() == day] or available
        near = nearest_to(same_day, said)
        if near:
            mem.offered = [iso(s) for s in near]
            t.say(f"A {hour_words(said)} ya no tengo espacio {t.day_words(day)}. Lo más cercano es:\n"
                  + bullet_list(format_time(s.time()) for s in near) + "\n¿Te sirve alguno?")
            return
    if not f.when.is_empty:
        when = f.when
        if when.is_relative and offered:
            when = when.relative_to(offered[-1] if when.lean is Lean.LATER else offered[0])
        if not when.says_day:
            when = when.over(TimeConstraint(days=mem.when.days, not_before=mem.when.not_before)
                             if mem.when.says_day else TimeConstraint(days=DayConstraint.on(day)))
        else:
            when = when.over(mem.when)
        await research(t, when)
        return
    if u.intent in (Intent.THANKS, Intent.GOODBYE):
        t.flow = None
        t.say("¡Con gusto! Si más tarde quieres agendar, aquí estoy. 👋")
        return
    mem.tries += 1
    if mem.tries >= 3:
        t.flow = None
        t.say(f"Perdón, no logro entender qué horario prefieres 🙏 ¿Quieres que le avise a {owner_first(t)} "
              "para que te escriba?")
        begin(t, "inquiry", Step.OFFERED_HANDOFF)
        return
    if f.has(Act.OTHER_OPTIONS) or yes_no(t) is False:
        step(t, Step.DAY if t.flow.type == "book" else Step.NEW_DAY)
        t.say("Va, ¿qué otro día te acomoda?")
        return
    example = format_time(offered[0].time()) if offered else "4:00 PM"
    t.say(f"¿Cuál horario te funciona? Dime la hora, por ejemplo «{example}».")
