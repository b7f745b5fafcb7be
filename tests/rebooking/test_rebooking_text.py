"""The owner reads the plan in one WhatsApp message and answers it in a few words."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest

from messaging.rebooking_text import (
    AnswerKind,
    applied_message,
    parse_plan_answer,
    plan_message,
)
from resolvers.rebooking import (
    ApplyResult,
    DisruptionFacts,
    DisruptionKind,
    PlacementAt,
    PlanFiguresOut,
    PlannedMove,
    PlanResult,
    RefusedMove,
    UnplaceableAppointment,
)

TODAY = date(2026, 1, 16)  # Friday
PEDRO, MARIA, CARLOS = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
SILLA = uuid.uuid4()


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    """Mexico City is UTC-6: local 10:00 is 16:00 UTC."""
    return datetime(2026, 1, day, hour, minute, tzinfo=timezone.utc) + timedelta(hours=6)


def at(staff_id, name, day, hour, minute=0) -> PlacementAt:
    start = utc(day, hour, minute)
    return PlacementAt(staff_id, name, SILLA, "Silla 1", start, start + timedelta(minutes=45))


def move(n: int, customer: str, service: str, before: PlacementAt, after: PlacementAt, *, affected=True,
         changes_day=False) -> PlannedMove:
    return PlannedMove(str(n), uuid.uuid4(), uuid.uuid4(), customer, uuid.uuid4(), service, before, after, affected,
                       0, changes_day)


def plan(moves, unplaceable=(), *, affected=None, optimal=True, kind=DisruptionKind.STAFF_OUT) -> PlanResult:
    affected = affected if affected is not None else len([m for m in moves if m.affected]) + len(unplaceable)
    figures = PlanFiguresOut(affected, len(moves), len(moves), len(unplaceable), 0, 0, len(moves), 0, 0, 0, 0.1)
    facts = DisruptionFacts(kind, date(2026, 1, 17), date(2026, 1, 17), staff_id=PEDRO, staff_name="Pedro Ramírez")
    return PlanResult(uuid.uuid4(), kind, facts, "America/Mexico_City", optimal, "cp-sat", tuple(moves),
                      tuple(unplaceable), figures, (), utc(16, 10), None, None)


def test_the_plan_reads_as_one_message_with_numbered_moves_and_the_question():
    moves = [
        move(1, "Juan Pérez", "Corte de cabello", at(PEDRO, "Pedro Ramírez", 17, 16), at(MARIA, "María López", 17, 16)),
        move(2, "Luis Ramírez", "Arreglo de barba", at(PEDRO, "Pedro Ramírez", 17, 17),
             at(CARLOS, "Carlos Mendoza", 19, 12, 30), changes_day=True),
    ]
    missing = UnplaceableAppointment(uuid.uuid4(), "Ana Torres", "Corte y barba", "Pedro Ramírez", utc(17, 18),
                                     "schedule_full", "la agenda ya está llena a esas horas")
    text = plan_message(plan(moves, [missing]), today=TODAY)
    assert text == (
        "Pedro Ramírez no viene mañana sábado.\n"
        "Muevo 2 de 3 citas:\n"
        "1) Juan Pérez, corte de cabello, 4:00 PM con Pedro → 4:00 PM con María\n"
        "2) Luis Ramírez, arreglo de barba, 5:00 PM con Pedro → el lunes a las 12:30 PM con Carlos\n"
        "No pude mover 1:\n"
        "• Ana Torres, corte y barba, 6:00 PM con Pedro: la agenda ya está llena a esas horas\n"
        "Al aplicar, a quien no pude mover le escribo con otras opciones (otro día u otra persona) o la lista de "
        "espera, y su cita queda marcada «necesita nueva hora».\n"
        "¿Aplico todo? Responde «aplica todo», «aplica 1, 3» o «no»."
    )
    assert "del el" not in text and "de el " not in text and " a el " not in text


def test_a_plan_that_is_not_proven_best_says_so_and_one_move_asks_simply():
    one = [move(1, "Juan Pérez", "Corte", at(PEDRO, "Pedro", 17, 10), at(MARIA, "María", 17, 10))]
    text = plan_message(plan(one, optimal=False), today=TODAY)
    assert "Muevo 1 de 1 cita:" in text and "mejor plan que encontré" in text
    assert text.endswith("¿Lo aplico? Responde «aplica todo» o «no».")


def test_nothing_to_move_says_so_without_a_question():
    text = plan_message(plan([], affected=0), today=TODAY)
    assert text == "Pedro Ramírez no viene mañana sábado. No tiene citas en esas fechas; no hay nada que mover."


@pytest.mark.parametrize("answer, kind, ids", [
    ("aplica todo", AnswerKind.APPLY_ALL, ("1", "2", "3", "4")),
    ("Sí, todas", AnswerKind.APPLY_ALL, ("1", "2", "3", "4")),
    ("si", AnswerKind.APPLY_ALL, ("1", "2", "3", "4")),
    ("dale, aplícalo", AnswerKind.APPLY_ALL, ("1", "2", "3", "4")),
    ("aplica 1, 3", AnswerKind.APPLY_SOME, ("1", "3")),
    ("aplica la 1 y la 3", AnswerKind.APPLY_SOME, ("1", "3")),
    ("solo la 4", AnswerKind.APPLY_SOME, ("4",)),
    ("3 y 1", AnswerKind.APPLY_SOME, ("1", "3")),
    ("todas menos la 2", AnswerKind.APPLY_SOME, ("1", "3", "4")),
    ("no", AnswerKind.DECLINE, ()),
    ("mejor no, gracias", AnswerKind.DECLINE, ()),
    ("ninguna", AnswerKind.DECLINE, ()),
    ("qué onda", AnswerKind.UNCLEAR, ()),
])
def test_the_owners_answer(answer, kind, ids):
    parsed = parse_plan_answer(answer, ["1", "2", "3", "4"])
    assert (parsed.kind, parsed.move_ids) == (kind, ids)


def test_a_number_the_plan_does_not_have_is_asked_again():
    parsed = parse_plan_answer("aplica 1 y 7", ["1", "2"])
    assert parsed.kind is AnswerKind.UNCLEAR and parsed.unknown == (7,)


def test_what_applying_did():
    moved = move(1, "Juan Pérez", "Corte", at(PEDRO, "Pedro", 17, 10), at(MARIA, "María", 17, 10))
    result = ApplyResult(plan([moved]), (moved,), (RefusedMove("2", None, "Ya no cabe la cita de Luis: ese horario se ocupó."),), 1)
    assert applied_message(result, today=TODAY) == (
        "Listo: moví 1 cita. Le pedí al cliente que confirme o elija otro horario.\n"
        "No moví:\n2) Ya no cabe la cita de Luis: ese horario se ocupó.")
