"""Which flow a customer message goes to: the open one, or the one its request starts."""

from __future__ import annotations

import re
from datetime import date

from messaging.spanish import (
    Intent,
    MatchKind,
    parse_when,
)
from messaging.spanish.intents import Understanding
from wording import (
    format_duration,
    with_article,
)

from ..base import TurnState, money
from . import booking, changes, inquiry, offers
from .common import STRONG, greeting, hours_text, owner_first, services_list, understand


async def handle(t: TurnState) -> None:
    u = understand(t)
    flow = t.flow
    if flow is not None and not (u.intent in STRONG and _leaves_flow(t, flow, u)):
        handler = FLOW_HANDLERS.get(flow.type)
        if handler is not None:
            await handler(t, u)
            return
    if flow is None and u.intent not in STRONG and await inquiry.answered_rating(t):
        return
    await start_from_intent(t, u)


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
    if intent is Intent.HANDOFF and inquiry._asks_if_bot(t.text):
        t.say(f"Soy Parlo, la asistente virtual de {t.profile.name} 🤖 Te puedo agendar, cambiar o cancelar "
              f"una cita al momento. ¿Prefieres que le avise a {owner_first(t)} para que te escriba?")
        t.start("inquiry", "offered_handoff")
    elif intent is Intent.HANDOFF or u.suggests_handoff:
        await inquiry.handoff(t, u)
    elif intent is Intent.BOOK:
        await booking.start_booking(t, u)
    elif intent is Intent.RESCHEDULE:
        await changes.start_modify(t, u)
    elif intent is Intent.CANCEL:
        await changes.start_cancel(t, u)
    elif intent is Intent.VIEW_APPOINTMENTS:
        await changes.view_appointments(t)
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
            await inquiry.handoff(t, u, silent_intro=True)
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
            await booking.start_booking(t, u)
            return
        from ..staff import is_ack

        if is_ack(t.text):
            t.say("¡Con gusto! Aquí estoy si necesitas algo más. 🙌")
            return
        t.say(("" if not u.greeted else greeting(t) + " ") +
              "Perdón, no te entendí bien 🙏 Puedo ayudarte a agendar, cambiar o cancelar una cita, o darte "
              "precios y horarios. ¿Qué necesitas?")


FLOW_HANDLERS = {"book": booking.on_book, "modify": changes.on_modify, "cancel": changes.on_cancel, "inquiry": inquiry.on_inquiry,
                 "rating": inquiry.on_rating}


async def resume(t: TurnState) -> None:
    """An abandoned flow picked up again: say so and ask its question again."""
    flow = t.flow
    if flow.type in ("book", "modify") and flow.state in ("choosing_slot", "confirming_summary") and flow.data.get("day"):
        flow.state = "collecting_datetime" if flow.type == "book" else "collecting_new_datetime"
        t.say("¡Qué gusto que sigas por aquí! Sigamos con tu cita.")
        from messaging.spanish import When
        from messaging.spanish.dates import DateExpression

        day = date.fromisoformat(flow.data["day"])
        await offers.search_and_offer(t, When(date=DateExpression(day, day)))
        return
    t.say("¡Qué gusto que sigas por aquí! Sigamos donde nos quedamos.")
    questions = {"collecting_service": "¿Qué servicio te gustaría?\n" + services_list(t),
                 "collecting_datetime": "¿Para qué día te gustaría tu cita?",
                 "collecting_new_datetime": "¿Para cuándo te gustaría cambiar tu cita?",
                 "collecting_personal_info": "¿Me confirmas tu nombre para la cita?",
                 "confirming_cancellation": "¿Entonces sí cancelo tu cita?"}
    t.say(questions.get(flow.state, "¿En qué te puedo ayudar?"))
