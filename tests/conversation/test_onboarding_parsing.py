"""How owners write their services and team on WhatsApp during onboarding."""

from __future__ import annotations

import pytest

from messaging.conversation.rules.onboarding import parse_services, parse_team


@pytest.mark.parametrize("text, expected", [
    ("Corte $150 45 min, Barba $100 30 min", [("Corte", 15000, 45), ("Barba", 10000, 30)]),
    ("Corte y barba $220 1 hr", [("Corte y barba", 22000, 60)]),
    ("Corte $150 y barba $100", [("Corte", 15000, 30), ("Barba", 10000, 30)]),
    ("Manicure $200 45 min\nPedicure $250 1 hora\nMani + Pedi $400 1.5 hr",
     [("Manicure", 20000, 45), ("Pedicure", 25000, 60), ("Mani + Pedi", 40000, 90)]),
    ("tinte 600 pesos 2 horas; peinado $350", [("Tinte", 60000, 120), ("Peinado", 35000, 30)]),
    ("Uñas acrílicas $1,200 2 hr", [("Uñas acrílicas", 120000, 120)]),
    ("no sé todavía", []),
])
def test_services_with_prices_and_durations(text, expected):
    assert [(s["name"], s["price_cents"], s["duration_minutes"]) for s in parse_services(text)] == expected


@pytest.mark.parametrize("text, expected", [
    ("Pedro 55 1111 2222, Ana 55 3333 4444", [("Pedro", "+525511112222"), ("Ana", "+525533334444")]),
    ("Rosa 55 1111 2222 y Memo Díaz 55 3333 4444", [("Rosa", "+525511112222"), ("Memo Díaz", "+525533334444")]),
    ("Lalo: 5512345678", [("Lalo", "+525512345678")]),
    ("nadie", []),
    ("Pedro", []),
])
def test_team_names_and_numbers(text, expected):
    assert [(p["name"], p["phone"]) for p in parse_team(text)] == expected
