"""The rule engine: deterministic answers, no language model, the same tools as the LLM.

One turn: load the business profile and the conversation's open flow, let the flow
family for this sender (customer, staff/owner, onboarding) read the message and call
tools, then persist the flow. A bug in a flow never reaches the person as an error:
they get a short "¿me lo repites?" and the trace is in the logs.
"""

from __future__ import annotations

import logging

from messaging.engine import Reply, Turn
from messaging.routing import RouteKind

from ..profile import customer_of_route, load_customer, profile_of_route
from ..tools import ToolContext
from . import customer, onboarding, staff
from .base import TurnState, flows_of_route, flush_traces, read_flow, save_flow, write_flow

log = logging.getLogger("parlo.conversation")

SORRY = "Perdón, se me complicó entender eso 🙏 ¿Me lo dices de otra forma?"


class RuleEngine:
    """``ConversationEngine`` without a language model (also the LLM engine's fallback)."""

    async def respond(self, turn: Turn) -> list[Reply]:
        traces: list = []
        try:
            return [Reply(text) for text in await self.answer(turn, traces)]
        except Exception:  # noqa: BLE001 - never an error in front of a customer
            log.exception("rule engine failed on message %s", turn.message_id)
            return [Reply(SORRY)]
        finally:
            await flush_traces(turn.context.db, traces)

    async def answer(self, turn: Turn, traces: list | None = None) -> list[str]:
        route = turn.route
        ctx = turn.context
        now = ctx.now()
        profile = await profile_of_route(ctx.db, route)  # no statement when routing read the catalog's version
        tc = ToolContext(ctx, profile, turn.conversation_id, route.phone,
                         profile.whatsapp_number if profile else None, traces=traces)
        t = TurnState(text=turn.text.strip(), tc=tc, route_kind=route.kind.value, profile=profile, now=now,
                      staff_id=route.staff_id, staff_name=route.staff_name)
        if route.kind is RouteKind.BUSINESS_ONBOARDING:
            await onboarding.business(t)
            return t.replies
        if profile is None:
            return []
        if route.kind is RouteKind.STAFF_ONBOARDING:
            await onboarding.staff(t)
            return t.replies
        family = customer if route.kind is RouteKind.CUSTOMER else staff
        if route.kind is RouteKind.CUSTOMER:
            t.customer = customer_of_route(route) or await load_customer(ctx.db, profile.organization_id,
                                                                          route.customer_id)
        elif route.kind is not RouteKind.MANAGEMENT:
            return []
        t.flow, abandoned, t.stored_flow = flows_of_route(route, profile.organization_id, now) or \
            await read_flow(ctx.db, turn.conversation_id, profile.organization_id, now)
        if abandoned is not None:
            u = family.understand(t)
            if u.intent not in family.STRONG:
                if family is customer and await customer.answered_offer(t):  # "sí" to a waitlist offer
                    await _persist(t, turn, abandoned)
                    return t.replies
                t.flow, t.resumed = abandoned, True
                if family is customer and u.intent.value in ("greeting", "unknown") and not _answers(t):
                    await customer.resume(t)
                    await _persist(t, turn, None)
                    return t.replies
                t.say("¡Qué gusto que sigas por aquí! Sigamos donde nos quedamos.")
                abandoned = None
        await family.handle(t)
        await _persist(t, turn, abandoned)
        return t.replies


def _answers(t: TurnState) -> bool:
    """Does the message carry what the abandoned question asked (a day, a time, a name)?"""
    from messaging.spanish import parse_when

    when = parse_when(t.text, t.today, bare_time=True)
    return when.date is not None or when.time is not None or len(t.text.split()) <= 3 and t.flow.state in (
        "collecting_personal_info", "confirming_cancellation")


async def _persist(t: TurnState, turn: Turn, abandoned) -> None:
    route = turn.route
    flow, abandoned = t.flow, (abandoned if t.flow is None else None)
    traces = list(t.tc.traces or ())
    if t.tc.traces:
        t.tc.traces.clear()  # they go with the flow's write, not with respond()'s flush
    if turn.writes is not None and t.stored_flow is not None:
        # Written in the transaction that records the replies: the flow moves on if and only if
        # the person gets the answer (a turn that fails to record runs again from the same state).
        stored = t.stored_flow

        async def write(session) -> None:
            await write_flow(session, turn.conversation_id, flow, stored, customer_id=route.customer_id,
                             staff_id=route.staff_id, now=t.now, abandoned=abandoned, traces=traces)

        turn.writes.append(write)
        return
    await save_flow(t.tc.ctx.db, turn.conversation_id, flow, organization_id=route.organization_id,
                    customer_id=route.customer_id, staff_id=route.staff_id, now=t.now,
                    abandoned=abandoned, traces=traces, stored=t.stored_flow)
