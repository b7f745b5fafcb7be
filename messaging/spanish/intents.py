"""What a message wants, for the rule engine: an :class:`Intent` plus the details said.

Deterministic keyword and pattern rules over the normal form (:mod:`normal_form`), so
accents, capitals, WhatsApp spelling and small typos do not matter. The phrasings live in
:mod:`intent_phrases`, one per line; this module decides between them. The first rule
that matches wins; the order is the precedence:

1. ``HANDOFF`` — asking for a person ("quiero hablar con alguien", "¿eres un robot?"),
   then ``HELP`` ("ayuda", "¿qué puedes hacer?").
2. Staff and owners only (``audience=Audience.STAFF``), most specific first:
   ``MESSAGE_CUSTOMER`` when the message starts with "dile/avísale/mándale…" (what to
   say may contain other keywords: "dile a Ana que ya está lista"), ``MARK_NO_SHOW`` ("el
   de las 11 no llegó"; a known staff member's name without an appointment reference
   makes it ``STAFF_ABSENT``), ``STAFF_ABSENT`` ("Pedro se enfermó, no viene mañana" —
   the rebooking case), ``COMPACT_SCHEDULE``, ``MARK_COMPLETED``, ``WALK_IN``,
   ``CUSTOMER_HISTORY``, ``DASHBOARD_LINK``, ``ADD_STAFF``, ``REMOVE_STAFF``,
   ``CHANGE_PERMISSIONS``, ``MESSAGE_CUSTOMER`` (anywhere), ``CHANGE_HOURS`` (not when
   the message is about a "cita"), ``CHANGE_SERVICE_DURATION``, ``CHANGE_SERVICE_PRICE``
   (both need a change verb or a new value), ``UNBLOCK_TIME`` (before ``BLOCK_TIME``:
   "desbloquea" contains "bloquea"), ``BLOCK_TIME``, ``WHATS_NEXT``,
   ``BUSINESS_SCHEDULE`` (before ``MY_SCHEDULE``; also "agenda de Pedro"),
   ``MY_SCHEDULE``, ``STATS`` (after the schedules: "¿cuántas citas tengo hoy?" is the
   agenda, "¿cuántas citas llevamos?" the stats).
3. Everyone: ``RESCHEDULE`` (before ``CANCEL``: "cancelar y cambiar para el sábado" is a
   change), ``CANCEL``, ``BOOK`` said with a booking verb ("quiero una cita", "agéndame"),
   ``VIEW_APPOINTMENTS`` ("mi cita", "¿cuándo es mi cita?"), ``ASK_PRICES``,
   ``ASK_HOURS``, ``ASK_LOCATION``, ``ASK_SERVICES``.
4. A service named with nothing else ("un corte", "mani pedi") is ``BOOK`` for a
   customer (``WALK_IN`` is never guessed: staff say "acaba de llegar").
5. ``THANKS``, ``GOODBYE``, ``GREETING``; otherwise ``UNKNOWN``. ``greeted`` and
   ``thanked`` are reported whatever the intent ("Hola, necesito cambiar mi cita" is a
   ``RESCHEDULE`` that also greets).

Slots are filled from the same message whatever the intent: phone (E.164), date,
time range, the appointment referred to by its time ("el de las 11" →
``appointment_time``), a single time, part of day, service words (and the
:class:`~.services.ServiceMatch` when the business's services are passed), names,
durations, prices, weekdays and the text to forward to a customer ("dile que…").
When a change names two times and no appointment ("no puedo a las 4, cámbiala para las
6"), the first is ``appointment_time`` and the last is the new ``time``; for no-show and
completed, a lone time is the appointment's.
``Understanding.suggests_handoff`` is true when a person was asked for, or when the
message asks about salon services the business does not offer ("¿hacen tintes para
hombre?").
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time

from .dates import WEEKDAYS, DateExpression, find_date
from . import intent_phrases as phrases
from .hours import WeeklyHours, parse_weekly_hours
from .normal_form import normalize
from .people import find_staff
from .phones import find_phone
from .services import CATEGORIES, FILLER, QUALIFIERS, SALON_VOCABULARY, MatchKind, ServiceMatch, match_service
from .time_ranges import RangeKind, TimeRange, find_time_range
from .times import PartOfDay, find_times, parse_part_of_day

__all__ = ["Audience", "Intent", "Slots", "Understanding", "detect_intent"]


class Audience(enum.Enum):
    CUSTOMER = "customer"
    STAFF = "staff"  # staff, admins and owners: the permission check is the resolvers' job


class Intent(enum.StrEnum):
    # customers (staff may use them too, on a customer's behalf)
    GREETING = "greeting"
    BOOK = "book"
    VIEW_APPOINTMENTS = "view_appointments"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    ASK_PRICES = "ask_prices"
    ASK_SERVICES = "ask_services"
    ASK_HOURS = "ask_hours"
    ASK_LOCATION = "ask_location"
    HANDOFF = "handoff"
    HELP = "help"  # what can Parlo do ("ayuda", "¿qué puedes hacer?")
    THANKS = "thanks"
    GOODBYE = "goodbye"
    # staff and owners
    MY_SCHEDULE = "my_schedule"
    BUSINESS_SCHEDULE = "business_schedule"
    WHATS_NEXT = "whats_next"
    BLOCK_TIME = "block_time"
    UNBLOCK_TIME = "unblock_time"
    MARK_NO_SHOW = "mark_no_show"
    MARK_COMPLETED = "mark_completed"
    WALK_IN = "walk_in"
    CUSTOMER_HISTORY = "customer_history"
    MESSAGE_CUSTOMER = "message_customer"
    ADD_STAFF = "add_staff"
    REMOVE_STAFF = "remove_staff"
    CHANGE_PERMISSIONS = "change_permissions"
    CHANGE_HOURS = "change_hours"
    CHANGE_SERVICE_DURATION = "change_service_duration"
    CHANGE_SERVICE_PRICE = "change_service_price"
    STATS = "stats"
    DASHBOARD_LINK = "dashboard_link"
    STAFF_ABSENT = "staff_absent"  # a staff member will not come: rebook their appointments
    COMPACT_SCHEDULE = "compact_schedule"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Slots:
    date: DateExpression | None = None
    time: time | None = None  # a single time said ("a las 4"); for a change, the new time
    soonest: bool = False  # "ahorita", "lo antes posible", "el primer espacio"
    times: tuple[time, ...] = ()  # every single time said, in order
    time_range: TimeRange | None = None  # "de 2 a 3"; for block/unblock also "las 4" (kind AT)
    part_of_day: PartOfDay | None = None
    appointment_time: time | None = None  # the appointment referred to: "el de las 11"
    service_text: str | None = None  # the service words as written ("tintes para hombre")
    service: ServiceMatch | None = None  # only when the business's services were passed
    phone: str | None = None  # E.164
    staff_name: str | None = None  # from staff_names when given, else a capitalised name
    customer_name: str | None = None  # a capitalised name in customer-related staff requests
    duration_minutes: int | None = None
    price_centavos: int | None = None
    weekdays: tuple[int, ...] = ()  # 0 = Monday; "de lunes a viernes", "los sábados"
    weekly_hours: tuple[WeeklyHours, ...] = ()  # for hours changes: hours per set of weekdays
    message_text: str | None = None  # what to tell the customer ("dile que …")


@dataclass(frozen=True, slots=True)
class Understanding:
    intent: Intent
    slots: Slots
    greeted: bool = False
    thanked: bool = False

    @property
    def suggests_handoff(self) -> bool:
        """A person should take over: asked for, or asked about a service the business lacks."""
        if self.intent is Intent.HANDOFF:
            return True
        service = self.slots.service
        return (
            self.intent in (Intent.ASK_SERVICES, Intent.ASK_PRICES, Intent.BOOK)
            and service is not None
            and service.kind is MatchKind.NONE
            and bool(service.unmatched_terms)
        )


@dataclass(frozen=True, slots=True)
class _Rule:
    intent: Intent
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    also: re.Pattern[str] | None = None
    check: Callable[[str, "_Context"], bool] | None = None

    def matches(self, norm: str, context: "_Context") -> bool:
        if not self.pattern.search(norm):
            return False
        if self.unless is not None and self.unless.search(norm):
            return False
        if self.also is not None and not self.also.search(norm):
            return False
        return self.check is None or self.check(norm, context)


@dataclass(slots=True)
class _Context:
    staff_name: str | None


def _is_no_show(norm: str, context: _Context) -> bool:
    """A customer missed an appointment, unless it is a staff member who did not come."""
    if phrases.APPOINTMENT_REF.search(norm) or phrases.CUSTOMER_REF.search(norm) or find_times(norm, normalized=True):
        return True
    return context.staff_name is None


_STAFF_RULES = (
    _Rule(Intent.MESSAGE_CUSTOMER, phrases.MESSAGE_COMMAND),
    _Rule(Intent.MARK_NO_SHOW, phrases.NO_SHOW, check=_is_no_show),
    _Rule(Intent.STAFF_ABSENT, phrases.STAFF_ABSENT),
    _Rule(Intent.STAFF_ABSENT, phrases.NO_SHOW),  # "Pedro no vino hoy": a staff member, no appointment said
    _Rule(Intent.COMPACT_SCHEDULE, phrases.COMPACT),
    _Rule(Intent.MARK_COMPLETED, phrases.COMPLETED),
    _Rule(Intent.WALK_IN, phrases.WALK_IN),
    _Rule(Intent.CUSTOMER_HISTORY, phrases.HISTORY),
    _Rule(Intent.DASHBOARD_LINK, phrases.DASHBOARD),
    _Rule(Intent.ADD_STAFF, phrases.ADD_STAFF),
    _Rule(Intent.REMOVE_STAFF, phrases.REMOVE_STAFF),
    _Rule(Intent.CHANGE_PERMISSIONS, phrases.PERMISSIONS),
    _Rule(Intent.MESSAGE_CUSTOMER, phrases.MESSAGE),
    _Rule(Intent.CHANGE_HOURS, phrases.CHANGE_HOURS, unless=phrases.CITA),
    _Rule(Intent.CHANGE_SERVICE_DURATION, phrases.DURATION_WORD, also=phrases.CHANGE_VERB),
    _Rule(Intent.CHANGE_SERVICE_PRICE, phrases.PRICE_WORD, also=phrases.CHANGE_VERB),
    _Rule(Intent.UNBLOCK_TIME, phrases.UNBLOCK),
    _Rule(Intent.BLOCK_TIME, phrases.BLOCK),
    _Rule(Intent.WHATS_NEXT, phrases.WHATS_NEXT),
    _Rule(Intent.BUSINESS_SCHEDULE, phrases.BUSINESS_SCHEDULE),
    _Rule(Intent.BUSINESS_SCHEDULE, phrases.SCHEDULE_WORD, check=lambda norm, context: context.staff_name is not None),
    _Rule(Intent.BUSINESS_SCHEDULE, phrases.SOMEONES_SCHEDULE),
    _Rule(Intent.MY_SCHEDULE, phrases.MY_SCHEDULE),
    _Rule(Intent.STATS, phrases.STATS),
)
_SHARED_RULES = (
    _Rule(Intent.RESCHEDULE, phrases.RESCHEDULE),
    _Rule(Intent.CANCEL, phrases.CANCEL),
    _Rule(Intent.BOOK, phrases.BOOK),
    _Rule(Intent.VIEW_APPOINTMENTS, phrases.VIEW),
    _Rule(Intent.ASK_PRICES, phrases.ASK_PRICES),
    _Rule(Intent.ASK_HOURS, phrases.ASK_HOURS),
    _Rule(Intent.ASK_LOCATION, phrases.ASK_LOCATION),
    _Rule(Intent.ASK_SERVICES, phrases.ASK_SERVICES),
)
_CLOSING_RULES = (
    _Rule(Intent.THANKS, phrases.THANKS),
    _Rule(Intent.GOODBYE, phrases.GOODBYE),
    _Rule(Intent.GREETING, phrases.GREETING),
)
_HANDOFF_RULE = _Rule(Intent.HANDOFF, phrases.HANDOFF)
_HELP_RULE = _Rule(Intent.HELP, phrases.HELP)

_SERVICE_INTENTS = frozenset({
    Intent.BOOK, Intent.WALK_IN, Intent.ASK_SERVICES, Intent.ASK_PRICES, Intent.RESCHEDULE,
    Intent.CHANGE_SERVICE_DURATION, Intent.CHANGE_SERVICE_PRICE, Intent.UNKNOWN, Intent.GREETING,
})
_CUSTOMER_NAME_INTENTS = frozenset({
    Intent.MESSAGE_CUSTOMER, Intent.MARK_NO_SHOW, Intent.MARK_COMPLETED, Intent.CUSTOMER_HISTORY,
    Intent.WALK_IN, Intent.BOOK, Intent.CANCEL, Intent.RESCHEDULE,
})

# Words that start with a capital only because they start a sentence.
_COMMON_WORDS = frozenset(
    """
    hola oye ya que quiero necesito bloquea bloquear desbloquea el la los las de del un una este esta
    mi mis tu su se no si para por con sin a al en y o pero porque como cuando donde quien cual
    cita citas cliente clienta empleado empleada agrega agregar quita quitar elimina hazlo cambia dile
    avisale mandale manana hoy pasado buenas buenos dias tardes noches gracias ok sale va dale oye
    acaba llego vino viene compacta agenda cuanto cuantos como mandame envia enviale registra dar da
    lunes martes miercoles jueves viernes sabado domingo todos todas nuevo nueva ahora tambien solo
    """.split()
)
_NAME_RE = re.compile(r"\b([A-ZÁÉÍÓÚÑ][a-záéíóúñü]+(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+)*)")
_MESSAGE_TEXT_RE = re.compile(
    r"\b(?:dile|d[ií]gale|av[ií]sale|m[aá]ndale|env[ií]ale|escr[ií]bele|recu[eé]rdale|contr[eé]stale|resp[oó]ndele)\b[^:]*?(?::\s*|\bque\s+)(.+)$",
    re.IGNORECASE | re.DOTALL,
)
_DURATION_RE = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*(min|mins|minutos|hr|hrs|hora|horas|h)\b|\b(hora\s+y\s+media|media\s+hora|una\s+hora|dos\s+horas)\b"
)
_PRICE_RE = re.compile(r"\$\s*(\d[\d,]*(?:\.\d{1,2})?)|\b(\d[\d,]*(?:\.\d{1,2})?)\s*(?:pesos|mxn)\b|\ba\s+(\d{2,5})\b")
_WEEKDAY_RANGE_RE = re.compile(rf"\b(?:de|del)\s+({'|'.join(WEEKDAYS)})\s+(?:a|al)\s+({'|'.join(WEEKDAYS)})\b")
_WEEKDAY_PLURAL_RE = re.compile(r"\blos\s+(lunes|martes|miercoles|jueves|viernes|sabados?|domingos?)\b|\b(sabados|domingos)\b")
_ENTRE_SEMANA_RE = re.compile(r"\bentre\s+semana\b")
_FINES_RE = re.compile(r"\b(?:los\s+)?fines\s+de\s+semana\b")
_TODOS_DIAS_RE = re.compile(r"\btodos\s+los\s+dias\b")
_CLOSING_AT_RE = re.compile(
    r"\b(?:cerramos|cierra|cerrar|cierro|cierran)\s+(?:a\s+las|hasta\s+las|como\s+a\s+las)\s+\d{1,2}\b(?!\s*(?::\d|am\b|pm\b|de\s+la))"
)
_SERVICE_CONNECTORS = frozenset({"de", "del", "y", "e", "con", "para", "sin", "en", "+", "el", "la"})


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]


def _word_pairs(text: str) -> list[tuple[str, str]]:
    """(as written, normal form) per word, so slots can quote the writer's own spelling."""
    pairs = []
    for word in text.split():
        norm = normalize(word)
        if norm:
            pairs.append((word.strip(",.;:!¡?¿\"'()"), norm))
    return pairs


