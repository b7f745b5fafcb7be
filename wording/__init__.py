"""Parlo's es-MX wording: how every layer writes days, times, prices and names in Spanish.

The bottom layer: imports nothing of ours (stdlib and Babel only), so the solver's
callers, the resolvers, the GraphQL schema and WhatsApp messaging all write "viernes 15 de
enero", "a la 1:00 PM", "$150.50" the same way. Understanding Spanish lives in
``messaging.spanish``; writing it lives here.

Calendar (:mod:`.calendar`)
    WEEKDAYS, MONTHS                                   ("lunes", …), ("enero", …)
    weekday_name(day|n), month_name(n)                 "martes", "enero"
    format_date(day, *, today=None, weekday=True)      "viernes 15 de enero" ("… de 2028" in another year)
    short_date(day)                                    "martes 24"
    day_reference(day, today)                          "hoy viernes", "mañana viernes", "el sábado", "el jueves 21 de enero"
    period_reference(first, last, today)               "esta semana", "el mes pasado", "del 1 al 15 de enero" (.periods)
    counted(n, "cita", "citas")                        "1 cita", "3 citas"
Clock (:mod:`.clock`)
    format_time(t)                                     "3:00 PM"
    time_with_article(t) / at_time(t)                  "la 1:00 PM", "las 2:00 PM" / "a la 1:00 PM", "a las 2:00 PM"
    format_time_range(a, b) / time_span(a, b)          "2:00 PM - 3:00 PM" / "de la 1:00 PM a las 3:00 PM"
    hour_words(t)                                      "las 4", "la 1", "las 4:30" (spoken, no AM/PM)
Money and lengths (:mod:`.money`, :mod:`.durations`)
    format_price(centavos)                             "$150", "$1,250", "$150.50"
    format_duration(minutes)                           "45 min", "1 hr", "1.5 hr" (menus)
    duration_words(minutes)                            "45 minutos", "2 horas", "1 hora y media" (sentences)
Grammar (:mod:`.grammar`) and lists (:mod:`.lists`)
    with_article(name, definite=True, capital=False)   "el tinte", "las uñas acrílicas", "El tinte"
    definite_article / indefinite_article / noun_gender / business_gender / agree("dado", gender)
    contract("de", "el sábado")                        "del sábado" (never "del el")
    mid_sentence(name), capitalize_first(text)
    join_words(items, "y"), bullet_list(items), format_service_line(name, price, minutes)
"""

from .calendar import MONTHS, WEEKDAYS, day_reference, format_date, month_name, short_date, weekday_name
from .clock import at_time, format_time, format_time_range, hour_words, time_span, time_with_article
from .durations import duration_words, format_duration
from .grammar import (
    Gender,
    agree,
    business_gender,
    capitalize_first,
    contract,
    definite_article,
    indefinite_article,
    mid_sentence,
    noun_gender,
    with_article,
)
from .lists import bullet_list, format_service_line, join_words
from .money import format_price
from .periods import counted, period_reference

__all__ = [
    "period_reference",
    "MONTHS",
    "WEEKDAYS",
    "Gender",
    "agree",
    "at_time",
    "bullet_list",
    "business_gender",
    "capitalize_first",
    "contract",
    "counted",
    "day_reference",
    "definite_article",
    "duration_words",
    "format_date",
    "format_duration",
    "format_price",
    "format_service_line",
    "format_time",
    "format_time_range",
    "hour_words",
    "indefinite_article",
    "join_words",
    "mid_sentence",
    "month_name",
    "noun_gender",
    "short_date",
    "time_span",
    "time_with_article",
    "weekday_name",
    "with_article",
]
