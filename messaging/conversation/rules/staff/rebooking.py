"""Someone is out or the day is gappy: propose a plan, apply *that* plan on yes.

The plan the owner reads is the stored plan (``suggest_rebooking``), worded by
``messaging.rebooking_text`` like everywhere else; "aplica todo" / "aplica 1, 3" apply
its moves by number and nothing else (never a plan recomputed behind the owner's back).
Moves that no longer fit are refused by the use case and named; the owner is offered a
fresh plan for just those (``replan_rebooking``), and an expired plan is offered anew.
"""

from __future__ import annotations

import uuid

from messaging.rebooking_text import (
    AnswerKind,
    apply_summary,
    declined_message,
    parse_plan_answer,
    plan_message,
    unclear_message,
)
from messaging.spanish import Intent, parse_yes_no
from messaging.spanish.intents import Understanding
from resolvers.rebooking import PlanResult, get_rebooking_plan

from ..base import TurnState
from .common import asked_day, denied
from .state import RebookState, Step, begin, kept


async def start_rebooking(t: TurnState, u: Understanding) -> None:
    """"Pedro se enfermó, no viene mañana": propose where his appointments go, apply on yes."""
    day = asked_day(t, u)
    if u.intent is Intent.STAFF_ABSENT:
        name = u.slots.staff_name
        people = [m for m in t.profile.team if name and (m.name == name or name.lower() in m.name.lower())]
        if len(people) != 1:
            t.say("¿Quién va a faltar? Dime su nombre.")
            return
        args = {"kind": "staff_out", "staff_id": str(people[0].id), "first_day": day.isoformat(),
                "reason": "No viene", "write_block": True}
        who = people[0].name.split()[0]
    else:
        args = {"kind": "compact_day", "day": day.isoformat()}
        who = None
    result = await t.call("suggest_rebooking", **args)
    if denied(t, result):
        return
    if result.value.empty:
        if who:  # nothing to move, but the absence still goes on the calendar (applying writes it, once)
            applied = await t.call("apply_rebooking", plan_id=result.value.plan_id, move_ids=[])
            t.say(f"{who} no tiene citas {t.day_words(day)}; no hay nada que mover."
                  + (" Ya lo bloqueé en tu agenda ese día." if applied.ok else ""))
            return
        t.say(f"La agenda de {t.day_words(day)} ya está compacta; no hay nada que mover.")
        return
    await _show(t, result.value.plan_id)


async def _show(t: TurnState, plan_id: str) -> None:
    """The stored plan in one message, and the flow waiting for the owner's answer to *it*."""
    plan = await get_rebooking_plan(t.tc.ctx, uuid.UUID(plan_id))
    if not isinstance(plan, PlanResult):
        t.say(plan.message)
        return
    begin(t, RebookState(plan_id=plan_id, move_ids=[str(m.id) for m in plan.moves]), Step.CONFIRMING)
    t.say(plan_message(plan, today=t.today))


async def on_rebooking(t: TurnState, u: Understanding) -> None:
    if t.flow.state == Step.OFFERING_REPLAN:
        await _on_replan(t)
        return
    flow, plan = t.flow, kept(t, RebookState)
    answer = parse_plan_answer(t.text, plan.move_ids)
    if answer.kind is AnswerKind.DECLINE:
        flow.state = Step.CLOSED
        t.say(declined_message())
        return
    if answer.kind is AnswerKind.UNCLEAR:
        t.say(unclear_message(answer, len(plan.move_ids)))
        return
    result = await t.call("apply_rebooking", plan_id=plan.plan_id, move_ids=list(answer.move_ids))
    if not result.ok and "venció" in (result.message or ""):
        flow.state = Step.OFFERING_REPLAN
        plan.appointment_ids = None
        t.say(apply_summary(0, (), expired=result.message))
        return
    if denied(t, result):
        return
    refused = result.value.refused_moves
    t.say(apply_summary(result.value.applied, [(r.move_id, r.why) for r in refused],
                        unplaced_told=result.value.unplaced_told))
    if refused:
        flow.state = Step.OFFERING_REPLAN
        plan.appointment_ids = [r.appointment_id for r in refused if r.appointment_id]
    else:
        flow.state = Step.CONFIRMED


async def _on_replan(t: TurnState) -> None:
    flow, plan = t.flow, kept(t, RebookState)
    if parse_yes_no(t.text).answer is not True:
        flow.state = Step.CLOSED
        t.say("Va, esas citas se quedan como están.")
        return
    result = await t.call("replan_rebooking", plan_id=plan.plan_id, appointment_ids=plan.appointment_ids)
    if denied(t, result):
        return
    if result.value.empty:
        flow.state = Step.CLOSED
        t.say("Ya no queda nada que mover.")
        return
    await _show(t, result.value.plan_id)
