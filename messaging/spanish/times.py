"""Clock times and parts of the day as salon customers and staff write them (ranges: :mod:`time_ranges`).

Rules (all on the normal form from :mod:`normal_form`):

* **Salon hours rule.** A bare hour without am/pm or "de la mañana/tarde/noche" is read
  the way a salon works: 1–7 is afternoon (``a las 4`` → 16:00), 8–11 is morning
  (``las 11`` → 11:00), 12 is noon, 13–23 is a 24-hour clock. An explicit qualifier
  always wins (``5 de la mañana`` → 05:00, ``8 de la noche`` → 20:00, ``5pm``); a
  two-digit hour with a leading zero (``07:30``) is read literally as a 24-hour clock.
* **What counts as a time.** A number is a time only with a clock marker: ``a las``,
  ``las``, ``a la una``, ``de la``, a colon (``4:30``), ``y media``/``y cuarto``,
  am/pm, ``hrs``, or a part-of-day qualifier. ``la 2``, ``el 15`` or ``en 3 días`` are
  not times (an option number, a day, a count).
* **Parts of day.** ``en/por la mañana``, ``en la tarde``, ``en la noche``, ``al
  mediodía`` (as a part, besides being 12:00), ``esta tarde``, ``mañana temprano``.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import time

from .normal_form import normalize

__all__ = ["PartOfDay", "find_parts_of_day", "find_times", "parse_part_of_day", "parse_time", "resolve_hour"]


class PartOfDay(enum.Enum):
    """A loose part of the day, with the window of salon hours it usually means."""

    MORNING = "manana"
    MIDDAY = "mediodia"
    AFTERNOON = "tarde"
    EVENING = "noche"

    @property
    def window(self) -> tuple[time, time]:
        """Start and end (exclusive) of the part of the day, in salon terms."""
        return _WINDOWS[self]


_WINDOWS = {
    PartOfDay.MORNING: (time(8, 0), time(12, 0)),
    PartOfDay.MIDDAY: (time(12, 0), time(15, 0)),
    PartOfDay.AFTERNOON: (time(12, 0), time(19, 0)),
    PartOfDay.EVENING: (time(19, 0), time(23, 59)),
}
_PART_WORDS = {"manana": PartOfDay.MORNING, "tarde": PartOfDay.AFTERNOON, "noche": PartOfDay.EVENING}


_HOUR_WORDS = {
    "una": 1, "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7,
    "ocho": 8, "nueve": 9, "diez": 10, "once": 11, "doce": 12,
}
_MINUTE_WORDS = {
    "media": 30, "cuarto": 15, "cinco": 5, "diez": 10, "quince": 15, "veinte": 20,
    "veinticinco": 25, "treinta": 30, "cuarenta": 40, "cuarenta y cinco": 45, "cincuenta": 50,
}
_CLOCKISH_RE = re.compile(r"\d|\b(?:" + "|".join(_HOUR_WORDS) + r")\b")  # a cheap "could there be an hour?"
_HOUR = r"(?<![\d:/])(?:\d{1,2}(?![\d/])|(?:" + "|".join(sorted(_HOUR_WORDS, key=len, reverse=True)) + r")\b)"
_MINUTE_WORD = "|".join(sorted(_MINUTE_WORDS, key=len, reverse=True))


def _clock(tag: str, *, with_y: bool = True) -> str:
    plus = rf"|\s+y\s+(?P<{tag}plus>{_MINUTE_WORD}|\d{{2}})\b(?!\s*(?:dias|semanas))" if with_y else ""
    return (
        rf"(?P<{tag}h>{_HOUR})"
        rf"(?::(?P<{tag}m>\d{{2}})\b{plus}|\s+menos\s+(?P<{tag}minus>cuarto|{_MINUTE_WORD}|\d{{2}})\b)?"
        rf"(?:\s*(?P<{tag}ampm>am|pm)\b|\s+(?:de|en|por)\s+la\s+(?P<{tag}part>manana|tarde|noche)\b"
        rf"|\s*(?P<{tag}hrs>hrs|horas|hr|h)\b)?"
    )


_LEAD = r"(?P<lead>\b(?:a\s+las|a\s+la|de\s+las|de\s+la|para\s+las|para\s+la|como\s+a\s+las|tipo(?:\s+a)?(?:\s+las?)?|las|la|al)\s+)?"
_SINGLE_RE = re.compile(_LEAD + _clock("t"))
_QUARTER_TO_RE = re.compile(r"\bcuarto\s+para\s+(?:las|la)\s+" + _clock("t", with_y=False))
_NOON_RE = re.compile(r"\b(?:a\s+|al\s+|el\s+|de\s+)?(mediodia|medio\s+dia|medianoche)\b")
_PART_RES = (
    (re.compile(r"\b(?:en|por|a|de|durante)\s+la\s+(manana|tarde|noche)\b"), None),
    (re.compile(r"\besta\s+manana\b"), PartOfDay.MORNING),
    (re.compile(r"\b(?:en\s+la\s+|por\s+la\s+)?(?:tardecita|tardeada)\b"), PartOfDay.AFTERNOON),
    (re.compile(r"\b(?:en\s+la\s+|por\s+la\s+)?mananita\b"), PartOfDay.MORNING),
    (re.compile(r"\b(?:en\s+la\s+|por\s+la\s+)?nochecita\b"), PartOfDay.EVENING),
    (re.compile(r"\besta\s+(tarde|noche)\b"), None),
    (re.compile(r"\b(?:manana|hoy)\s+(?:muy\s+)?temprano\b"), PartOfDay.MORNING),
    (re.compile(r"\b(?:manana|hoy|lunes|martes|miercoles|jueves|viernes|sabado|domingo)\s+(tarde|noche)\b"), None),
    (re.compile(r"\b(?:en\s+las|por\s+las)\s+(mananas|tardes|noches)\b"), None),
    (re.compile(r"\b(?:al|a|el)\s+(?:mediodia|medio\s+dia)\b"), PartOfDay.MIDDAY),
)


def _norm(text: str, normalized: bool) -> str:
    return text if normalized else normalize(text)


def _number(word: str) -> int:
    return int(word) if word.isdigit() else _HOUR_WORDS[word]


def resolve_hour(hour: int, *, meridiem: str | None = None, part: PartOfDay | None = None,
                 literal: bool = False) -> int | None:
    """The 24-hour hour a salon customer means by ``hour`` (see the module's salon rule)."""
    if hour > 23:
        return None
    if hour > 12 or literal:
        return hour
    if meridiem == "am":
        return 0 if hour == 12 else hour
    if meridiem == "pm" or part in (PartOfDay.AFTERNOON, PartOfDay.MIDDAY):
        return 12 if hour == 12 else hour + 12
    if part is PartOfDay.EVENING:
        return 0 if hour == 12 else hour + 12
    if part is PartOfDay.MORNING:
        return hour
    if hour == 0:
        return 0
    return hour + 12 if 1 <= hour <= 7 else hour


@dataclass(frozen=True, slots=True)
class _Clock:
    hour: int  # as written
    minute: int
    meridiem: str | None
    part: PartOfDay | None
    literal: bool
    explicit: bool  # carried a clock marker of its own

    def resolve(self, *, meridiem: str | None = None, part: PartOfDay | None = None) -> time | None:
        hour = resolve_hour(
            self.hour, meridiem=self.meridiem or meridiem, part=self.part or part, literal=self.literal
        )
        if hour is None:
            return None
        minute = self.minute
        if minute < 0:
            hour, minute = (hour - 1) % 24, 60 + minute
        if not 0 <= minute <= 59:
            return None
        return time(hour, minute)

    @property
    def qualified(self) -> bool:
        return self.meridiem is not None or self.part is not None or self.literal


def _clock_from(match: re.Match[str], tag: str) -> _Clock | None:
    groups = match.groupdict()
    raw_hour = groups.get(f"{tag}h")
    if raw_hour is None:
        return None
    hour = _number(raw_hour)
    minute = 0
    explicit = False
    if groups.get(f"{tag}m"):
        minute, explicit = int(groups[f"{tag}m"]), True
    elif groups.get(f"{tag}plus"):
        plus = groups[f"{tag}plus"]
        minute, explicit = (int(plus) if plus.isdigit() else _MINUTE_WORDS[plus]), True
    elif groups.get(f"{tag}minus"):
        minus = groups[f"{tag}minus"]
        minute, explicit = -(int(minus) if minus.isdigit() else _MINUTE_WORDS[minus]), True
    part_word = groups.get(f"{tag}part")
    part = _PART_WORDS[part_word] if part_word else None
    meridiem = groups.get(f"{tag}ampm")
    hrs = groups.get(f"{tag}hrs")
    literal = bool(raw_hour.isdigit() and len(raw_hour) == 2 and raw_hour[0] == "0") or bool(hrs and hour > 12)
    if meridiem or part or hrs:
        explicit = True
    if hour > 23 or (hour > 12 and (meridiem or part)):
        return None
    return _Clock(hour, minute, meridiem, part, literal, explicit)


def find_times(text: str, *, normalized: bool = False, bare: bool = False) -> list[tuple[tuple[int, int], time]]:
    """Every clock time in the text with its span in the normal form, in order.

    ``bare=True`` also accepts a lone number as an hour ("4"), for replies to "¿a qué hora?".
    """
    norm = _norm(text, normalized)
    found: list[tuple[tuple[int, int], time]] = []
    taken: list[tuple[int, int]] = []
    if not _CLOCKISH_RE.search(norm) and "medi" not in norm:
        return found
    for match in _QUARTER_TO_RE.finditer(norm):
        clock = _clock_from(match, "t")
        if clock is not None:
            value = _Clock(clock.hour, -15, clock.meridiem, clock.part, clock.literal, True).resolve()
            if value is not None:
                found.append((match.span(), value))
                taken.append(match.span())
    for match in _NOON_RE.finditer(norm):
        found.append((match.span(), time(0, 0) if match.group(1) == "medianoche" else time(12, 0)))
        taken.append(match.span())
    for match in _SINGLE_RE.finditer(norm):
        if any(a <= match.start("th") < b for a, b in taken):
            continue
        clock = _clock_from(match, "t")
        if clock is None:
            continue
        lead = (match.group("lead") or "").split()
        accepted = (
            clock.explicit
            or (lead and lead[-1] == "las")
            or (lead and lead[0] == "tipo")
            or (lead and lead[-1] == "la" and (len(lead) > 1 or match.group("th") == "una"))
            or (bare and not lead and match.start() == 0 and match.end() == len(norm))
        )
        if not accepted:
            continue
        value = clock.resolve()
        if value is not None:
            found.append((match.span(), value))
    found.sort(key=lambda item: item[0])
    return found


def parse_time(text: str, *, normalized: bool = False, bare: bool = False) -> time | None:
    """The first clock time in the text ("a las 4" → 16:00, "11:30" → 11:30), or None."""
    times = find_times(text, normalized=normalized, bare=bare)
    return times[0][1] if times else None


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in taken)


def _part(match: re.Match[str], fixed: PartOfDay | None) -> PartOfDay:
    if fixed is not None:
        return fixed
    return _PART_WORDS[match.group(1).rstrip("s")]


def find_parts_of_day(text: str, *, normalized: bool = False) -> list[tuple[tuple[int, int], PartOfDay]]:
    """Every part of the day mentioned, with its span, in order of appearance."""
    norm = _norm(text, normalized)
    found: list[tuple[tuple[int, int], PartOfDay]] = []
    taken: list[tuple[int, int]] = []
    for pattern, fixed in _PART_RES:
        for match in pattern.finditer(norm):
            if not _overlaps(match.span(), taken):
                found.append((match.span(), _part(match, fixed)))
                taken.append(match.span())
    found.sort(key=lambda item: item[0])
    return found


def parse_part_of_day(text: str, *, normalized: bool = False) -> PartOfDay | None:
    """The part of the day mentioned ("mañana en la tarde" → AFTERNOON), or None."""
    norm = _norm(text, normalized)
    for pattern, fixed in _PART_RES:
        match = pattern.search(norm)
        if match:
            return _part(match, fixed)
    return None
