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
3. **The time constraint** of the request: days said are intersected (alternatives were
   kept as one mention); a later day that contradicts an earlier one replaces it; the
   tightest bounds win; of several exact hours not joined by "o", the last one said wins
   (people correct themselves mid-message); an exact hour is read in the part of day
   said with it ("en la noche a las 8" is 8 PM) and then stands for itself.

The parser is pure: ``now_local`` is the business's local wall-clock time, passed in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time

from . import frame_phrases as request_phrases
from . import intent_phrases as phrases
from .choices import _LEADING_FILLER, _NUMBERED_RE, _ORDINAL_RE, _ORDINALS, Choice, ChoiceKind, choose, parse_yes_no
from .clock_mentions import ClockMention, find_clock_mentions
from .day_mentions import DayMention, find_day_mentions
from .frames import Act, AppointmentRef, Catalog, Frame, OfferChoice, StaffMention
from .normal_form import normalize
from .people import find_person_name, find_staff
from .references import find_reference, reference_from
from .service_mentions import find_service_mentions
from .time_constraint import ClockBound, DayConstraint, Lean, TimeConstraint
from .times import PartOfDay

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
_HORIZON_DAYS = 120
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
    return {act for act, pattern in _ACT_PHRASES if pattern.search(norm)}


def _ruled_out(norm: str, mentions: Sequence[DayMention | ClockMention]) -> set[tuple[int, int]]:
    """Spans of the days and hours the writer rules out: "el viernes no puedo", "no puedo el martes".

    A "no puedo" after one mention belongs to it, so it cannot also rule out the next
    ("hoy no puedo, mañana sí").
    """
    ruled: set[tuple[int, int]] = set()
    floor = 0
    for mention in sorted(mentions, key=lambda m: m.span):
        start, end = mention.span
        before = norm[max(floor, start - 24):start] if start > floor else ""
        after = request_phrases.RULED_OUT_AFTER.match(norm, end)
        if after is not None:
            ruled.add(mention.span)
            floor = after.end()
        elif request_phrases.RULED_OUT_BEFORE.search(before):
            ruled.add(mention.span)
            floor = end
        else:
            floor = max(floor, end)
    return ruled


def _timed(clocks: Sequence[ClockMention]) -> list[ClockMention]:
    return [clock for clock in clocks if clock.times]


def _days_constraint(days: Sequence[DayMention], today: date) -> tuple[DayConstraint | None, datetime | None, bool]:
    said = [mention for mention in days if mention.days is not None or mention.not_before is not None]
    if not said:
        return None, None, False
    combined: DayConstraint | None = None
    for mention in said:
        if mention.days is None:
            continue
        candidate = mention.days if combined is None else combined & mention.days
        if next(candidate.days_from(today, limit=_HORIZON_DAYS), None) is None and combined is not None:
            candidate = mention.days  # a later day that contradicts an earlier one replaces it
        combined = candidate
    not_before = max((m.not_before for m in said if m.not_before is not None), default=None)
    if not_before is not None and combined is not None and not combined.admits(not_before.date()):
        not_before = None  # "hoy" corrected to "el sábado"
    return combined, not_before, any(m.soonest for m in said)


def _in_part(moment: time, part: PartOfDay | None) -> time:
    """A bare hour read in the part of day said with it: "en la noche a las 8" is 20:00."""
    if part is None:
        return moment
    start, end = part.window
    if not start <= moment < end and moment.hour < 12:
        shifted = time(moment.hour + 12, moment.minute)
        if start <= shifted < end or (part is PartOfDay.EVENING and shifted >= start):
            return shifted
    return moment


