"""The request-frame table: messages customers write, and the frame Parlo must read from each.

In the shape of duckling's corpus: one row per phrase, the whole expected value beside it
(fields not written are expected empty). Shorthands and "now" (Thursday 14 January 2027,
10:30 AM) are in ``frame_cases``. Each block varies the words, the order, the spelling and
the language a customer might use for one kind of thing. ``bench/spanish.py`` times the
parser over this same table.
"""

from __future__ import annotations

import pytest

from messaging.spanish import DayConstraint, OfferChoice, parse_frame

from .frame_cases import (
    AFTERNOON, BOOK, BYE, CANCEL, CATALOG, CHOOSE, CORRECT, DURATION, EARLIER, EARLY, EVENING, FOLLOW, HELP,
    HI, HOURS, LATE, LATE_ACT, LATER, MINE, MORNING, MOVE, MY_APPOINTMENT, NO, NOW, OTHER, PERSON,
    PRICE, SAME, SERVICES, SOONEST, THANKS, WHERE, YES, F, R, S, W, after, before, d, days, either, from_,
    from_day, on, seen, t, today_from, until_day, upto, weekdays,
)

# ---- one day, said every way -------------------------------------------------------------
DAYS = [
    ("hoy", F(when=today_from(10, 30))),
    ("Hoy mismo", F(when=today_from(10, 30, lean=SOONEST))),
    ("mañana", F(when=W(days=on(15)))),
    ("mñn", F(when=W(days=on(15)))),
    ("MAÑANA!!", F(when=W(days=on(15)))),
    ("mañana temprano", F(when=W(days=on(15), lean=EARLY))),
    ("pasado mañana", F(when=W(days=on(16)))),
    ("el viernes", F(when=W(days=on(15)))),
    ("este sábado", F(when=W(days=on(16)))),
    ("el sabdo", F(when=W(days=on(16)))),
    ("el próximo lunes", F(when=W(days=on(18)))),
    ("el lunes que viene", F(when=W(days=on(18)))),
    ("el jueves", F(when=W(days=on(21)))),
    ("el martes de la próxima semana", F(when=W(days=on(19)))),
    ("el 20", F(when=W(days=on(20)))),
    ("el día 3", F(when=W(days=on(3, 2)))),
    ("el 3 de febrero", F(when=W(days=on(3, 2)))),
    ("el primero de marzo", F(when=W(days=on(1, 3)))),
    ("15/02", F(when=W(days=on(15, 2)))),
    ("el viernes 22", F(when=W(days=on(22)))),
    ("en 3 días", F(when=W(days=on(17)))),
    ("dentro de una semana", F(when=W(days=on(21)))),
    ("de hoy en ocho", F(when=W(days=on(21)))),
    ("la próxima semana", F(when=W(days=days(18, 24)))),
    ("la semana que viene", F(when=W(days=days(18, 24)))),
    ("esta semana", F(when=W(days=days(14, 17)))),
    ("este fin de semana", F(when=W(days=days(16, 17)))),
    ("el finde", F(when=W(days=days(16, 17)))),
    ("el mes que viene", F(when=W(days=days(1, 28, 2)))),
]

# ---- several days: spans, bounds, sets, alternatives ------------------------------------
DAY_SETS = [
    ("del lunes al miércoles", F(when=W(days=days(18, 20)))),
    ("desde el lunes hasta el jueves", F(when=W(days=days(18, 21)))),
    ("de hoy al sábado", F(when=W(days=days(14, 16)))),
    ("de mañana al lunes", F(when=W(days=days(15, 18)))),
    ("entre el martes y el jueves", F(when=W(days=days(19, 21)))),
    ("del 20 al 23", F(when=W(days=days(20, 23)))),
    ("de lunes a viernes", F(when=W(days=weekdays(0, 1, 2, 3, 4)))),
    ("entre semana", F(when=W(days=weekdays(0, 1, 2, 3, 4)))),
    ("los fines de semana", F(when=W(days=weekdays(5, 6)))),
    ("en fin de semana", F(when=W(days=weekdays(5, 6)))),
    ("los sábados", F(when=W(days=weekdays(5)))),
    ("antes del viernes", F(when=W(days=until_day(14)))),
    ("después del martes", F(when=W(days=from_day(20)))),
    ("a partir del lunes", F(when=W(days=from_day(18)))),
    ("desde el 20", F(when=W(days=from_day(20)))),
    ("hasta el jueves", F(when=W(days=until_day(21)))),
    ("el viernes o el sábado", F(when=W(days=either(15, 16)))),
    ("hoy o mañana", F(when=W(days=either(14, 15)))),
    ("jueves o viernes", F(when=W(days=either(15, 21)))),
    ("lunes, martes o miércoles", F(when=W(days=either(18, 19, 20)))),
    ("viernes y sábado", F(when=W(days=either(15, 16)))),
    ("la próxima semana entre semana", F(when=W(days=DayConstraint(d(18), d(24), frozenset(range(5)))))),
    ("cualquier día", F()),
]

