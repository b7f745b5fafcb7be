"""An existing appointment: see it, move it, cancel it — the right one, confirmed, never by surprise.

A message with a new day or time for an appointment is a move, never a cancel (the frame
decides). A move searches with the appointment's own visit not counted as busy (the use
case does it, so the LLM engine's tools obey it too); with no day said the day is the
appointment's own, and the day named is the day used. A time the customer proposes is
confirmed once, with the old and the new day and time; picking one of the times Parlo
offered for the move is the consent. The owner is told by the use case. With several
upcoming appointments and a reference that fits more than one, Parlo asks which.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from messaging.spanish import Act, DayConstraint, Intent, TimeConstraint, choose, normalize
from messaging.spanish.intents import Understanding
from wording import bullet_list, capitalize_first, contract

from ..base import TurnState, at_hhmm, local, numbered
from . import offers, router
from .common import (
    begin,
    confirm,
    describe,
    frame,
    greeting_short,
    memory,
    offer_alternatives,
    owner_first,
    referred,
    step,
    upcoming,
    yes_no,
)
from .state import Memory, Step


async def view_appointments(t: TurnState) -> None:
    appointments = await upcoming(t)
    if appointments is None:
        t.say("Ahorita no pude revisar tus citas. ¿Me escribes de nuevo en un momento?")
        return
    if not appointments:
        t.say("No tienes citas próximas con nosotros. ¿Te gustaría agendar una?")
        begin(t, "inquiry", Step.OFFERED_BOOKING)
        return
    if len(appointments) == 1:
        a = appointments[0]
        t.say(f"Tienes una cita para {describe(t, a)}" + (f" con {a['staff']}" if a.get("staff") else "")
              + ". ¿Necesitas cambiarla o cancelarla?")
        return
    t.say("Estas son tus próximas citas:\n" + bullet_list(capitalize_first(describe(t, a)) for a in appointments)
          + "\n¿Necesitas cambiar o cancelar alguna?")


def _listed(t: TurnState, appointments: list[dict[str, Any]]) -> str:
    return "\n".join(f"{i}. {capitalize_first(describe(t, a))}" for i, a in enumerate(appointments, 1))


async def _identify(t: TurnState, kind: str, u: Understanding, appointment_id: str | None,
                    verb: str) -> tuple[Memory, dict[str, Any] | None, str] | None:
    """The appointment a move or cancel is about; asks which when several fit."""
    appointments = await upcoming(t)
    hello = greeting_short(t, u) if kind == "modify" else ""
    if appointments is None:
        t.say("Ahorita no pude revisar tus citas. ¿Me escribes de nuevo en un momento?")
        return None
    if not appointments:
        if kind == "modify":
            t.say(f"{hello}No encuentro citas próximas a tu nombre. ¿Te gustaría agendar una?")
            begin(t, "inquiry", Step.OFFERED_BOOKING)
        else:
            t.say("No encuentro citas próximas a tu nombre, así que no hay nada que cancelar. ¿Te ayudo con algo más?")
        return None
    fits = [a for a in appointments if a["appointment_id"] == appointment_id] if appointment_id else []
    fits = fits or referred(t, appointments)
    mem = begin(t, kind, Step.WHICH)
    mem.when = frame(t).when
    if len(fits) > 1:
        mem.options = fits
        t.say(f"{hello}¿Cuál cita quieres {verb}?\n{_listed(t, fits)}")
        return None
    return mem, fits[0], hello


def _which_listed(t: TurnState, u: Understanding) -> dict[str, Any] | None:
    """The appointment picked from the list: by number, day, hour or service; None after saying what is next."""
    mem = memory(t)
    options = mem.options
    index = numbered(t.text, len(options))
    ref = frame(t).appointment
    if index is None and ref is not None and ref.is_specific:
        hits = [i for i, a in enumerate(options) if ref.matches(local(a["start"]), a.get("service_id"))]
        index = hits[0] if len(hits) == 1 else None
    if index is None and frame(t).services:
        named = {str(i) for m in frame(t).services for i in m.ids}
        hits = [i for i, a in enumerate(options) if a.get("service_id") in named]
        index = hits[0] if len(hits) == 1 else None
    if index is None:
        said = frame(t).when
        hits = [i for i, a in enumerate(options) if not said.is_empty and said.admits(local(a["start"]))]
        if len(hits) == 1:
            index = hits[0]
    if index is None:
        index = choose(t.text, [local(a["start"]).time() for a in options]).index
    if index is not None:
        return options[index]
    if u.intent in (Intent.THANKS, Intent.GOODBYE) or yes_no(t) is False:
        step(t, Step.CLOSED)
        t.say("Va, tus citas siguen igual. ¿Te ayudo con algo más?")
        return None
    mem.tries += 1
    if mem.tries >= 3:
        step(t, Step.CLOSED)
        t.say(f"Perdón, no logré entender cuál 🙏 Le aviso a {owner_first(t)} si lo prefieres; "
              "o escríbeme de nuevo «cambiar mi cita» cuando quieras.")
        return None
    t.say(f"¿Cuál de tus citas? Escríbeme el número, del 1 al {len(options)}, o dime el día o la hora.\n"
          + _listed(t, options))
    return None


# ---------------------------------------------------------------- move


async def start_modify(t: TurnState, u: Understanding, *, appointment_id: str | None = None) -> None:
    found = await _identify(t, "modify", u, appointment_id, "cambiar")
    if found is not None:
        mem, appointment, hello = found
        await _chosen_for_move(t, appointment, mem.when, hello)


async def _chosen_for_move(t: TurnState, a: dict[str, Any], when: TimeConstraint, hello: str = "") -> None:
    mem = memory(t)
    mem.appointment_id, mem.old_start, mem.options = a["appointment_id"], a["start"], []
    mem.services = [a["service_id"]] if a.get("service_id") else []
    if when.is_relative:
        when = when.relative_to(local(a["start"]))
    if when.is_empty and anchors_to_appointment(t.text):
        when = anchored(t.text, when, local(a["start"]))
    if when.is_empty:
        step(t, Step.NEW_DAY)
        t.say(f"{hello}Veo que tienes una cita para {describe(t, a)}. ¿Para cuándo te gustaría cambiarla?")
        return
    await search_move(t, when, hello=hello)


_SAME_TIME = re.compile(r"\b(?:a\s+)?(?:la\s+)?misma\s+hora\b|\bmismo\s+horario\b")
_SHIFT = re.compile(r"\b(una|un|media|dos|tres|\d+)\s+(horas?|hrs?|minutos?|mins?)(?:\s+y\s+media)?\s+"
                    r"(?:mas\s+)?(tarde|temprano|antes|despues)\b")
_COUNTS = {"una": 1, "un": 1, "dos": 2, "tres": 3, "media": 0.5}


def anchors_to_appointment(text: str) -> bool:
    """Says a time only in terms of the appointment's own ("a la misma hora", "una hora más tarde")."""
    norm = normalize(text)
    return bool(_SAME_TIME.search(norm) or _SHIFT.search(norm))


