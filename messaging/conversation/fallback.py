"""The LLM first, the rule engine when it fails: the person never sees an error.

The LLM gets what is left of the turn's budget (``Turn.deadline``, 12 s from the start of
the turn by default) less a moment for the rule engine, never more than ``deadline``. On
any failure, or a reply :mod:`.truth` refused, the rule engine answers the same message,
unless the model had already changed something this turn (a booking, a block…): then the
reply states what was done, so nothing is done twice.

A :class:`messaging.breaker.CircuitBreaker` shared by the whole process counts OpenAI's
failures and timeouts; while it is open the LLM is not called at all and the rule engine
answers at once.
"""

from __future__ import annotations

import asyncio
import logging

from messaging.breaker import CircuitBreaker
from messaging.engine import ConversationEngine, Reply, Turn
from messaging.routing import RouteKind
from wording import format_date

from .llm import LLMEngine, LLMUnavailable, TurnLedger, keep
from .rules.base import at_hhmm, hhmm, local
from .tools import ToolResult
from .tools.results import Appointments, Blocked, WaitlistAnswered

log = logging.getLogger("parlo.conversation")


def _done(name: str, result: ToolResult) -> str:
    value = result.value
    if name in ("book_appointment", "book_walk_in", "reschedule_appointment") and isinstance(value, Appointments) \
            and value.appointments:
        a = value.first
        return f"Listo ✓ Quedó la cita de {a.service} el {format_date(local(a.start).date())} {at_hhmm(a.start)}."
    if isinstance(value, WaitlistAnswered):
        if not value.appointments:
            return "Va, se lo ofrezco a alguien más ✓"
        a = value.appointments[0]
        return f"Listo ✓ Quedó la cita de {a.service} el {format_date(local(a.start).date())} {at_hhmm(a.start)}."
    if name == "cancel_appointment":
        return "Listo, la cita quedó cancelada ✓"
    if isinstance(value, Blocked):
        return f"Listo, bloqueé de {hhmm(value.start)} a {hhmm(value.end)} ✓"
    if name == "handoff_to_human":
        return "Ya le avisé al equipo; te van a escribir pronto por aquí."
    return "Listo ✓"


#: Onboarding keeps its progress in OnboardingSession, which routing reads: the rule engine owns it.
RULES_ONLY = frozenset({RouteKind.STAFF_ONBOARDING, RouteKind.BUSINESS_ONBOARDING})


#: Of the turn's budget, what the LLM may not use: the rule engine's answer after a timeout,
#: plus storing the turn. A rule turn takes ~50 ms of CPU, but a busy worker with 64 turns in
#: flight (or a distributed database) stretches it past a second: 2.5 s keeps the 12 s promise.
RULES_RESERVE = 2.5


class FallbackEngine:
    def __init__(self, primary: LLMEngine, fallback: ConversationEngine, *, deadline: float = 45.0,
                 llm_onboarding: bool = False, breaker: CircuitBreaker | None = None) -> None:
        self.primary = primary
        self.fallback = fallback
        self.deadline = deadline
        self.llm_onboarding = llm_onboarding
        self.breaker = breaker

    async def aclose(self) -> None:
        await self.primary.aclose()

    def _time_left(self, turn: Turn) -> float:
        if turn.deadline is None:
            return self.deadline
        return min(self.deadline, turn.deadline - asyncio.get_running_loop().time() - RULES_RESERVE)

    async def respond(self, turn: Turn) -> list[Reply]:
        if turn.route.kind in RULES_ONLY and not self.llm_onboarding:
            return await self.fallback.respond(turn)
        permit = self.breaker.acquire() if self.breaker is not None else None
        if self.breaker is not None and permit is None:
            log.info("LLM skipped on message %s: the circuit breaker is open", turn.message_id)
            return await self.fallback.respond(turn)
        ledger = TurnLedger()
        verdict = "none"  # what the breaker hears: "ok", "failed", or nothing (a bug of ours)
        left = self._time_left(turn)
        try:
            if left <= 0:
                raise TimeoutError("no time left in the turn for the LLM")
            async with asyncio.timeout(left):
                replies = await self.primary.respond(turn, ledger)
            verdict = "ok"
            return replies
        except LLMUnavailable as exc:
            verdict = "failed" if exc.outage else "ok"
            log.warning("LLM unavailable on message %s (%s); the rule engine answers", turn.message_id, exc)
        except TimeoutError:
            waited = asyncio.get_running_loop().time() - ledger.model_since if ledger.model_since is not None else 0.0
            if left > 0 and waited >= left / 2:
                verdict = "failed"
                log.warning("LLM too slow on message %s (OpenAI had it %.1f s); the rule engine answers",
                            turn.message_id, waited)
            else:  # our own work ate the budget (a saturated worker): OpenAI is not to blame
                log.warning("no time left for the LLM on message %s (OpenAI had it %.1f s of %.1f); the rule "
                            "engine answers", turn.message_id, waited, left)
        except Exception:  # noqa: BLE001 - a bug: the rules answer instead
            log.exception("LLM engine failed on message %s; the rule engine answers", turn.message_id)
        finally:
            if permit is not None:
                {"ok": permit.succeeded, "failed": permit.failed}.get(verdict, permit.release)()
        try:  # what the tools did before the answer was lost is traced all the same
            await keep(turn, ledger.traces)
        except Exception:  # noqa: BLE001 - a trace never breaks a turn
            log.exception("could not store the LLM's tool traces of message %s", turn.message_id)
        if ledger.writes:
            return [Reply(_done(name, result)) for name, result in ledger.writes[-1:]] + \
                [Reply("¿Te ayudo con algo más?")]
        return await self.fallback.respond(turn)
