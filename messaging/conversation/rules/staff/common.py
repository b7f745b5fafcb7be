"""What the staff flows share: refusals said once, the day asked about, short service names, the phone step."""

from __future__ import annotations

from datetime import date

from messaging.spanish import extract_phone
from messaging.spanish.intents import Understanding

from ..base import TurnState

ACKS = frozenset({"ok", "okay", "oki", "va", "sale", "listo", "perfecto", "👍", "👌", "🙏", "✅", "👍🏼", "👍🏻", "bien"})


def is_ack(text: str) -> bool:
    words = text.lower().strip(" .!¡").split()
    return bool(words) and all(w.strip(".,!¡") in ACKS for w in words)


def me_first(t: TurnState) -> str:
    return (t.staff_name or "").split()[0] if t.staff_name else ""


def denied(t: TurnState, result) -> bool:
    """Say the resolvers' Spanish refusal and stop, when the tool was refused."""
    if result.ok:
        return False
    t.say(result.message or "No pude hacerlo.")
    t.flow = None
    return True


def asked_day(t: TurnState, u: Understanding) -> date:
    return u.slots.date.start if u.slots.date is not None else t.today


def shortest_service(t: TurnState) -> int:
    """A free gap counts when the shortest service fits in it."""
    return min((s.duration_minutes for s in t.profile.services), default=30)


def short_service(name: str | None) -> str:
    return (name or "Cita").replace(" de cabello", "").replace("Arreglo de barba", "Barba")


async def restart(t: TurnState, u: Understanding) -> None:
    """A message that does not answer the open flow starts over from its intent (the router decides)."""
    from .router import start_from_intent

    await start_from_intent(t, u)


# ---------------------------------------------------------------- the phone step (team, walk-in, on behalf)


def phone_in(t: TurnState, u: Understanding) -> str | None:
    """The phone number a message gives (E.164), or None."""
    return u.slots.phone or extract_phone(t.text)


def phone_not_read(t: TurnState, *, example: str = "55 1234 5678", or_no: bool = False) -> None:
    t.say(f"No reconocí ese número. Escríbelo a 10 dígitos, por ejemplo {example}" + (", o dime «no»." if or_no else "."))


def read_phone(t: TurnState, u: Understanding, *, example: str = "55 1234 5678") -> str | None:
    """The answer to "¿cuál es su teléfono?": the number, or None after asking again."""
    phone = phone_in(t, u)
    if phone is None:
        phone_not_read(t, example=example)
    return phone


async def known_name(t: TurnState, phone: str) -> str | None:
    """The name the business already has for a customer's phone, or None."""
    known = await t.call("get_customer_history", customer_phone=phone)
    exact = [c for c in (known.value.customers if known.ok else ()) if c.phone == phone and c.name]
    return exact[0].name if exact else None