# ---- hours: exact, approximate, alternatives ---------------------------------------------
TIMES = [
    ("a las 4", F(when=W(times=(t(16),)))),
    ("A las 11", F(when=W(times=(t(11),)))),
    ("4:30", F(when=W(times=(t(16, 30),)))),
    ("a las 4 y media", F(when=W(times=(t(16, 30),)))),
    ("a las 10 y cuarto", F(when=W(times=(t(10, 15),)))),
    ("cuarto para las 5", F(when=W(times=(t(16, 45),)))),
    ("5pm", F(when=W(times=(t(17),)))),
    ("a las 9 am", F(when=W(times=(t(9),)))),
    ("a las 7 de la tarde", F(when=W(times=(t(19),)))),
    ("a las 8 de la noche", F(when=W(times=(t(20),)))),
    ("a las 10 de la mañana", F(when=W(times=(t(10),)))),
    ("a la una", F(when=W(times=(t(13),)))),
    ("16:00", F(when=W(times=(t(16),)))),
    ("a mediodía", F(when=W(times=(t(12),), around=True))),
    ("como a las 4", F(when=W(times=(t(16),), around=True))),
    ("tipo 5pm", F(when=W(times=(t(17),), around=True))),
    ("a eso de las 6", F(when=W(times=(t(18),), around=True))),
    ("a las 3 más o menos", F(when=W(times=(t(15),), around=True))),
    ("a las 4 o 5", F(when=W(times=(t(16), t(17))))),
    ("a las 4 o a las 5", F(when=W(times=(t(16), t(17))))),
    ("a las 11 o 12", F(when=W(times=(t(11), t(12))))),
    ("mañana en la noche a las 8", F(when=W(days=on(15), times=(t(20),)))),
    ("en la tarde a las 7", F(when=W(times=(t(19),)))),
]

# ---- bounds and ranges of hours ----------------------------------------------------------
BOUNDS = [
    ("después de las 5", F(when=W(after=after(17)))),
    ("despues de las 5", F(when=W(after=after(17)))),
    ("dsp de las 5", F(when=W(after=after(17)))),
    ("a partir de las 5", F(when=W(after=from_(17)))),
    ("desde las 4", F(when=W(after=from_(16)))),
    ("de 5 en adelante", F(when=W(after=from_(17)))),
    ("a las 5 o después", F(when=W(after=from_(17)))),
    ("de las 6 para adelante", F(when=W(after=from_(18)))),
    ("antes de las 12", F(when=W(before=before(12)))),
    ("antes de mediodía", F(when=W(before=before(12)))),
    ("antes del mediodía", F(when=W(before=before(12)))),
    ("hasta las 3", F(when=W(before=before(15)))),
    ("a las 11 o antes", F(when=W(before=upto(11)))),
    ("después de mediodía", F(when=W(after=after(12)))),
    ("después de comer", F(when=W(after=from_(15)))),
    ("saliendo del trabajo", F(when=W(after=from_(18)))),
    ("de 10 a 12", F(when=W(after=from_(10), before=before(12)))),
    ("de 2 a 4", F(when=W(after=from_(14), before=before(16)))),
    ("entre 2 y 4", F(when=W(after=from_(14), before=before(16)))),
    ("entre las 10 y las 12", F(when=W(after=from_(10), before=before(12)))),
    ("de 11 a 2 de la tarde", F(when=W(after=from_(11), before=before(14)))),
    ("desde las 9 hasta las 11", F(when=W(after=from_(9), before=before(11)))),
    ("de 4 a 6", F(when=W(after=from_(16), before=before(18)))),
    ("10-12", F(when=W(after=from_(10), before=before(12)))),
    ("de 9 a 11 am", F(when=W(after=from_(9), before=before(11)))),
    ("después de las 5 y antes de las 7", F(when=W(after=after(17), before=before(19)))),
    ("a partir de las 10 pero antes de la 1", F(when=W(after=from_(10), before=before(13)))),
    ("todo el día", F()),
]

