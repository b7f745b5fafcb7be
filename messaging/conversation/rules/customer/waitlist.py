"""A waitlist offer answered: "se liberó un lugar … ¿Lo quieres?" → "sí" books it, "no" passes it on.

The offer is a notice (``waitlist_offer``, written by ``resolvers.scheduling.waitlist_offers``),
not a flow: the customer answers whenever they read it. So a bare yes or no ("sí", "va, lo
quiero", "apártamelo", "no, gracias", "no puedo a esa hora") from a customer with an offer
standing answers it, unless a flow of ours is waiting on a yes/no of its own (then the flow
asked last). "Sí" books the offered time through ``accept_waitlist_offer`` (the use case
writes the owner's new-booking notice); if someone took it meanwhile, the customer is told
and asked for another day. "No" declines it (``decline_waitlist_offer``): the time goes to
the next customer waiting. Anything else (a request, a day, a service) is not about the offer.
"""

from __future__ import annotations

import re

from messaging.spanish import Act, normalize
from resolvers.errors import Problem
from resolvers.rebooking import accept_waitlist_offer, decline_waitlist_offer, my_waitlist_offer
from wording import at_time

from ..base import TurnState
from .common import begin, frame, memory, visit_words, yes_no
from .state import Memory, Step

#: Steps whose question is a yes/no of the flow's own: a "sí" there answers the flow.
_OWN_YES_NO = frozenset({Step.CONFIRMING, Step.CANCELLING, Step.NAME, Step.SATISFACTION,
                         Step.OFFERED_BOOKING, Step.OFFERED_HANDOFF})
_TAKE_IT = re.compile(r"^\s*(?:(?:si|va|sale|ok|claro)\s+)?(?:lo\s+quiero|me\s+lo\s+quedo|apartamelo|apartalo|"
                      r"agendamelo|yo\s+lo\s+tomo|lo\s+tomo)\b")
_CANNOT = re.compile(r"^\s*(?:no|ya\s+no|nel)\s+(?:puedo|podre|alcanzo|llego|me\s+queda|me\s+sirve|me\s+acomoda)\b"
                     r"(?:\s+(?:a\s+esa\s+hora|ese\s+dia|ya|gracias|,?\s*gracias))?\s*[.!]*\s*$")
_ONLY_AN_ANSWER = frozenset({Act.CONFIRM, Act.DENY, Act.THANK, Act.GREET})


def _answer(t: TurnState) -> bool | None:
    """The yes or no the message is, if that is all it is."""
    norm = normalize(t.text)
    if _CANNOT.match(norm):  # "no puedo a esa hora": a no to the offer, though it reads as a statement
        return False
    f = frame(t)
    if f.services or f.staff or not f.when.is_empty or f.choice is not None:
        return None
    if _TAKE_IT.match(norm):
        return True
    if set(f.acts) - _ONLY_AN_ANSWER:
        return None
    return yes_no(t)


async def answered_offer(t: TurnState) -> bool:
    """Handle the message as the answer to a standing waitlist offer; False when it is not one."""
    if t.customer is None or (t.flow is not None and t.flow.state in _OWN_YES_NO):
        return False
    answer = _answer(t)
    if answer is None:
        return False
    entry = await my_waitlist_offer(t.tc.ctx)
    if entry is None:
        return False
    service = str(entry.service_type_id)
    if answer is False:
        await decline_waitlist_offer(t.tc.ctx, entry.id)
        t.flow, t.memory = None, None
        t.say("Va, no hay problema: se lo ofrezco a alguien más. Si quieres otro día u hora, aquí estoy. 🙌")
        return True
    booked = await accept_waitlist_offer(t.tc.ctx, entry.id)
    if isinstance(booked, Problem):
        begin(t, "book", Step.DAY, Memory(services=[service]))
        t.say(f"Uy, ese lugar se acaba de ocupar 😕 ¿Qué otro día u hora te acomoda para tu "
              f"{visit_words(t, [service])}?")
        return True
    first = booked.appointments[0]
    start = first.starts_at.astimezone(t.profile.zone)
    mem = begin(t, "book", Step.CONFIRMED, Memory(services=[service]))
    mem.booked, mem.booked_services = start.replace(tzinfo=None).isoformat(), [service]
    memory(t)
    who = booked.customer.name.split()[0] if booked.customer is not None and booked.customer.name else ""
    t.say(f"¡Listo{', ' + who if who else ''}! Te aparté tu {visit_words(t, [service])} "
          f"{t.day_words(start.date())} {at_time(start.time())}. ¡Te esperamos!")
    return True
