"""Shared by every customer flow: what the message means, how the business is described."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from messaging.spanish import (
    Intent,
    detect_intent,
)
from messaging.spanish.intents import Understanding
from wording import (
    bullet_list,
    format_service_line,
    format_time,
    mid_sentence,
)

from ..base import TurnState, at_hhmm, local, week_lines

MAX_OFFERED = 4
SEARCH_AHEAD_DAYS = 7

#: Intents that leave whatever flow is open and start their own.
STRONG = frozenset({Intent.BOOK, Intent.CANCEL, Intent.RESCHEDULE, Intent.VIEW_APPOINTMENTS, Intent.HANDOFF,
                    Intent.ASK_PRICES, Intent.ASK_HOURS, Intent.ASK_LOCATION, Intent.ASK_SERVICES, Intent.HELP})


def understand(t: TurnState) -> Understanding:
    services = {str(s.id): s.name for s in t.profile.services}
    return detect_intent(t.text, today=t.today, services=services)


def greeting(t: TurnState) -> str:
    name = t.first_name(t.customer.name if t.customer else None)
    if name:
        return f"¡Hola, {name}! Qué gusto saludarte de nuevo."
    return f"¡Hola! Gracias por escribir a {t.profile.name}."


def owner_first(t: TurnState) -> str:
    owner = t.profile.owner
    return owner.name.split()[0] if owner else "el dueño"


def services_list(t: TurnState) -> str:
    return bullet_list(format_service_line(s.name, s.price_cents, s.duration_minutes) for s in t.profile.services)


def hours_text(t: TurnState) -> str:
    """'Lunes a sábado: 10:00 AM - 8:00 PM', 'Domingo: cerrado' — equal neighbouring days together."""
    def words(weekday: int) -> str:
        ranges = t.profile.hours.get(weekday)
        return ", ".join(f"{format_time(a)} - {format_time(b) if b != time(0) else '12:00 AM'}"
                         for a, b in ranges) if ranges else "cerrado"

    return bullet_list(week_lines([words(d) for d in range(7)]))


def service_words(name: str) -> str:
    """'corte de cabello' in the middle of a sentence (keeps proper capitals like 'Mani + Pedi')."""
    return mid_sentence(name)


def staff_mentioned(t: TurnState) -> str | None:
    """"con Pedro", "que me atienda Pedro": a preferred stylist by first name (whole word, no accents)."""

    from messaging.spanish import normalize

    said = f" {normalize(t.text)} "
    found = [m for m in t.profile.team
             if re.search(rf"\b{re.escape(normalize(m.name.split()[0]))}\b", said)]
    return str(found[0].id) if len(found) == 1 else None


async def _appointments(t: TurnState) -> list[dict[str, Any]] | None:
    result = await t.call("get_customer_appointments")
    return result.data["appointments"] if result.ok else None


def describe(t: TurnState, a: dict[str, Any]) -> str:
    return f"{service_words(a['service'])} {t.day_words(local(a['start']).date())} {at_hhmm(a['start'])}"


def greeting_short(t: TurnState, u: Understanding) -> str:
    name = t.first_name(t.customer.name if t.customer else None)
    if u.greeted or name:
        return f"Hola{' ' + name if name else ''}, claro que sí. "
    return "Claro que sí. "
