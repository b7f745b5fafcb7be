"""The Spanish parsing table: phrases customers and staff write, and what Parlo must read.

"Today" is Thursday 14 January 2027, so "mañana" is "viernes 15 de enero" as in the
spec's first example conversation. Every phrase of the spec's example conversations is
here. ``bench/spanish.py`` times the same tables.
"""

from __future__ import annotations

from datetime import date, time

import pytest

from messaging.spanish import (
    Audience,
    ChoiceKind,
    Intent,
    MatchKind,
    PartOfDay,
    RangeKind,
    choose,
    detect_intent,
    extract_phone,
    match_service,
    parse_date,
    parse_part_of_day,
    parse_person_name,
    parse_rating,
    parse_time,
    parse_time_range,
    parse_yes_no,
)

TODAY = date(2027, 1, 14)  # jueves
C, S = Audience.CUSTOMER, Audience.STAFF
MORNING, MIDDAY, AFTERNOON, EVENING = PartOfDay.MORNING, PartOfDay.MIDDAY, PartOfDay.AFTERNOON, PartOfDay.EVENING


def d(day: int, month: int = 1, year: int = 2027) -> date:
    return date(year, month, day)


# (phrase, first day, last day or None for a single day, part of day)
DATE_TABLE = [
    ("hoy", d(14), None, None),
    ("Hoy", d(14), None, None),
    ("mañana", d(15), None, None),
    ("manana", d(15), None, None),
    ("mñn", d(15), None, None),
    ("Mañana en la tarde", d(15), None, AFTERNOON),
    ("mañana en la mañana", d(15), None, MORNING),
    ("mañana temprano", d(15), None, MORNING),
    ("mañana por la noche", d(15), None, EVENING),
    ("pasado mañana", d(16), None, None),
    ("pasado manana en la noche", d(16), None, EVENING),
    ("el lunes", d(18), None, None),
    ("este lunes", d(18), None, None),
    ("el próximo lunes", d(18), None, None),
    ("el lunes que viene", d(18), None, None),
    ("lunes", d(18), None, None),
    ("el jueves", d(21), None, None),  # said on a Thursday: next week's
    ("el sábado", d(16), None, None),
    ("Para el sábado si hay espacio", d(16), None, None),
    ("el sabado en la mañana", d(16), None, MORNING),
    ("el sabdo", d(16), None, None),
    ("el miércoles", d(20), None, None),
    ("el viernes 22", d(22), None, None),
    ("el sábado 4", d(16), None, None),  # the 4th is no Saturday: the weekday decides
    ("al lunes en la tarde", d(18), None, AFTERNOON),
    ("el 15", d(15), None, None),
    ("el 10", d(10, 2), None, None),
    ("el día 20", d(20), None, None),
    ("el 15 de enero", d(15), None, None),
    ("el 10 de enero", d(10, 1, 2028), None, None),
    ("3 de marzo", d(3, 3), None, None),
    ("el primero de mayo", d(1, 5), None, None),
    ("15/01", d(15), None, None),
    ("1/3", d(1, 3), None, None),
    ("15/01/2028", d(15, 1, 2028), None, None),
    ("la próxima semana", d(18), d(24), None),
    ("la semana que viene", d(18), d(24), None),
    ("la semana entrante", d(18), d(24), None),
    ("esta semana", d(14), d(17), None),
    ("este fin de semana", d(16), d(17), None),
    ("el finde", d(16), d(17), None),
    ("en 3 días", d(17), None, None),
    ("en tres días", d(17), None, None),
    ("dentro de una semana", d(21), None, None),
    ("de hoy en ocho", d(21), None, None),
    ("el lunes de la próxima semana", d(18), None, None),
    ("esta tarde", d(14), None, AFTERNOON),
    ("hoy en la noche", d(14), None, EVENING),
    ("el mes que viene", d(1, 2), d(28, 2), None),
    ("este mes", d(14), d(31), None),
]
NO_DATE_TABLE = ["31/02", "a las 10 de la mañana", "el de las 3", "de lunes a viernes", "hola", "la 2"]


@pytest.mark.parametrize(("phrase", "first", "last", "part"), DATE_TABLE)
def test_dates_are_read_relative_to_today(phrase, first, last, part):
    found = parse_date(phrase, TODAY)
    assert found is not None
    assert (found.start, found.end, found.part_of_day) == (first, last or first, part)


