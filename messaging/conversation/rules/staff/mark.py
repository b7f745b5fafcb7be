"""Marking an appointment completed, no-show or cancelled, confirmed first."""

from __future__ import annotations

from messaging.spanish import (
    Intent,
    choose,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding

from ...tools import results
from ...tools.staff import customers_named
from ..base import TurnState, at_hhmm, hhmm, local, numbered, time_words
from .common import asked_day, denied, restart, short_service
from .state import Appointment, MarkState, MarkStatus, Step, begin, kept

_MARK = {Intent.MARK_NO_SHOW: MarkStatus.NO_SHOW, Intent.MARK_COMPLETED: MarkStatus.COMPLETED,
         Intent.CANCEL: MarkStatus.CANCELLED}


_NOT_NAMES = frozenset({"senor", "senora", "senorita", "cliente", "clienta", "chica", "chico", "nunca", "llego",
                        "vino", "termine", "terminamos", "acabe", "marca", "marcala", "cita", "completada", "como",
                        "presento", "aparecio", "ya", "se", "fue", "con", "que", "del", "las", "los"})


def _name_said(found: list[results.Appointment], text: str) -> str | None:
    """A word of the message that is (nearly) one of the day's customers' names, or None."""
    from rapidfuzz import fuzz

    from messaging.spanish import normalize

    words = [w for w in normalize(text).split() if len(w) >= 3 and w not in _NOT_NAMES]
    best: tuple[float, str] | None = None
    for a in found:
        for part in normalize(a.customer or "").split():
            for word in words:
                score = fuzz.ratio(word, part)
                if score >= 88 and (best is None or score > best[0]):
                    best = (score, word)
    return best[1] if best else None


_LABELS = {"no_show": "no llegó", "completed": "completada", "cancelled": "cancelada"}
_MARKED_AS = {"no_show": "como que no llegó", "completed": "como completada"}


async def start_mark(t: TurnState, u: Understanding) -> None:
    """Find the appointment by time or by the customer's name, then confirm (saying how it is marked now)."""
    status = _MARK[u.intent]
    said = u.slots.appointment_time or u.slots.time
    day = asked_day(t, u)
    name = u.slots.customer_name
    result = await t.call("find_appointments", date=day.isoformat(),
                          time=said.strftime("%H:%M") if said else None, include_marked=status != "cancelled")
    if denied(t, result):
        return
    found = list(result.value.appointments)
    if not name and said is None:
        name = _name_said(found, t.text)  # "el señor Hernández nunca llegó": a customer of the day named
    if name:
        named = customers_named(found, name)
        if not named:
            t.say(f"No encontré una cita de {name} {t.day_words(day)}"
                  + (f" a {time_words(said)}" if said else "") + ". ¿De qué hora es?")
            begin(t, MarkState(status), Step.ASKING_TIME)
            return
        found = named
    mine = [a for a in found if a.staff_id == str(t.staff_id)]
    if len(found) > 1 and mine and not name:
        found = mine
    if said is None and not name and len(found) != 1:
        open_ones = [a for a in found if a.status in ("pending", "confirmed")]
        if status == "completed":
            now = t.local_now.replace(tzinfo=None)
            started = [a for a in open_ones if local(a.start) <= now and a.staff_id == str(t.staff_id)]
            found = started[-1:] or found
        if len(found) != 1:
            begin(t, MarkState(status), Step.ASKING_TIME)
            t.say("¿De qué hora es la cita, o de quién?")
            return
    if not found:
        t.say(f"No encontré citas {t.day_words(day)}" + (f" a {time_words(said)}" if said else "") + ".")
        return
    options = [Appointment.of(a.to_json()) for a in found]  # the flow keeps what it needs of the facts
    flow = begin(t, MarkState(status, options), Step.CONFIRMING)
    if len(found) > 1:
        flow.state = Step.SELECTING
        t.say(("Encontré a más de una persona con ese nombre. " if name else "") + "¿Cuál de estas?\n" + "\n".join(
            f"{i}. {hhmm(a.start)} - {a.customer} ({short_service(a.service)})"
            + (f" — ya {_LABELS[a.status]}" if a.status in _LABELS else "")
            for i, a in enumerate(found, 1)))
        return
    _confirm_mark(t, options[0])


def _confirm_mark(t: TurnState, a: Appointment) -> None:
    """Confirm the change; an appointment already marked says so first ("ya está marcada como completada")."""
    flow, mark = t.flow, kept(t, MarkState)
    mark.appointment = a
    status, current = mark.status, a.status
    if current == status:
        flow.state = Step.CONFIRMED
        t.say(f"Esa cita ({a.customer or 'cliente'}, {at_hhmm(a.start)}) ya está marcada "
              f"{_MARKED_AS.get(status, 'así')}; no cambié nada.")
        return
    flow.state = Step.CONFIRMING
    if current in _MARKED_AS:
        t.say(f"Esa cita de {a.customer or 'un cliente'} {at_hhmm(a.start)} ya está marcada "
              f"{_MARKED_AS[current]}; ¿la cambio a {_LABELS[status]}?")
        return
    t.say(f"¿Te refieres a la cita de {a.customer or 'un cliente'} {at_hhmm(a.start)} "
          f"({short_service(a.service)})?")


_DONE = {"no_show": "Marqué la cita como no-show ✓", "completed": "Listo, marqué la cita como completada ✓",
         "cancelled": "Listo, cancelé la cita ✓"}


async def on_mark(t: TurnState, u: Understanding) -> None:
    flow, mark = t.flow, kept(t, MarkState)
    if flow.state == Step.ASKING_TIME:
        said = u.slots.appointment_time or u.slots.time
        if said is None:
            t.say("¿De qué hora? Por ejemplo: «la de las 3».")
            return
        fake = Understanding(intent={v: k for k, v in _MARK.items()}[mark.status], slots=u.slots)
        await start_mark(t, fake)
    elif flow.state == Step.SELECTING:
        options = mark.options
        index = numbered(t.text, len(options))
        if index is None:
            index = choose(t.text, [local(a.start).time() for a in options]).index
        facts = [a.facts() for a in options]
        if index is None and len(named := customers_named(facts, t.text)) == 1:
            index = facts.index(named[0])
        if index is None:
            t.say("¿Cuál? Dime el número.")
            return
        _confirm_mark(t, options[index])
    elif flow.state == Step.CONFIRMING and mark.appointment is not None:
        answer = parse_yes_no(t.text)
        if answer.answer is not True:
            flow.state = Step.CLOSED
            t.say("Va, no marqué nada. ¿Cuál era?" if answer.answer is False else "¿Sí es esa? Dime «sí» o «no».")
            if answer.answer is None:
                flow.state = Step.CONFIRMING
            return
        a = mark.appointment
        status = mark.status
        result = await t.call("mark_appointment_status", appointment_id=a.appointment_id, status=status.value,
                              notify_customer=True)
        if denied(t, result):
            return
        text = _DONE[status]
        first = a.customer.split()[0] if a.customer else None
        if status is MarkStatus.CANCELLED and a.customer_phone:
            text += f" Le avisé a {first or 'la persona'} por WhatsApp."
        if status is MarkStatus.NO_SHOW and a.customer_phone:
            flow.state = Step.OFFERING_MESSAGE
            text += f" ¿Quieres que le envíe un mensaje a {first or 'la persona'}?"
        else:
            flow.state = Step.CONFIRMED
        t.say(text)
    elif flow.state == Step.OFFERING_MESSAGE and mark.appointment is not None:
        answer = parse_yes_no(t.text)
        if answer.answer is not True:
            flow.state = Step.CLOSED
            t.say("Va, no le mando nada. ¿Algo más?")
            return
        a = mark.appointment
        first = a.customer.split()[0] if a.customer else ""
        message = (f"Hola{' ' + first if first else ''}, notamos que no pudiste llegar a tu cita de hoy. "
                   "Esperamos que todo esté bien. Cuando gustes, escríbenos para reagendar. - " + t.profile.name)
        result = await t.call("send_message_to_customer", customer_phone=a.customer_phone, message=message)
        if denied(t, result):
            return
        flow.state = Step.CONFIRMED
        t.say(f"Enviado ✓ Le mandé: \"{message}\"")
    else:
        await restart(t, u)
