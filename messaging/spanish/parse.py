"""One WhatsApp message → one :class:`~.frames.Frame`: what the customer asks, all of it.

``parse_frame(text, now_local=…, catalog=…)`` reads the message once into mentions —
days (:mod:`day_mentions`), hours (:mod:`clock_mentions`), services
(:mod:`service_mentions`), staff and the writer's name (:mod:`people`), the appointment
referred to (:mod:`references`) — and the acts its phrasings carry (:mod:`intent_phrases`).
Then it decides, in this order:

1. **Who the words belong to.** A day or hour attached to a reference ("mi cita del
   viernes", "la de las 11") describes the appointment, not the request. A cancel names
   the appointment with everything it says; a move that names two days or two hours
   ("no puedo el martes, pásamela al jueves") refers by the first and asks for the last;
   a day the customer rules out ("el viernes no puedo") is dropped from a request.
2. **Acts.** A cancel that also asks for a new time ("ya no puedo el viernes, mejor el
   sábado", "cancela la del viernes y agéndame el sábado") is a move, never a cancel. A
   yes/no followed by new details, or a correction word ("mejor", "perdón, quise
   decir", "sí, pero…") with new details, is a correction (and no longer a yes/no). A
   service named with nothing else to do is a booking; so is "lo de siempre". "¿Y el
   sábado?" is a follow-up. "¿Qué horarios tienes mañana?" asks for free times, not
   opening hours.
3. **The time constraint** of the request (:mod:`request_when`): days intersected, the
   tightest bounds, the last exact hour said, hours read in the part of day said with them.

The parser is pure: ``now_local`` is the business's local wall-clock time, passed in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, time

from . import frame_phrases as request_phrases, intent_phrases as phrases
from .choices import _LEADING_FILLER, _NUMBERED_RE, _ORDINAL_RE, _ORDINALS, Choice, ChoiceKind, choose, parse_yes_no
from .clock_mentions import ClockMention, find_clock_mentions
from .day_mentions import DayMention, find_day_mentions
from .frames import Act, AppointmentRef, Catalog, Frame, OfferChoice, StaffMention
from .normal_form import normalize
from .people import find_person_name, find_staff
from .references import find_reference, reference_from
from .request_when import ruled_out, time_constraint_of, timed
from .service_mentions import find_service_mentions

__all__ = ["parse_frame"]

_ACT_PHRASES = (
    (Act.ASK_PERSON, phrases.HANDOFF),
    (Act.HELP, phrases.HELP),
    (Act.MOVE, phrases.RESCHEDULE),
    (Act.MOVE, request_phrases.MOVE_MORE),
    (Act.CANCEL, phrases.CANCEL),
    (Act.SAME_AS_LAST, request_phrases.SAME_AS_LAST),
    (Act.BOOK, phrases.BOOK),
    (Act.BOOK, request_phrases.AVAILABILITY),
    (Act.ASK_APPOINTMENTS, phrases.VIEW),
    (Act.ASK_PRICE, phrases.ASK_PRICES),
    (Act.ASK_DURATION, request_phrases.ASK_DURATION),
    (Act.ASK_HOURS, phrases.ASK_HOURS),
    (Act.ASK_LOCATION, phrases.ASK_LOCATION),
    (Act.ASK_SERVICES, phrases.ASK_SERVICES),
    (Act.OTHER_OPTIONS, request_phrases.OTHER_OPTIONS),
    (Act.RUNNING_LATE, request_phrases.RUNNING_LATE),
    (Act.THANK, phrases.THANKS),
    (Act.GOODBYE, phrases.GOODBYE),
    (Act.GREET, phrases.GREETING),
)
_ORDER = {act: index for index, act in enumerate(Act)}
_ACTIONS = frozenset({
    Act.ASK_PERSON, Act.MOVE, Act.CANCEL, Act.CORRECT, Act.CHOOSE, Act.BOOK, Act.ASK_APPOINTMENTS, Act.ASK_PRICE,
    Act.ASK_DURATION, Act.ASK_HOURS, Act.ASK_LOCATION, Act.ASK_SERVICES, Act.OTHER_OPTIONS, Act.RUNNING_LATE,
    Act.CONFIRM, Act.DENY, Act.HELP, Act.FOLLOW_UP,
})
_NOT_ORDINAL_AFTER = frozenset(
    "vez veces semana semanas espacio hora horas cita citas lugar horario disponible dia dias quincena mes para".split()
)
_ABOUT_AN_APPOINTMENT = frozenset({Act.MOVE, Act.CANCEL, Act.ASK_APPOINTMENTS})
#: What is read of a message. A request fits in far less; the bound keeps a 4,000-character
#: message (WhatsApp's limit) from costing more than a short one many times over.
MAX_CHARS = 600
_ORDINAL_WORDS = frozenset(_ORDINALS) | {"ultima", "ultimo"}
_DIGIT_RE = re.compile(r"\d")
# Yes-words that are only a yes on their own: "ya" (ya llegué), "bueno" (bueno, quiero…), "eso" (eso de las 6).
_WEAK_YES = frozenset({"ya", "eso", "bueno", "bien", "listo", "seguro", "hecho", "adelante", "exacto", "correcto"})


def _blank(text: str, spans) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _said_acts(norm: str) -> set[Act]:
    acts = {act for act, pattern in _ACT_PHRASES if pattern.search(norm)}
    if Act.SAME_AS_LAST in acts and request_phrases.NOT_SAME.search(norm):
        acts.discard(Act.SAME_AS_LAST)  # "me da lo mismo": it does not matter, not "the same as last time"
    return acts


def _choice(text: str, norm: str, blanked: str, offers: Sequence,
            bare_reference_time: time | None) -> tuple[OfferChoice | None, bool]:
    """(the offer picked, whether the reply turns the offers down)."""
    if offers:
        picked: Choice = choose(text, [o if isinstance(o, (str, time)) else o.time() for o in offers])
        if picked.kind is ChoiceKind.PICKED and picked.index is not None:
            return OfferChoice(index=picked.index), False
        if picked.kind in (ChoiceKind.NONE, ChoiceKind.OTHER):
            return None, True
    words = set(blanked.split())
    for match in _ORDINAL_RE.finditer(blanked) if words & _ORDINAL_WORDS else ():
        word = match.group(1)
        following = blanked[match.end():].split()[:1]
        if following and following[0] in _NOT_ORDINAL_AFTER:
            continue
        if word.startswith("cuart") and not match.group().strip().startswith(("la", "el", "lo")):
            continue  # "y cuarto", "cuarto para las 5": a quarter, not the fourth
        return OfferChoice(position=-1 if word.startswith("ultim") else _ORDINALS[word]), False
    if _DIGIT_RE.search(blanked) and (match := _NUMBERED_RE.search(blanked)):
        return OfferChoice(position=int(match.group(1)) - 1), False
    if bare_reference_time is not None:
        return OfferChoice(time=bare_reference_time), False
    if request_phrases.CHOICE_POINTER.search(norm):
        return OfferChoice(), False
    return None, False


@dataclass(slots=True)
class _Reading:
    """One message while it is being read: the mentions found and, step by step, whose they are."""

    norm: str
    acts: set[Act]
    ref: AppointmentRef | None
    ref_days: list[DayMention]
    ref_clocks: list[ClockMention]
    days: list[DayMention]  # the request's
    clocks: list[ClockMention]  # the request's
    ruled_out_days: list[DayMention] = field(default_factory=list)
    ruled_out_clocks: list[ClockMention] = field(default_factory=list)

    def refer(self, days: list[DayMention], clocks: list[ClockMention]) -> None:
        """Move these mentions from the request to the appointment referred to."""
        self.ref_days, self.ref_clocks = self.ref_days + days, self.ref_clocks + clocks
        self.days = [d for d in self.days if d not in days]
        self.clocks = [c for c in self.clocks if c not in clocks]
        previous = self.ref
        self.ref = replace(
            reference_from(self.ref_days, self.ref_clocks),
            services=previous.services if previous else (), every=previous.every if previous else False,
        )


def _assign(reading: _Reading, correction_words: bool) -> None:
    """Rule 1 and the cancel/move decision: which days and hours are the appointment's."""
    acts, hours = reading.acts, timed(reading.clocks)
    new_days = [d for d in reading.days if d not in reading.ruled_out_days]
    new_clocks = [c for c in hours if c not in reading.ruled_out_clocks]
    if Act.CANCEL in acts and Act.MOVE not in acts and (new_days or new_clocks) and (
        Act.BOOK in acts or correction_words or len(reading.days) >= 2 or len(hours) >= 2
        or reading.ruled_out_days or reading.ruled_out_clocks
    ):
        acts.add(Act.MOVE)  # a cancel that asks for a new time is a move
    if Act.MOVE in acts:
        acts -= {Act.CANCEL, Act.BOOK}
        old_days = reading.ruled_out_days or (reading.days[:1] if len(reading.days) >= 2 and not reading.ref_days else [])
        old_clocks = reading.ruled_out_clocks or (hours[:1] if len(hours) >= 2 and not reading.ref_clocks else [])
        if old_days or old_clocks:
            reading.refer(old_days, old_clocks)
    elif Act.CANCEL in acts or (Act.ASK_APPOINTMENTS in acts and Act.BOOK not in acts):
        if reading.days or hours:
            reading.refer(list(reading.days), hours)
    else:
        reading.days = [d for d in reading.days if d not in reading.ruled_out_days]
        reading.clocks = [c for c in reading.clocks if c not in reading.ruled_out_clocks]
    if reading.ref is None and acts & _ABOUT_AN_APPOINTMENT:
        reading.ref = AppointmentRef()