@pytest.mark.parametrize("phrase", NO_DATE_TABLE)
def test_phrases_without_a_date(phrase):
    assert parse_date(phrase, TODAY) is None


TIME_TABLE = [
    ("A las 4", time(16)),
    ("a las 4", time(16)),
    ("11:30", time(11, 30)),
    ("4:30", time(16, 30)),
    ("4 y media", time(16, 30)),
    ("a las 4 de la tarde", time(16)),
    ("10 de la mañana", time(10)),
    ("a mediodía", time(12)),
    ("16:00", time(16)),
    ("5pm", time(17)),
    ("5 p.m.", time(17)),
    ("5 PM", time(17)),
    ("las 11", time(11)),
    ("a la una", time(13)),
    ("a las 8", time(8)),
    ("a las 7", time(19)),
    ("a las 12", time(12)),
    ("8 de la noche", time(20)),
    ("5 de la mañana", time(5)),
    ("07:30", time(7, 30)),
    ("16 hrs", time(16)),
    ("cuarto para las 5", time(16, 45)),
    ("a las 3 y cuarto", time(15, 15)),
    ("10:15 am", time(10, 15)),
    ("a las diez", time(10)),
    ("a las cinco y media", time(17, 30)),
    ("No solo las 4", time(16)),
    ("la 2", None),
    ("el 15", None),
    ("en 3 días", None),
    ("4 personas", None),
]


@pytest.mark.parametrize(("phrase", "expected"), TIME_TABLE)
def test_times_follow_the_salon_hours_rule(phrase, expected):
    assert parse_time(phrase) == expected


RANGE_TABLE = [
    ("de 2 a 3", RangeKind.BETWEEN, time(14), time(15)),
    ("de 2 a 4 de la tarde", RangeKind.BETWEEN, time(14), time(16)),
    ("de 10 a 2", RangeKind.BETWEEN, time(10), time(14)),
    ("de 11 a 2 de la tarde", RangeKind.BETWEEN, time(11), time(14)),
    ("de 9 a 11 de la mañana", RangeKind.BETWEEN, time(9), time(11)),
    ("de 6 a 8", RangeKind.BETWEEN, time(18), time(20)),
    ("de 9 a 7", RangeKind.BETWEEN, time(9), time(19)),
    ("entre 2 y 4", RangeKind.BETWEEN, time(14), time(16)),
    ("2-4", RangeKind.BETWEEN, time(14), time(16)),
    ("14:00-16:00", RangeKind.BETWEEN, time(14), time(16)),
    ("desde las 2 hasta las 4", RangeKind.BETWEEN, time(14), time(16)),
    ("de 2:30 a 3:15", RangeKind.BETWEEN, time(14, 30), time(15, 15)),
    ("Bloquea de 2 a 3 para mi comida", RangeKind.BETWEEN, time(14), time(15)),
    ("bloquea 4 a 6", RangeKind.BETWEEN, time(16), time(18)),
    ("10:30 a 12", RangeKind.BETWEEN, time(10, 30), time(12)),
    ("de 5 en adelante", RangeKind.FROM, time(17), None),
    ("desde las 5", RangeKind.FROM, time(17), None),
    ("a partir de las 6", RangeKind.FROM, time(18), None),
    ("después de las 5", RangeKind.FROM, time(17), None),
    ("antes de las 12", RangeKind.UNTIL, None, time(12)),
    ("hasta las 11", RangeKind.UNTIL, None, time(11)),
    ("todo el día", RangeKind.ALL_DAY, None, None),
]


@pytest.mark.parametrize(("phrase", "kind", "start", "end"), RANGE_TABLE)
def test_time_ranges(phrase, kind, start, end):
    found = parse_time_range(phrase)
    assert found is not None
    assert (found.kind, found.start, found.end) == (kind, start, end)


PART_OF_DAY_TABLE = [
    ("en la tarde", AFTERNOON),
    ("por la mañana", MORNING),
    ("en la noche", EVENING),
    ("al mediodía", MIDDAY),
    ("en las tardes", AFTERNOON),
    ("Hola buenas tardes", None),
    ("tengo que salir temprano", None),
]


@pytest.mark.parametrize(("phrase", "expected"), PART_OF_DAY_TABLE)
def test_parts_of_day(phrase, expected):
    assert parse_part_of_day(phrase) == expected


