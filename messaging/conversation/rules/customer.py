"""Customers: book, see, change and cancel their appointments, ask, or talk to a person.

Flows (spec "State Machine Flows" 3-6): ``book`` (collecting_service → collecting_datetime
→ choosing_slot → collecting_personal_info / confirming_summary → confirmed), ``modify``
(identifying_booking → collecting_new_datetime → choosing_slot → checking_satisfaction),
``cancel`` (identifying_booking → confirming_cancellation → cancelled); inquiries and
handoff are stateless.

Consent: picking one of the times Parlo offered *is* the confirmation (spec examples 1
and 2); a time the customer proposes is confirmed first, and a cancellation always is.
Only times check_availability returned are ever offered or booked.
"""

from __future__ import annotations

import re

from datetime import date, datetime, time, timedelta
from typing import Any

from messaging.spanish import (
    ChoiceKind,
    Intent,
    MatchKind,
    choose,
    detect_intent,
    match_service,
    parse_person_name,
    parse_rating,
    parse_when,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding
from wording import bullet_list, capitalize_first, format_date, format_duration, format_service_line, format_time, join_words, mid_sentence, with_article

from .base import TurnState, at_hhmm, hhmm, local, money, numbered, time_words, week_lines

MAX_OFFERED = 4
SEARCH_AHEAD_DAYS = 7

#: Intents that leave whatever flow is open and start their own.
STRONG = frozenset({Intent.BOOK, Intent.CANCEL, Intent.RESCHEDULE, Intent.VIEW_APPOINTMENTS, Intent.HANDOFF,
                    Intent.ASK_PRICES, Intent.ASK_HOURS, Intent.ASK_LOCATION, Intent.ASK_SERVICES, Intent.HELP})


def understand(t: TurnState) -> Understanding:
    services = {str(s.id): s.name for s in t.profile.services}
    return detect_intent(t.text, today=t.today, services=services)


async def handle(t: TurnState) -> None:
    u = understand(t)
    flow = t.flow
    if flow is not None and not (u.intent in STRONG and _leaves_flow(t, flow, u)):
        handler = FLOW_HANDLERS.get(flow.type)
        if handler is not None:
            await handler(t, u)
            return
    if flow is None and u.intent not in STRONG and await answered_rating(t):
        return
    await start_from_intent(t, u)


async def answered_rating(t: TurnState) -> bool:
    """"5" or "excelente" answering the review request: record it and ask, once, for words.

    Only when there is a recent completed visit to rate; otherwise the message is read as usual.
    """
    rating = parse_rating(t.text)
    if rating is None:
        return False
    result = await t.call("rate_my_visit", rating=rating)
    if not result.ok:
        return False
    t.start("rating", "collecting_feedback", appointment_id=result.data["appointment_id"])
    t.say(f"¡Gracias por tu calificación! {'⭐' * rating} ¿Quieres contarnos algo más de tu visita? "
          "Si no, no te preocupes.")
    return True


async def on_rating(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    flow.state = "submitted"
    if parse_yes_no(t.text).answer is False or u.intent in (Intent.THANKS, Intent.GOODBYE):
        t.say("¡Gracias a ti! Te esperamos pronto. 👋")
        return
    await t.call("rate_my_visit", feedback=t.text)
    t.say(f"¡Gracias por contarnos! Se lo paso a {owner_first(t)}. 🙏")


_ASKS_FOR_APPOINTMENT = re.compile(r"\b(cita|agend|reserv|apart|otra vez)")


def _leaves_flow(t: TurnState, flow, u: Understanding) -> bool:
    """A new request interrupts the open flow, except the flow's own intent said again, or
    a day said while the flow waits for one ("para el lunes si hay espacio")."""
    if flow.type == "rating":
        # Comments on a visit name services ("muy bien el corte"): only a clear request interrupts them.
        return u.intent in (Intent.CANCEL, Intent.RESCHEDULE, Intent.VIEW_APPOINTMENTS, Intent.HANDOFF) or (
            u.intent is Intent.BOOK and _ASKS_FOR_APPOINTMENT.search(t.text.lower()) is not None)
    same = {"book": {Intent.BOOK}, "modify": {Intent.RESCHEDULE}, "cancel": {Intent.CANCEL}}.get(flow.type, set())
    if u.intent in same:
        return False
    waiting_for_day = flow.state in ("collecting_datetime", "collecting_new_datetime", "choosing_slot")
    named_service = u.slots.service is not None and u.slots.service.kind is MatchKind.MATCHED
    if u.intent is Intent.BOOK and waiting_for_day and not named_service:
        return False
    return True


async def start_from_intent(t: TurnState, u: Understanding) -> None:
    intent = u.intent
    t.flow = None  # whatever was open is over: each request starts its own flow
    if intent is Intent.HANDOFF and _asks_if_bot(t.text):
        t.say(f"Soy Parlo, la asistente virtual de {t.profile.name} 🤖 Te puedo agendar, cambiar o cancelar "
              f"una cita al momento. ¿Prefieres que le avise a {owner_first(t)} para que te escriba?")
        t.start("inquiry", "offered_handoff")
    elif intent is Intent.HANDOFF or u.suggests_handoff:
        await handoff(t, u)
    elif intent is Intent.BOOK:
        await start_booking(t, u)
    elif intent is Intent.RESCHEDULE:
        await start_modify(t, u)
    elif intent is Intent.CANCEL:
        await start_cancel(t, u)
    elif intent is Intent.VIEW_APPOINTMENTS:
        await view_appointments(t)
    elif intent in (Intent.ASK_PRICES, Intent.ASK_SERVICES):
        match = u.slots.service
        if match is not None and match.kind is MatchKind.MATCHED and match.candidates:
            service = t.profile.service(match.candidates[0].id)
            t.say(f"{with_article(service.name, capital=True)} cuesta {money(service.price_cents)} y dura "
                  f"{format_duration(service.duration_minutes)}. ¿Te gustaría agendarlo?")
            t.start("inquiry", "offered_booking", service_id=str(service.id))
            return
        t.say(f"Estos son nuestros servicios:\n{services_list(t)}\n\n¿Te gustaría agendar alguno?")
        t.start("inquiry", "offered_booking")
    elif intent is Intent.ASK_HOURS:
        t.say(f"Nuestro horario es:\n{hours_text(t)}\n\n¿Te gustaría agendar una cita?")
        t.start("inquiry", "offered_booking")
    elif intent is Intent.ASK_LOCATION:
        where = t.profile.address
        t.say(f"Estamos en {where}. ¿Te gustaría agendar una cita?" if where else
              f"Deja que le pase tu pregunta a {owner_first(t)} para que te mande la ubicación exacta.")
        if not where:
            await handoff(t, u, silent_intro=True)
        else:
            t.start("inquiry", "offered_booking")
    elif intent is Intent.HELP:
        t.say("Puedo agendarte una cita, decirte qué horarios hay, cambiar o cancelar tu cita, o darte precios "
              "y horarios del negocio. ¿Qué necesitas?")
    elif intent is Intent.THANKS or intent is Intent.GOODBYE:
        t.say(f"¡Con gusto! Que tengas {t.part_of_day_farewell()}. 👋")
    elif intent is Intent.GREETING:
        t.say(greeting(t) + " ¿En qué puedo ayudarte?")
    else:
        when = parse_when(t.text, t.today)
        if when.date is not None or when.time is not None:
            await start_booking(t, u)
            return
        from .staff import is_ack

        if is_ack(t.text):
            t.say("¡Con gusto! Aquí estoy si necesitas algo más. 🙌")
            return
        t.say(("" if not u.greeted else greeting(t) + " ") +
              "Perdón, no te entendí bien 🙏 Puedo ayudarte a agendar, cambiar o cancelar una cita, o darte "
              "precios y horarios. ¿Qué necesitas?")


def greeting(t: TurnState) -> str:
    name = t.first_name(t.customer.name if t.customer else None)
    if name:
        return f"¡Hola, {name}! Qué gusto saludarte de nuevo."
    return f"¡Hola! Gracias por escribir a {t.profile.name}."


def owner_first(t: TurnState) -> str:
    owner = t.profile.owner
    return owner.name.split()[0] if owner else "el dueño"


def services_list(t: TurnState) -> str:
    return bullet_list(format_service_line(s.name, s.price_cents, s.duration_minutes) for s in t.profile.services)


def hours_text(t: TurnState) -> str:
    """'Lunes a sábado: 10:00 AM - 8:00 PM', 'Domingo: cerrado' — equal neighbouring days together."""
    def words(weekday: int) -> str:
        ranges = t.profile.hours.get(weekday)
        return ", ".join(f"{format_time(a)} - {format_time(b) if b != time(0) else '12:00 AM'}"
                         for a, b in ranges) if ranges else "cerrado"

    return bullet_list(week_lines([words(d) for d in range(7)]))


def service_words(name: str) -> str:
    """'corte de cabello' in the middle of a sentence (keeps proper capitals like 'Mani + Pedi')."""
    return mid_sentence(name)


# ---------------------------------------------------------------- handoff


async def handoff(t: TurnState, u: Understanding, *, silent_intro: bool = False) -> None:
    owner = owner_first(t)
    if u.suggests_handoff and u.intent is not Intent.HANDOFF and not silent_intro:
        names = [service_words(s.name) for s in t.profile.services]
        offered = join_words(names)
        t.say(f"Por ahora los servicios que tenemos son {offered}. Para preguntas sobre otros servicios, deja que "
              f"le pase tu mensaje a {owner}, el dueño.")
    result = await t.call("handoff_to_human", reason=(u.slots.service_text and f"si hacen {u.slots.service_text}")
                          or t.text)
    if result.ok:
        t.say(f"Ya le avisé a {owner}; te va a escribir pronto por aquí para ayudarte. 🙌")
    else:
        t.say(f"Dame un momento y le aviso a {owner} para que te escriba.")
    t.flow = None


# ---------------------------------------------------------------- booking


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


def staff_mentioned(t: TurnState) -> str | None:
    """"con Pedro", "que me atienda Pedro": a preferred stylist by first name (whole word, no accents)."""
    import re

    from messaging.spanish import normalize

    said = f" {normalize(t.text)} "
    found = [m for m in t.profile.team
             if re.search(rf"\b{re.escape(normalize(m.name.split()[0]))}\b", said)]
    return str(found[0].id) if len(found) == 1 else None


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
        await search_and_offer(t, when, hello=hello)
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
            await handoff(t, u)
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
            await search_and_offer(t, when)
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
        await search_and_offer(t, when)
    elif state == "choosing_slot":
        await pick_slot(t, u)
    elif state == "confirming_summary":
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            await book_now(t, flow.data["chosen"],
                           confirmed_name=bool(t.customer and t.customer.name_is_trusted(t.now)))
        elif answer.wants_other_day or answer.answer is False:
            when = parse_when(t.text, t.today)
            if when.date is not None:
                await search_and_offer(t, when)
            else:
                flow.state = "collecting_datetime"
                t.say("Va, ¿para qué otro día te gustaría?")
        else:
            await pick_slot(t, u)
    elif state == "collecting_personal_info":
        await take_name(t)
    else:
        await start_from_intent(t, u)


async def search_and_offer(t: TurnState, when, *, hello: str = "") -> None:
    """Look up real availability for the day said and offer a few times (or the asked one)."""
    flow = t.flow
    service = t.profile.service(flow.data["service_id"])
    day = when.date.start if when.date is not None else t.today
    part = when.part_of_day.value if when.part_of_day else flow.data.pop("part_of_day", None)
    staff_id = flow.data.get("staff_id")
    result = await t.call("check_availability", service_id=str(service.id), date_from=day.isoformat(),
                          date_to=(when.date.end if when.date is not None else day).isoformat(), staff_id=staff_id)
    if not result.ok:
        flow.state = "collecting_datetime"
        t.say((result.message or "No pude revisar la agenda.") + " ¿Qué otro día te acomoda?")
        return
    slots = [s["start"] for s in result.data["slots"]]
    wanted: time | None = when.time
    if wanted is not None:
        exact = [s for s in slots if local(s).time() == wanted and local(s).date() == day]
        if exact:
            flow.data.update(chosen=exact[0], offered=[exact[0]], available=slots)
            if flow.type == "modify":
                await move_now(t, exact[0])
                return
            flow.state = "confirming_summary"
            t.say(f"{hello}Tengo {t.day_words(day)} {at_hhmm(exact[0])} para {service_words(service.name)} "
                  f"({money(service.price_cents)}). ¿Te la agendo?")
            return
    in_part = [s for s in slots if _in_part(local(s).time(), part)] if part else slots
    shown_day = day
    intro = ""
    if not slots:
        candidates = []
    elif wanted is not None:
        intro = f"{capitalize_first(at_hhmm(datetime.combine(day, wanted).isoformat()))} ya no tengo espacio. "
        near = sorted(_nice(slots),
                      key=lambda s: abs((local(s) - datetime.combine(local(s).date(), wanted)).total_seconds()))
        candidates = sorted(near[:MAX_OFFERED])
    elif in_part:
        candidates = spread(in_part)
    elif slots:
        intro = f"{capitalize_first(t.day_words(day))} en la {part} ya no tengo espacio, pero sí tengo otros horarios. " \
            if part else ""
        candidates = spread(slots)
    if not slots:
        later = await t.call("check_availability", service_id=str(service.id),
                             date_from=(day + timedelta(days=1)).isoformat(),
                             date_to=(day + timedelta(days=SEARCH_AHEAD_DAYS)).isoformat(), staff_id=staff_id)
        upcoming = [s["start"] for s in later.data.get("slots", [])] if later.ok else []
        if not upcoming:
            flow.state = "collecting_datetime"
            t.say(f"Uy, {t.day_words(day)} y los días siguientes ya no tengo espacio para "
                  f"{service_words(service.name)}. ¿Quieres que le pase tu mensaje a {owner_first(t)}?")
            return
        shown_day = local(upcoming[0]).date()
        same_day = [s for s in upcoming if local(s).date() == shown_day]
        preferred = [s for s in same_day if _in_part(local(s).time(), part)] if part else same_day
        if wanted is not None:
            near = sorted(_nice(same_day), key=lambda s: abs(local(s).hour * 60 + local(s).minute
                                                             - wanted.hour * 60 - wanted.minute))
            preferred = sorted(near[:MAX_OFFERED])
        candidates = preferred if wanted is not None else spread(preferred or same_day)
        slots = same_day
        closed = day.weekday() not in t.profile.hours
        intro = f"{capitalize_first(t.day_words(day))} no abrimos. " if closed else \
            f"{capitalize_first(t.day_words(day))} ya no tengo espacio. "
    flow.data.update(offered=candidates, available=slots, day=shown_day.isoformat())
    flow.state = "choosing_slot"
    price = f" para {service_words(service.name)} ({money(service.price_cents)})" if flow.type == "book" else ""
    if staff_id and t.profile.member(staff_id):
        price += f" con {t.profile.member(staff_id).name.split()[0]}"
    lead = hello + (intro or ("" if hello else "Perfecto. "))
    t.say(f"{lead}{capitalize_first(t.day_words(shown_day))} tengo disponibles estos horarios{price}:\n"
          + bullet_list(hhmm(s) for s in candidates) + "\n¿Cuál te funciona mejor?")


def _in_part(t: time, part: str | None) -> bool:
    bounds = {"manana": (0, 12), "mediodia": (12, 15), "tarde": (12, 19), "noche": (19, 24)}.get(part or "")
    return bounds is None or bounds[0] <= t.hour < bounds[1]


def _nice(slots: list[str]) -> list[str]:
    """O'clock and half-hour starts, when there are any: easier to read and to say."""
    return [s for s in slots if local(s).minute in (0, 30)] or slots


def spread(slots: list[str], count: int = MAX_OFFERED) -> list[str]:
    """A few times spread over the span, preferring o'clock and half-hour starts."""
    nice = [s for s in slots if local(s).minute in (0, 30)] or slots
    if len(nice) <= count:
        return nice
    step = (len(nice) - 1) / (count - 1)
    return sorted({nice[round(i * step)] for i in range(count)})


_CLOCK_TIME = re.compile(r"\b(a\s+la|a\s+las|las|la\s+una)\s+\d|\d\s*:\s*\d\d|\d\s*(y\s+media|y\s+cuarto|pm|am|p\.\s*m|a\.\s*m)"
                         r"|\bmedio\s*d[ií]a\b", re.IGNORECASE)


def names_a_clock_time(text: str) -> bool:
    """True when the words state a time of day ("a las 4", "4:30"), not a position ("la 2", "2")."""
    return bool(_CLOCK_TIME.search(text))


async def pick_slot(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    offered: list[str] = flow.data.get("offered", [])
    available: list[str] = flow.data.get("available", offered)
    when = parse_when(t.text, t.today, bare_time=True)
    exact = [s for s in offered + available if when.time is not None and local(s).time() == when.time
             and (when.date is None or when.date.start == local(s).date())]
    choice = choose(t.text, [local(s).time() for s in offered])
    index = choice.index
    if index is not None and when.time is not None and names_a_clock_time(t.text) \
            and local(offered[index]).time() != when.time:
        # "A las 4" when 4:30 was offered: a different time is the customer's choice to make, not ours.
        index = None
    picked: str | None = exact[0] if exact else offered[index] if index is not None else None
    if picked is None and when.time is not None and (when.date is None or
                                                     when.date.start.isoformat() == flow.data.get("day")):
        same = [s for s in available if local(s).time() == when.time]
        picked = same[0] if same else None
        if picked is None:
            when_day = date.fromisoformat(flow.data["day"]) if flow.data.get("day") else t.today
            near = sorted(_nice(available), key=lambda s: abs(local(s).hour * 60 + local(s).minute
                                                              - when.time.hour * 60 - when.time.minute))[:3]
            flow.data["offered"] = sorted(near)
            t.say(f"A {time_words(when.time)} ya no tengo espacio {t.day_words(when_day)}. Lo más cercano es:\n"
                  + bullet_list(hhmm(s) for s in sorted(near)) + "\n¿Te sirve alguno?")
            return
    if picked is None and u.slots.soonest and (offered or available):
        picked = sorted(offered or available)[0]  # "ahorita", "lo antes posible"
    if picked is None:
        yes_no = parse_yes_no(t.text)
        if when.date is not None:
            await search_and_offer(t, when)
            return
        if u.intent in (Intent.THANKS, Intent.GOODBYE):
            t.flow = None
            t.say("¡Con gusto! Si más tarde quieres agendar, aquí estoy. 👋")
            return
        tries = flow.data["tries"] = flow.data.get("tries", 0) + 1
        if tries >= 3:
            t.flow = None
            t.say(f"Perdón, no logro entender qué horario prefieres 🙏 ¿Quieres que le avise a {owner_first(t)} "
                  "para que te escriba?")
            t.start("inquiry", "offered_handoff")
            return
        if yes_no.wants_other_day or choice.kind in (ChoiceKind.OTHER, ChoiceKind.NONE) or yes_no.answer is False:
            flow.state = "collecting_datetime"
            t.say("Va, ¿qué otro día te acomoda?")
            return
        if choice.kind is ChoiceKind.AMBIGUOUS:
            t.say("¿Cuál de esos horarios? Dime la hora exacta, por ejemplo «" + hhmm(offered[0]) + "».")
            return
        t.say("¿Cuál horario te funciona? Dime la hora, por ejemplo «" + hhmm(offered[0]) + "»." if offered else
              "¿Qué día y a qué hora te acomoda?")
        return
    if flow.type == "modify":
        await move_now(t, picked)
        return
    customer = t.customer
    if customer and customer.name_is_trusted(t.now):
        await book_now(t, picked, confirmed_name=True)
    else:
        await book_now(t, picked, confirmed_name=False)


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


# ---------------------------------------------------------------- appointments: see, change, cancel


async def _appointments(t: TurnState) -> list[dict[str, Any]] | None:
    result = await t.call("get_customer_appointments")
    return result.data["appointments"] if result.ok else None


def describe(t: TurnState, a: dict[str, Any]) -> str:
    return f"{service_words(a['service'])} {t.day_words(local(a['start']).date())} {at_hhmm(a['start'])}"


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


def greeting_short(t: TurnState, u: Understanding) -> str:
    name = t.first_name(t.customer.name if t.customer else None)
    if u.greeted or name:
        return f"Hola{' ' + name if name else ''}, claro que sí. "
    return "Claro que sí. "


async def _modify_chosen(t: TurnState, a: dict[str, Any], u: Understanding, hello: str = "") -> None:
    flow = t.flow
    flow.data.update(appointment_id=a["appointment_id"], service_id=a["service_id"], old_start=a["start"])
    new_when = _new_when(t, u, a)
    if new_when is not None:
        await search_and_offer(t, new_when, hello=hello)
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
        await search_and_offer(t, when)
    elif flow.state == "choosing_slot":
        await pick_slot(t, u)
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
            await start_from_intent(t, u)
    else:
        await start_from_intent(t, u)


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
        await start_from_intent(t, u)


def _asks_if_bot(text: str) -> bool:
    lowered = text.lower()
    return any(w in lowered for w in ("robot", " bot", "bot?", "eres humano", "eres una persona", "eres real"))


async def on_inquiry(t: TurnState, u: Understanding) -> None:
    answer = parse_yes_no(t.text)
    if t.flow.state == "offered_handoff":
        t.flow = None
        if answer.answer is True or u.intent is Intent.HANDOFF:
            await handoff(t, Understanding(intent=Intent.HANDOFF, slots=u.slots))
        elif answer.answer is False:
            t.say("¡Va! Dime qué necesitas y te ayudo.")
        else:
            await start_from_intent(t, u)
        return
    if answer.answer is True and u.intent not in STRONG:
        offered_service = t.flow.data.get("service_id")
        t.flow = None
        await start_booking(t, u, service_id=offered_service)
    elif answer.answer is False and u.intent is Intent.UNKNOWN:
        t.flow = None
        t.say(f"¡Va! Aquí estoy para lo que necesites. Que tengas {t.part_of_day_farewell()}.")
    else:
        t.flow = None
        await start_from_intent(t, u)


FLOW_HANDLERS = {"book": on_book, "modify": on_modify, "cancel": on_cancel, "inquiry": on_inquiry,
                 "rating": on_rating}


async def resume(t: TurnState) -> None:
    """An abandoned flow picked up again: say so and ask its question again."""
    flow = t.flow
    if flow.type in ("book", "modify") and flow.state in ("choosing_slot", "confirming_summary") and flow.data.get("day"):
        flow.state = "collecting_datetime" if flow.type == "book" else "collecting_new_datetime"
        t.say("¡Qué gusto que sigas por aquí! Sigamos con tu cita.")
        from messaging.spanish import When
        from messaging.spanish.dates import DateExpression

        day = date.fromisoformat(flow.data["day"])
        await search_and_offer(t, When(date=DateExpression(day, day)))
        return
    t.say("¡Qué gusto que sigas por aquí! Sigamos donde nos quedamos.")
    questions = {"collecting_service": "¿Qué servicio te gustaría?\n" + services_list(t),
                 "collecting_datetime": "¿Para qué día te gustaría tu cita?",
                 "collecting_new_datetime": "¿Para cuándo te gustaría cambiar tu cita?",
                 "collecting_personal_info": "¿Me confirmas tu nombre para la cita?",
                 "confirming_cancellation": "¿Entonces sí cancelo tu cita?"}
    t.say(questions.get(flow.state, "¿En qué te puedo ayudar?"))
