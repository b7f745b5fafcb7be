"""The last question a staff member asked, kept so "¿y mañana?" or "¿y Pedro?" reuse it.

After an agenda or a figures answer the conversation keeps a typed :class:`Asked` (flow
``asked``, state ``answered``). The next message, when it is a follow-up — it starts with
"y" or is a few words naming only a period, a person, "yo"/"en total" or another figure —
is the same question with that one value changed; anything else starts afresh.
"""

from __future__ import annotations

import enum
import re
import uuid
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import ClassVar

from rapidfuzz import fuzz, process

from messaging.spanish import normalize
from messaging.spanish.figures import Figure, Scope, read_figures
from messaging.spanish.intents import Understanding
from messaging.spanish.periods import PeriodKind, parse_period

from ..base import TurnState
from .state import StaffState, Step, begin

FLOW = "asked"

_FOLLOW_UP = re.compile(r"^\W*(?:y|e|ahora|entonces|tambien|igual)\b")
_ME = re.compile(r"\b(?:yo|mi|mis|mio|mia|mios|mias|conmigo)\b")
_EVERYONE = re.compile(r"\b(?:en\s+total|total|todos|todas|el\s+negocio|todo\s+el\s+negocio|el\s+salon|general)\b")


class AskedKind(enum.StrEnum):
    FIGURES = "figures"
    SCHEDULE = "schedule"


FIGURES, SCHEDULE = AskedKind.FIGURES, AskedKind.SCHEDULE


@dataclass(frozen=True, slots=True)
class Asked(StaffState):
    """What was asked: an agenda or figures, for local days first..last, and whose."""

    KIND: ClassVar[str] = FLOW
    kind: AskedKind
    first: date
    last: date
    #: Figure values in the order asked (figures only).
    figures: tuple[str, ...] = ()
    #: None: the business's (figures) or every agenda (schedule); else one staff member.
    staff_id: str | None = None
    staff_name: str | None = None
    #: the staff member is the sender ("tengo", "mi agenda")
    mine: bool = False


_WHOLE_UNIT = (("de la semana", "de esta semana"), ("del mes", "de este mes"), ("del ano", "de este ano"))
_SHIFT = re.compile(r"\b(?:la|el)\s+(?:(pasad[ao]|anterior)|(que\s+viene|proxim[ao]|siguiente|otr[ao]))\b")


def period_of(norm: str, today: date) -> tuple[date, date] | None:
    """The days a normalised question is about ("de la semana" is this week; "en diciembre" asked in
    January is the December just gone: nobody counts a month half a year ahead)."""
    for said, meant in _WHOLE_UNIT:
        norm = re.sub(rf"\b{said}\b", meant, norm)
    period = parse_period(norm, today, normalized=True)
    if period is None:
        return None
    first, last = period.first, period.last
    if period.kind is PeriodKind.MONTH and period.relative is None and (first - today).days > 150:
        first, last = first.replace(year=first.year - 1), _month_end(first.year - 1, first.month)
    return first, last


def _month_end(year: int, month: int) -> date:
    import calendar

    return date(year, month, calendar.monthrange(year, month)[1])


def _shifted(asked: Asked, norm: str) -> tuple[date, date] | None:
    """"¿y la pasada?", "¿y el siguiente?": the same kind of period, one step back or ahead."""
    match = _SHIFT.search(norm)
    if match is None:
        return None
    step = -1 if match.group(1) else 1
    first, last = asked.first, asked.last
    days = (last - first).days + 1
    if first.day == 1 and last == _month_end(first.year, first.month):
        index = first.year * 12 + first.month - 1 + step
        year, month = divmod(index, 12)
        return date(year, month + 1, 1), _month_end(year, month + 1)
    return first + timedelta(days=step * days), last + timedelta(days=step * days)


def remember(t: TurnState, asked: Asked) -> None:
    """Keep the question answered this turn for the next message's follow-up."""
    begin(t, asked, Step.ANSWERED)


def mentioned_member(t: TurnState, u: Understanding | None, text: str | None = None):
    """The team member a message names ("Pedro", "pedrito", "la de María"), or None."""
    team = [m for m in t.profile.team]
    if u is not None and u.slots.staff_name:
        named = [m for m in team if m.name == u.slots.staff_name]
        if named:
            return named[0]
    words = [w for w in normalize(text or t.text).split() if len(w) >= 3]
    if not words or not team:
        return None
    firsts = {normalize(m.name).split()[0]: m for m in team if m.name}
    best = None
    for word in words:
        found = process.extractOne(word, list(firsts), scorer=fuzz.ratio, score_cutoff=85)
        if found and (best is None or found[1] > best[1]):
            best = found
    return firsts[best[0]] if best else None


def follow_up(t: TurnState, u: Understanding, asked: Asked) -> Asked | None:
    """The last question with the one value this message changes, or None when it is not a follow-up."""
    norm = normalize(t.text)
    words = norm.split()
    said_and = bool(_FOLLOW_UP.match(norm))
    # without "y", only a bare value ("mañana?", "Pedro") follows up; "agenda de mañana" asks anew
    if not words or not (said_and or (len(words) <= 4 and u.intent.value == "unknown")):
        return None
    # A bare weekday after a question about the past ("¿cuánto vendimos ayer?" "¿y el lunes?") is the last one.
    past = asked.last < t.today
    period = period_of(norm + (" hubo" if past else ""), t.today) or _shifted(asked, norm)
    member = mentioned_member(t, u, norm)
    me = bool(_ME.search(norm)) and member is None
    everyone = bool(_EVERYONE.search(norm)) and member is None and not me
    figures = read_figures(norm, normalized=True)
    if figures is not None and figures.figures == (Figure.SUMMARY,) and asked.kind == FIGURES:
        figures = None  # "¿y los números de ayer?" keeps what was asked
    if not (period or member or me or everyone or figures):
        return None
    if figures is not None and not said_and:
        return None  # "¿cuánto vendimos hoy?" is a whole new question, with its own whose
    new = asked
    if period is not None:
        new = replace(new, first=period[0], last=period[1])
    if member is not None:
        mine = str(member.id) == str(t.staff_id)
        new = replace(new, staff_id=str(member.id), staff_name=member.name, mine=mine)
    elif me:
        new = replace(new, staff_id=str(t.staff_id), staff_name=t.staff_name, mine=True)
    elif everyone:
        new = replace(new, staff_id=None, staff_name=None, mine=False)
    if figures is not None:
        new = replace(new, kind=FIGURES, figures=tuple(f.value for f in figures.figures))
        if figures.scope is Scope.MINE and member is None:
            new = replace(new, staff_id=str(t.staff_id), staff_name=t.staff_name, mine=True)
        elif figures.scope is Scope.EVERYONE and member is None and not me:
            new = replace(new, staff_id=None, staff_name=None, mine=False)
    if new.kind == SCHEDULE and new.first != new.last:
        # "¿qué tengo hoy?" "¿y la otra semana?": a week of agendas is a count, not a list
        new = replace(new, kind=FIGURES, figures=(Figure.APPOINTMENTS.value,))
    return new


def member_id(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None
