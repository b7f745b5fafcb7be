"""Periods an owner asks numbers about: phrase → first and last local day (weeks Monday–Sunday)."""

from __future__ import annotations

from datetime import date

import pytest

from messaging.spanish.periods import PeriodKind, parse_period

FRIDAY = date(2026, 1, 16)
MONDAY = date(2026, 3, 2)
NEW_YEAR = date(2026, 1, 1)  # a Thursday

CASES = [
    # text, today, first, last, kind
    ("¿Cuántas citas hay mañana en total?", FRIDAY, date(2026, 1, 17), date(2026, 1, 17), PeriodKind.DAY),
    ("¿cuánto llevamos hoy?", FRIDAY, FRIDAY, FRIDAY, PeriodKind.DAY),
    ("ventas de ayer", FRIDAY, date(2026, 1, 15), date(2026, 1, 15), PeriodKind.DAY),
    ("¿y antier?", FRIDAY, date(2026, 1, 14), date(2026, 1, 14), PeriodKind.DAY),
    ("¿cuántas hay pasado mañana?", FRIDAY, date(2026, 1, 18), date(2026, 1, 18), PeriodKind.DAY),
    ("¿cuántas citas hay el lunes?", FRIDAY, date(2026, 1, 19), date(2026, 1, 19), PeriodKind.DAY),
    ("¿cuántas citas hubo el lunes?", FRIDAY, date(2026, 1, 12), date(2026, 1, 12), PeriodKind.DAY),
    ("¿cuánto vendimos el viernes?", FRIDAY, date(2026, 1, 9), date(2026, 1, 9), PeriodKind.DAY),
    ("¿cuántas citas tiene Pedro el viernes?", FRIDAY, date(2026, 1, 23), date(2026, 1, 23), PeriodKind.DAY),
    ("¿y el sábado?", FRIDAY, date(2026, 1, 17), date(2026, 1, 17), PeriodKind.DAY),
    ("¿cuántas citas hay el 20?", FRIDAY, date(2026, 1, 20), date(2026, 1, 20), PeriodKind.DAY),
    ("¿cuánto vendimos el 15 de enero?", FRIDAY, date(2026, 1, 15), date(2026, 1, 15), PeriodKind.DAY),
    ("¿cuánto vendimos el 20 de diciembre?", FRIDAY, date(2025, 12, 20), date(2025, 12, 20), PeriodKind.DAY),
    ("¿Cuánto vendimos esta semana?", FRIDAY, date(2026, 1, 12), date(2026, 1, 18), PeriodKind.WEEK),
    ("¿qué día es el más lleno esta semana?", MONDAY, MONDAY, date(2026, 3, 8), PeriodKind.WEEK),
    ("¿y la semana pasada?", FRIDAY, date(2026, 1, 5), date(2026, 1, 11), PeriodKind.WEEK),
    ("¿cuántas no-shows hubo la semana antepasada?", FRIDAY, date(2025, 12, 29), date(2026, 1, 4), PeriodKind.WEEK),
    ("citas de la próxima semana", FRIDAY, date(2026, 1, 19), date(2026, 1, 25), PeriodKind.WEEK),
    ("¿cuántas hay la semana que entra?", FRIDAY, date(2026, 1, 19), date(2026, 1, 25), PeriodKind.WEEK),
    ("¿cuántos clientes nuevos este mes?", FRIDAY, date(2026, 1, 1), date(2026, 1, 31), PeriodKind.MONTH),
    ("¿cuánto vendimos el mes pasado?", FRIDAY, date(2025, 12, 1), date(2025, 12, 31), PeriodKind.MONTH),
    ("¿cuánto vendimos el mes pasado?", MONDAY, date(2026, 2, 1), date(2026, 2, 28), PeriodKind.MONTH),
    ("¿cuántas citas hay el próximo mes?", FRIDAY, date(2026, 2, 1), date(2026, 2, 28), PeriodKind.MONTH),
    ("¿cuánto vendimos en diciembre?", FRIDAY, date(2025, 12, 1), date(2025, 12, 31), PeriodKind.MONTH),
    ("¿cuántas citas hay en marzo?", FRIDAY, date(2026, 3, 1), date(2026, 3, 31), PeriodKind.MONTH),
    ("ventas de febrero de 2025", FRIDAY, date(2025, 2, 1), date(2025, 2, 28), PeriodKind.MONTH),
    ("¿cuánto llevamos este año?", FRIDAY, date(2026, 1, 1), date(2026, 12, 31), PeriodKind.YEAR),
    ("¿cuánto vendimos el año pasado?", FRIDAY, date(2025, 1, 1), date(2025, 12, 31), PeriodKind.YEAR),
    ("ventas del 1 al 15 de enero", FRIDAY, date(2026, 1, 1), date(2026, 1, 15), PeriodKind.RANGE),
    ("del 5 al 10", FRIDAY, date(2026, 1, 5), date(2026, 1, 10), PeriodKind.RANGE),
    ("entre el 1 y el 10 de enero", FRIDAY, date(2026, 1, 1), date(2026, 1, 10), PeriodKind.RANGE),
    ("del 20 de diciembre al 5 de enero", FRIDAY, date(2025, 12, 20), date(2026, 1, 5), PeriodKind.RANGE),
    ("¿cuánto vendimos del 1 al 15 de diciembre?", NEW_YEAR, date(2025, 12, 1), date(2025, 12, 15), PeriodKind.RANGE),
    ("citas del lunes al miércoles", FRIDAY, date(2026, 1, 12), date(2026, 1, 14), PeriodKind.RANGE),
    ("¿cuánto llevamos desde el lunes?", FRIDAY, date(2026, 1, 12), FRIDAY, PeriodKind.RANGE),
    ("¿cuánto vendimos desde el 20?", FRIDAY, date(2025, 12, 20), FRIDAY, PeriodKind.RANGE),
    ("ventas de los últimos 7 días", FRIDAY, date(2026, 1, 10), FRIDAY, PeriodKind.RANGE),
    ("en las últimas dos semanas", FRIDAY, date(2026, 1, 3), FRIDAY, PeriodKind.RANGE),
]


@pytest.mark.parametrize(("text", "today", "first", "last", "kind"), CASES, ids=[c[0] + f" @{c[1]}" for c in CASES])
def test_periods_an_owner_asks_about(text, today, first, last, kind):
    period = parse_period(text, today)
    assert period is not None
    assert (period.first, period.last, period.kind) == (first, last, kind)


@pytest.mark.parametrize("text", ["hola", "¿cuántas citas tengo?", "¿cuánto vendimos?", "bloquea de 2 a 3",
                                  "¿con quién me toca?"])
def test_no_period_said_is_none(text):
    assert parse_period(text, FRIDAY) is None