BARBER = {"corte": "Corte de cabello", "barba": "Arreglo de barba", "combo": "Corte y barba"}
BARBER_WITHOUT_COMBO = {"corte": "Corte de cabello", "barba": "Arreglo de barba"}
NAILS = {"mani": "Manicure", "pedi": "Pedicure", "manipedi": "Mani + Pedi"}
BY_CLIENT = {"h": "Corte hombre", "m": "Corte mujer", "t": "Tinte"}
SALON = {
    n: name
    for n, name in enumerate([
        "Corte dama", "Corte caballero", "Corte niño", "Tinte raíz", "Tinte completo", "Mechas",
        "Keratina", "Peinado", "Maquillaje", "Manicure gelish", "Pedicure spa", "Uñas acrílicas",
        "Depilación de ceja", "Planchado", "Extensiones de pestañas",
    ])
}

# (phrase, services, kind, names in order, salon words not offered)
SERVICE_TABLE = [
    ("un corte", BARBER, MatchKind.MATCHED, ["Corte de cabello"], ()),
    ("Quiero una cita para un corte", BARBER, MatchKind.MATCHED, ["Corte de cabello"], ()),
    ("barba", BARBER, MatchKind.MATCHED, ["Arreglo de barba"], ()),
    ("corte y barba", BARBER, MatchKind.MATCHED, ["Corte y barba"], ()),
    ("corte y barba", BARBER_WITHOUT_COMBO, MatchKind.COMBINATION, ["Corte de cabello", "Arreglo de barba"], ()),
    ("coret", BARBER, MatchKind.MATCHED, ["Corte de cabello"], ()),
    ("barva", BARBER, MatchKind.MATCHED, ["Arreglo de barba"], ()),
    ("mani pedi", NAILS, MatchKind.MATCHED, ["Mani + Pedi"], ()),
    ("Mani pedi", NAILS, MatchKind.MATCHED, ["Mani + Pedi"], ()),
    ("manicure", NAILS, MatchKind.MATCHED, ["Manicure"], ()),
    ("pedicure", NAILS, MatchKind.MATCHED, ["Pedicure"], ()),
    ("uñas", NAILS, MatchKind.AMBIGUOUS, ["Manicure", "Pedicure", "Mani + Pedi"], ()),
    ("Acaba de llegar alguien para uñas", NAILS, MatchKind.AMBIGUOUS, ["Manicure", "Pedicure", "Mani + Pedi"], ()),
    ("corte para hombre", BY_CLIENT, MatchKind.MATCHED, ["Corte hombre"], ()),
    ("corte", BY_CLIENT, MatchKind.AMBIGUOUS, ["Corte hombre", "Corte mujer"], ()),
    ("color", BY_CLIENT, MatchKind.MATCHED, ["Tinte"], ()),
    ("Oye quiero saber si hacen tintes para hombre", BARBER, MatchKind.NONE, [], ("tinte",)),
    ("corte y tinte", BARBER_WITHOUT_COMBO, MatchKind.MATCHED, ["Corte de cabello"], ("tinte",)),
    ("hola", BARBER, MatchKind.NONE, [], ()),
    ("corte", SALON, MatchKind.AMBIGUOUS, ["Corte dama", "Corte caballero", "Corte niño"], ()),
    ("corte de caballero", SALON, MatchKind.MATCHED, ["Corte caballero"], ()),
    ("corte para niño", SALON, MatchKind.MATCHED, ["Corte niño"], ()),
    ("tinte", SALON, MatchKind.MATCHED, ["Tinte completo"], ()),  # "completo" is the plain variant
    ("retoque de raíz", SALON, MatchKind.MATCHED, ["Tinte raíz"], ()),
    ("uñas", SALON, MatchKind.AMBIGUOUS, ["Uñas acrílicas", "Manicure gelish", "Pedicure spa"], ()),
    ("gelish", SALON, MatchKind.MATCHED, ["Manicure gelish"], ()),
    ("cejas", SALON, MatchKind.MATCHED, ["Depilación de ceja"], ()),
    ("alaciado", SALON, MatchKind.MATCHED, ["Planchado"], ()),
    ("luces", SALON, MatchKind.MATCHED, ["Mechas"], ()),
    ("me quiero pintar el pelo", SALON, MatchKind.MATCHED, ["Tinte completo"], ()),
    ("pestañas", SALON, MatchKind.MATCHED, ["Extensiones de pestañas"], ()),
    ("peinado y maquillaje", SALON, MatchKind.COMBINATION, ["Peinado", "Maquillaje"], ()),
    ("un corte de dama y un tinte completo", SALON, MatchKind.COMBINATION, ["Corte dama", "Tinte completo"], ()),
    ("hacen barba?", SALON, MatchKind.NONE, [], ("barba",)),
]


