"""An existing appointment: see it, move it, cancel it."""

from __future__ import annotations

from datetime import date
from typing import Any

from messaging.spanish import (
    Intent,
    choose,
    parse_when,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding
from wording import (
    bullet_list,
    capitalize_first,
)

from ..base import TurnState, at_hhmm, hhmm, local, numbered
from . import offers, router
from .common import MAX_OFFERED, _appointments, describe, greeting_short, owner_first


def _which(t: TurnState, appointments: list[dict[str, Any]], u: Understanding) -> list[dict[str, Any]]:
    """Narrow by the day or time the customer mentioned ("mi cita de mañana")."""
    found = appointments
    if u.slots.date is not None:
        found = [a for a in found if u.slots.date.start <= local(a["start"]).date() <= u.slots.date.end] or found
    said = u.slots.appointment_time
    if said is not None:
        found = [a for a in found if local(a["start"]).time() == said] or found
    return found


async def view_appointments(t: TurnState) -> None:
    appointments = await _appointments(t)
    if appointments is None:
        t.say("Ahorita no pude revisar tus citas. ¿Me escribes de nuevo en un momento?")
        return
    if not appointments:
        t.say("No tienes citas próximas con nosotros. ¿Te gustaría agendar una?")
        t.start("inquiry", "offered_booking")
        return
    if len(appointments) == 1:
        a = appointments[0]
        t.say(f"Tienes una cita para {describe(t, a)}" + (f" con {a['staff']}" if a.get("staff") else "")
              + ". ¿Necesitas cambiarla o cancelarla?")
        return
    t.say("Estas son tus próximas citas:\n" + bullet_list(capitalize_first(describe(t, a)) for a in appointments)
          + "\n¿Necesitas cambiar o cancelar alguna?")


async def start_modify(t: TurnState, u: Understanding) -> None:
    appointments = await _appointments(t)
    hello = greeting_short(t, u)
    if not appointments:
        t.say(f"{hello}No encuentro citas próximas a tu nombre. ¿Te gustaría agendar una?")
        t.start("inquiry", "offered_booking")
        return
    candidates = _which(t, appointments, u)
    t.start("modify", "identifying_booking", options=[a["appointment_id"] for a in candidates],
            appointments={a["appointment_id"]: a for a in candidates})
    if len(candidates) > 1:
        t.say(f"{hello}¿Cuál cita quieres cambiar?\n" +
              "\n".join(f"{i}. {capitalize_first(describe(t, a))}" for i, a in enumerate(candidates, 1)))
        return
    await _modify_chosen(t, candidates[0], u, hello)


async def _modify_chosen(t: TurnState, a: dict[str, Any], u: Understanding, hello: str = "") -> None:
    flow = t.flow
    flow.data.update(appointment_id=a["appointment_id"], service_id=a["service_id"], old_start=a["start"])
    new_when = _new_when(t, u, a)
    if new_when is not None:
        await offers.search_and_offer(t, new_when, hello=hello)
        return
    flow.state = "collecting_new_datetime"
    t.say(f"{hello}Veo que tienes una cita para {describe(t, a)}. ¿Para cuándo te gustaría cambiarla?")


def _new_when(t: TurnState, u: Understanding, a: dict[str, Any]):
    """The new day/time in the same message ("cámbiala para el sábado"), not the old one's."""
    when = parse_when(t.text, t.today)
    if when.date is None and u.slots.time is None:
        return None
    if when.date is not None and when.date.start == local(a["start"]).date() and u.slots.time is None:
        return None  # "mi cita de mañana": that names the appointment, not the new day
    return when


def _which_listed(t: TurnState, u: Understanding) -> int | None:
    """The appointment picked from the numbered list; None after saying what is next."""
    flow = t.flow
    options = flow.data["options"]
    appointments = [flow.data["appointments"][i] for i in options]
    index = numbered(t.text, len(options))
    if index is None:
        choice = choose(t.text, [hhmm(a["start"]) for a in appointments])
        index = choice.index
    if index is None and u.slots.date is not None:
        same_day = [i for i, a in enumerate(appointments) if u.slots.date.start <= local(a["start"]).date()
                    <= u.slots.date.end]
        index = same_day[0] if len(same_day) == 1 else None
    if index is not None:
        return index
    answer = parse_yes_no(t.text)
    if u.intent in (Intent.THANKS, Intent.GOODBYE) or answer.answer is False:
        flow.state = "closed"
        t.say("Va, tus citas siguen igual. ¿Te ayudo con algo más?")
        return None
    tries = flow.data.get("tries", 0) + 1
    flow.data["tries"] = tries
    if tries >= 3:
        flow.state = "closed"
        t.say(f"Perdón, no logré entender cuál 🙏 Le aviso a {owner_first(t)} si lo prefieres; "
              "o escríbeme de nuevo «cambiar mi cita» cuando quieras.")
        return None
    t.say(f"¿Cuál de tus citas? Escríbeme el número, del 1 al {len(options)}.")
    return None


async def on_modify(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == "identifying_booking":
        index = _which_listed(t, u)
        if index is None:
            return
        await _modify_chosen(t, flow.data["appointments"][flow.data["options"][index]], u)
    elif flow.state == "collecting_new_datetime":
        when = parse_when(t.text, t.today)
        if when.date is None and when.time is None:
            t.say("¿Para qué día? Por ejemplo: el sábado o el 20.")
            return
        await offers.search_and_offer(t, when)
    elif flow.state == "choosing_slot":
        await offers.pick_slot(t, u)
    elif flow.state == "confirming_summary":
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            await move_now(t, flow.data["chosen"])
        else:
            flow.state = "collecting_new_datetime"
            t.say("Va, ¿para qué otro día?")
    elif flow.state == "checking_satisfaction":
        answer = parse_yes_no(t.text)
        if answer.answer is True or u.intent is Intent.THANKS or u.thanked:
            name = t.first_name(t.customer.name if t.customer else None)
            day = local(flow.data["new_start"]).date()
            t.say(f"¡Excelente! Nos vemos {_see_you(t, day)}{', ' + name if name else ''}. 👍")
            flow.state = "confirmed"
        else:
            flow.state = "confirmed"
            await router.start_from_intent(t, u)
    else:
        await router.start_from_intent(t, u)


def _see_you(t: TurnState, day: date) -> str:
    words = t.day_words(day)
    return words if not words.startswith(("hoy ", "mañana ")) else words.split(" ")[0]


async def move_now(t: TurnState, start_iso: str) -> None:
    flow = t.flow
    result = await t.call("reschedule_appointment", appointment_id=flow.data["appointment_id"],
                          new_start_time=start_iso)
    if not result.ok:
        alternatives = result.data.get("alternatives") or []
        if alternatives:
            flow.data.update(offered=alternatives[:MAX_OFFERED], available=alternatives)
            flow.state = "choosing_slot"
            t.say("Uy, ese horario se acaba de ocupar 😕 Te puedo ofrecer:\n"
                  + bullet_list(f"{t.day_words(local(s).date())} {at_hhmm(s)}" for s in alternatives[:MAX_OFFERED])
                  + "\n¿Cuál te funciona?")
        else:
            flow.state = "collecting_new_datetime"
            t.say((result.message or "No pude cambiar tu cita a esa hora.") + " ¿Qué otro día te acomoda?")
        return
    new = result.data["appointments"][0]["start"]
    flow.data["new_start"] = new
    flow.state = "checking_satisfaction"
    t.say(f"Listo, cambié tu cita para {t.day_words(local(new).date())} {at_hhmm(new)}. ¿Todo bien?")


async def start_cancel(t: TurnState, u: Understanding) -> None:
    appointments = await _appointments(t)
    if not appointments:
        t.say("No encuentro citas próximas a tu nombre, así que no hay nada que cancelar. ¿Te ayudo con algo más?")
        return
    candidates = _which(t, appointments, u)
    t.start("cancel", "identifying_booking", options=[a["appointment_id"] for a in candidates],
            appointments={a["appointment_id"]: a for a in candidates})
    if len(candidates) > 1:
        t.say("¿Cuál cita quieres cancelar?\n" +
              "\n".join(f"{i}. {capitalize_first(describe(t, a))}" for i, a in enumerate(candidates, 1)))
        return
    _confirm_cancel(t, candidates[0])


def _confirm_cancel(t: TurnState, a: dict[str, Any]) -> None:
    t.flow.data["appointment_id"] = a["appointment_id"]
    t.flow.state = "confirming_cancellation"
    t.say(f"¿Seguro que quieres cancelar tu cita de {describe(t, a)}?")


async def on_cancel(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == "identifying_booking":
        index = _which_listed(t, u)
        if index is None:
            return
        _confirm_cancel(t, flow.data["appointments"][flow.data["options"][index]])
    elif flow.state == "confirming_cancellation":
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            result = await t.call("cancel_appointment", appointment_id=flow.data["appointment_id"],
                                  reason="Cancelada por el cliente por WhatsApp")
            if result.ok:
                flow.state = "cancelled"
                t.say("Listo, cancelé tu cita ✓ Cuando quieras agendar de nuevo, aquí estoy.")
            else:
                flow.state = "cancelled"
                t.say((result.message or "No pude cancelar esa cita.") +
                      f" Si necesitas ayuda, le aviso a {owner_first(t)}.")
        elif answer.answer is False:
            flow.state = "closed"
            t.say("Perfecto, tu cita sigue en pie. ¿Te ayudo con algo más?")
        else:
            t.say("¿Entonces sí la cancelo? Dime «sí» o «no».")
    else:
        await router.start_from_intent(t, u)