# ---- parts of the day and leans ----------------------------------------------------------
PARTS = [
    ("en la mañana", F(when=W(part_of_day=MORNING))),
    ("por la tarde", F(when=W(part_of_day=AFTERNOON))),
    ("en la noche", F(when=W(part_of_day=EVENING))),
    ("al mediodía", F(when=W(times=(t(12),), around=True))),
    ("mañana en la tarde", F(when=W(days=on(15), part_of_day=AFTERNOON))),
    ("mañana en la mañana", F(when=W(days=on(15), part_of_day=MORNING))),
    ("esta tarde", F(when=today_from(10, 30, part_of_day=AFTERNOON))),
    ("hoy en la noche", F(when=today_from(10, 30, part_of_day=EVENING))),
    ("el viernes tarde", F(when=W(days=on(15), part_of_day=AFTERNOON))),
    ("el sábado por la mañana", F(when=W(days=on(16), part_of_day=MORNING))),
    ("en las tardes", F(when=W(part_of_day=AFTERNOON))),
    ("en la mañanita", F(when=W(part_of_day=MORNING))),
    ("mañana a primera hora", F(when=W(days=on(15), lean=EARLY))),
    ("temprano", F(when=W(lean=EARLY))),
    ("a primera hora", F(when=W(lean=EARLY))),
    ("lo más temprano posible", F(when=W(lean=EARLY))),
    ("el sábado temprano", F(when=W(days=on(16), lean=EARLY))),
    ("algo tarde", F(when=W(lean=LATE))),
    ("ya tarde", F(when=W(lean=LATE))),
    ("lo más tarde que tengas", F(when=W(lean=LATE))),
    ("a última hora", F(when=W(lean=LATE))),
    ("más temprano", F(when=W(lean=EARLIER))),
    ("un poco antes", F(when=W(lean=EARLIER))),
    ("más tarde", F(when=W(lean=LATER))),
    ("tantito después", F(when=W(lean=LATER))),
    ("lo más pronto posible", F(when=W(lean=SOONEST))),
    ("lo antes posible", F(when=W(lean=SOONEST))),
    ("cuanto antes", F(when=W(lean=SOONEST))),
    ("el primer espacio que tengas", F(when=W(lean=SOONEST))),
]

# ---- today, from now ---------------------------------------------------------------------
FROM_NOW = [
    ("al rato", F(when=today_from(11))),
    ("en un rato", F(when=today_from(11))),
    ("hoy al rato", F(when=today_from(11))),
    ("más al rato", F(when=today_from(11))),
    ("ahorita", F(when=today_from(10, 30, lean=SOONEST))),
    ("ahora mismo", F(when=today_from(10, 30, lean=SOONEST))),
    ("orita", F(when=today_from(10, 30, lean=SOONEST))),
    ("en una hora", F(when=today_from(11, 30, lean=SOONEST))),
    ("en media hora", F(when=today_from(11, lean=SOONEST))),
    ("en 2 horas", F(when=today_from(12, 30, lean=SOONEST))),
    ("en 20 minutos", F(when=today_from(10, 50, lean=SOONEST))),
    ("hoy después de las 5", F(when=today_from(10, 30, after=after(17)))),
    ("hoy en la tarde", F(when=today_from(10, 30, part_of_day=AFTERNOON))),
]

# ---- a day and hours together --------------------------------------------------------------
COMBINED = [
    ("el viernes después de las 5", F(when=W(days=on(15), after=after(17)))),
    ("entre semana en la tarde", F(when=W(days=weekdays(0, 1, 2, 3, 4), part_of_day=AFTERNOON))),
    ("mañana de 10 a 12", F(when=W(days=on(15), after=from_(10), before=before(12)))),
    ("el sábado antes de mediodía", F(when=W(days=on(16), before=before(12)))),
    ("el lunes a partir de las 4", F(when=W(days=on(18), after=from_(16)))),
    ("mañana a las 4", F(when=W(days=on(15), times=(t(16),)))),
    ("el 20 a las 11", F(when=W(days=on(20), times=(t(11),)))),
    ("el 15 a las 4", F(when=W(days=on(15), times=(t(16),)))),
    ("hoy jueves a las 6:30 PM", F(when=today_from(10, 30, times=(t(18, 30),)))),
    ("mañana viernes a las 10:00 AM", F(when=W(days=on(15), times=(t(10),)))),
    ("el martes 19 a la 1:00 PM", F(when=W(days=on(19), times=(t(13),)))),
    ("mañana lunes", F(when=W(days=on(15)))),
    ("del lunes al miércoles en la mañana", F(when=W(days=days(18, 20), part_of_day=MORNING))),
    ("la próxima semana en la tarde", F(when=W(days=days(18, 24), part_of_day=AFTERNOON))),
    ("los sábados temprano", F(when=W(days=weekdays(5), lean=EARLY))),
    ("el viernes o el sábado en la tarde", F(when=W(days=either(15, 16), part_of_day=AFTERNOON))),
    ("el lunes o martes después de las 4", F(when=W(days=either(18, 19), after=after(16)))),
    ("entre las 4 y las 6 de la tarde del viernes", F(when=W(days=on(15), after=from_(16), before=before(18)))),
    ("a partir del lunes después de las 6", F(when=W(days=from_day(18), after=after(18)))),
    ("mañana en la tarde después de las 4", F(when=W(days=on(15), part_of_day=AFTERNOON, after=after(16)))),
    ("el jueves como a las 5", F(when=W(days=on(21), times=(t(17),), around=True))),
    ("pasado mañana tipo 11", F(when=W(days=on(16), times=(t(11),), around=True))),
    ("el finde en la mañana", F(when=W(days=days(16, 17), part_of_day=MORNING))),
    ("fin de semana antes de las 2", F(when=W(days=days(16, 17), before=before(14)))),
    ("el viernes lo más tarde posible", F(when=W(days=on(15), lean=LATE))),
    ("mañana lo más temprano que se pueda", F(when=W(days=on(15), lean=EARLY))),
]

