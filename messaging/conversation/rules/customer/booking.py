"""A new appointment: the service, the day, then booking and the customer's name."""

from __future__ import annotations

from typing import Any

from messaging.spanish import (
    MatchKind,
    choose,
    match_service,
    parse_person_name,
    parse_when,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding
from wording import (
    bullet_list,
    capitalize_first,
    format_date,
    format_service_line,
    format_time,
)

from ..base import TurnState, at_hhmm, local, money, numbered
from . import inquiry, offers, router
from .common import MAX_OFFERED, greeting, owner_first, service_words, staff_mentioned


def _service_from(t: TurnState, u: Understanding) -> tuple[str | None, list[str]]:
    """(service id when clear, candidate ids when ambiguous)."""
    match = u.slots.service
    if match is None and t.profile.services:
        match = match_service(t.text, {str(s.id): s.name for s in t.profile.services})
    if len(t.profile.services) == 1:
        return str(t.profile.services[0].id), []
    if match is None:
        return None, []
    if match.kind is MatchKind.MATCHED and match.candidates:
        return str(match.candidates[0].id), []
    if match.kind in (MatchKind.AMBIGUOUS, MatchKind.COMBINATION):
        return None, [str(c.id) for c in match.candidates]
    return None, []


async def start_booking(t: TurnState, u: Understanding, *, service_id: str | None = None) -> None:
    flow = t.start("book", "collecting_service")
    if (staff_id := staff_mentioned(t)) is not None:
        flow.data["staff_id"] = staff_id
    candidates: list[str] = []
    if service_id is None:
        service_id, candidates = _service_from(t, u)
    hello = ""
    if u.greeted:
        hello = greeting(t) + " "
    if service_id is None:
        flow.data["candidates"] = candidates
        options = [s for s in t.profile.services if str(s.id) in candidates] or list(t.profile.services)
        flow.data["candidates"] = [str(s.id) for s in options]
        t.say(f"{hello}¡Claro! ¿Qué servicio te gustaría?\n" + bullet_list(
            format_service_line(s.name, s.price_cents, s.duration_minutes) for s in options))
        return
    flow.data["service_id"] = service_id
    when = parse_when(t.text, t.today)
    if when.date is not None or when.time is not None:
        await offers.search_and_offer(t, when, hello=hello)
        return
    flow.state = "collecting_datetime"
    t.say(f"{hello}¡Claro! ¿Para qué día te gustaría agendar tu {service_words(t.profile.service(service_id).name)}?")


async def on_book(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    state = flow.state
    if (staff_id := staff_mentioned(t)) is not None:
        flow.data["staff_id"] = staff_id
    if state == "collecting_service":
        options = {i: s for i, s in enumerate(s for s in t.profile.services if str(s.id) in flow.data.get("candidates", [])
                                              or not flow.data.get("candidates"))}
        index = numbered(t.text, len(options))
        if index is None:
            index = choose(t.text, [s.name for s in options.values()]).index
        service_id = str(options[index].id) if index is not None else _service_from(t, u)[0]
        if service_id is None and u.suggests_handoff:
            await inquiry.handoff(t, u)
            return
        if service_id is None:
            said = parse_when(t.text, t.today)
            if said.date is not None or said.time is not None:
                flow.data["when_text"] = t.text  # keep "pasado mañana a mediodía" for after the service
            tries = flow.data["tries"] = flow.data.get("tries", 0) + 1
            if tries >= 3:
                t.flow = None
                t.say(f"Perdón, no logro entender qué servicio buscas 🙏 ¿Quieres que le avise a {owner_first(t)} "
                      "para que te escriba?")
                t.start("inquiry", "offered_handoff")
                return
            t.say("¿Cuál de estos servicios te gustaría?\n" + bullet_list(s.name for s in options.values()))
            return
        flow.data["service_id"] = service_id
        when = parse_when(t.text, t.today)
        if when.date is None and when.time is None and flow.data.get("when_text"):
            when = parse_when(flow.data.pop("when_text"), t.today)
        if when.date is not None or when.time is not None:
            await offers.search_and_offer(t, when)
            return
        flow.state = "collecting_datetime"
        t.say(f"Perfecto. ¿Para qué día te gustaría agendar tu {service_words(t.profile.service(service_id).name)}?")
    elif state == "collecting_datetime":
        when = parse_when(t.text, t.today)
        if when.date is None and when.time is None:
            if when.part_of_day is not None:
                flow.data["part_of_day"] = when.part_of_day.value
                t.say("¿Y qué día? Por ejemplo: mañana, el sábado o el 20.")
                return
            t.say("¿Qué día te acomoda? Por ejemplo: mañana en la tarde, el sábado o el 20.")
            return
        await offers.search_and_offer(t, when)
    elif state == "choosing_slot":
        await offers.pick_slot(t, u)
    elif state == "confirming_summary":
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            await book_now(t, flow.data["chosen"],
                           confirmed_name=bool(t.customer and t.customer.name_is_trusted(t.now)))
        elif answer.wants_other_day or answer.answer is False:
            when = parse_when(t.text, t.today)
            if when.date is not None:
                await offers.search_and_offer(t, when)
            else:
                flow.state = "collecting_datetime"
                t.say("Va, ¿para qué otro día te gustaría?")
        else:
            await offers.pick_slot(t, u)
    elif state == "collecting_personal_info":
        await take_name(t)
    else:
        await router.start_from_intent(t, u)


async def book_now(t: TurnState, start_iso: str, *, confirmed_name: bool) -> None:
    flow = t.flow
    service = t.profile.service(flow.data["service_id"])
    result = await t.call("book_appointment", service_id=str(service.id), start_time=start_iso,
                          staff_id=flow.data.get("staff_id"))
    if not result.ok:
        alternatives = result.data.get("alternatives") or []
        if alternatives:
            flow.data.update(offered=alternatives[:MAX_OFFERED], available=alternatives,
                             day=local(alternatives[0]).date().isoformat())
            flow.state = "choosing_slot"
            t.say("Uy, ese horario se acaba de ocupar 😕 Te puedo ofrecer:\n"
                  + bullet_list(f"{t.day_words(local(s).date())} {at_hhmm(s)}" for s in alternatives[:MAX_OFFERED])
                  + "\n¿Cuál te funciona?")
        else:
            flow.state = "collecting_datetime"
            t.say((result.message or "No pude agendar ese horario.") + " ¿Qué otro día te acomoda?")
        return
    appointment = result.data["appointments"][0]
    flow.data.update(appointment_id=appointment["appointment_id"], booked=appointment["start"])
    day = local(appointment["start"]).date()
    name = t.customer.name if t.customer else None
    if confirmed_name and name:
        flow.state = "confirmed"
        t.say(f"¡Listo, {name.split()[0]}! " + confirmation_card(t, appointment))
        return
    flow.state = "collecting_personal_info"
    what = f"tu {service_words(service.name)} para {t.day_words(day)} {at_hhmm(appointment['start'])}"
    if name:
        t.say(f"Listo, te agendé {what}. Te tengo registrado como {name}, ¿es correcto?")
        flow.data["known_name"] = name
    else:
        t.say(f"Listo, te agendé {what}. ¿Me confirmas tu nombre para la cita?")


def confirmation_card(t: TurnState, appointment: dict[str, Any]) -> str:
    start = local(appointment["start"])
    reminder = "Te enviaré un recordatorio un día antes." if (start.date() - t.today).days > 1 else \
        "Te enviaré un recordatorio antes de tu cita."
    return ("Tu cita está confirmada:\n"
            f"📅 {capitalize_first(format_date(start.date()))}\n"
            f"⏰ {format_time(start.time())}\n"
            f"💇 {appointment['service']} - {money(appointment['price_cents'])}\n\n"
            f"{reminder} ¡Nos vemos!")


async def take_name(t: TurnState) -> None:
    flow = t.flow
    known = flow.data.get("known_name")
    answer = parse_yes_no(t.text)
    name = known if known and answer.answer is True and not parse_person_name(answer.rest or "") else \
        parse_person_name(answer.rest if answer.answer is not None and answer.rest else t.text)
    if not name:
        t.say("¿A nombre de quién dejo la cita?")
        return
    await t.call("update_my_name", name=name)
    appointment = {"start": flow.data["booked"], "service": t.profile.service(flow.data["service_id"]).name,
                   "price_cents": t.profile.service(flow.data["service_id"]).price_cents}
    flow.state = "confirmed"
    t.say(f"¡Perfecto, {name.split()[0]}! " + confirmation_card(t, appointment))
