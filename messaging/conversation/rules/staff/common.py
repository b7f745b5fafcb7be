"""What the staff flows share: refusals said once, the day asked about, short service names."""

from __future__ import annotations

from datetime import date

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