# ---- booking requests as a whole -----------------------------------------------------------
BOOKINGS = [
    ("Quiero una cita", F(BOOK)),
    ("quiero un corte", F(BOOK, services=S("corte"))),
    ("un corte", F(BOOK, services=S("corte"))),
    ("un corte para mañana", F(BOOK, services=S("corte"), when=W(days=on(15)))),
    ("Hola, quiero agendar un corte para mañana a las 4", F(BOOK, HI, services=S("corte"), when=W(days=on(15), times=(t(16),)))),
    ("¿tienes espacio el sábado en la mañana?", F(BOOK, when=W(days=on(16), part_of_day=MORNING))),
    ("¿hay lugar hoy?", F(BOOK, when=today_from(10, 30))),
    ("¿tienes libre el 23 en la tarde?", F(BOOK, when=W(days=on(23), part_of_day=AFTERNOON))),
    ("Tienes chance el miércoles temprano?", F(BOOK, when=W(days=on(20), lean=EARLY))),
    ("¿Hay algo para hoy entre 3 y 5?", F(BOOK, when=today_from(10, 30, after=from_(15), before=before(17)))),
    ("Buenas, ¿me podrías apartar un espacio para el martes después de las 6? Es para corte",
     F(BOOK, HI, services=S("corte"), when=W(days=on(19), after=after(18)))),
    ("mañana a las 10 am con Pedro para barba", F(BOOK, services=S("barba"), when=W(days=on(15), times=(t(10),)), staff=("pedro",))),
    ("necesito manicure y pedicure para el sábado antes de la 1",
     F(BOOK, services=S("mani", "pedi"), when=W(days=on(16), before=before(13)))),
    ("va, apártame uno para el jueves", F(BOOK, YES, when=W(days=on(21)))),
    ("¿tienes algo hoy después de las 5?", F(BOOK, when=today_from(10, 30, after=after(17)))),
    ("¿qué horarios tienes mañana?", F(BOOK, when=W(days=on(15)))),
    ("¿qué horarios te quedan el viernes en la tarde?", F(BOOK, when=W(days=on(15), part_of_day=AFTERNOON))),
    ("apártame un corte el jueves temprano", F(BOOK, services=S("corte"), when=W(days=on(21), lean=EARLY))),
    ("agéndame para el viernes después de las 5", F(BOOK, when=W(days=on(15), after=after(17)))),
    ("me puedes agendar un tinte la próxima semana entre semana en la tarde",
     F(BOOK, services=S("tinte"), when=W(days=DayConstraint(d(18), d(24), frozenset(range(5))), part_of_day=AFTERNOON))),
    ("quisiera cita para cejas lo más pronto posible", F(BOOK, services=S("cejas"), when=W(lean=SOONEST))),
    ("quiero la cita más temprano posible mañana", F(BOOK, when=W(days=on(15), lean=EARLY))),
    ("¿Tienen citas disponibles para mañana por la tarde? Somos 2 para corte",
     F(BOOK, services=S("corte"), when=W(days=on(15), part_of_day=AFTERNOON))),
    ("hola buen día! para el martes 19 a las 12:30 hay lugar?", F(BOOK, HI, when=W(days=on(19), times=(t(12, 30),)))),
    ("¿a qué hora tienes libre hoy?", F(BOOK, when=today_from(10, 30))),
    ("puedo ir saliendo del trabajo como a las 7", F(BOOK, when=W(times=(t(19),), around=True, after=from_(18)))),
    ("ocupo un corte ahorita", F(BOOK, services=S("corte"), when=today_from(10, 30, lean=SOONEST))),
    ("necesito una cita hoy al rato", F(BOOK, when=today_from(11))),
    ("quiero ir el sábado", F(BOOK, when=W(days=on(16)))),
    ("¿puedo pasar hoy en la tarde?", F(BOOK, when=today_from(10, 30, part_of_day=AFTERNOON))),
    ("me quiero cortar el pelo mañana", F(BOOK, services=S("corte"), when=W(days=on(15)))),
    ("con Pedro el lunes a las 11", F(when=W(days=on(18), times=(t(11),)), staff=("pedro",))),
    ("quiero un corte con María", F(BOOK, services=S("corte"), staff=("maria",))),
    ("un corte con quien sea", F(BOOK, services=S("corte"), any_staff=True)),
    ("con cualquiera está bien, el viernes", F(YES, when=W(days=on(15)), any_staff=True)),
    ("cita con Fernada el sábado", F(BOOK, when=W(days=on(16)), staff=("fer",))),
    ("quiero un peinado para una boda el sábado a las 9 de la mañana", F(BOOK, services=S("peinado"), when=W(days=on(16), times=(t(9),)))),
]

