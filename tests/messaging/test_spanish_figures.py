"""Questions about numbers: which figures are asked for, and whose (the period is parse_period's)."""

from __future__ import annotations

import pytest

from messaging.spanish.figures import Figure, Scope, read_figures

A, C, X, N, R, NEW, DAY, HOUR, SUM = (Figure.APPOINTMENTS, Figure.COMPLETED, Figure.CANCELLED, Figure.NO_SHOWS,
                                     Figure.REVENUE, Figure.NEW_CUSTOMERS, Figure.BUSIEST_DAY, Figure.BUSIEST_HOUR,
                                     Figure.SUMMARY)
CASES = [
    ("¿Cuántas citas hay mañana en total?", (A,), Scope.EVERYONE),
    ("¿Cuántas citas tengo mañana?", (A,), Scope.MINE),
    ("¿cuántas citas tiene Pedro el viernes?", (A,), None),
    ("¿Cuánto vendimos esta semana?", (R,), Scope.EVERYONE),
    ("¿cuánto llevamos hoy?", (R,), Scope.EVERYONE),
    ("ventas del 1 al 15 de enero", (R,), None),
    ("¿cuánto dinero entró ayer?", (R,), None),
    ("¿cuántos clientes nuevos este mes?", (NEW,), None),
    ("¿cuántas clientas nuevas llegaron?", (NEW,), None),
    ("¿cuántas no-shows hubo la semana pasada?", (N,), Scope.EVERYONE),
    ("¿cuántos no llegaron ayer?", (N,), None),
    ("¿cuántas canceladas este mes?", (X,), None),
    ("¿cuántas citas se cancelaron?", (X,), None),
    ("¿cuántos clientes atendimos hoy?", (C,), Scope.EVERYONE),
    ("¿cuántas citas completadas hoy y cuánto dinero?", (C, R), None),
    ("¿qué día es el más lleno esta semana?", (DAY,), None),
    ("¿a qué hora hay más gente?", (HOUR,), Scope.EVERYONE),
    ("¿cuál es la hora pico?", (HOUR,), None),
    ("¿cómo vamos este mes?", (SUM,), None),
    ("estadísticas", (SUM,), None),
    ("mándame el resumen de la semana", (SUM,), None),
]


@pytest.mark.parametrize(("text", "figures", "scope"), CASES, ids=[c[0] for c in CASES])
def test_figures_asked(text, figures, scope):
    asked = read_figures(text)
    assert asked is not None and asked.figures == figures and asked.scope is scope


@pytest.mark.parametrize("text", ["Jorge Hernández no llegó", "el de las 3 no llegó", "¿qué tengo hoy?", "¿y mañana?",
                                  "bloquea de 2 a 3", "hola", "con quién me toca?"])
def test_not_a_question_about_numbers(text):
    assert read_figures(text) is None
