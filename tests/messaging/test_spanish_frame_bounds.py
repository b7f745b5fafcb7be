"""The frame table's rows for hour bounds as Mexicans write them (issue 18: "pasadas las 6" is after 6).

Same shape and "now" (Thursday 14 January 2027, 10:30 AM) as ``test_spanish_frame_table``:
one phrase, the whole frame expected. Every bound is on the start of the visit; whether the
hour itself is in is part of the row (``after`` leaves it out, ``from_`` keeps it; ``before``
leaves the end out, ``upto`` keeps it).
"""

from __future__ import annotations

import pytest

from messaging.spanish import parse_frame

from .frame_cases import BOOK, CATALOG, CORRECT, NOW, F, S, W, after, before, from_, on, seen, t, today_from, upto
from .test_spanish_frame_table import TABLE as MAIN_TABLE

# ---- after the hour, the hour itself out ---------------------------------------------------
PAST_THE_HOUR = [
    ("pasadas las 6", F(when=W(after=after(18)))),
    ("ya pasadas las 6", F(when=W(after=after(18)))),
    ("pasaditas las 6", F(when=W(after=after(18)))),
    ("ya pasaditas de las 5", F(when=W(after=after(17)))),
    ("pasadito de las 6", F(when=W(after=after(18)))),
    ("pasando las 6", F(when=W(after=after(18)))),
    ("luego de las 6", F(when=W(after=after(18)))),
    ("más tarde de las 4", F(when=W(after=after(16)))),
    ("pasada la 1", F(when=W(after=after(13)))),
    ("pasadas las 7 de la noche", F(when=W(after=after(19)))),
    ("mañana pasadas las 6", F(when=W(days=on(15), after=after(18)))),
    ("el viernes pasadito de las 4", F(when=W(days=on(15), after=after(16)))),
    ("hoy ya pasadas las 5", F(when=today_from(10, 30, after=after(17)))),
    ("quiero un corte pasaditas las 5", F(BOOK, services=S("corte"), when=W(after=after(17)))),
    ("¿tienes algo el sábado pasadas las 11?", F(BOOK, when=W(days=on(16), after=after(11)))),
]

# ---- from the hour, the hour itself in -----------------------------------------------------
FROM_THE_HOUR = [
    ("no antes de las 6", F(when=W(after=from_(18)))),
    ("nunca antes de las 10", F(when=W(after=from_(10)))),
    ("no más temprano de las 9", F(when=W(after=from_(9)))),
    ("mínimo a las 5", F(when=W(after=from_(17)))),
    ("como mínimo a las 4", F(when=W(after=from_(16)))),
    ("de 6 para arriba", F(when=W(after=from_(18)))),
    ("de 6 pa arriba", F(when=W(after=from_(18)))),
    ("el lunes no antes de las 11", F(when=W(days=on(18), after=from_(11)))),
    ("luego de comer", F(when=W(after=from_(15)))),
    ("saliendo de trabajar", F(when=W(after=from_(18)))),
    ("después de la chamba", F(when=W(after=from_(18)))),
    ("mañana saliendo del trabajo", F(when=W(days=on(15), after=from_(18)))),
]

# ---- until the hour, the hour itself in ----------------------------------------------------
BY_THE_HOUR = [
    ("a más tardar a las 6", F(when=W(before=upto(18)))),
    ("a mas tardar las 11", F(when=W(before=upto(11)))),
    ("máximo a las 6", F(when=W(before=upto(18)))),
    ("como máximo a las 5", F(when=W(before=upto(17)))),
    ("a lo mucho a las 4", F(when=W(before=upto(16)))),
    ("lo más tarde a las 7", F(when=W(before=upto(19)))),
    ("a las 6 a más tardar", F(when=W(before=upto(18)))),
    ("a las 6 lo más tarde", F(when=W(before=upto(18)))),
    ("6 máximo", F(when=W(before=upto(18)))),
    ("no después de las 6", F(when=W(before=upto(18)))),
    ("no más tarde de las 6", F(when=W(before=upto(18)))),
    ("que no pase de las 7", F(when=W(before=upto(19)))),
    ("el sábado a más tardar a las 11", F(when=W(days=on(16), before=upto(11)))),
    ("un corte mañana máximo a las 5", F(BOOK, services=S("corte"), when=W(days=on(15), before=upto(17)))),
]

# ---- before the hour, the hour itself out --------------------------------------------------
BEFORE_THE_HOUR = [
    ("que sea antes de las 6", F(when=W(before=before(18)))),
    ("antesito de las 6", F(when=W(before=before(18)))),
    ("antes de que den las 2", F(when=W(before=before(14)))),
    ("tiene que ser antes de las 11", F(when=W(before=before(11)))),
    ("antes de comer", F(when=W(before=before(14)))),
    ("el viernes que sea antes de la 1", F(when=W(days=on(15), before=before(13)))),
]

# ---- both ends, and corrections that are bounds ---------------------------------------------
BOTH_ENDS = [
    ("pasadas las 4 pero antes de las 7", F(when=W(after=after(16), before=before(19)))),
    ("no antes de las 10 y a más tardar a la 1", F(when=W(after=from_(10), before=upto(13)))),
    ("después de comer y máximo a las 6", F(when=W(after=from_(15), before=upto(18)))),
    ("mejor pasadas las 6", F(CORRECT, when=W(after=after(18)))),
    ("no, mejor a más tardar a las 4", F(CORRECT, when=W(before=upto(16)))),
]

# ---- look like bounds, are not --------------------------------------------------------------
NOT_BOUNDS = [
    ("pasado mañana a las 6", F(when=W(days=on(16), times=(t(18),)))),
    ("saliendo de la escuela", F()),
]

BOUNDS_TABLE = [*PAST_THE_HOUR, *FROM_THE_HOUR, *BY_THE_HOUR, *BEFORE_THE_HOUR, *BOTH_ENDS, *NOT_BOUNDS]


@pytest.mark.parametrize(("phrase", "expected"), BOUNDS_TABLE, ids=[phrase for phrase, _ in BOUNDS_TABLE])
def test_each_bound_is_read_into_its_frame(phrase, expected):
    assert seen(parse_frame(phrase, now_local=NOW, catalog=CATALOG)) == expected


def test_no_phrase_is_in_both_tables():
    main = {phrase for phrase, _ in MAIN_TABLE}
    assert not [phrase for phrase, _ in BOUNDS_TABLE if phrase in main]
    assert len({phrase for phrase, _ in BOUNDS_TABLE}) == len(BOUNDS_TABLE)
