"""The LLM first, the rule engine when it fails: the person never sees an error.

The whole LLM turn runs under a deadline. On any failure the rule engine answers the
same message, unless the model had already changed something this turn (a booking, a
block…): then the reply states what was done, so nothing is done twice.
"""

from __future__ import annotations

import asyncio
import logging

from messaging.engine import ConversationEngine, Reply, Turn
from messaging.routing import RouteKind
from wording import format_date

from .llm import LLMUnavailable
from .rules.base import at_hhmm, hhmm, local
from .tools import ToolResult

log = logging.getLogger("parlo.conversation")


def _done(name: str, result: ToolResult) -> str:
    data = result.data
    if name in ("book_appointment", "book_walk_in", "reschedule_appointment") and data.get("appointments"):
        a = data["appointments"][0]
        return f"Listo ✓ Quedó la cita de {a['service']} el {format_date(local(a['start']).date())} {at_hhmm(a['start'])}."
    if name == "cancel_appointment":
        return "Listo, la cita quedó cancelada ✓"
    if name == "block_time":
        return f"Listo, bloqueé de {hhmm(data['start'])} a {hhmm(data['end'])} ✓"
    if name == "handoff_to_human":
        return "Ya le avisé al equipo; te van a escribir pronto por aquí."
    return "Listo ✓"


#: Onboarding keeps its progress in OnboardingSession, which routing reads: the rule engine owns it.
RULES_ONLY = frozenset({RouteKind.STAFF_ONBOARDING, RouteKind.BUSINESS_ONBOARDING})


class FallbackEngine:
    def __init__(self, primary: ConversationEngine, fallback: ConversationEngine, *, deadline: float = 45.0,
                 llm_onboarding: bool = False) -> None:
        self.primary = primary
        self.fallback = fallback
        self.deadline = deadline
        self.llm_onboarding = llm_onboarding

    async def respond(self, turn: Turn) -> list[Reply]:
        if turn.route.kind in RULES_ONLY and not self.llm_onboarding:
            return await self.fallback.respond(turn)
        try:
            async with asyncio.timeout(self.deadline):
                return await self.primary.respond(turn)
        except LLMUnavailable as exc:
            log.warning("LLM unavailable on message %s (%s); the rule engine answers", turn.message_id, exc)
            if exc.writes:
                return [Reply(_done(name, result)) for name, result in exc.writes[-1:]] + \
                    [Reply("¿Te ayudo con algo más?")]
        except Exception:  # noqa: BLE001 - a timeout or a bug: the rules answer instead
            log.exception("LLM engine failed on message %s; the rule engine answers", turn.message_id)
        return await self.fallback.respond(turn)
