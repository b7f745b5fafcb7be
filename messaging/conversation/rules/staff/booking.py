"""Booking and moving a customer's appointment on their behalf (spec flow 14)."""

from __future__ import annotations

from datetime import datetime

from messaging.spanish import (
    MatchKind,
    RangeKind,
    choose,
    format_phone,
    match_service,
    parse_person_name,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding
from wording import (
    at_time,
    bullet_list,
    capitalize_first,
    contract,
    time_with_article,
)

from ..base import TurnState, at_hhmm, hhmm, local, numbered, time_words
from .common import denied, known_name, read_phone, short_service
from .state import MoveState, OnBehalfState, Step, begin, kept


async def start_move(t: TurnState, u: Understanding) -> None:
    """"Mueve la cita de las 3 a las 5", "cambia la de Juan de las 4 a las 6": confirmed, customer told."""
    old, new = u.slots.appointment_time, u.slots.time
    r = u.slots.time_range
    if old is None and r is not None and r.kind is RangeKind.BETWEEN and r.end is not None:
        old, new = r.start, r.end
    if old is None or new is None:
        t.say("¿Qué cita muevo y a qué hora? Por ejemplo: «mueve la cita de las 3 a las 5».")
        return
    result = await t.call("find_appointments", date=t.today.isoformat(), time=old.strftime("%H:%M"))
    if denied(t, result):
        return
    found = list(result.value.appointments)
    if u.slots.customer_name:
        found = [a for a in found if a.customer and u.slots.customer_name.lower() in a.customer.lower()] or found
    mine = [a for a in found if a.staff_id == str(t.staff_id)]
    found = mine if len(found) > 1 and mine else found
    if len(found) != 1:
        t.say(f"No encontré una sola cita hoy a {time_words(old)}." if not found else
              "Hay varias citas a esa hora; dime el nombre del cliente.")
        return
    a = found[0]
    day = u.slots.date.start if u.slots.date else local(a.start).date()
    start = datetime.combine(day, new)
    begin(t, MoveState(appointment_id=a.appointment_id, start=start.isoformat(timespec="minutes")), Step.CONFIRMING)
    when = "" if day == local(a.start).date() else f" {contract('de', t.day_words(day))}"
    t.say(f"¿Muevo la cita de {a.customer or 'el cliente'} ({short_service(a.service)}) de "
          f"{time_with_article(local(a.start).time())} {at_time(new)}{when}? Le aviso por WhatsApp.")


async def on_move(t: TurnState, u: Understanding) -> None:
    flow, move = t.flow, kept(t, MoveState)
    if parse_yes_no(t.text).answer is not True:
        flow.state = Step.CLOSED
        t.say("Va, la cita se queda como estaba.")
        return
    result = await t.call("reschedule_appointment", appointment_id=move.appointment_id, new_start_time=move.start)
    if not result.ok:
        alternatives = result.alternatives or ()
        flow.state = Step.CLOSED
        t.say((result.message or "No pude moverla.") + (
            " Horarios cercanos: " + ", ".join(hhmm(x) for x in alternatives[:3]) + "." if alternatives else ""))
        return
    a = result.value.first
    flow.state = Step.CONFIRMED
    t.say(f"Listo ✓ Moví la cita de {a.customer or 'el cliente'} {at_hhmm(a.start)}"
          f"{'' if local(a.start).date() == t.today else ' ' + contract('de', t.day_words(local(a.start).date()))}"
          ". Ya le avisé.")


# ---------------------------------------------------------------- booking for a customer (spec flow 14)


async def start_on_behalf(t: TurnState, u: Understanding) -> None:
    """"Agéndale a Juan 55 1234 5678 un corte mañana a las 4": a booking by phone or in person."""
    match = u.slots.service
    begin(t, OnBehalfState(
        phone=u.slots.phone, name=u.slots.customer_name,
        service_id=str(match.candidates[0].id) if match and match.kind is MatchKind.MATCHED else None,
        day=u.slots.date.start if u.slots.date else None,
        at=u.slots.time.replace(second=0, microsecond=0) if u.slots.time else None), Step.CUSTOMER_PHONE)
    await _on_behalf_next(t)


async def _on_behalf_next(t: TurnState) -> None:
    flow, d = t.flow, kept(t, OnBehalfState)
    if not d.phone:
        flow.state = Step.CUSTOMER_PHONE
        t.say("¿Cuál es el teléfono del cliente? Le mando la confirmación por WhatsApp.")
        return
    if not d.name and not d.looked_up:
        d.looked_up = True
        d.name = await known_name(t, d.phone) or d.name
    if not d.name:
        flow.state = Step.NAME
        t.say("¿A nombre de quién?")
        return
    if not d.service_id:
        flow.state = Step.SERVICE
        t.say("¿Qué servicio?\n" + bullet_list(s.name for s in t.profile.services))
        return
    if not d.day or not d.at:
        flow.state = Step.DATETIME
        t.say("¿Qué día y a qué hora? Por ejemplo: «mañana a las 4».")
        return
    service = t.profile.service(d.service_id)
    result = await t.call("check_availability", service_id=d.service_id, date_from=d.day.isoformat())
    if denied(t, result):
        return
    slots = [x.start for x in result.value.slots]
    day = d.day
    wanted = datetime.combine(day, d.at).isoformat(timespec="minutes")
    if wanted not in slots:
        nice = [x for x in slots if local(x).minute in (0, 30)] or slots
        near = sorted(sorted(nice, key=lambda x: abs((local(x) - local(wanted)).total_seconds()))[:3])
        d.at = None
        if not near:
            t.say(f"{capitalize_first(t.day_words(day))} ya no hay espacio para {service.name}. ¿Qué otro día?")
            d.day = None
            flow.state = Step.DATETIME
            return
        d.offered = near
        flow.state = Step.CHOOSING_SLOT
        t.say(f"A {time_words(local(wanted).time())} no hay espacio {t.day_words(day)}. Lo más cercano:\n"
              + bullet_list(hhmm(x) for x in near) + "\n¿Cuál?")
        return
    d.start = wanted
    flow.state = Step.CONFIRMING
    t.say(f"¿Agendo a {d.name} ({format_phone(d.phone)}) para {service.name} {t.day_words(day)} "
          f"{at_hhmm(wanted)}?")


async def on_on_behalf(t: TurnState, u: Understanding) -> None:
    flow, d = t.flow, kept(t, OnBehalfState)
    state = flow.state
    if state == Step.CUSTOMER_PHONE:
        d.phone = read_phone(t, u)
        if not d.phone:
            return
    elif state == Step.NAME:
        d.name = parse_person_name(t.text)
        if not d.name:
            t.say("¿Cómo se llama?")
            return
    elif state == Step.SERVICE:
        services = list(t.profile.services)
        index = numbered(t.text, len(services))
        if index is None:
            match = match_service(t.text, {str(x.id): x.name for x in services})
            d.service_id = str(match.candidates[0].id) if match.kind is MatchKind.MATCHED else None
        else:
            d.service_id = str(services[index].id)
        if not d.service_id:
            t.say("¿Cuál de estos?\n" + bullet_list(x.name for x in services))
            return
    elif state == Step.DATETIME:
        if u.slots.date:
            d.day = u.slots.date.start
        if u.slots.time:
            d.at = u.slots.time.replace(second=0, microsecond=0)
            d.day = d.day or t.today
    elif state == Step.CHOOSING_SLOT:
        offered = d.offered
        index = numbered(t.text, len(offered))
        if index is None:
            index = choose(t.text, [local(x).time() for x in offered]).index
        if index is None:
            t.say("¿Cuál? Dime la hora.")
            return
        d.at = local(offered[index]).time().replace(second=0, microsecond=0)
    elif state == Step.CONFIRMING and d.start and d.phone and d.service_id:
        answer = parse_yes_no(t.text)
        if answer.answer is not True:
            flow.state = Step.CLOSED
            t.say("Va, no agendé nada.")
            return
        result = await t.call("book_appointment", service_id=d.service_id, start_time=d.start,
                              customer_phone=d.phone, customer_name=d.name)
        if denied(t, result):
            return
        a = result.value.first
        flow.state = Step.CONFIRMED
        t.say(f"Listo ✓ Agendé a {d.name} para {a.service} {t.day_words(local(a.start).date())} "
              f"{at_hhmm(a.start)} con {a.staff.split()[0] if a.staff else 'el equipo'}. "
              "Le mandé la confirmación por WhatsApp.")
        return
    await _on_behalf_next(t)
