"""Which flow a customer message goes to: the open one, or the one its request starts.

The open flow keeps the message unless it asks for something else (a strong request);
then the new flow starts with what the old one knew that still applies (the service of a
price question, the appointment a cancel was about).
"""

from __future__ import annotations

import re
from datetime import date

from messaging.spanish import Act, DayConstraint, Intent, MatchKind, TimeConstraint, normalize
from messaging.spanish.intents import Understanding

from ..base import TurnState, local
from . import booking, changes, inquiry, new_time, waitlist
from .common import STRONG, begin, frame, greeting, keep, memory, owner_first, services_list, understand
from .state import Memory, Step


async def handle(t: TurnState) -> None:
    if not t.resumed and await waitlist.answered_offer(t):  # (a resumed turn was asked by the engine already)
        keep(t)
        return
    u = understand(t)
    flow = t.flow
    if flow is not None and not (u.intent in STRONG and _leaves_flow(t, flow, u)):
        handler = FLOW_HANDLERS.get(flow.type)
        if handler is not None:
            await handler(t, u)
            keep(t)
            return
    if flow is None and u.intent not in STRONG and await inquiry.answered_rating(t):
        keep(t)
        return
    await start_from_intent(t, u)
    keep(t)


_ASKS_FOR_APPOINTMENT = re.compile(r"\b(cita|agend|reserv|apart|otra vez)")
_NAMES_AN_APPOINTMENT = re.compile(r"\b(?:mi|mis|la|esa)\s+(?:cita|citas|reservacion)\b")


def _leaves_flow(t: TurnState, flow, u: Understanding) -> bool:
    """A new request interrupts the open flow, except the flow's own intent said again, or
    a day said while the flow waits for one ("para el lunes si hay espacio")."""
    if flow.type == "rating":
        # Comments on a visit name services ("muy bien el corte"): only a clear request interrupts them.
        return u.intent in (Intent.CANCEL, Intent.RESCHEDULE, Intent.VIEW_APPOINTMENTS, Intent.HANDOFF) or (
            u.intent is Intent.BOOK and _ASKS_FOR_APPOINTMENT.search(t.text.lower()) is not None)
    if flow.type == "new_time":  # answering the times a re-plan offered: "el lunes", "a las 4" pick one
        return u.intent not in (Intent.BOOK, Intent.RESCHEDULE)
    same = {"book": {Intent.BOOK}, "modify": {Intent.RESCHEDULE}, "cancel": {Intent.CANCEL}}.get(flow.type, set())
    f = frame(t)
    if flow.state == Step.WHICH:  # "la de la barba", "la del lunes": which of the listed appointments
        return u.intent in (Intent.HANDOFF, Intent.HELP, Intent.ASK_HOURS, Intent.ASK_LOCATION) or (
            u.intent is Intent.BOOK and _ASKS_FOR_APPOINTMENT.search(t.text.lower()) is not None)
    if u.intent in same:
        if flow.state in (Step.SATISFACTION, Step.CONFIRMED, Step.NAME):
            return True  # done with that one: this is a new request
        # Inside a booking, a new booking request restarts it only when it names a service.
        return flow.type == "book" and bool(f.services) and flow.state not in (Step.SERVICE,)
    if flow.type == "modify" and u.intent is Intent.BOOK and not f.services:
        return False  # "para el lunes si hay espacio" while moving: the new day, not a new booking
    if flow.type == "book" and flow.state in (Step.DAY, Step.CHOOSING, Step.CONFIRMING) and not f.services \
            and not _NAMES_AN_APPOINTMENT.search(normalize(t.text)) and (
                not f.when.is_empty or f.has(Act.OTHER_OPTIONS, Act.CHOOSE, Act.CORRECT, Act.FOLLOW_UP)):
        return False  # "¿no tienes más tarde?", "mejor otro día", "¿y el sábado?": about these offers
    waiting = flow.state in (Step.DAY, Step.NEW_DAY, Step.CHOOSING, Step.CONFIRMING, Step.SERVICE)
    named_service = u.slots.service is not None and u.slots.service.kind is MatchKind.MATCHED
    if u.intent is Intent.BOOK and waiting and not named_service and not f.services:
        return False
    return True


