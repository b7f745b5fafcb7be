"""Which of the customer's appointments a message talks about: "mi cita del viernes", "la de las 11".

A reference starts at an anchor and takes the day, time and service said right after it:

* "mi cita", "la cita", "mi reservación", "mi turno" (also "mis citas", "esa cita");
* "la del …", "la de las …", "la que tengo …" (the appointment is feminine: "la cita");
* "tengo (una) cita …" — a statement about an appointment already made, which may name
  its day and hour freely ("tengo cita el viernes a las 4, ¿me la cambias?");
* "todas mis citas", "mis dos citas", "las dos citas" — every one.

After "mi cita"/"la", a day joins with "de"/"del" ("mi cita del viernes", "la de
mañana"), a time with "de las" ("la de las 11") or "que tengo/que es a las", a service
with "de"/"del"/"para" ("la del corte"). "para el jueves" does not join: in "cambia mi
cita para el jueves" the Thursday is where the appointment goes.

Without an anchor, a move that names two days (or two hours) refers by the first ("no
puedo el martes, pásamela al jueves"), and a cancel refers by everything it names
("cancela lo de mañana a las 4").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clock_mentions import ClockMention
from .day_mentions import DayMention
from .frames import AppointmentRef, ServiceMention

__all__ = ["Reference", "find_reference"]

_ANCHOR_RE = re.compile(
    r"\b(?P<every>todas\s+mis\s+citas|mis\s+dos\s+citas|las\s+dos\s+citas|ambas\s+citas|mis\s+citas)\b"
    r"|\b(?P<statement>(?:tengo|tenia|tenemos|traigo)\s+(?:una\s+|mi\s+|la\s+)?(?:cita|reservacion))\b"
    r"|\b(?P<own>(?:mi|la|tu|su|esa|esta|nuestra)\s+(?:cita|reservacion|reserva|turno))\b"
    r"|\b(?P<bare>la)\s+(?=del?\s|que\s+(?:tengo|tenia|tenemos|hice|saque|agende|reserve|aparte|es|era)\b)"
)
_DAY_GAP = re.compile(r"\s*(?:(?:que\s+(?:tengo|tenia|tenemos|es|era|hice|saque|agende|reserve|aparte)\s+)?(?:para\s+)?(?:el\s+)?|de\s+|del\s+|de\s+el\s+)?")
_OWN_DAY_GAP = re.compile(r"\s*(?:de\s+|del\s+|de\s+el\s+|que\s+(?:tengo|tenia|tenemos|es|era|hice|saque|agende|reserve|aparte)\s+(?:para\s+)?(?:el\s+)?)")
_DAY_SAID_WITH_DE = re.compile(r"del?\s")
_TIME_GAP = re.compile(r"\s*(?:que\s+(?:tengo|tenia|tenemos|es|era|hice|saque|agende|reserve|aparte)\s*)?")
_SERVICE_GAP = re.compile(r"\s*(?:de|del|de\s+el|de\s+la|para|para\s+el|para\s+la|de\s+mi)?\s*(?:un|una)?\s*")
_OWN_TIME_LEAD = re.compile(r"^\s*(?:de\s+(?:las?\s+)?|que\s+)")


@dataclass(frozen=True, slots=True)
class Reference:
    kind: str  # "own" (mi cita, la cita), "bare" (la del…), "statement" (tengo cita…), "every" (mis citas)
    ref: AppointmentRef
    span: tuple[int, int]
    days: tuple[DayMention, ...]
    clocks: tuple[ClockMention, ...]
    services: tuple[tuple[tuple[int, int], ServiceMention], ...]


def _joins(gap: str, pattern: re.Pattern[str]) -> bool:
    return pattern.fullmatch(gap) is not None


def _build(days: list[DayMention], clocks: list[ClockMention], services: list[ServiceMention], every: bool) -> AppointmentRef:
    day = days[0] if days else None
    clock_times = next((clock.times for clock in clocks if clock.times), ())
    return AppointmentRef(
        days=None if day is None or day.weekday is not None else day.days,
        weekday=day.weekday if day is not None else None,
        time=clock_times[0] if clock_times else None,
        services=tuple(services),
        every=every,
    )


def find_reference(
    norm: str,
    days: list[DayMention],
    clocks: list[ClockMention],
    services: list[tuple[tuple[int, int], ServiceMention]],
) -> Reference | None:
    """The anchored reference in a normalized message, with the mentions it takes (see the module)."""
    anchor = _ANCHOR_RE.search(norm)
    if anchor is None:
        return None
    kind = anchor.lastgroup
    end = anchor.end()
    taken_days: list[DayMention] = []
    taken_clocks: list[ClockMention] = []
    taken_services: list[tuple[tuple[int, int], ServiceMention]] = []
    pending = sorted(
        [("day", d.span, d) for d in days]
        + [("clock", c.span, c) for c in clocks if c.times]
        + [("service", s[0], s) for s in services],
        key=lambda item: item[1],
    )
    for what, span, mention in pending:
        if span[0] < anchor.start():
            continue
        if span[0] < end:
            continue
        gap = norm[end:span[0]]
        said = norm[span[0]:span[1]]
        if what == "day" and not taken_days:
            joins = _joins(gap, _DAY_GAP) if kind == "statement" else (
                _joins(gap, _OWN_DAY_GAP) or (not gap.strip() and bool(_DAY_SAID_WITH_DE.match(said)))
            )
        elif what == "clock" and not taken_clocks:
            joins = _joins(gap, _TIME_GAP) and (
                kind == "statement" or bool(_OWN_TIME_LEAD.match(gap + said)) or "que" in gap
            )
        elif what == "service" and not taken_services:
            joins = _joins(gap, _SERVICE_GAP)
        else:
            joins = False
        if not joins:
            break
        end = span[1]
        if what == "day":
            taken_days.append(mention)
        elif what == "clock":
            taken_clocks.append(mention)
        else:
            taken_services.append(mention)
    if kind == "bare" and not (taken_days or taken_clocks or taken_services):
        return None
    ref = _build(taken_days, taken_clocks, [s for _, s in taken_services], every=kind == "every")
    return Reference(kind, ref, (anchor.start(), end), tuple(taken_days), tuple(taken_clocks), tuple(taken_services))


def reference_from(days: list[DayMention], clocks: list[ClockMention]) -> AppointmentRef:
    """A reference made of mentions chosen by the caller (the first day of a move, all of a cancel)."""
    return _build(days, clocks, [], every=False)