# ---- several services in one visit ---------------------------------------------------------
SEVERAL_SERVICES = [
    ("corte y barba", F(BOOK, services=S("corte", "barba"))),
    ("quiero corte y barba mañana", F(BOOK, services=S("corte", "barba"), when=W(days=on(15)))),
    ("tinte y corte", F(BOOK, services=S("tinte", "corte"))),
    ("uñas de manos y pies", F(BOOK, services=S("mani", "pedi"))),
    ("manicure y pedicure el sábado", F(BOOK, services=S("mani", "pedi"), when=W(days=on(16)))),
    ("mani y pedi", F(BOOK, services=S("mani", "pedi"))),
    ("corte, barba y cejas", F(BOOK, services=S("corte", "barba", "cejas"))),
    ("un corte con barba", F(BOOK, services=S("corte", "barba"))),
    ("corte más barba", F(BOOK, services=S("corte", "barba"))),
    ("tinte, corte y peinado el viernes en la mañana",
     F(BOOK, services=S("tinte", "corte", "peinado"), when=W(days=on(15), part_of_day=MORNING))),
    ("quiero las uñas", F(BOOK, services=S(("mani", "pedi")))),
    ("uñas", F(BOOK, services=S(("mani", "pedi")))),
    ("me quiero pintar el cabello y cortarme las puntas", F(BOOK, services=S("tinte", "corte"))),
    ("un corte y también la barba", F(BOOK, services=S("corte", "barba"))),
    ("barba y corte para hoy", F(BOOK, services=S("barba", "corte"), when=today_from(10, 30))),
    ("quiero keratina", F(BOOK, unknown=("keratina",))),
    ("¿hacen keratina?", F(SERVICES, unknown=("keratina",))),
    ("un corte y keratina", F(BOOK, services=S("corte"), unknown=("keratina",))),
]

# ---- moves: the appointment referred to, and where it goes ---------------------------------
MOVES = [
    ("quiero cambiar mi cita", F(MOVE, ref=MY_APPOINTMENT)),
    ("¿me puedes cambiar la cita para el jueves?", F(MOVE, ref=MY_APPOINTMENT, when=W(days=on(21)))),
    ("cámbiala para las 6", F(MOVE, ref=MY_APPOINTMENT, when=W(times=(t(18),)))),
    ("cambia mi cita del viernes para el sábado a las 4", F(MOVE, ref=R(weekday=4), when=W(days=on(16), times=(t(16),)))),
    ("mueve la del viernes al lunes", F(MOVE, ref=R(weekday=4), when=W(days=on(18)))),
    ("quiero mover la de las 11 a las 3", F(MOVE, ref=R(time=t(11)), when=W(times=(t(15),)))),
    ("mueve la del corte para el lunes", F(MOVE, ref=R(services=S("corte")), when=W(days=on(18)))),
    ("no puedo el martes, ¿me la pasas al jueves?", F(MOVE, ref=R(weekday=1), when=W(days=on(21)))),
    ("no puedo a las 4, ¿me la cambias a las 6?", F(MOVE, ref=R(time=t(16)), when=W(times=(t(18),)))),
    ("tengo cita el viernes a las 4, ¿me la puedes cambiar para las 6?",
     F(MOVE, ref=R(weekday=4, time=t(16)), when=W(times=(t(18),)))),
    ("ya no puedo ir el viernes, mejor el sábado", F(MOVE, ref=R(weekday=4), when=W(days=on(16)))),
    ("cancela la del viernes y agéndame el sábado", F(MOVE, ref=R(weekday=4), when=W(days=on(16)))),
    ("cancela mi cita y dame una el lunes a las 11", F(MOVE, ref=MY_APPOINTMENT, when=W(days=on(18), times=(t(11),)))),
    ("cancela la del viernes y me das otra para el sábado", F(MOVE, ref=R(weekday=4), when=W(days=on(16)))),
    ("cancela la de las 11 y ponme una mañana", F(MOVE, ref=R(time=t(11)), when=W(days=on(15)))),
    ("quiero cambiar mi cita para más tarde", F(MOVE, ref=MY_APPOINTMENT, when=W(lean=LATER))),
    ("¿la puedo adelantar a la mañana?", F(MOVE, ref=MY_APPOINTMENT, when=W(part_of_day=MORNING))),
    ("reagendar mi cita de mañana para el lunes después de las 5",
     F(MOVE, ref=R(days=on(15)), when=W(days=on(18), after=after(17)))),
    ("cambia mi cita de las 10 para las 12", F(MOVE, ref=R(time=t(10)), when=W(times=(t(12),)))),
    ("recórreme la cita una hora más tarde", F(MOVE, ref=MY_APPOINTMENT, when=W(lean=LATER))),
    ("mi cita del sábado, ¿la puedo pasar al domingo?", F(MOVE, ref=R(weekday=5), when=W(days=on(17)))),
    ("quiero reprogramar la cita del 20 para el 22", F(MOVE, ref=R(days=on(20)), when=W(days=on(22)))),
    ("¿se puede cambiar mi cita de hoy para mañana en la tarde?",
     F(MOVE, ref=R(days=on(14)), when=W(days=on(15), part_of_day=AFTERNOON))),
    ("pásame la cita al viernes en la tarde", F(MOVE, ref=MY_APPOINTMENT, when=W(days=on(15), part_of_day=AFTERNOON))),
    ("no llego el jueves, ¿me la recorres al viernes?", F(MOVE, ref=R(weekday=3), when=W(days=on(15)))),
    ("cambiar la cita a otro día", F(MOVE, OTHER, ref=MY_APPOINTMENT)),
    ("reagendamos para otro día?", F(MOVE, OTHER, ref=MY_APPOINTMENT)),
    ("Disculpa, ¿me puedes cambiar la cita de las 3 para las 5?", F(MOVE, ref=R(time=t(15)), when=W(times=(t(17),)))),
    ("me gustaría mover mi cita del corte al sábado en la mañana",
     F(MOVE, ref=R(services=S("corte")), when=W(days=on(16), part_of_day=MORNING))),
    ("oye, la cita que tengo el jueves, ¿la puedes pasar para las 5?", F(MOVE, ref=R(weekday=3), when=W(times=(t(17),)))),
]

