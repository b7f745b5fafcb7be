"""Whatever people write, the rule engine answers in Spanish and never shows an error."""

from __future__ import annotations

from datetime import time

from messaging.conversation.rules.engine import SORRY
from tests.conversation.kit import Chat, add_appointment, add_customer, don_carlos

CUSTOMER_LINES = [
    "hola", "buenas", "q onda", "quiero cita", "para un corte", "mñn en la tarde", "la 2", "no, mejor otro día",
    "el sabado", "a las 11", "sale", "Juan", "gracias", "cuanto cuesta la barba?", "donde estan?", "a q hora abren",
    "quiero cambiar mi cita", "el lunes", "4:30", "sí", "cancela mi cita", "no", "ayuda", "eres un robot?",
    "asdfgh", "😂😂", "👍", "1", "mañana", "pasado mañana a mediodía", "el 15", "el 31 de febrero", "a las 25",
    "quiero un tinte", "corte y barba para el viernes", "ahorita", "lo antes posible", "ok", "siempre no",
    "mi cita", "?", "..........", "a" * 400,
]
STAFF_LINES = [
    "qué tengo hoy", "que sigue", "bloquea de 2 a 3", "no", "desbloquea las 2", "el de las 11 no llegó", "si",
    "acaba de llegar alguien", "corte", "no", "Luis", "este cliente ha venido antes? 55 1234 5678",
    "mándame el link del panel", "agenda de mañana", "cambia el horario", "de lunes a sábado de 9 a 7", "no",
    "sube el precio del corte", "200", "no", "agregar empleado", "Ana Ruiz", "123", "55 2222 3333", "todos", "no",
    "cuantas citas llevamos", "gracias", "👍", "zzz",
]


async def test_customers_never_see_an_error(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525511112222", "Juan Pérez", verified=clock())
    from datetime import date

    await add_appointment(db, shop, juan, "corte", "pedro", date(2026, 1, 17), time(16), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)
    for line in CUSTOMER_LINES:
        replies = await chat.send(line)
        assert SORRY not in replies, line
        if chat.sender and replies == [] and "Parlo" not in line:
            break  # a handoff: the conversation is with the owner now
        assert all(r.strip() for r in replies), line


async def test_staff_never_see_an_error(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345001", shop.number)
    for line in STAFF_LINES:
        replies = await chat.send(line)
        assert SORRY not in replies, line