@pytest.mark.parametrize(("phrase", "services", "kind", "names", "unmatched"), SERVICE_TABLE)
def test_services_are_matched_by_their_words(phrase, services, kind, names, unmatched):
    found = match_service(phrase, services)
    assert found.kind is kind
    assert [candidate.name for candidate in found.candidates] == names
    assert found.unmatched_terms == unmatched


SLOTS_EXAMPLE_1 = ["3:00 PM", "4:00 PM", "5:30 PM"]
SLOTS_EXAMPLE_2 = [time(10), time(11, 30), time(14)]
SERVICES_EXAMPLE_5 = ["Manicure", "Pedicure", "Mani + Pedi"]
SERVICES_EXAMPLE_7 = ["Corte de cabello", "Arreglo de barba", "Corte y barba"]
STAFF = ["Pedro Hernández", "María López"]

# (reply, options presented, kind, picked positions)
CHOICE_TABLE = [
    ("A las 4", SLOTS_EXAMPLE_1, ChoiceKind.PICKED, (1,)),
    ("las 4:00", SLOTS_EXAMPLE_1, ChoiceKind.PICKED, (1,)),
    ("4pm", SLOTS_EXAMPLE_1, ChoiceKind.PICKED, (1,)),
    ("4", SLOTS_EXAMPLE_1, ChoiceKind.PICKED, (1,)),
    ("a las 5", SLOTS_EXAMPLE_1, ChoiceKind.PICKED, (2,)),
    ("la 2", SLOTS_EXAMPLE_1, ChoiceKind.PICKED, (1,)),
    ("la segunda", SLOTS_EXAMPLE_1, ChoiceKind.PICKED, (1,)),
    ("el 2", SLOTS_EXAMPLE_1, ChoiceKind.PICKED, (1,)),
    ("opción 3", SLOTS_EXAMPLE_1, ChoiceKind.PICKED, (2,)),
    ("la primera", SLOTS_EXAMPLE_1, ChoiceKind.PICKED, (0,)),
    ("la última", SLOTS_EXAMPLE_1, ChoiceKind.PICKED, (2,)),
    ("otro día", SLOTS_EXAMPLE_1, ChoiceKind.OTHER, ()),
    ("ninguno", SLOTS_EXAMPLE_1, ChoiceKind.NONE, ()),
    ("la 7", SLOTS_EXAMPLE_1, ChoiceKind.UNCLEAR, ()),
    ("11:30", SLOTS_EXAMPLE_2, ChoiceKind.PICKED, (1,)),
    ("a las 2", SLOTS_EXAMPLE_2, ChoiceKind.PICKED, (2,)),
    ("2", SLOTS_EXAMPLE_2, ChoiceKind.PICKED, (2,)),  # the 2:00 PM listed, not the 2nd option
    ("10", SLOTS_EXAMPLE_2, ChoiceKind.PICKED, (0,)),
    ("las 10 de la mañana", SLOTS_EXAMPLE_2, ChoiceKind.PICKED, (0,)),
    ("5", SLOTS_EXAMPLE_2, ChoiceKind.UNCLEAR, ()),
    ("Mani pedi", SERVICES_EXAMPLE_5, ChoiceKind.PICKED, (2,)),
    ("manicure porfa", SERVICES_EXAMPLE_5, ChoiceKind.PICKED, (0,)),
    ("1 y 3", SERVICES_EXAMPLE_5, ChoiceKind.PICKED, (0, 2)),
    ("Todos", SERVICES_EXAMPLE_7, ChoiceKind.ALL, (0, 1, 2)),
    ("todas", SERVICES_EXAMPLE_7, ChoiceKind.ALL, (0, 1, 2)),
    ("el de barba", SERVICES_EXAMPLE_7, ChoiceKind.PICKED, (1,)),
    ("con Pedro", STAFF, ChoiceKind.PICKED, (0,)),
    ("María", STAFF, ChoiceKind.PICKED, (1,)),
]


@pytest.mark.parametrize(("reply", "options", "kind", "indexes"), CHOICE_TABLE)
def test_picking_from_a_presented_list(reply, options, kind, indexes):
    found = choose(reply, options)
    assert (found.kind, found.indexes) == (kind, indexes)