def _answer(text: str, norm: str, acts: set[Act]) -> bool | None:
    """Yes, no, or neither: the yes/no of :mod:`choices`, minus what only looks like one."""
    said = parse_yes_no(text)
    yes_no = said.answer
    if yes_no is False and (request_phrases.NOT_A_NO.search(norm) or not request_phrases.NEGATIVE_WORD.search(norm)):
        return None  # "no puedo el martes" states, "cámbiala" asks: neither answers no
    if yes_no is True and said.rest and next((w for w in norm.split() if w not in _LEADING_FILLER), "") in _WEAK_YES:
        return None  # "ya llegué", "bueno, quiero una cita", "eso de las 6": no answer
    if yes_no is False and acts & {Act.MOVE, Act.CANCEL}:
        return None  # "ya no puedo ir, cancélala": the no is the cancel
    return yes_no


def _settle(acts: set[Act], norm: str, *, details: bool, correcting: bool, booking_words: bool) -> None:
    """Rule 2: acts that one phrasing implies or rules out once everything else is known."""
    if details and correcting and not acts & {Act.MOVE, Act.CANCEL}:
        acts.add(Act.CORRECT)
        acts -= {Act.CONFIRM, Act.DENY}
    if Act.OTHER_OPTIONS in acts:
        acts -= {Act.CONFIRM, Act.DENY, Act.ASK_HOURS, Act.ASK_SERVICES}
    if details and (follow := request_phrases.FOLLOW_UP.match(norm)) and not acts & {
        Act.MOVE, Act.CANCEL, Act.BOOK, Act.CORRECT
    }:
        acts.add(Act.FOLLOW_UP)
        if "tal" in follow.group():
            acts.discard(Act.GREET)  # "¿qué tal el jueves?" asks about Thursday
    if Act.ASK_DURATION in acts:
        acts.discard(Act.ASK_SERVICES)
    if Act.BOOK in acts and not request_phrases.SERVICES_LIST.search(norm):
        acts.discard(Act.ASK_SERVICES)
    if Act.ASK_HOURS in acts and (request_phrases.AVAILABILITY.search(norm) or Act.BOOK in acts) \
            and not request_phrases.OPENING_HOURS.search(norm):
        acts.discard(Act.ASK_HOURS)  # "¿qué horarios tienes mañana?" asks for free times
    if acts & {Act.MOVE, Act.CANCEL, Act.BOOK}:
        acts.discard(Act.ASK_APPOINTMENTS)
    if not acts & (_ACTIONS - {Act.CONFIRM}) and booking_words:
        acts.add(Act.BOOK)  # "un corte", "lo de siempre", "cita mañana en la tarde": a booking