async def start_from_intent(t: TurnState, u: Understanding) -> None:
    intent = u.intent
    previous = memory(t) if t.flow is not None else Memory()
    previous_kind = t.flow.type if t.flow is not None else None
    t.flow, t.memory = None, None  # whatever was open is over: each request starts its own flow
    named = frame(t).appointment is not None and frame(t).appointment.is_specific
    about = previous.appointment_id if previous_kind in ("modify", "cancel") and not named else None
    if intent is Intent.HANDOFF and inquiry.asks_if_bot(t.text):
        t.say(f"Soy Parlo, la asistente virtual de {t.profile.name} 🤖 Te puedo agendar, cambiar o cancelar "
              f"una cita al momento. ¿Prefieres que le avise a {owner_first(t)} para que te escriba?")
        begin(t, "inquiry", Step.OFFERED_HANDOFF)
    elif intent is Intent.HANDOFF or u.suggests_handoff and not frame(t).services:
        await inquiry.handoff(t, u)
    elif intent in (Intent.BOOK, Intent.UNKNOWN) and await _moves_existing(t, previous, previous_kind):
        return
    elif intent is Intent.BOOK:
        carried = previous if previous_kind in ("inquiry", "book") else Memory()
        await booking.start_booking(t, u, remembered=Memory(services=carried.services, staff_id=carried.staff_id))
    elif intent is Intent.RESCHEDULE:
        await changes.start_modify(t, u, appointment_id=about)
    elif intent is Intent.CANCEL:
        await changes.start_cancel(t, u, appointment_id=about)
    elif intent is Intent.VIEW_APPOINTMENTS:
        await changes.view_appointments(t)
    elif intent in (Intent.ASK_PRICES, Intent.ASK_SERVICES, Intent.ASK_HOURS, Intent.ASK_LOCATION):
        await inquiry.answer(t, u, previous if previous_kind in ("inquiry", "book") else Memory())
    elif intent is Intent.HELP:
        t.say("Puedo agendarte una cita, decirte qué horarios hay, cambiar o cancelar tu cita, o darte precios "
              "y horarios del negocio. ¿Qué necesitas?")
    elif intent is Intent.THANKS or intent is Intent.GOODBYE:
        t.say(f"¡Con gusto! Que tengas {t.part_of_day_farewell()}. 👋")
    elif intent is Intent.GREETING:
        t.say(greeting(t) + " ¿En qué puedo ayudarte?")
    else:
        f = frame(t)
        if not f.when.is_empty or f.services:
            await booking.start_booking(t, u, remembered=Memory(services=previous.services))
            return
        from ..staff import is_ack

        if is_ack(t.text):
            t.say("¡Con gusto! Aquí estoy si necesitas algo más. 🙌")
            return
        t.say(("" if not u.greeted else greeting(t) + " ") +
              "Perdón, no te entendí bien 🙏 Puedo ayudarte a agendar, cambiar o cancelar una cita, o darte "
              "precios y horarios. ¿Qué necesitas?")


async def _moves_existing(t: TurnState, previous: Memory, previous_kind: str | None) -> bool:
    """A new day or time said alone, with no booking in progress, is about the appointment the
    customer already has ("mejor el lunes a la misma hora", "no, mejor a las 6" right after
    booking, "una hora más tarde"): a move of it, never a new booking that asks for a service.
    "otra cita", "agendar" or a service named keep it a new booking."""
    f = frame(t)
    if f.services or f.has(Act.BOOK) or _ASKS_FOR_NEW.search(normalize(t.text)):
        return False
    if f.when.is_empty and not changes.anchors_to_appointment(t.text):
        return False
    appointments = await changes.upcoming(t)
    if not appointments:
        return False
    just_booked = [a for a in appointments if previous_kind == "book" and previous.booked
                   and local(a["start"]) == local(previous.booked)]
    chosen = just_booked[0]["appointment_id"] if len(just_booked) == 1 else None
    await changes.start_modify(t, understand(t), appointment_id=chosen)
    return True


_ASKS_FOR_NEW = re.compile(r"\b(otra cita|otra reserv|nueva cita|agend|reserv|apart|otra vez|tambien)")

FLOW_HANDLERS = {"book": booking.on_book, "modify": changes.on_modify, "cancel": changes.on_cancel,
                 "inquiry": inquiry.on_inquiry, "rating": inquiry.on_rating, "new_time": new_time.on_new_time}


async def resume(t: TurnState) -> None:
    """An abandoned flow picked up again: say so and ask its question again."""
    flow = t.flow
    mem = memory(t)
    if flow.type in ("book", "modify") and flow.state in (Step.CHOOSING, Step.CONFIRMING) and mem.day:
        t.say("¡Qué gusto que sigas por aquí! Sigamos con tu cita.")
        day = date.fromisoformat(mem.day)
        when = TimeConstraint(days=DayConstraint.on(day)) if day >= t.today else TimeConstraint()
        if when.is_empty:
            flow.state = Step.DAY if flow.type == "book" else Step.NEW_DAY
            t.say("¿Para qué día te gustaría tu cita?")
        elif flow.type == "book":
            await booking.search_book(t, when.over(mem.when) if mem.when.says_clock else when)
        else:
            await changes.search_move(t, when)
        keep(t)
        return
    t.say("¡Qué gusto que sigas por aquí! Sigamos donde nos quedamos.")
    questions = {Step.SERVICE: "¿Qué servicio te gustaría?\n" + services_list(t),
                 Step.DAY: "¿Para qué día te gustaría tu cita?",
                 Step.NEW_DAY: "¿Para cuándo te gustaría cambiar tu cita?",
                 Step.NAME: "¿Me confirmas tu nombre para la cita?",
                 Step.CANCELLING: "¿Entonces sí cancelo tu cita?"}
    t.say(questions.get(flow.state, "¿En qué te puedo ayudar?"))
    keep(t)


