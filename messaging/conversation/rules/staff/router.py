"""Which staff flow a message belongs to: the open flow keeps it unless a strong new request arrives."""

from __future__ import annotations

import re

from messaging.spanish import (
    Audience,
    Intent,
    detect_intent,
    normalize,
    parse_yes_no,
)
from messaging.spanish.figures import read_figures
from messaging.spanish.intents import Understanding

from ..base import TurnState
from .asked import FIGURES, Asked, follow_up
from .block import on_block, on_unblock, start_block, unblock
from .booking import on_move, on_on_behalf, start_move, start_on_behalf
from .common import is_ack, me_first
from .customers import hand_back, history, on_history, on_message, start_message
from .mark import on_mark, start_mark
from .rebooking import on_rebooking, start_rebooking
from .settings import dashboard_link, on_hours, on_service, start_hours, start_service_change
from .state import kept, load
from .stats import answer_figures, stats
from .team import (
    level_in,
    on_add_staff,
    on_permissions,
    on_remove_staff,
    start_add_staff,
    start_permissions,
    start_remove_staff,
)
from .views import business_schedule, my_schedule, own_schedule, person_schedule, whats_next
from .walk_in import on_walk_in, start_walk_in

STRONG = frozenset({Intent.MY_SCHEDULE, Intent.BUSINESS_SCHEDULE, Intent.WHATS_NEXT, Intent.BLOCK_TIME,
                    Intent.UNBLOCK_TIME, Intent.MARK_NO_SHOW, Intent.MARK_COMPLETED, Intent.WALK_IN,
                    Intent.CUSTOMER_HISTORY, Intent.ADD_STAFF, Intent.REMOVE_STAFF, Intent.CHANGE_HOURS,
                    Intent.CHANGE_SERVICE_DURATION, Intent.CHANGE_SERVICE_PRICE, Intent.STATS,
                    Intent.DASHBOARD_LINK, Intent.CANCEL, Intent.HELP, Intent.CHANGE_PERMISSIONS,
                    Intent.STAFF_ABSENT, Intent.COMPACT_SCHEDULE})


HAND_BACK_WORDS = ("listo con", "ya atendí", "ya atendi", "ya le contesté", "ya le conteste", "regrésale",
                   "regresale", "devuélvele", "devuelvele", "ya puedes contestar", "contéstale tú", "ya quedó con")
REMOVE_WORDS = ("quita a", "da de baja", "dar de baja", "ya no trabaja", "despedí", "despedi", "sácalo", "sacalo")


def understand(t: TurnState) -> Understanding:
    from dataclasses import replace

    u = detect_intent(t.text, today=t.today, audience=Audience.STAFF,
                      services={str(s.id): s.name for s in t.profile.services},
                      staff_names=[m.name for m in t.profile.team])
    lowered = t.text.lower()
    if u.intent is Intent.UNKNOWN and u.slots.appointment_time and u.slots.time and \
            any(w in lowered for w in ("pasa", "mueve", "recorre", "cambia")):
        return replace(u, intent=Intent.RESCHEDULE)  # "pasa la de las 12 para mañana a las 11"
    if u.slots.staff_name and u.intent not in (Intent.CHANGE_PERMISSIONS, Intent.REMOVE_STAFF):
        if level_in(lowered) and u.intent in (Intent.RESCHEDULE, Intent.UNKNOWN, Intent.CHANGE_HOURS):
            return replace(u, intent=Intent.CHANGE_PERMISSIONS)
        if any(w in lowered for w in REMOVE_WORDS):
            return replace(u, intent=Intent.REMOVE_STAFF)
    if u.intent is Intent.UNKNOWN and _DID_NOT_COME.search(normalize(t.text)):
        return replace(u, intent=Intent.MARK_NO_SHOW)  # "el señor Hernández nunca llegó"
    figures = read_figures(t.text)
    if figures is not None and (u.intent in _FIGURE_INTENTS or figures.counting and u.intent in _MARKS):
        return replace(u, intent=Intent.STATS)  # "¿cuántas citas tengo mañana?", "¿cuántos no llegaron?"
    if _WHO_IS_NEXT.search(normalize(t.text)) and u.intent in (Intent.UNKNOWN, Intent.WHATS_NEXT,
                                                               Intent.MY_SCHEDULE, Intent.GREETING):
        later = u.slots.date is not None and u.slots.date.start != t.today
        return replace(u, intent=Intent.MY_SCHEDULE if later else Intent.WHATS_NEXT)
    return u


_DID_NOT_COME = re.compile(r"\b(?:nunca|no)\s+(?:lleg[oa]|vino|se\s+present[oa]|aparecio|asistio|se\s+aparecio)\b")
#: Intents a question about numbers is mistaken for by the intent table.
_FIGURE_INTENTS = frozenset({Intent.STATS, Intent.MY_SCHEDULE, Intent.BUSINESS_SCHEDULE, Intent.UNKNOWN,
                             Intent.WHATS_NEXT, Intent.HELP, Intent.GREETING})
_MARKS = frozenset({Intent.MARK_NO_SHOW, Intent.MARK_COMPLETED, Intent.CANCEL})
#: "¿con quién me toca?", "¿a quién atiendo ahorita?", "¿quién sigue?"
_WHO_IS_NEXT = re.compile(r"\b(?:con\s+quien|a\s+quien|quien)\s+(?:me\s+toca|(?:atiendo|sigue|sigo|viene)\b)"
                          r"|\bque\s+me\s+toca\b|\bmi\s+(?:siguiente|proxim[oa])\s+(?:cita|cliente|clienta)\b")