# (reply, yes/no/None, wants another day)
YES_NO_TABLE = [
    ("Sí", True, False),
    ("Si", True, False),
    ("si", True, False),
    ("va", True, False),
    ("sale", True, False),
    ("ok", True, False),
    ("dale", True, False),
    ("claro", True, False),
    ("órale", True, False),
    ("👍", True, False),
    ("perfecto", True, False),
    ("de acuerdo", True, False),
    ("está bien", True, False),
    ("no hay problema", True, False),
    ("Sí perfecto gracias", True, False),
    ("Siii", True, False),
    ("sip", True, False),
    ("simón", True, False),
    ("no", False, False),
    ("nel", False, False),
    ("mejor no", False, False),
    ("no, mejor otro día", False, True),
    ("mejor otro día", False, True),
    ("No solo las 4", False, False),
    ("no gracias", False, False),
    ("creo que no", False, False),
    ("nop", False, False),
    ("👎", False, False),
    ("todavía no", False, False),
    ("Para el sábado si hay espacio", None, False),
    ("si hay espacio", None, False),
    ("quizás", None, False),
    ("ya no", False, False),
    ("claro que no", False, False),
    ("claro que sí", True, False),
    ("si, no hay problema", True, False),
    ("si no hay espacio", None, False),
    ("olvídalo", False, False),
    ("siempre no", False, False),
]


@pytest.mark.parametrize(("reply", "answer", "other_day"), YES_NO_TABLE)
def test_yes_and_no(reply, answer, other_day):
    found = parse_yes_no(reply)
    assert (found.answer, found.wants_other_day) == (answer, other_day)