def anchored(text: str, when: TimeConstraint, old: datetime) -> TimeConstraint:
    """The exact time meant relative to the appointment: its own hour ("a la misma hora", on the
    day said) or shifted by an amount ("una hora más tarde", "media hora antes")."""
    norm = normalize(text)
    days = when.days if when.says_day else DayConstraint.on(old.date())
    shift = _SHIFT.search(norm)
    if shift is not None:
        count = _COUNTS.get(shift.group(1)) or float(shift.group(1))
        minutes = count * (60 if shift.group(2).startswith("h") else 1) + (30 if "y media" in shift.group(0) else 0)
        sign = -1 if shift.group(3) in ("temprano", "antes") else 1
        moment = old + timedelta(minutes=sign * minutes)
        if when.says_day:
            moment = datetime.combine(days.first or old.date(), moment.time())
        return replace(when, days=DayConstraint.on(moment.date()) if not when.says_day else days,
                       times=(moment.time(),), lean=None, after=None, before=None, around=False, part_of_day=None)
    if _SAME_TIME.search(norm) and not when.says_clock:
        return replace(when, days=days, times=(old.time().replace(second=0, microsecond=0),), lean=None)
    return when


async def search_move(t: TurnState, when: TimeConstraint, *, hello: str = "") -> None:
    mem = memory(t)
    old = local(mem.old_start)
    when = anchored(t.text, when, old)
    if when.is_relative:
        when = when.relative_to(old)
    mem.when = when
    found = await offers.search(t, services=[], when=when, default_day=old.date(), appointment_id=mem.appointment_id)
    if found.error:
        step(t, Step.NEW_DAY)
        t.say("Ese día ya pasó. ¿Para qué otro día?" if found.error == "past" else
              f"{found.error} ¿Qué otro día te acomoda?" if found.error != "none" else
              "No encontré ese día. ¿Para qué día te gustaría cambiarla?")
        return
    if found.exact is not None:
        if found.exact == old:
            step(t, Step.NEW_DAY)
            t.say(f"Tu cita ya es {offers.at_words(t, old)} 🙂 ¿A qué otra hora o día te gustaría cambiarla?")
            return
        ask_move(t, found.exact)
        return
    if found.nothing:
        step(t, Step.NEW_DAY)
        day = found.asked_day or old.date()
        t.say(f"Uy, {offers.when_words(t, day, when)} y los días siguientes ya no tengo espacio. ¿Qué otro día te "
              f"acomoda? Si prefieres, le paso tu mensaje a {owner_first(t)}.")
        return
    mem.offered = [offers.iso(s) for s in found.offered]
    mem.available = [offers.iso(s) for s in found.available]
    mem.day = (found.day or found.asked_day).isoformat()
    step(t, Step.CHOOSING)
    t.say(offers.offer_text(t, found, when, lead=hello or "Perfecto. ", what=""))