def parse_frame(
    text: str,
    *,
    now_local: datetime,
    catalog: Catalog = Catalog(),
    offers: Sequence[time | datetime | str] = (),
) -> Frame:
    """Everything one message says (see the module's rules).

    ``now_local``: the business's local time now ("hoy", "al rato", "mañana" are read from
    it). ``catalog``: the salon's services and staff, to match names said. ``offers``: the
    times Parlo just listed, if any, so "la segunda" or "a las 5" picks one of them.
    """
    now = now_local.replace(tzinfo=None)
    text = text[:MAX_CHARS]
    norm = normalize(text)
    late_spans = [m.span() for m in request_phrases.RUNNING_LATE.finditer(norm)]
    days = find_day_mentions(norm, now)
    clocks = find_clock_mentions(_blank(norm, late_spans), [d.span for d in days])
    timeless = _blank(norm, [d.span for d in days] + [c.span for c in clocks])
    services, unknown = find_service_mentions(timeless, catalog.services)
    acts = _said_acts(norm)
    reference = find_reference(norm, days, clocks, services)
    if reference is not None and reference.kind == "own" and not acts & _ABOUT_AN_APPOINTMENT:
        reference = None  # "quiero la cita más temprano posible": a cita to book, not one to find

    reading = _Reading(
        norm, acts, reference.ref if reference else None,
        list(reference.days) if reference else [], list(reference.clocks) if reference else [],
        [d for d in days if not reference or d not in reference.days],
        [c for c in clocks if not reference or c not in reference.clocks],
    )
    excluded = ruled_out(norm, [*reading.days, *timed(reading.clocks)])
    reading.ruled_out_days = [d for d in reading.days if d.span in excluded]
    reading.ruled_out_clocks = [c for c in timed(reading.clocks) if c.span in excluded]
    correction_words = bool(request_phrases.CORRECTION.search(norm))
    _assign(reading, correction_words)
    ref, when = reading.ref, time_constraint_of(reading.days, reading.clocks, now.date())
    request_services = [s for s in services if not reference or s not in reference.services]

    answer = _answer(text, norm, acts)
    if answer is not None:
        acts.add(Act.CONFIRM if answer else Act.DENY)
    bare_time = None
    if reference is not None and reference.kind == "bare" and ref is not None and ref.time \
            and not acts & _ABOUT_AN_APPOINTMENT:
        bare_time = ref.time  # "la de las 5": an offer, or an appointment; the dialogue knows which
    choice, turned_down = _choice(text, norm, timeless, offers, bare_time)
    if choice is not None:
        acts.add(Act.CHOOSE)
        if choice.index is not None or offers:
            acts.discard(Act.CONFIRM)
    if turned_down:
        acts.add(Act.OTHER_OPTIONS)

    person_name = find_person_name(text)
    staff = find_staff(norm, catalog.staff)
    if person_name is not None:  # "a nombre de María": the writer, not the stylist María
        named = normalize(person_name).split()
        staff = [(staff_id, name) for staff_id, name in staff if normalize(name).split()[0] not in named]
    details = not when.is_empty or bool(request_services) or bool(staff)
    _settle(
        acts, norm, details=details,
        correcting=correction_words or bool(reading.ruled_out_days or reading.ruled_out_clocks) or Act.DENY in acts,
        booking_words=bool(request_services or unknown or Act.SAME_AS_LAST in acts
                           or (details and ref is None and phrases.CITA.search(norm))),
    )
    return Frame(
        acts=tuple(sorted(acts, key=_ORDER.__getitem__)),
        services=tuple(mention for _, mention in request_services),
        unknown_services=unknown,
        staff=tuple(StaffMention(staff_id, name) for staff_id, name in staff),
        any_staff=bool(request_phrases.ANY_STAFF.search(norm)),
        when=when,
        appointment=ref,
        choice=choice,
        person_name=person_name,
    )