# (message, who writes, intent)
INTENT_TABLE = [
    ("Hola buenas tardes", C, Intent.GREETING),
    ("Hola", C, Intent.GREETING),
    ("buenos días", C, Intent.GREETING),
    ("Quiero una cita para un corte", C, Intent.BOOK),
    ("Hola, quiero una cita", C, Intent.BOOK),
    ("quisiera agendar para mañana", C, Intent.BOOK),
    ("agéndame el viernes a las 5", C, Intent.BOOK),
    ("tienen espacio hoy?", C, Intent.BOOK),
    ("Hola, necesito cambiar mi cita de mañana", C, Intent.RESCHEDULE),
    ("puedo mover mi cita al sábado?", C, Intent.RESCHEDULE),
    ("quiero reagendar", C, Intent.RESCHEDULE),
    ("quiero cancelar mi cita", C, Intent.CANCEL),
    ("ya no voy a poder ir", C, Intent.CANCEL),
    ("cancela mi cita porfa", C, Intent.CANCEL),
    ("cuándo es mi cita?", C, Intent.VIEW_APPOINTMENTS),
    ("tengo cita mañana?", C, Intent.VIEW_APPOINTMENTS),
    ("a qué hora es mi cita", C, Intent.VIEW_APPOINTMENTS),
    ("cuánto cuesta el corte?", C, Intent.ASK_PRICES),
    ("precios", C, Intent.ASK_PRICES),
    ("a qué hora abren?", C, Intent.ASK_HOURS),
    ("cuál es su horario?", C, Intent.ASK_HOURS),
    ("abren los domingos?", C, Intent.ASK_HOURS),
    ("dónde están?", C, Intent.ASK_LOCATION),
    ("me pasas la dirección", C, Intent.ASK_LOCATION),
    ("qué servicios tienen?", C, Intent.ASK_SERVICES),
    ("Oye quiero saber si hacen tintes para hombre", C, Intent.ASK_SERVICES),
    ("quiero hablar con alguien", C, Intent.HANDOFF),
    ("me comunicas con el dueño?", C, Intent.HANDOFF),
    ("eres un robot?", C, Intent.HANDOFF),
    ("Gracias", C, Intent.THANKS),
    ("muchas gracias", C, Intent.THANKS),
    ("adiós", C, Intent.GOODBYE),
    ("nos vemos", C, Intent.GOODBYE),
    ("asdfgh", C, Intent.UNKNOWN),
    ("Mañana en la tarde", C, Intent.UNKNOWN),
    ("Qué tengo hoy?", C, Intent.UNKNOWN),  # staff phrasing from a customer
    ("bloquea las 4", C, Intent.UNKNOWN),
    ("Qué tengo hoy?", S, Intent.MY_SCHEDULE),
    ("mi agenda de mañana", S, Intent.MY_SCHEDULE),
    ("que tengo el sabado", S, Intent.MY_SCHEDULE),
    ("agenda de todos", S, Intent.BUSINESS_SCHEDULE),
    ("cómo está el día?", S, Intent.BUSINESS_SCHEDULE),
    ("qué sigue", S, Intent.WHATS_NEXT),
    ("quién sigue?", S, Intent.WHATS_NEXT),
    ("Bloquea las 4, tengo que salir temprano", S, Intent.BLOCK_TIME),
    ("bloquea de 2 a 3 para mi comida", S, Intent.BLOCK_TIME),
    ("Bloquea de 2 a 3", S, Intent.BLOCK_TIME),
    ("bloquea mañana de 2 a 4", S, Intent.BLOCK_TIME),
    ("no voy a estar el sábado", S, Intent.BLOCK_TIME),
    ("desbloquea las 4", S, Intent.UNBLOCK_TIME),
    ("ya no voy a salir, libera las 4", S, Intent.UNBLOCK_TIME),
    ("El de las 3 no llegó", S, Intent.MARK_NO_SHOW),
    ("El cliente de las 11 no llegó", S, Intent.MARK_NO_SHOW),
    ("la de las 12 no vino", S, Intent.MARK_NO_SHOW),
    ("ya terminé con el de las 3", S, Intent.MARK_COMPLETED),
    ("ya quedó el de las 11", S, Intent.MARK_COMPLETED),
    ("Acaba de llegar alguien para uñas", S, Intent.WALK_IN),
    ("llegó un cliente sin cita para corte", S, Intent.WALK_IN),
    ("este cliente ha venido antes? 5512345678", S, Intent.CUSTOMER_HISTORY),
    ("historial de 55 1234 5678", S, Intent.CUSTOMER_HISTORY),
    ("mándale un mensaje a Roberto", S, Intent.MESSAGE_CUSTOMER),
    ("Quiero agregar un nuevo empleado", S, Intent.ADD_STAFF),
    ("agrega a una estilista nueva", S, Intent.ADD_STAFF),
    ("quita a Pedro de empleado", S, Intent.REMOVE_STAFF),
    ("Pedro ya no trabaja aquí", S, Intent.REMOVE_STAFF),
    ("cambia los permisos de María", S, Intent.CHANGE_PERMISSIONS),
    ("hazla admin", S, Intent.CHANGE_PERMISSIONS),
    ("cambia el horario", S, Intent.CHANGE_HOURS),
    ("los sábados cerramos a las 3", S, Intent.CHANGE_HOURS),
    ("el corte ahora dura 45 min", S, Intent.CHANGE_SERVICE_DURATION),
    ("cambia la duración del tinte a 2 horas", S, Intent.CHANGE_SERVICE_DURATION),
    ("sube el precio del corte a $180", S, Intent.CHANGE_SERVICE_PRICE),
    ("el corte ahora cuesta 180 pesos", S, Intent.CHANGE_SERVICE_PRICE),
    ("cómo vamos este mes", S, Intent.STATS),
    ("cuántas citas llevamos esta semana", S, Intent.STATS),
    ("mándame el link del panel", S, Intent.DASHBOARD_LINK),
    ("pásame la liga para entrar", S, Intent.DASHBOARD_LINK),
    ("Pedro se enfermó, no viene mañana", S, Intent.STAFF_ABSENT),
    ("María no va a venir hoy", S, Intent.STAFF_ABSENT),
    ("compacta la agenda de mañana", S, Intent.COMPACT_SCHEDULE),
    ("cancela la cita de las 4", S, Intent.CANCEL),
    ("Hola", S, Intent.GREETING),
    # everyday variations
    ("Buenas, tienen cita para hoy en la tarde?", C, Intent.BOOK),
    ("me puedes agendar un corte y barba para el sábado a las 11?", C, Intent.BOOK),
    ("q onda, hay lugar mañana x la mañana?", C, Intent.BOOK),
    ("necesito un corte urgente", C, Intent.BOOK),
    ("Tienen disponible el viernes 22 a las 10?", C, Intent.BOOK),
    ("Cuánto sale el mani pedi?", C, Intent.ASK_PRICES),
    ("Buen día, quisiera saber sus precios", C, Intent.ASK_PRICES),
    ("cuánto tiempo dura el tinte?", C, Intent.ASK_SERVICES),
    ("hacen keratina?", C, Intent.ASK_SERVICES),
    ("ya no voy a poder ir mañana, perdón", C, Intent.CANCEL),
    ("no podré llegar a mi cita", C, Intent.CANCEL),
    ("Se puede cambiar a las 5?", C, Intent.RESCHEDULE),
    ("cambiarla para el lunes", C, Intent.RESCHEDULE),
    ("a qué hora tengo mi cita?", C, Intent.VIEW_APPOINTMENTS),
    ("atienden los domingos?", C, Intent.ASK_HOURS),
    ("Hola!! 👋", C, Intent.GREETING),
    ("ok gracias, nos vemos", C, Intent.THANKS),
    ("qué tengo mañana?", S, Intent.MY_SCHEDULE),
    ("¿Cuántas citas tengo hoy?", S, Intent.MY_SCHEDULE),
    ("qué hay para hoy", S, Intent.MY_SCHEDULE),
    ("bloquéame el viernes todo el día", S, Intent.BLOCK_TIME),
    ("voy a comer de 2 a 3", S, Intent.BLOCK_TIME),
    ("bloquea el lunes de 10 a 12 tengo doctor", S, Intent.BLOCK_TIME),
    ("libera el bloqueo de mañana", S, Intent.UNBLOCK_TIME),
    ("Agenda a Juan 5512345678 para corte mañana a las 4", S, Intent.BOOK),
    ("mueve la cita de las 4 a las 5", S, Intent.RESCHEDULE),
    ("el de las 4:30 ya se fue", S, Intent.MARK_COMPLETED),
    ("marca como completada la de las 12", S, Intent.MARK_COMPLETED),
    ("ya acabé con Roberto", S, Intent.MARK_COMPLETED),
    ("la señora de las 10 no vino", S, Intent.MARK_NO_SHOW),
    ("Juan Pérez no llegó a su cita de las 5", S, Intent.MARK_NO_SHOW),
    ("dale de alta a Juana como estilista", S, Intent.ADD_STAFF),
    ("registra a mi nueva empleada, se llama Sofía", S, Intent.ADD_STAFF),
    ("cuánto vendimos hoy", S, Intent.STATS),
    ("quién tiene citas mañana", S, Intent.BUSINESS_SCHEDULE),
    ("Pedro no puede venir el sábado, reagenda sus citas", S, Intent.STAFF_ABSENT),
    ("compacta mi agenda", S, Intent.COMPACT_SCHEDULE),
    ("manda el link", S, Intent.DASHBOARD_LINK),
    ("cambia el precio del tinte a 350", S, Intent.CHANGE_SERVICE_PRICE),
    ("ahora abrimos a las 9", S, Intent.CHANGE_HOURS),
    ("dile a Ana que ya está lista su cita", S, Intent.MESSAGE_CUSTOMER),
    ("Hola buenas noches, quisiera información", C, Intent.ASK_SERVICES),
    ("¿Cuánto es por un corte?", C, Intent.ASK_PRICES),
    ("No voy a poder llegar a las 4, ¿me la puedes cambiar para las 6?", C, Intent.RESCHEDULE),
    ("Necesito cancelar", C, Intent.CANCEL),
    ("¿Sigue en pie mi cita?", C, Intent.VIEW_APPOINTMENTS),
    ("Gracias!! Nos vemos el sábado", C, Intent.THANKS),
    ("Una pregunta, ¿hacen cortes para niños?", C, Intent.ASK_SERVICES),
    ("Me puede atender Pedro?", C, Intent.BOOK),
    ("Hay chance hoy a las 6?", C, Intent.BOOK),
    ("mi hijo quiere corte", C, Intent.BOOK),
    ("Qué onda, qué tengo hoy?", S, Intent.MY_SCHEDULE),
    ("hazme un resumen del día", S, Intent.MY_SCHEDULE),
    ("Mañana no vengo", S, Intent.BLOCK_TIME),
    ("el de las 5 canceló", S, Intent.CANCEL),
    ("el de las 5 quiere cambiar a las 6", S, Intent.RESCHEDULE),
    ("ponle a Juan a las 4 con Pedro", S, Intent.BOOK),
    ("anota a Luis mañana a las 11 para barba", S, Intent.BOOK),
    ("cuántos clientes atendí hoy", S, Intent.STATS),
    ("agenda de Pedro para mañana", S, Intent.BUSINESS_SCHEDULE),
    ("ayuda", C, Intent.HELP),
    ("qué puedes hacer?", S, Intent.HELP),
    ("tienes algo ahorita?", C, Intent.BOOK),
    ("tienen algo para mañana?", C, Intent.BOOK),
    ("Qué onda, me puedes apartar un lugar pa mañana?", C, Intent.BOOK),
    ("me quiero cortar el pelo", C, Intent.BOOK),
    ("cuanto x un corte", C, Intent.ASK_PRICES),
    ("a como el corte?", C, Intent.ASK_PRICES),
    ("tienen promociones?", C, Intent.ASK_PRICES),
    ("siempre no", C, Intent.CANCEL),
    ("mejor otro día", C, Intent.RESCHEDULE),
    ("Hola, soy Ana, ¿me confirmas mi cita de mañana?", C, Intent.VIEW_APPOINTMENTS),
    ("quién viene a las 4?", S, Intent.WHATS_NEXT),
    ("el de las 2 ya pagó", S, Intent.MARK_COMPLETED),
    ("cuánto llevamos hoy", S, Intent.STATS),
]