def ask_move(t: TurnState, start: datetime) -> None:
    """The one confirmation of a change: the old and the new day and time."""
    mem = memory(t)
    mem.chosen = offers.iso(start)
    confirm(t, f"¿Cambio tu cita {contract('de', offers.at_words(t, mem.old_start, dated=True))} "
               f"{contract('a', offers.at_words(t, start, dated=True))}?")


async def move_now(t: TurnState, start_iso: str) -> None:
    mem = memory(t)
    result = await t.call("reschedule_appointment", appointment_id=mem.appointment_id, new_start_time=start_iso)
    if not result.ok:
        if not offer_alternatives(t, result):
            step(t, Step.NEW_DAY)
            t.say((result.message or "No pude cambiar tu cita a esa hora.") + " ¿Qué otro día te acomoda?")
        return
    new = result.value.first.start
    mem.booked = new
    step(t, Step.SATISFACTION)
    t.say(f"Listo, cambié tu cita para {t.day_words(local(new).date())} {at_hhmm(new)}. ¿Todo bien?")


async def on_modify(t: TurnState, u: Understanding) -> None:
    mem, f, state = memory(t), frame(t), t.flow.state
    if state == Step.WHICH:
        chosen = _which_listed(t, u)
        if chosen is not None:
            await _chosen_for_move(t, chosen, mem.when)
    elif state == Step.NEW_DAY:
        if f.when.is_empty:
            t.say("¿Para qué día y hora? Por ejemplo: el sábado en la tarde o mañana a las 5.")
            return
        await search_move(t, f.when if f.when.says_day else f.when.over(mem.when.only_day()))
    elif state == Step.CHOOSING:
        await offers_pick(t, u)
    elif state == Step.CONFIRMING:
        answer = yes_no(t)
        if not f.when.is_empty and (answer is not True or f.has(Act.CORRECT)):
            await search_move(t, f.when.over(mem.when))  # "no, mejor a las 6": only the time changes
        elif answer is True:
            await move_now(t, mem.chosen)
        elif answer is False:
            step(t, Step.NEW_DAY)
            t.say(f"Va, tu cita sigue {offers.at_words(t, mem.old_start)}. ¿Para qué otro día u hora la cambio?")
        else:
            t.say("¿Entonces sí la cambio? Dime «sí» o «no».")
    elif state == Step.SATISFACTION:
        if yes_no(t) is True or u.intent is Intent.THANKS or u.thanked:
            name = t.first_name(t.customer.name if t.customer else None)
            day = local(mem.booked).date()
            t.say(f"¡Excelente! Nos vemos {_see_you(t, day)}{', ' + name if name else ''}. 👍")
            step(t, Step.CONFIRMED)
        else:
            step(t, Step.CONFIRMED)
            await router.start_from_intent(t, u)
    else:
        await router.start_from_intent(t, u)


async def offers_pick(t: TurnState, u: Understanding) -> None:
    picked, _ = offers.picked(t)
    if picked is not None:  # a free time of the day shown: the offer was the question
        await move_now(t, offers.iso(picked))
        return
    await offers.not_picked(t, u, research=search_move)


def _see_you(t: TurnState, day) -> str:
    words = t.day_words(day)
    return words if not words.startswith(("hoy ", "mañana ")) else words.split(" ")[0]


# ---------------------------------------------------------------- cancel


async def start_cancel(t: TurnState, u: Understanding, *, appointment_id: str | None = None) -> None:
    found = await _identify(t, "cancel", u, appointment_id, "cancelar")
    if found is not None:
        _ask_cancel(t, found[1])


def _ask_cancel(t: TurnState, a: dict[str, Any]) -> None:
    mem = memory(t)
    mem.appointment_id, mem.old_start, mem.options = a["appointment_id"], a["start"], []
    confirm(t, f"¿Seguro que quieres cancelar tu cita de {describe(t, a)}?", at=Step.CANCELLING)


async def on_cancel(t: TurnState, u: Understanding) -> None:
    mem, state = memory(t), t.flow.state
    if state == Step.WHICH:
        chosen = _which_listed(t, u)
        if chosen is not None:
            _ask_cancel(t, chosen)
    elif state == Step.CANCELLING:
        answer = yes_no(t)
        if answer is True:
            result = await t.call("cancel_appointment", appointment_id=mem.appointment_id,
                                  reason="Cancelada por el cliente por WhatsApp")
            step(t, Step.CANCELLED)
            t.say("Listo, cancelé tu cita ✓ Cuando quieras agendar de nuevo, aquí estoy." if result.ok else
                  (result.message or "No pude cancelar esa cita.") + f" Si necesitas ayuda, le aviso a {owner_first(t)}.")
        elif answer is False:
            step(t, Step.CLOSED)
            t.say("Perfecto, tu cita sigue en pie. ¿Te ayudo con algo más?")
        else:
            t.say("¿Entonces sí la cancelo? Dime «sí» o «no».")
    else:
        await router.start_from_intent(t, u)
