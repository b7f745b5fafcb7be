"""Parlo's Spanish: understand WhatsApp messages, deterministically.

The language core of the rule-based conversation engine. Pure functions: no database,
no clock (the caller passes the business's local ``today``), nothing of ours imported
(stdlib, rapidfuzz, phonenumbers, babel only). Every parser takes the raw message.

Request frames (what one message says, typed)
    parse_frame(text, *, now_local, catalog=Catalog(), offers=()) -> Frame
    Frame(acts, services, unknown_services, staff, any_staff, when, appointment, choice, person_name)
        .act (most decisive), .has(*acts), .answer (yes/no/None), .service_ids
    Act                                                 BOOK / MOVE / CANCEL / ASK_PRICE / CHOOSE / CORRECT / ...
    TimeConstraint(days, not_before, part_of_day, times, around, after, before, lean)
        .admits(local_datetime), .windows(day) -> (Window(first, last), ...), .candidate_days(start),
        .over(remembered) (merge across turns), .relative_to(offer) ("más tarde"), .day, .time
    DayConstraint(first, last, weekdays, only), ClockBound(time, inclusive), Lean
    ServiceMention(said, candidates), StaffMention(id, name), AppointmentRef(...).matches(start, service_id),
    OfferChoice(position, time, index).pick(offers), Catalog.of(services, staff)

Understanding
    normalize(text) -> str
        lowercase, no accents, WhatsApp shorthand expanded ("q", "xfa", "mñn"), typos fixed.
    parse_date(text, today) -> DateExpression | None
        "mañana en la tarde", "el lunes", "el 15 de enero", "15/01", "la próxima semana".
    DateExpression(start, end, part_of_day)            a day or an inclusive range of days.
    parse_time(text, *, bare=False) -> time | None
        "a las 4" -> 16:00 (salon hours rule), "11:30", "4 y media", "5pm", "a mediodía".
    parse_time_range(text, *, single_as_slot=False) -> TimeRange | None
        "de 2 a 3", "de 2 a 4 de la tarde", "de 5 en adelante", "antes de las 12".
    TimeRange(kind: RangeKind, start, end)             BETWEEN / FROM / UNTIL / AT / ALL_DAY.
    parse_part_of_day(text) -> PartOfDay | None        MORNING / MIDDAY / AFTERNOON / EVENING.
    parse_when(text, today, *, bare_time=False) -> When
        all of the above at once, for "¿para cuándo?" replies: When(date, time, time_range, part_of_day).
    match_service(text, services: {id: name}) -> ServiceMatch
        "un corte" -> Corte de cabello; "uñas" -> AMBIGUOUS; "corte y barba" -> COMBINATION.
    ServiceMatch(kind: MatchKind, candidates, unmatched_terms), ServiceCandidate(id, name, confidence)
    choose(text, options: [str | time]) -> Choice      "la 2", "la segunda", "a las 4", "todos".
    Choice(kind: ChoiceKind, indexes)                  PICKED / ALL / NONE / OTHER / AMBIGUOUS / UNCLEAR.
    parse_yes_no(text) -> YesNo(answer, wants_other_day, rest)
    parse_rating(text) -> int | None                   "5", "⭐⭐⭐⭐", "excelente" -> 1..5.
    parse_service_list(text) -> tuple[ServiceOffer, ...]
        an owner's list, one per line ("Corte $150 45 min"): ServiceOffer(name, price_centavos, minutes).
    read_figures(text) -> FiguresAsked(figures, scope, counting) | None
        the salon figures a question asks for ("¿cuánto vendimos?" → REVENUE, "¿cuántas tengo?" → mine).
    parse_period(text, today) -> Period | None
        the calendar period a question about numbers is about: "esta semana" (Monday–Sunday),
        "la semana pasada", "el mes pasado", "del 1 al 15 de enero", "el lunes" (past tense: the last one).
    parse_weekly_hours(text) -> tuple[WeeklyHours, ...]
        "de lunes a viernes de 10 a 7, domingos cerrado": WeeklyHours(weekdays, start, end, closed).
    detect_intent(text, *, today, audience=Audience.CUSTOMER, services=None, staff_names=()) -> Understanding
    Understanding(intent: Intent, slots: Slots, greeted, thanked); .suggests_handoff
    parse_person_name(text) -> str | None              "juan pérez" -> "Juan Pérez", "soy Ana" -> "Ana".
    extract_phone(text) -> str | None                  "55 9876 5432" -> "+525598765432".
    normalize_phone(raw) -> str | None                 one written number (or "whatsapp:+521...") to E.164.

Writing lives in the bottom-layer package ``wording`` (dates, times, prices, articles);
this package only understands. ``format_phone(e164)`` / ``format_phone_international(e164)``
("55 9876 5432") stay here next to the phone parser they mirror.

Each module's docstring states its rules (what "el lunes" means on a Monday, why "a las
4" is 4 PM, the intent precedence).
"""

from .choices import Choice, ChoiceKind, YesNo, choose, parse_yes_no
from .dates import DateExpression, parse_date
from .frames import Act, AppointmentRef, Catalog, Frame, OfferChoice, ServiceMention, StaffMention
from .hours import WeeklyHours, parse_weekly_hours
from .intents import Audience, Intent, Slots, Understanding, detect_intent
from .names import parse_person_name
from .normal_form import normalize
from .offers import ServiceOffer, parse_service_list
from .figures import Figure, FiguresAsked, Scope, read_figures
from .parse import parse_frame
from .periods import Period, PeriodKind, parse_period
from .phones import extract_phone, format_phone, format_phone_international, normalize_phone
from .ratings import parse_rating
from .services import MatchKind, ServiceCandidate, ServiceMatch, match_service
from .time_ranges import RangeKind, TimeRange, parse_time_range
from .times import PartOfDay, parse_part_of_day, parse_time
from .time_constraint import ClockBound, DayConstraint, Lean, TimeConstraint, Window
from .when import When, parse_when

__all__ = [
    "Act",
    "AppointmentRef",
    "Catalog",
    "ClockBound",
    "DayConstraint",
    "Frame",
    "Lean",
    "Figure",
    "FiguresAsked",
    "OfferChoice",
    "Scope",
    "Period",
    "PeriodKind",
    "ServiceMention",
    "StaffMention",
    "TimeConstraint",
    "Window",
    "Audience",
    "Choice",
    "ChoiceKind",
    "DateExpression",
    "Intent",
    "MatchKind",
    "PartOfDay",
    "RangeKind",
    "ServiceCandidate",
    "ServiceMatch",
    "ServiceOffer",
    "Slots",
    "TimeRange",
    "Understanding",
    "WeeklyHours",
    "When",
    "YesNo",
    "choose",
    "detect_intent",
    "extract_phone",
    "format_phone",
    "format_phone_international",
    "match_service",
    "normalize",
    "normalize_phone",
    "parse_date",
    "parse_frame",
    "parse_part_of_day",
    "parse_period",
    "parse_person_name",
    "parse_rating",
    "parse_service_list",
    "parse_time",
    "parse_time_range",
    "parse_weekly_hours",
    "parse_when",
    "parse_yes_no",
    "read_figures",
]