def _may_follow_up(u: Understanding) -> bool:
    """Intents a follow-up ("¿y mañana?", "¿y las canceladas?") may be mistaken for; never a change."""
    if u.intent in _MARKS:
        return not (u.slots.appointment_time or u.slots.time or u.slots.customer_name)
    return u.intent in _FIGURE_INTENTS


async def on_asked(t: TurnState, u: Understanding) -> None:
    """After an agenda or a figures answer: "¿y mañana?", "¿y Pedro?", "¿y la semana pasada?"."""
    new = follow_up(t, u, kept(t, Asked))
    if new is None:
        await start_from_intent(t, u)
        return
    if new.kind == FIGURES:
        await answer_figures(t, new)
    elif new.mine or new.staff_id == str(t.staff_id):
        await own_schedule(t, new.first)
    else:
        await person_schedule(t, new.first, new.staff_name)


async def handle(t: TurnState) -> None:
    u = understand(t)
    if t.flow is not None:
        t.flow.memory = load(t.flow.type, t.flow.data)
        if t.flow.memory is None:
            t.flow = None  # an unknown, older or damaged flow row: start afresh (the person is asked again)
    flow = t.flow
    if flow is not None and flow.type == "asked" and _may_follow_up(u):
        await on_asked(t, u)  # "¿y cancelaciones?" reads as a cancel, "¿y cuánto vendimos?" as a new question
        return
    if flow is not None and not (u.intent in STRONG and u.intent is not FLOW_INTENT.get(flow.type)):
        handler = FLOW_HANDLERS.get(flow.type)
        if handler is not None:
            await handler(t, u)
            return
    await start_from_intent(t, u)


async def start_from_intent(t: TurnState, u: Understanding) -> None:
    intent = u.intent
    t.flow = None  # each request starts its own flow
    handlers = {
        Intent.MY_SCHEDULE: my_schedule, Intent.BUSINESS_SCHEDULE: business_schedule, Intent.WHATS_NEXT: whats_next,
        Intent.BLOCK_TIME: start_block, Intent.UNBLOCK_TIME: unblock, Intent.MARK_NO_SHOW: start_mark,
        Intent.MARK_COMPLETED: start_mark, Intent.CANCEL: start_mark, Intent.WALK_IN: start_walk_in,
        Intent.CUSTOMER_HISTORY: history, Intent.MESSAGE_CUSTOMER: start_message, Intent.ADD_STAFF: start_add_staff,
        Intent.REMOVE_STAFF: start_remove_staff, Intent.CHANGE_HOURS: start_hours,
        Intent.CHANGE_SERVICE_DURATION: start_service_change, Intent.CHANGE_SERVICE_PRICE: start_service_change,
        Intent.STATS: stats, Intent.DASHBOARD_LINK: dashboard_link, Intent.CHANGE_PERMISSIONS: start_permissions,
        Intent.STAFF_ABSENT: start_rebooking, Intent.COMPACT_SCHEDULE: start_rebooking,
        Intent.BOOK: start_on_behalf, Intent.RESCHEDULE: start_move,
    }
    handler = handlers.get(intent)
    if u.slots.phone and any(w in t.text.lower() for w in HAND_BACK_WORDS):
        await hand_back(t, u)  # "listo con 55 1234 5678": the handed-off customer is Parlo's again
    elif handler is not None:
        await handler(t, u)
    elif intent in (Intent.THANKS, Intent.GOODBYE):
        t.say("¡Con gusto! 👍")
    elif intent is Intent.GREETING:
        t.say(f"¡Hola{', ' + me_first(t) if me_first(t) else ''}! ¿Qué necesitas? Puedo mostrarte tu agenda, "
              "bloquear tiempo o registrar a alguien que llegó.")
    elif is_ack(t.text):
        t.flow = None  # "👍" after a done task needs no answer
    elif parse_yes_no(t.text).answer is False and len(t.text.split()) <= 3:
        t.say("Va, aquí estoy si necesitas algo. 👍")  # "no" to "¿Algo más?"
    elif parse_yes_no(t.text).answer is True and len(t.text.split()) <= 2:
        t.say("¿Qué necesitas?")
    else:
        t.say(help_text(t))


def help_text(t: TurnState) -> str:
    return ("Esto es lo que puedes pedirme:\n"
            "• «¿Qué tengo hoy?» o «¿qué sigue?»\n"
            "• «Bloquea de 2 a 3 para mi comida»\n"
            "• «El de las 11 no llegó» o «ya terminé con Juan»\n"
            "• «Acaba de llegar alguien para corte»\n"
            "• «¿Este cliente ha venido antes? 55 1234 5678»\n"
            "• «Mándame el link del panel»")


FLOW_INTENT = {"block": Intent.BLOCK_TIME, "mark": None, "walk_in": Intent.WALK_IN, "add_staff": Intent.ADD_STAFF,
               "hours": Intent.CHANGE_HOURS}
FLOW_HANDLERS = {"block": on_block, "unblock": on_unblock, "mark": on_mark, "walk_in": on_walk_in,
                 "history": on_history, "message": on_message, "add_staff": on_add_staff,
                 "remove_staff": on_remove_staff, "hours": on_hours, "service": on_service,
                 "permissions": on_permissions, "asked": on_asked, "rebook": on_rebooking, "on_behalf": on_on_behalf,
                 "move": on_move}
