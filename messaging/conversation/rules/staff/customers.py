"""Customers seen from the chair: history, a message to them, handing a conversation back."""

from __future__ import annotations

from messaging.spanish import (
    Intent,
    extract_phone,
    format_phone,
    parse_person_name,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding

from ..base import TurnState, at_hhmm, local
from .common import denied, restart
from .state import HistoryState, MessageState, Step, begin, kept


async def hand_back(t: TurnState, u: Understanding) -> None:
    result = await t.call("hand_back_conversation", customer_phone=u.slots.phone)
    if denied(t, result):
        return
    t.say(f"Listo ✓ Vuelvo a atender a {format_phone(u.slots.phone)} desde su próximo mensaje.")


async def history(t: TurnState, u: Understanding) -> None:
    phone = u.slots.phone
    name = u.slots.customer_name
    if not phone and not name:
        begin(t, HistoryState(), Step.CUSTOMER)
        t.say("¿De qué cliente? Pásame su teléfono o su nombre.")
        return
    result = await t.call("get_customer_history", customer_phone=phone, customer_name=None if phone else name)
    if denied(t, result):
        return
    t.flow = None
    people = result.value.customers
    if not people:
        t.say("No lo tengo registrado: sería su primera visita.")
        return
    lines = []
    for c in people[:3]:
        past = [a for a in c.appointments if a.status in ("completed", "confirmed", "pending")
                and local(a.start) <= t.local_now.replace(tzinfo=None)]
        no_shows = sum(1 for a in c.appointments if a.status == "no_show")
        upcoming = [a for a in c.appointments if a.status in ("confirmed", "pending")
                    and local(a.start) > t.local_now.replace(tzinfo=None)]
        text = f"👤 {c.name or 'Sin nombre'} ({format_phone(c.phone)}): "
        text += f"{len(past)} visita{'s' if len(past) != 1 else ''}"
        if past:
            last = max(past, key=lambda a: a.start)
            text += f", la última {t.day_words(local(last.start).date())} ({last.service})"
        if no_shows:
            text += f", {no_shows} no-show{'s' if no_shows != 1 else ''}"
        if upcoming:
            nxt = min(upcoming, key=lambda a: a.start)
            text += f". Próxima cita: {t.day_words(local(nxt.start).date())} {at_hhmm(nxt.start)}"
        lines.append(text + ".")
    t.say("\n".join(lines))


async def on_history(t: TurnState, u: Understanding) -> None:
    phone = u.slots.phone or extract_phone(t.text)
    name = None if phone else (u.slots.customer_name or parse_person_name(t.text))
    fake = Understanding(intent=Intent.CUSTOMER_HISTORY, slots=type(u.slots)(phone=phone, customer_name=name))
    await history(t, fake)


async def start_message(t: TurnState, u: Understanding) -> None:
    text = u.slots.message_text
    phone = u.slots.phone
    name = u.slots.customer_name
    if not text or not (phone or name):
        t.say("¿A quién le escribo y qué le digo? Por ejemplo: «dile a Ana López que ya está lista».")
        return
    result = await t.call("get_customer_history", customer_phone=phone, customer_name=None if phone else name)
    if denied(t, result):
        return
    people = result.value.customers
    if len(people) != 1:
        t.say("No encontré a ese cliente." if not people else
              "Encontré a varios con ese nombre. Pásame su teléfono, por favor.")
        return
    person = people[0]
    first = (person.name or "").split()[0]
    body = f"Hola{' ' + first if first else ''}, {text.rstrip('.')}. - {t.profile.name}"
    begin(t, MessageState(phone=person.phone, body=body), Step.CONFIRMING)
    t.say(f"¿Le mando esto a {person.name or format_phone(person.phone)}?\n\"{body}\"")


async def on_message(t: TurnState, u: Understanding) -> None:
    answer = parse_yes_no(t.text)
    flow, message = t.flow, kept(t, MessageState)
    if answer.answer is True:
        result = await t.call("send_message_to_customer", customer_phone=message.phone, message=message.body)
        if denied(t, result):
            return
        flow.state = Step.CONFIRMED
        t.say("Enviado ✓")
    elif answer.answer is False:
        flow.state = Step.CLOSED
        t.say("Va, no le mando nada.")
    else:
        await restart(t, u)
