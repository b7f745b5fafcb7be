"""Questions and side talk: prices, hours, location, ratings, talking to a person.

A price question remembers its service, so "va, apártame uno para el jueves" books it.
"""

from __future__ import annotations

from messaging.spanish import Intent, parse_rating
from messaging.spanish.intents import Understanding
from wording import format_duration, join_words, with_article

from ..base import TurnState, money
from . import booking, router
from .common import (
    STRONG,
    begin,
    frame,
    hours_text,
    memory,
    owner_first,
    service_words,
    services_list,
    step,
    yes_no,
)
from .state import Memory, Step


async def answer(t: TurnState, u: Understanding, remembered: Memory) -> None:
    """Prices, services, hours, location; each ends offering to book (and remembers the service)."""
    intent = u.intent
    if intent in (Intent.ASK_PRICES, Intent.ASK_SERVICES):
        f = frame(t)
        ids = [str(i) for i in f.service_ids]
        named = [s for s in (t.profile.service(i) for i in ids) if s is not None]
        if named:
            lines = [f"{with_article(s.name, capital=i == 0)} cuesta {money(s.price_cents)} y dura "
                     f"{format_duration(s.duration_minutes)}" for i, s in enumerate(named)]
            ask = "¿Te gustaría agendarlo?" if len(named) == 1 else "¿Te gustaría agendarlos?"
            t.say(("; ".join(lines[:1] + [line[0].lower() + line[1:] for line in lines[1:]])) + f". {ask}")
            begin(t, "inquiry", Step.OFFERED_BOOKING, Memory(services=[str(s.id) for s in named]))
            return
        if u.suggests_handoff:
            await handoff(t, u)
            return
        t.say(f"Estos son nuestros servicios:\n{services_list(t)}\n\n¿Te gustaría agendar alguno?")
        begin(t, "inquiry", Step.OFFERED_BOOKING)
    elif intent is Intent.ASK_HOURS:
        t.say(f"Nuestro horario es:\n{hours_text(t)}\n\n¿Te gustaría agendar una cita?")
        begin(t, "inquiry", Step.OFFERED_BOOKING, Memory(services=remembered.services))
    else:
        where = t.profile.address
        if where:
            t.say(f"Estamos en {where}. ¿Te gustaría agendar una cita?")
            begin(t, "inquiry", Step.OFFERED_BOOKING, Memory(services=remembered.services))
        else:
            t.say(f"Deja que le pase tu pregunta a {owner_first(t)} para que te mande la ubicación exacta.")
            await handoff(t, u, silent_intro=True)


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
    begin(t, "rating", Step.FEEDBACK, Memory(rated_appointment=result.value.appointment_id))
    t.say(f"¡Gracias por tu calificación! {'⭐' * rating} ¿Quieres contarnos algo más de tu visita? "
          "Si no, no te preocupes.")
    return True


async def on_rating(t: TurnState, u: Understanding) -> None:
    step(t, Step.SUBMITTED)
    if yes_no(t) is False or u.intent in (Intent.THANKS, Intent.GOODBYE):
        t.say("¡Gracias a ti! Te esperamos pronto. 👋")
        return
    await t.call("rate_my_visit", feedback=t.text)
    t.say(f"¡Gracias por contarnos! Se lo paso a {owner_first(t)}. 🙏")


async def handoff(t: TurnState, u: Understanding, *, silent_intro: bool = False) -> None:
    owner = owner_first(t)
    if u.suggests_handoff and u.intent is not Intent.HANDOFF and not silent_intro:
        offered = join_words([service_words(s.name) for s in t.profile.services])
        t.say(f"Por ahora los servicios que tenemos son {offered}. Para preguntas sobre otros servicios, deja que "
              f"le pase tu mensaje a {owner}, el dueño.")
    result = await t.call("handoff_to_human", reason=(u.slots.service_text and f"si hacen {u.slots.service_text}")
                          or t.text)
    if result.ok:
        t.say(f"Ya le avisé a {owner}; te va a escribir pronto por aquí para ayudarte. 🙌")
    else:
        t.say(f"Dame un momento y le aviso a {owner} para que te escriba.")
    t.flow, t.memory = None, None


def asks_if_bot(text: str) -> bool:
    lowered = text.lower()
    return any(w in lowered for w in ("robot", " bot", "bot?", "eres humano", "eres una persona", "eres real"))


async def on_inquiry(t: TurnState, u: Understanding) -> None:
    answer_ = yes_no(t)
    if t.flow.state == Step.OFFERED_HANDOFF:
        t.flow, t.memory = None, None
        if answer_ is True or u.intent is Intent.HANDOFF:
            from dataclasses import replace

            await handoff(t, replace(u, intent=Intent.HANDOFF))
        elif answer_ is False:
            t.say("¡Va! Dime qué necesitas y te ayudo.")
        else:
            await router.start_from_intent(t, u)
        return
    remembered = memory(t)
    if answer_ is True and u.intent not in STRONG:
        t.flow, t.memory = None, None
        await booking.start_booking(t, u, remembered=Memory(services=remembered.services))
    elif answer_ is False and u.intent is Intent.UNKNOWN:
        t.flow, t.memory = None, None
        t.say(f"¡Va! Aquí estoy para lo que necesites. Que tengas {t.part_of_day_farewell()}.")
    else:
        await router.start_from_intent(t, u)