@pytest.mark.parametrize(("message", "audience", "intent"), INTENT_TABLE)
def test_intents(message, audience, intent):
    assert detect_intent(message, today=TODAY, audience=audience).intent is intent


PHONE_TABLE = [
    ("55 9876 5432", "+525598765432"),
    ("55 1111 2222", "+525511112222"),
    ("5512345678", "+525512345678"),
    ("+52 1 55 1234 5678", "+525512345678"),
    ("+5215512345678", "+525512345678"),
    ("whatsapp:+5215512345678", "+525512345678"),
    ("+52 55 1234 5678", "+525512345678"),
    ("044 55 1234 5678", "+525512345678"),
    ("045 55 1234 5678", "+525512345678"),
    ("01 55 1234 5678", "+525512345678"),
    ("(55) 1234-5678", "+525512345678"),
    ("55-1234-5678", "+525512345678"),
    ("984 123 4567", "+529841234567"),
    ("mi número es 33 1234 5678 gracias", "+523312345678"),
    ("de 2 a 3 5512345678", "+525512345678"),
    ("1 55 1234 5678", "+525512345678"),
    ("0052 55 1234 5678", "+525512345678"),
    ("+1 415 555 2671", "+14155552671"),  # a tourist's number, written with its country code
    ("12345", None),
    ("+1 415", None),
    ("a las 4", None),
]


