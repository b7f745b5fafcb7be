"""The conversation engine's seat: one turn in, the replies out.

Routing has already decided who is writing and in which flow (:class:`messaging.routing.Route`);
the engine decides what to answer. It may call use cases through ``turn.context`` (each
opens its own transaction); it never writes replies itself: it returns them, and
processing writes them to the outbox in the transaction that marks the message handled,
so a crash neither loses nor doubles a reply.

Issue 6 plugs in the rule engine and the LLM engine; until then
:class:`AcknowledgementEngine` answers politely.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from messaging.routing import Route, RouteKind
from resolvers.context import Context


@dataclass(frozen=True, slots=True)
class Turn:
    """One inbound text to answer."""

    conversation_id: uuid.UUID
    message_id: uuid.UUID
    text: str
    received_at: datetime
    route: Route
    #: The sender as use cases see them (customer, staff with level, or system for onboarding).
    context: Context
    #: Name WhatsApp shows for the sender (a hint only: customers confirm their name).
    profile_name: str | None = None
    #: When the turn must have its answer (event-loop time, ``loop.time()``); None = no bound.
    #: Network waits (OpenAI) stop in time for the rule engine to answer before it.
    deadline: float | None = None
    #: The text was heard from a voice note, not typed.
    spoken: bool = False
    #: When a list (processing gives one): writes the engine wants in the transaction that
    #: records the turn's replies, as ``async (session) -> None`` callables, so its state
    #: (the rule engine's flow, the tool traces) commits if and only if the replies do.
    #: None: the engine writes them itself.
    writes: list | None = None


@dataclass(frozen=True, slots=True)
class Reply:
    body: str


class ConversationEngine(Protocol):
    async def respond(self, turn: Turn) -> list[Reply]: ...


async def close_engine(engine: ConversationEngine) -> None:
    """Let go of what an engine holds open (the LLM's HTTP connection pool), on the loop
    that used it; engines that hold nothing have no ``aclose``."""
    aclose = getattr(engine, "aclose", None)
    if aclose is not None:
        await aclose()


class AcknowledgementEngine:
    """A friendly receipt while the real engines are being built: one reply per turn."""

    async def respond(self, turn: Turn) -> list[Reply]:
        route = turn.route
        business = route.organization_name or "el negocio"
        if route.kind is RouteKind.CUSTOMER:
            greeting = f"¡Hola, {turn.profile_name}!" if turn.profile_name else "¡Hola!"
            return [Reply(f"{greeting} Recibimos tu mensaje en {business}. En un momento te ayudamos con tu cita 🙂")]
        if route.kind is RouteKind.STAFF_ONBOARDING:
            return [Reply(f"¡Hola, {route.staff_name or 'bienvenido'}! Ya quedaste registrado en {business}. "
                          "Muy pronto podrás ver tu agenda y bloquear horarios desde aquí.")]
        if route.kind is RouteKind.MANAGEMENT:
            greeting = f"¡Hola, {route.staff_name}!" if route.staff_name else "¡Hola!"
            return [Reply(f"{greeting} Recibí tu mensaje para {business}. "
                          "Pronto podrás manejar la agenda escribiéndome por aquí.")]
        if route.kind is RouteKind.BUSINESS_ONBOARDING:
            return [Reply("¡Hola! Soy Parlo, el asistente que contesta el WhatsApp de tu negocio y agenda tus citas. "
                          "Recibimos tu mensaje; muy pronto te ayudo a dar de alta tu negocio por aquí mismo.")]
        return []
