"""Questions and side talk: prices, hours, location, ratings, talking to a person."""

from __future__ import annotations

from messaging.spanish import (
    Intent,
    parse_rating,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding
from wording import (
    join_words,
)

from ..base import TurnState
from . import booking, router
from .common import STRONG, owner_first, service_words


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
            await router.start_from_intent(t, u)
        return
    if answer.answer is True and u.intent not in STRONG:
        offered_service = t.flow.data.get("service_id")
        t.flow = None
        await booking.start_booking(t, u, service_id=offered_service)
    elif answer.answer is False and u.intent is Intent.UNKNOWN:
        t.flow = None
        t.say(f"¡Va! Aquí estoy para lo que necesites. Que tengas {t.part_of_day_farewell()}.")
    else:
        t.flow = None
        await router.start_from_intent(t, u)