# ---- cancels: everything said names the appointment ----------------------------------------
CANCELS = [
    ("cancela mi cita", F(CANCEL, ref=MY_APPOINTMENT)),
    ("quiero cancelar", F(CANCEL, ref=MY_APPOINTMENT)),
    ("cancela mi cita de mañana", F(CANCEL, ref=R(days=on(15)))),
    ("cancela la de las 11", F(CANCEL, ref=R(time=t(11)))),
    ("cancela la del viernes", F(CANCEL, ref=R(weekday=4))),
    ("ya no voy a poder ir el sábado", F(CANCEL, ref=R(weekday=5))),
    ("cancelar la cita del corte", F(CANCEL, ref=R(services=S("corte")))),
    ("cancela mi cita del viernes a las 4", F(CANCEL, ref=R(weekday=4, time=t(16)))),
    ("quiero cancelar la cita que tengo mañana a las 11", F(CANCEL, ref=R(days=on(15), time=t(11)))),
    ("tengo que cancelar, me salió algo", F(CANCEL, ref=MY_APPOINTMENT)),
    ("no voy a poder, una disculpa", F(CANCEL, ref=MY_APPOINTMENT)),
    ("anula todas mis citas", F(CANCEL, ref=R(every=True))),
    ("siempre no, cancélala", F(CANCEL, ref=MY_APPOINTMENT)),
    ("no voy a poder llegar hoy", F(CANCEL, ref=R(days=on(14)))),
    ("cancelr mi sita", F(CANCEL, ref=MY_APPOINTMENT)),
    ("ya no la necesito", F(CANCEL, ref=MY_APPOINTMENT)),
]

# ---- asking about one's appointments -------------------------------------------------------
MY_APPOINTMENTS = [
    ("¿a qué hora es mi cita?", F(MINE, ref=MY_APPOINTMENT)),
    ("¿cuándo es mi cita?", F(MINE, ref=MY_APPOINTMENT)),
    ("¿me recuerdas a qué hora quedé?", F(MINE, ref=MY_APPOINTMENT)),
    ("¿tengo cita el sábado?", F(MINE, ref=R(weekday=5))),
    ("mis citas", F(MINE, ref=R(every=True))),
    ("¿sigue en pie mi cita de mañana?", F(MINE, ref=R(days=on(15)))),
    ("¿a qué hora quedó la del corte?", F(MINE, ref=R(services=S("corte")))),
]

# ---- corrections: only what changes is said ---------------------------------------------
CORRECTIONS = [
    ("no, mejor a las 6", F(CORRECT, when=W(times=(t(18),)))),
    ("mejor el sábado", F(CORRECT, when=W(days=on(16)))),
    ("perdón, quise decir el sábado", F(CORRECT, when=W(days=on(16)))),
    ("no, el viernes", F(CORRECT, when=W(days=on(15)))),
    ("sí, pero a las 6", F(CORRECT, when=W(times=(t(18),)))),
    ("mejor en la tarde", F(CORRECT, when=W(part_of_day=AFTERNOON))),
    ("no, mejor con María", F(CORRECT, staff=("maria",))),
    ("mejor solo corte", F(CORRECT, services=S("corte"))),
    ("el viernes no, mejor el sábado", F(CORRECT, when=W(days=on(16)))),
    ("no me queda el viernes, ¿qué tal el lunes?", F(CORRECT, when=W(days=on(18)))),
    ("mejor a las 5 y media", F(CORRECT, when=W(times=(t(17, 30),)))),
    ("hoy no puedo, mañana sí", F(CORRECT, when=W(days=on(15)))),
    ("hoy ya no alcanzo, ¿mañana?", F(CORRECT, when=W(days=on(15)))),
    ("mejor la próxima semana", F(CORRECT, when=W(days=days(18, 24)))),
    ("más bien a las 5", F(CORRECT, when=W(times=(t(17),)))),
    ("me equivoqué, es para el 22", F(CORRECT, when=W(days=on(22)))),
    ("a las 4... no, mejor a las 5", F(CORRECT, when=W(times=(t(17),)))),
    ("mejor después de las 6", F(CORRECT, when=W(after=after(18)))),
    ("en vez de corte, tinte", F(CORRECT, services=S("corte", "tinte"))),
]

