"""Someone is out or the day is gappy: propose where the appointments go, apply on yes."""

from __future__ import annotations

from messaging.rebooking_text import AnswerKind, parse_plan_answer
from messaging.spanish import (
    Intent,
)
from messaging.spanish.intents import Understanding
from wording import (
    contract,
)

from ..base import TurnState, at_hhmm, hhmm, local
from .common import asked_day, denied, short_service


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
                "reason": "No viene"}
        who = people[0].name.split()[0]
    else:
        args = {"kind": "compact_day", "day": day.isoformat()}
        who = None
    result = await t.call("suggest_rebooking", **args)
    if denied(t, result):
        return
    plan = result.data
    moves = [m for m in plan["moves"] if m["affected"] or u.intent is Intent.COMPACT_SCHEDULE]
    if not plan["moves"] and not plan["unplaceable"]:
        t.say(f"{who} no tiene citas {t.day_words(day)}; no hay nada que mover." if who else
              f"La agenda de {t.day_words(day)} ya está compacta; no hay nada que mover.")
        return
    lines = [f"{m['move_id']}) {hhmm(m['before']['start'])} {m['customer'] or 'Cliente'} ({short_service(m['service'])}) → "
             + (f"con {m['after']['staff'].split()[0]}" if m["after"]["staff"] != m["before"]["staff"] else "")
             + ("" if m["after"]["start"] == m["before"]["start"] else
                f"{' ' if m['after']['staff'] != m['before']['staff'] else ''}{at_hhmm(m['after']['start'])}"
                + (f" {contract('de', t.day_words(local(m['after']['start']).date()))}"
                   if local(m['after']['start']).date() != local(m['before']['start']).date() else ""))
             for m in plan["moves"]]
    count = len(moves) + len(plan["unplaceable"])
    text = (f"{who} tiene {count} cita{'s' if count != 1 else ''} {t.day_words(day)}. Te propongo:\n"
            if who else f"Para compactar {t.day_words(day)} te propongo:\n") + "\n".join(lines)
    if plan["unplaceable"]:
        text += "\n\nNo pude acomodar:\n" + "\n".join(
            f"• {hhmm(x['start'])} {x['customer'] or 'Cliente'} ({short_service(x['service'])})"
            for x in plan["unplaceable"])
    text += f"\n\n{APPLY_HINT} Le aviso a cada cliente." if plan["moves"] else \
        "\n\nEsas citas habría que reagendarlas con cada cliente."
    if plan["moves"]:
        t.start("rebook", "confirming", args=args, plan_id=plan["plan_id"],
                move_ids=[m["move_id"] for m in plan["moves"]],
                appointments={m["move_id"]: m["appointment_id"] for m in plan["moves"]})
    t.say(text)


APPLY_HINT = "¿Aplico todo? Responde «aplica todo», «aplica 1, 3» o «no»."


async def on_rebooking(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    answer = parse_plan_answer(t.text, flow.data["move_ids"])
    if answer.kind is AnswerKind.DECLINE:
        flow.state = "closed"
        t.say("Va, no moví nada.")
        return
    if answer.kind is AnswerKind.UNCLEAR:
        missing = ", ".join(str(n) for n in answer.unknown)
        t.say((f"No tengo la {missing} en la lista. " if missing else "") + APPLY_HINT)
        return
    plan_id, move_ids = flow.data["plan_id"], list(answer.move_ids)
    if flow.data["args"].get("kind") == "staff_out":  # now also take the day off their calendar
        fresh = await t.call("suggest_rebooking", **flow.data["args"], write_block=True)
        if fresh.ok and fresh.data["moves"]:
            # The fresh plan numbers its moves anew: keep the owner's choice by appointment.
            chosen = {flow.data.get("appointments", {}).get(i) for i in move_ids}
            plan_id = fresh.data["plan_id"]
            move_ids = [m["move_id"] for m in fresh.data["moves"]
                        if answer.kind is AnswerKind.APPLY_ALL or m["appointment_id"] in chosen]
    result = await t.call("apply_rebooking", plan_id=plan_id, move_ids=move_ids)
    if denied(t, result):
        return
    flow.state = "confirmed"
    done = result.data["applied"]
    text = f"Listo ✓ Moví {done} cita{'s' if done != 1 else ''} y les avisé a los clientes."
    if result.data["refused"]:
        text += f" {result.data['refused']} ya no se pudieron mover; revísalas en el panel."
    t.say(text)
