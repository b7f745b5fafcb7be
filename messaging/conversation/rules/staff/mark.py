"""Marking an appointment completed, no-show or cancelled, confirmed first."""

from __future__ import annotations

from typing import Any

from messaging.spanish import (
    Intent,
    choose,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding

from ..base import TurnState, at_hhmm, hhmm, local, numbered, time_words
from .common import asked_day, denied, restart, short_service

_MARK = {Intent.MARK_NO_SHOW: "no_show", Intent.MARK_COMPLETED: "completed", Intent.CANCEL: "cancelled"}


async def start_mark(t: TurnState, u: Understanding) -> None:
    status = _MARK[u.intent]
    said = u.slots.appointment_time or u.slots.time
    day = asked_day(t, u)
    result = await t.call("find_appointments", date=day.isoformat(),
                          time=said.strftime("%H:%M") if said else None)
    if denied(t, result):
        return
    found = result.data["appointments"]
    mine = [a for a in found if a["staff_id"] == str(t.staff_id)]
    if len(found) > 1 and mine:
        found = mine
    if u.slots.customer_name:
        named = [a for a in found if a["customer"] and u.slots.customer_name.lower() in a["customer"].lower()]
        found = named or found
    if said is None and len(found) != 1:
        if status == "completed":
            now = t.local_now.replace(tzinfo=None)
            started = [a for a in found if local(a["start"]) <= now and a["staff_id"] == str(t.staff_id)]
            found = started[-1:] or found
        if len(found) != 1:
            t.start("mark", "asking_time", status=status)
            t.say("¿De qué hora es la cita?")
            return
    if not found:
        t.say(f"No encontré citas activas {t.day_words(day)}" + (f" a {time_words(said)}" if said else "") + ".")
        return
    flow = t.start("mark", "confirming", status=status, options=found)
    if len(found) > 1:
        flow.state = "selecting"
        t.say("¿Cuál de estas?\n" + "\n".join(f"{i}. {hhmm(a['start'])} - {a['customer']} ({a['service']})"
                                              for i, a in enumerate(found, 1)))
        return
    _confirm_mark(t, found[0])


def _confirm_mark(t: TurnState, a: dict[str, Any]) -> None:
    t.flow.data["appointment"] = a
    t.flow.state = "confirming"
    t.say(f"¿Te refieres a la cita de {a['customer'] or 'un cliente'} {at_hhmm(a['start'])} "
          f"({short_service(a['service'])})?")


_DONE = {"no_show": "Marqué la cita como no-show ✓", "completed": "Listo, marqué la cita como completada ✓",
         "cancelled": "Listo, cancelé la cita ✓"}


async def on_mark(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == "asking_time":
        said = u.slots.appointment_time or u.slots.time
        if said is None:
            t.say("¿De qué hora? Por ejemplo: «la de las 3».")
            return
        fake = Understanding(intent={v: k for k, v in _MARK.items()}[flow.data["status"]], slots=u.slots)
        await start_mark(t, fake)
    elif flow.state == "selecting":
        options = flow.data["options"]
        index = numbered(t.text, len(options))
        if index is None:
            index = choose(t.text, [local(a["start"]).time() for a in options]).index
        if index is None:
            t.say("¿Cuál? Dime el número.")
            return
        _confirm_mark(t, options[index])
    elif flow.state == "confirming":
        answer = parse_yes_no(t.text)
        if answer.answer is not True:
            flow.state = "closed"
            t.say("Va, no marqué nada. ¿Cuál era?" if answer.answer is False else "¿Sí es esa? Dime «sí» o «no».")
            if answer.answer is None:
                flow.state = "confirming"
            return
        a = flow.data["appointment"]
        status = flow.data["status"]
        result = await t.call("mark_appointment_status", appointment_id=a["appointment_id"], status=status,
                              notify_customer=True)
        if denied(t, result):
            return
        text = _DONE[status]
        first = (a["customer"] or "").split()[0] if a.get("customer") else None
        if status == "cancelled" and a.get("customer_phone"):
            text += f" Le avisé a {first or 'la persona'} por WhatsApp."
        if status == "no_show" and a.get("customer_phone"):
            flow.state = "offering_message"
            text += f" ¿Quieres que le envíe un mensaje a {first or 'la persona'}?"
        else:
            flow.state = "confirmed"
        t.say(text)
    elif flow.state == "offering_message":
        answer = parse_yes_no(t.text)
        if answer.answer is not True:
            flow.state = "closed"
            t.say("Va, no le mando nada. ¿Algo más?")
            return
        a = flow.data["appointment"]
        first = (a["customer"] or "").split()[0] if a.get("customer") else ""
        message = (f"Hola{' ' + first if first else ''}, notamos que no pudiste llegar a tu cita de hoy. "
                   "Esperamos que todo esté bien. Cuando gustes, escríbenos para reagendar. - " + t.profile.name)
        result = await t.call("send_message_to_customer", customer_phone=a["customer_phone"], message=message)
        if denied(t, result):
            return
        flow.state = "confirmed"
        t.say(f"Enviado ✓ Le mandé: \"{message}\"")
    else:
        await restart(t, u)