# ---- picking from what Parlo offered -------------------------------------------------------
CHOICES = [
    ("la segunda", F(CHOOSE, choice=OfferChoice(position=1))),
    ("la primera", F(CHOOSE, choice=OfferChoice(position=0))),
    ("la última", F(CHOOSE, choice=OfferChoice(position=-1))),
    ("la 2", F(CHOOSE, choice=OfferChoice(position=1))),
    ("opción 3", F(CHOOSE, choice=OfferChoice(position=2))),
    ("la de las 5", F(CHOOSE, ref=R(time=t(17)), choice=OfferChoice(time=t(17)))),
    ("la de las 4:30 me queda", F(CHOOSE, ref=R(time=t(16, 30)), choice=OfferChoice(time=t(16, 30)))),
    ("a las 7pm está bien", F(YES, when=W(times=(t(19),)))),
    ("esa", F(CHOOSE, choice=OfferChoice())),
    ("esa me sirve", F(CHOOSE, choice=OfferChoice())),
    ("me quedo con la primera", F(CHOOSE, choice=OfferChoice(position=0))),
    ("sí, la tercera", F(CHOOSE, YES, choice=OfferChoice(position=2))),
    ("the first one", F(CHOOSE, choice=OfferChoice(position=0))),
    ("ninguna me queda", F(OTHER)),
    ("¿no tienes otro horario?", F(OTHER)),
    ("otro día", F(OTHER)),
    ("¿tienes algo más tarde?", F(BOOK, when=W(lean=LATER))),
    ("¿y más temprano?", F(FOLLOW, when=W(lean=EARLIER))),
]

# ---- yes and no -------------------------------------------------------------------------
ANSWERS = [
    ("sí", F(YES)),
    ("si", F(YES)),
    ("va", F(YES)),
    ("sale", F(YES)),
    ("ok", F(YES)),
    ("👍", F(YES)),
    ("perfecto, gracias", F(YES, THANKS)),
    ("sí por favor", F(YES)),
    ("claro que sí", F(YES)),
    ("no", F(NO)),
    ("nel", F(NO)),
    ("mejor no", F(NO)),
    ("no gracias", F(NO, THANKS)),
    ("👎", F(NO)),
    ("si hay espacio", F(BOOK)),
    ("no sé", F()),
]

# ---- follow-ups, the usual, running late --------------------------------------------------
FOLLOW_UPS = [
    ("¿y el sábado?", F(FOLLOW, when=W(days=on(16)))),
    ("¿y mañana?", F(FOLLOW, when=W(days=on(15)))),
    ("¿y en la tarde?", F(FOLLOW, when=W(part_of_day=AFTERNOON))),
    ("y para el lunes?", F(FOLLOW, when=W(days=on(18)))),
    ("¿qué tal el jueves a las 5?", F(FOLLOW, when=W(days=on(21), times=(t(17),)))),
    ("¿y con Pedro?", F(FOLLOW, staff=("pedro",))),
    ("¿y la barba?", F(FOLLOW, services=S("barba"))),
    ("lo de siempre", F(SAME, BOOK)),
    ("lo mismo que la otra vez", F(SAME, BOOK)),
    ("lo de siempre para el sábado", F(SAME, BOOK, when=W(days=on(16)))),
    ("quiero lo mismo de la última vez, el viernes en la tarde", F(SAME, BOOK, when=W(days=on(15), part_of_day=AFTERNOON))),
    ("como la vez pasada", F(SAME, BOOK)),
    ("me puedes agendar con la misma de la otra vez?", F(SAME, BOOK)),
    ("me da lo mismo", F()),
    ("voy 10 minutos tarde", F(LATE_ACT)),
    ("se me hizo tarde, llego en 15", F(LATE_ACT)),
    ("voy en camino", F(LATE_ACT)),
]

# ---- questions ---------------------------------------------------------------------------
QUESTIONS = [
    ("¿cuánto cuesta el corte?", F(PRICE, services=S("corte"))),
    ("precios", F(PRICE)),
    ("¿cuánto sale un tinte?", F(PRICE, services=S("tinte"))),
    ("¿cuánto cobran por corte y barba?", F(PRICE, services=S("corte", "barba"))),
    ("¿cuánto dura el tinte?", F(DURATION, services=S("tinte"))),
    ("¿cuánto tiempo se tardan en el manicure?", F(DURATION, services=S("mani"))),
    ("¿a qué hora abren?", F(HOURS)),
    ("¿abren el domingo?", F(HOURS, when=W(days=on(17)))),
    ("¿cuál es su horario?", F(HOURS)),
    ("¿hasta qué hora trabajan el sábado?", F(HOURS, when=W(days=on(16)))),
    ("¿dónde están?", F(WHERE)),
    ("¿me pasas la dirección?", F(WHERE)),
    ("¿qué servicios tienen?", F(SERVICES)),
    ("¿hacen pedicure?", F(SERVICES, services=S("pedi"))),
    ("¿cuánto cuesta el corte? apártame uno para el jueves", F(BOOK, PRICE, services=S("corte"), when=W(days=on(21)))),
    ("quiero hablar con alguien", F(PERSON)),
    ("¿eres un robot?", F(PERSON)),
    ("ayuda", F(HELP)),
]