def _is_service_word(norm: str, service_words: frozenset[str]) -> bool:
    stem = norm[:-1] if len(norm) >= 5 and norm.endswith("s") else norm
    return (
        norm in SALON_VOCABULARY or stem in SALON_VOCABULARY or norm in CATEGORIES
        or norm in service_words or stem in service_words
    )


def _service_text(pairs: list[tuple[str, str]], service_words: frozenset[str]) -> str | None:
    start = next((i for i, (_, norm) in enumerate(pairs) if _is_service_word(norm, service_words)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(pairs):
        norm = pairs[end][1]
        if not (norm in _SERVICE_CONNECTORS or norm in QUALIFIERS or _is_service_word(norm, service_words)):
            break
        end += 1
    while end > start + 1 and pairs[end - 1][1] in _SERVICE_CONNECTORS:
        end -= 1
    return " ".join(written for written, _ in pairs[start:end])


def _match_staff(norm: str, staff_names: Sequence[str]) -> str | None:
    found = find_staff(norm, [(name, name) for name in staff_names])
    return found[0][1] if found else None


def _capitalised_name(text: str, service_words: frozenset[str]) -> str | None:
    """A capitalised name that is not just a sentence-initial common or service word."""
    for match in _NAME_RE.finditer(text):
        words = match.group(1).split()
        while words and (
            normalize(words[0]) in _COMMON_WORDS or _is_service_word(normalize(words[0]), service_words)
        ):
            words.pop(0)
        if words:
            return " ".join(words)
    return None


def _duration(norm: str) -> int | None:
    match = _DURATION_RE.search(norm)
    if not match:
        return None
    if match.group(3):
        return {"hora y media": 90, "media hora": 30, "una hora": 60, "dos horas": 120}[
            re.sub(r"\s+", " ", match.group(3))
        ]
    amount = float(match.group(1))
    return round(amount if match.group(2).startswith("m") else amount * 60)


def _price(norm: str) -> int | None:
    match = _PRICE_RE.search(norm)
    if not match:
        return None
    raw = next(group for group in match.groups() if group)
    return round(float(raw.replace(",", "")) * 100)


def _weekdays(norm: str) -> tuple[int, ...]:
    if match := _WEEKDAY_RANGE_RE.search(norm):
        first, last = WEEKDAYS.index(match.group(1)), WEEKDAYS.index(match.group(2))
        return tuple(range(first, last + 1)) if first <= last else tuple(range(first, 7)) + tuple(range(0, last + 1))
    if _TODOS_DIAS_RE.search(norm):
        return tuple(range(7))
    found: list[int] = []
    if _ENTRE_SEMANA_RE.search(norm):
        found.extend(range(5))
    if _FINES_RE.search(norm):
        found.extend((5, 6))
    for match in _WEEKDAY_PLURAL_RE.finditer(norm):
        word = match.group(1) or match.group(2)
        singular = word if word in WEEKDAYS else word[:-1]  # "sábados" -> "sábado"; "lunes" is both
        found.append(WEEKDAYS.index(singular))
    return tuple(sorted(set(found)))


def _services_pairs(services: Mapping[Hashable, str] | Iterable[tuple[Hashable, str]] | None):
    if services is None:
        return None
    return tuple(services.items()) if isinstance(services, Mapping) else tuple(services)


def detect_intent(
    text: str,
    *,
    today: date,
    audience: Audience = Audience.CUSTOMER,
    services: Mapping[Hashable, str] | Iterable[tuple[Hashable, str]] | None = None,
    staff_names: Sequence[str] = (),
) -> Understanding:
    """Read one message: intent (by the module's precedence) and the details it carries.

    ``today`` is the business's local date. ``services`` (``{id: name}``) lets the result
    carry a :class:`ServiceMatch`; ``staff_names`` lets names be recognised reliably.
    """
    service_pairs = _services_pairs(services)
    norm = normalize(text)

    # Slots first: the rules use some of them (a staff name, an appointment time).
    phone = None
    rest_text = text
    if found_phone := find_phone(text):
        phone = found_phone[1]
        rest_text = _blank(text, found_phone[0])
    rest = normalize(rest_text)
    date_expression = None
    if found_date := find_date(rest, today, normalized=True):
        date_expression = found_date[1]
        rest = _blank(rest, found_date[0])
    appointment_time = None
    if found_ref := phrases.APPOINTMENT_REF.search(rest):
        ref_times = find_times(found_ref.group(), normalized=True)
        if ref_times:
            appointment_time = ref_times[0][1]
            rest = _blank(rest, found_ref.span())
    time_range = None
    if found_range := find_time_range(rest, normalized=True):
        time_range = found_range[1]
        rest = _blank(rest, found_range[0])
    times = find_times(rest, normalized=True)
    single_time = times[0][1] if times else None
    part_of_day = (date_expression.part_of_day if date_expression else None) or parse_part_of_day(norm, normalized=True)

    staff_name = _match_staff(norm, staff_names) if staff_names else None
    context = _Context(staff_name)

    intent = Intent.UNKNOWN
    rules = (_HANDOFF_RULE, _HELP_RULE) + (_STAFF_RULES if audience is Audience.STAFF else ()) + _SHARED_RULES
    for rule in rules:
        if rule.matches(norm, context):
            intent = rule.intent
            break

    pairs = _word_pairs(rest_text)
    service_words: frozenset[str] = frozenset()
    if service_pairs:
        service_words = frozenset(
            word for _, name in service_pairs for word in normalize(name).split()
            if len(word) >= 3 and word not in FILLER
        )
    service_text = _service_text(pairs, service_words)
    service_match = None
    if service_pairs is not None and intent in _SERVICE_INTENTS:
        service_match = match_service(norm, service_pairs)
    if intent is Intent.UNKNOWN:
        named_service = service_match is not None and service_match.kind is not MatchKind.NONE
        if named_service or (service_text is not None and service_pairs is None):
            intent = Intent.BOOK
    if intent is Intent.UNKNOWN:
        for rule in _CLOSING_RULES:
            if rule.matches(norm, context):
                intent = rule.intent
                break
    if intent not in _SERVICE_INTENTS or (
        service_match is not None and service_match.kind is MatchKind.NONE and not service_match.unmatched_terms
    ):
        service_match = None

    all_times = tuple(found for _, found in times)
    if intent is Intent.RESCHEDULE and appointment_time is None and len(all_times) >= 2:
        # "no puedo llegar a las 4, ¿me la cambias para las 6?": from the first to the last
        appointment_time, single_time = all_times[0], all_times[-1]
    if intent is Intent.CHANGE_HOURS and single_time is not None and 8 <= single_time.hour <= 11:
        if _CLOSING_AT_RE.search(norm):  # "cerramos a las 8" is 8 PM: nobody closes at breakfast
            single_time = time(single_time.hour + 12, single_time.minute)
    if intent in (Intent.MARK_NO_SHOW, Intent.MARK_COMPLETED) and appointment_time is None and single_time is not None:
        appointment_time, single_time = single_time, None  # "no llegó el cliente a las 5"
    if intent in (Intent.BLOCK_TIME, Intent.UNBLOCK_TIME) and time_range is None and single_time is not None:
        time_range = TimeRange(RangeKind.AT, single_time, None)
    if intent in (Intent.BLOCK_TIME, Intent.UNBLOCK_TIME) and time_range is None and appointment_time is not None:
        time_range = TimeRange(RangeKind.AT, appointment_time, None)

    if staff_name is None and audience is Audience.STAFF and (
        intent is Intent.ADD_STAFF  # a new employee is not on the staff list yet
        or (
            not staff_names
            and intent in (Intent.STAFF_ABSENT, Intent.REMOVE_STAFF, Intent.CHANGE_PERMISSIONS, Intent.BUSINESS_SCHEDULE)
        )
    ):
        staff_name = _capitalised_name(rest_text, service_words)
    customer_name = None
    if audience is Audience.STAFF and intent in _CUSTOMER_NAME_INTENTS:
        candidate = _capitalised_name(rest_text, service_words)
        if candidate is not None and candidate != staff_name:
            customer_name = candidate

    message_text = None
    if intent is Intent.MESSAGE_CUSTOMER:
        if found_message := _MESSAGE_TEXT_RE.search(text):
            message_text = re.sub(r"^que\s+", "", found_message.group(1).strip(), flags=re.IGNORECASE)

    slots = Slots(
        date=date_expression,
        time=single_time,
        soonest=bool(phrases.SOONEST.search(norm)),
        times=all_times,
        time_range=time_range,
        part_of_day=part_of_day,
        appointment_time=appointment_time,
        service_text=service_text if intent in _SERVICE_INTENTS else None,
        service=service_match,
        phone=phone,
        staff_name=staff_name,
        customer_name=customer_name,
        duration_minutes=_duration(rest) if intent is Intent.CHANGE_SERVICE_DURATION else None,
        price_centavos=_price(norm) if intent is Intent.CHANGE_SERVICE_PRICE else None,
        weekdays=_weekdays(norm) if intent in (Intent.CHANGE_HOURS, Intent.BLOCK_TIME) else (),
        weekly_hours=parse_weekly_hours(norm) if intent is Intent.CHANGE_HOURS else (),
        message_text=message_text,
    )
    return Understanding(
        intent=intent,
        slots=slots,
        greeted=bool(phrases.GREETING.search(norm)),
        thanked=bool(phrases.THANKS.search(norm)),
    )