def _clock_constraint(clocks: Sequence[ClockMention]) -> dict:
    parts = [clock.part_of_day for clock in clocks if clock.part_of_day is not None]
    part = parts[-1] if parts else None
    timed = _timed(clocks)
    times = tuple(_in_part(t, part) for t in timed[-1].times) if timed else ()
    afters = [clock.after for clock in clocks if clock.after is not None]
    befores = [clock.before for clock in clocks if clock.before is not None]
    after = max(
        (ClockBound(_in_part(b.time, part), b.inclusive) for b in afters),
        key=lambda b: (b.time, not b.inclusive), default=None,
    )
    before = min(
        (ClockBound(_in_part(b.time, part), b.inclusive) for b in befores),
        key=lambda b: (b.time, b.inclusive), default=None,
    )
    leans = [clock.lean for clock in clocks if clock.lean is not None]
    return {
        "part_of_day": None if times else part,
        "times": times,
        "around": bool(timed and timed[-1].around),
        "after": after,
        "before": before,
        "lean": leans[-1] if leans else None,
    }


def _time_constraint(days: Sequence[DayMention], clocks: Sequence[ClockMention], today: date) -> TimeConstraint:
    day_constraint, not_before, soonest = _days_constraint(days, today)
    clock = _clock_constraint(clocks)
    if clock["lean"] is None and soonest:
        clock["lean"] = Lean.SOONEST
    return TimeConstraint(days=day_constraint, not_before=not_before, **clock)


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
    today = now.date()
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

    ref: AppointmentRef | None = reference.ref if reference else None
    ref_days = list(reference.days) if reference else []
    ref_clocks = list(reference.clocks) if reference else []
    request_days = [d for d in days if d not in ref_days]
    request_clocks = [c for c in clocks if c not in ref_clocks]
    request_services = [s for s in services if not reference or s not in reference.services]
    ruled_out = _ruled_out(norm, [*request_days, *_timed(request_clocks)])
    ruled_out_days = [d for d in request_days if d.span in ruled_out]
    ruled_out_clocks = [c for c in _timed(request_clocks) if c.span in ruled_out]

    correction_words = bool(request_phrases.CORRECTION.search(norm))
    new_days = [d for d in request_days if d not in ruled_out_days]
    new_clocks = [c for c in _timed(request_clocks) if c not in ruled_out_clocks]
    if Act.CANCEL in acts and Act.MOVE not in acts and (new_days or new_clocks) and (
        Act.BOOK in acts or correction_words or len(request_days) >= 2 or len(_timed(request_clocks)) >= 2
        or ruled_out_days or ruled_out_clocks
    ):
        acts.discard(Act.BOOK)
        acts.add(Act.MOVE)  # a cancel that asks for a new time is a move
    if Act.MOVE in acts:
        acts -= {Act.CANCEL, Act.BOOK}
        old_days = ruled_out_days or (request_days[:1] if len(request_days) >= 2 and not ref_days else [])
        timed = _timed(request_clocks)
        old_clocks = ruled_out_clocks or (timed[:1] if len(timed) >= 2 and not ref_clocks else [])
        if old_days or old_clocks:
            ref_days, ref_clocks = ref_days + old_days, ref_clocks + old_clocks
            request_days = [d for d in request_days if d not in old_days]
            request_clocks = [c for c in request_clocks if c not in old_clocks]
            ref = reference_from(ref_days, ref_clocks) if ref is None else replace(
                reference_from(ref_days, ref_clocks), services=ref.services, every=ref.every)
    elif Act.CANCEL in acts or (Act.ASK_APPOINTMENTS in acts and not acts & {Act.BOOK}):
        ref_days, ref_clocks = ref_days + request_days, ref_clocks + _timed(request_clocks)
        if ref_days or ref_clocks:
            ref = replace(reference_from(ref_days, ref_clocks), services=ref.services if ref else (),
                          every=ref.every if ref else False)
        request_days, request_clocks = [], [c for c in request_clocks if not c.times]
    else:
        request_days = [d for d in request_days if d not in ruled_out_days]
        request_clocks = [c for c in request_clocks if c not in ruled_out_clocks]
    if ref is None and acts & {Act.MOVE, Act.CANCEL, Act.ASK_APPOINTMENTS}:
        ref = AppointmentRef()

    when = _time_constraint(request_days, request_clocks, today)
    staff = find_staff(norm, catalog.staff)

    # yes / no
    said = parse_yes_no(text)
    yes_no = said.answer
    if yes_no is False and (request_phrases.NOT_A_NO.search(norm) or not request_phrases.NEGATIVE_WORD.search(norm)):
        yes_no = None  # "no puedo el martes" states, "cámbiala" asks: neither answers no
    if yes_no is True and said.rest and next((w for w in norm.split() if w not in _LEADING_FILLER), "") in _WEAK_YES:
        yes_no = None  # "ya llegué", "bueno, quiero una cita", "eso de las 6": no answer
    if yes_no is False and acts & {Act.MOVE, Act.CANCEL}:
        yes_no = None  # "ya no puedo ir, cancélala": the no is the cancel
    if yes_no is True:
        acts.add(Act.CONFIRM)
    elif yes_no is False:
        acts.add(Act.DENY)

    # choices
    bare_time = None
    if reference is not None and norm[reference.span[0]:].startswith("la ") and ref is not None and ref.time \
            and not acts & {Act.MOVE, Act.CANCEL, Act.ASK_APPOINTMENTS}:
        bare_time = ref.time  # "la de las 5": an offer, or an appointment; the dialogue knows which
    choice, turned_down = _choice(text, norm, timeless, offers, bare_time)
    if choice is not None:
        acts.add(Act.CHOOSE)
        if choice.index is not None or offers:
            acts.discard(Act.CONFIRM)
    if turned_down:
        acts.add(Act.OTHER_OPTIONS)

    person_name = find_person_name(text)
    if person_name is not None:
        named = normalize(person_name).split()
        staff = [(staff_id, name) for staff_id, name in staff if normalize(name).split()[0] not in named]
    details = not when.is_empty or bool(request_services) or bool(staff)
    if details and (correction_words or ruled_out_days or ruled_out_clocks or acts & {Act.DENY}) \
            and not acts & {Act.MOVE, Act.CANCEL}:
        acts.add(Act.CORRECT)
        acts -= {Act.CONFIRM, Act.DENY}
    if Act.OTHER_OPTIONS in acts:
        acts -= {Act.CONFIRM, Act.DENY, Act.ASK_HOURS, Act.ASK_SERVICES}
    if details and (follow := request_phrases.FOLLOW_UP.match(norm)) and not acts & {Act.MOVE, Act.CANCEL, Act.BOOK, Act.CORRECT}:
        acts.add(Act.FOLLOW_UP)
        if "tal" in follow.group():
            acts.discard(Act.GREET)  # "¿qué tal el jueves?" asks about Thursday
    if Act.ASK_DURATION in acts:
        acts.discard(Act.ASK_SERVICES)
    if Act.BOOK in acts and not request_phrases.SERVICES_LIST.search(norm):
        acts.discard(Act.ASK_SERVICES)
    if Act.ASK_HOURS in acts and (request_phrases.AVAILABILITY.search(norm) or Act.BOOK in acts) and not request_phrases.OPENING_HOURS.search(norm):
        acts.discard(Act.ASK_HOURS)
    if acts & {Act.MOVE, Act.CANCEL, Act.BOOK}:
        acts.discard(Act.ASK_APPOINTMENTS)
    if Act.SAME_AS_LAST in acts and request_phrases.NOT_SAME.search(norm):
        acts.discard(Act.SAME_AS_LAST)
    if not acts & (_ACTIONS - {Act.CONFIRM}) and (
        request_services or unknown or Act.SAME_AS_LAST in acts
        or (details and ref is None and phrases.CITA.search(norm))
    ):
        acts.add(Act.BOOK)  # "un corte", "lo de siempre", "cita mañana en la tarde": a booking

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