# ---- greetings, thanks, names ------------------------------------------------------------
SOCIAL = [
    ("hola", F(HI)),
    ("buenas tardes", F(HI)),
    ("gracias", F(THANKS)),
    ("muchas gracias, hasta mañana", F(THANKS, BYE)),
    ("bye", F(BYE)),
    ("Hola, soy Ana", F(HI, name="Ana")),
    ("me llamo juan pérez", F(name="Juan Pérez")),
    ("a nombre de María de la Luz", F(name="María de la Luz")),
    ("soy Ana y quiero un corte el lunes", F(BOOK, services=S("corte"), when=W(days=on(18)), name="Ana")),
    ("soy nueva, quiero una cita", F(BOOK)),
    ("Hola buenas tardes, quisiera saber si tienen espacio para un tinte el sábado en la mañana, de preferencia antes de las 11",
     F(BOOK, HI, services=S("tinte"), when=W(days=on(16), part_of_day=MORNING, before=before(11)))),
]

# ---- English mixed in ----------------------------------------------------------------------
MIXED_ENGLISH = [
    ("un haircut tomorrow", F(BOOK, services=S("corte"), when=W(days=on(15)))),
    ("can I book a manicure el viernes", F(BOOK, services=S("mani"), when=W(days=on(15)))),
    ("cancel mi cita", F(CANCEL, ref=MY_APPOINTMENT)),
    ("haircut mañana after 5", F(BOOK, services=S("corte"), when=W(days=on(15), after=after(17)))),
    ("quiero un corte tomorrow morning", F(BOOK, services=S("corte"), when=W(days=on(15), part_of_day=MORNING))),
    ("book me for saturday at 11", F(BOOK, when=W(days=on(16), times=(t(11),)))),
    ("tomorrow at 3", F(when=W(days=on(15), times=(t(15),)))),
    ("next friday after 2pm", F(when=W(days=on(15), after=after(14)))),
    ("reschedule mi cita to monday", F(MOVE, ref=MY_APPOINTMENT, when=W(days=on(18)))),
    ("nails and pedicure next week", F(BOOK, services=S("mani", "pedi"), when=W(days=days(18, 24)))),
    ("barba today in the afternoon", F(BOOK, services=S("barba"), when=today_from(10, 30, part_of_day=AFTERNOON))),
    ("how much es el tinte?", F(PRICE, services=S("tinte"))),
    ("yes please", F(YES)),
    ("thanks!", F(THANKS)),
    ("asap porfa", F(when=W(lean=SOONEST))),
    ("the usual", F(SAME, BOOK)),
    ("corte before noon", F(BOOK, services=S("corte"), when=W(before=before(12)))),
    ("on friday between 2 and 4", F(when=W(days=on(15), after=from_(14), before=before(16)))),
]

# ---- WhatsApp spelling ---------------------------------------------------------------------
SHORTHAND = [
    ("kiero una sita xa el sabdo", F(BOOK, when=W(days=on(16)))),
    ("q onda, tienes espacio mñn?", F(BOOK, HI, when=W(days=on(15)))),
    ("xfa un corte pal viernes", F(BOOK, services=S("corte"), when=W(days=on(15)))),
    ("ola, orita tienes lugar?", F(BOOK, HI, when=today_from(10, 30, lean=SOONEST))),
    ("cita mñn en la tardeee", F(BOOK, when=W(days=on(15), part_of_day=AFTERNOON))),
    ("coret y barva", F(BOOK, services=S("corte", "barba"))),
    ("corte i barba", F(BOOK, services=S("corte", "barba"))),
    ("sip, a las 5 porfis", F(YES, when=W(times=(t(17),)))),
    ("nop, mejor el lunes", F(CORRECT, when=W(days=on(18)))),
    ("agendame pa mñn tmprano", F(BOOK, when=W(days=on(15), lean=EARLY))),
    ("dsp de las 6 xfa", F(when=W(after=after(18)))),
]

TABLE = [
    *DAYS, *DAY_SETS, *TIMES, *BOUNDS, *PARTS, *FROM_NOW, *COMBINED, *BOOKINGS, *SEVERAL_SERVICES, *MOVES,
    *CANCELS, *MY_APPOINTMENTS, *CORRECTIONS, *CHOICES, *ANSWERS, *FOLLOW_UPS, *QUESTIONS, *SOCIAL,
    *MIXED_ENGLISH, *SHORTHAND,
]


@pytest.mark.parametrize(("phrase", "expected"), TABLE, ids=[phrase for phrase, _ in TABLE])
def test_each_message_is_read_into_its_frame(phrase, expected):
    assert seen(parse_frame(phrase, now_local=NOW, catalog=CATALOG)) == expected


def test_the_table_is_large_and_has_no_duplicate_phrases():
    phrases = [phrase for phrase, _ in TABLE]
    assert len(phrases) >= 300
    assert len(set(phrases)) == len(phrases)
