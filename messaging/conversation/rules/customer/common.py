"""Shared by every customer flow: the turn's frame and memory, and how the business is described."""

from __future__ import annotations

from dataclasses import replace
from datetime import time
from typing import Any

from messaging.spanish import Act, Catalog, Frame, Intent, detect_intent, parse_frame, parse_person_name, parse_yes_no
from messaging.spanish.intents import Understanding
from wording import bullet_list, format_service_line, format_time, join_words, mid_sentence

from ..base import TurnState, at_hhmm, local, week_lines
from . import offers
from .state import Memory, Step

#: Intents that leave whatever flow is open and start their own.
STRONG = frozenset({Intent.BOOK, Intent.CANCEL, Intent.RESCHEDULE, Intent.VIEW_APPOINTMENTS, Intent.HANDOFF,
                    Intent.ASK_PRICES, Intent.ASK_HOURS, Intent.ASK_LOCATION, Intent.ASK_SERVICES, Intent.HELP})


def catalog(t: TurnState) -> Catalog:
    return Catalog.of([(str(s.id), s.name) for s in t.profile.services],
                      [(str(m.id), m.name) for m in t.profile.team])


def frame(t: TurnState) -> Frame:
    """This message as a request frame (parsed once per turn; offers on the table are given)."""
    if t.frame is None:
        offers = []
        if t.flow is not None and t.flow.state == Step.CHOOSING:
            offers = [local(s) for s in memory(t).offered]
        t.frame = parse_frame(t.text, now_local=t.local_now.replace(tzinfo=None), catalog=catalog(t), offers=offers)
    return t.frame


def understand(t: TurnState) -> Understanding:
    """The keyword intent, corrected by the frame where the frame knows better: a new time for an
    appointment is a move (never a cancel), a service or "lo de siempre" said alone is a booking."""
    services = {str(s.id): s.name for s in t.profile.services}
    u = detect_intent(t.text, today=t.today, services=services)
    f = frame(t)
    intent = u.intent
    if f.has(Act.MOVE):
        intent = Intent.RESCHEDULE
    elif f.has(Act.CANCEL):
        intent = Intent.CANCEL
    elif intent in (Intent.CANCEL, Intent.RESCHEDULE):
        intent = Intent.BOOK if f.has(Act.BOOK) else intent
    elif f.has(Act.SAME_AS_LAST) or (f.has(Act.BOOK) and intent in (Intent.UNKNOWN, Intent.GREETING)):
        intent = Intent.BOOK
    return u if intent is u.intent else replace(u, intent=intent)


# ---------------------------------------------------------------- memory


def memory(t: TurnState) -> Memory:
    """The open flow's memory (read once per turn, written back by :func:`keep`)."""
    if t.memory is None:
        t.memory = Memory.load(t.flow.data if t.flow is not None else None)
    return t.memory


def begin(t: TurnState, kind: str, step: Step, remembered: Memory | None = None) -> Memory:
    """Start a flow (whatever was open is over) with what is already known."""
    t.start(kind, step.value)
    t.memory = remembered or Memory()
    return t.memory


def keep(t: TurnState) -> None:
    """Write the memory into the flow row before it is persisted."""
    if t.flow is not None and t.memory is not None:
        t.flow.data = t.memory.dump()


def step(t: TurnState, value: Step) -> None:
    t.flow.state = value.value


def yes_no(t: TurnState) -> bool | None:
    """The answer to a yes/no question: the frame's, else the plain yes/no reading."""
    answer = frame(t).answer
    return answer if answer is not None else parse_yes_no(t.text).answer


#: Acts a reply that is only a name may carry ("hola, soy ana", "sí, ana lópez", "no, soy pedro").
_NAME_ONLY_ACTS = frozenset({Act.CONFIRM, Act.DENY, Act.GREET, Act.THANK})


def name_in_reply(t: TurnState, *, single_word: bool = True) -> str | None:
    """The writer's name in a reply where a name fits, however typed: "soy ana", "ana lópez",
    "sí, me llamo pedro", "Juan Torres", "maria jose". A reply that also asks for something (a
    time, a service, a stylist, another option) is not a name; ``single_word=False`` (while the
    times are on the table) takes a one-word reply only with a lead-in ("soy ana", not "ana")."""
    f = frame(t)
    if f.person_name:
        return f.person_name
    if set(f.acts) - _NAME_ONLY_ACTS or f.services or f.unknown_services or f.staff or f.choice is not None \
            or not f.when.is_empty:
        return None
    said = parse_yes_no(t.text)
    text = said.rest if said.answer is not None and said.rest else t.text
    if not single_word and len(text.split()) < 2:
        return None
    return parse_person_name(text)


def confirm(t: TurnState, question: str, *, at: Step = Step.CONFIRMING) -> None:
    """Every yes/no step of the customer flows: ask once, and wait at ``at`` for the answer."""
    step(t, at)
    t.say(question)


# ---------------------------------------------------------------- the business in words


def greeting(t: TurnState) -> str:
    name = t.first_name(t.customer.name if t.customer else None)
    if name:
        return f"¡Hola, {name}! Qué gusto saludarte de nuevo."
    return f"¡Hola! Gracias por escribir a {t.profile.name}."


def greeting_short(t: TurnState, u: Understanding) -> str:
    name = t.first_name(t.customer.name if t.customer else None)
    if u.greeted or name:
        return f"Hola{' ' + name if name else ''}, claro que sí. "
    return "Claro que sí. "


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


def visit_words(t: TurnState, service_ids: list[str]) -> str:
    """"corte de cabello", "tinte y corte de cabello": the services of one visit, in order."""
    return join_words([service_words(t.profile.service(s).name) for s in service_ids if t.profile.service(s)])


def visit_price(t: TurnState, service_ids: list[str]) -> int:
    return sum(t.profile.service(s).price_cents or 0 for s in service_ids if t.profile.service(s))


# ---------------------------------------------------------------- the customer's appointments


async def upcoming(t: TurnState) -> list[dict[str, Any]] | None:
    """The customer's upcoming appointments in their JSON form (``Appointment.to_json``): the
    memory keeps them as they are (``Memory.options``)."""
    result = await t.call("get_customer_appointments")
    return [a.to_json() for a in result.value.appointments] if result.ok else None


def describe(t: TurnState, a: dict[str, Any]) -> str:
    return f"{service_words(a['service'])} {t.day_words(local(a['start']).date())} {at_hhmm(a['start'])}"


def referred(t: TurnState, appointments: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The appointments this message refers to ("la del viernes", "la de las 11", "la del corte");
    all of them when it names none, or when what it names matches none."""
    ref = frame(t).appointment
    if ref is None or not ref.is_specific:
        return appointments
    hits = [a for a in appointments if ref.matches(local(a["start"]), a.get("service_id"))]
    return hits or appointments


def offer_alternatives(t: TurnState, result: Any) -> bool:
    """A booking or a move lost its time to someone else: offer the alternatives the use case
    found, if any (True), so booking and moving word the race the same way."""
    alternatives = [local(s) for s in result.alternatives or ()][:offers.MAX_OFFERED]
    if not alternatives:
        return False
    mem = memory(t)
    mem.offered = mem.available = [offers.iso(s) for s in alternatives]
    mem.day = alternatives[0].date().isoformat()
    step(t, Step.CHOOSING)
    t.say("Uy, ese horario se acaba de ocupar 😕 Te puedo ofrecer:\n"
          + bullet_list(offers.at_words(t, s) for s in alternatives) + "\n¿Cuál te funciona?")
    return True