@pytest.mark.parametrize(("text", "expected"), PHONE_TABLE)
def test_phones_become_e164(text, expected):
    assert extract_phone(text) == expected


NAME_TABLE = [
    ("Pedro Hernández", "Pedro Hernández"),
    ("Juan Pérez", "Juan Pérez"),
    ("juan pérez", "Juan Pérez"),
    ("Ana", "Ana"),
    ("me llamo Ana", "Ana"),
    ("Soy María de la Luz", "María de la Luz"),
    ("Si", None),
    ("a las 4", None),
    ("55 9876 5432", None),
    ("quiero una cita", None),
]


@pytest.mark.parametrize(("reply", "expected"), NAME_TABLE)
def test_names_given_as_replies(reply, expected):
    assert parse_person_name(reply) == expected


RATING_TABLE = [
    ("5", 5),
    ("un 4", 4),
    ("5 estrellas", 5),
    ("10/10", 5),
    ("8 de 10", 4),
    ("⭐⭐⭐⭐", 4),
    ("excelente", 5),
    ("muy bien", 4),
    ("regular", 3),
    ("no me gustó", 2),
    ("pésimo", 1),
    ("cinco", 5),
    ("a las 4", None),
    ("hola", None),
]


@pytest.mark.parametrize(("reply", "expected"), RATING_TABLE)
def test_ratings_from_one_to_five(reply, expected):
    assert parse_rating(reply) == expected


def test_the_table_is_large_enough():
    phrases = (
        len(DATE_TABLE) + len(NO_DATE_TABLE) + len(TIME_TABLE) + len(RANGE_TABLE) + len(PART_OF_DAY_TABLE)
        + len(SERVICE_TABLE) + len(CHOICE_TABLE) + len(YES_NO_TABLE) + len(INTENT_TABLE)
        + len(PHONE_TABLE) + len(NAME_TABLE) + len(RATING_TABLE)
    )
    assert phrases >= 150
