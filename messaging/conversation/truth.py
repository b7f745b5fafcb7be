"""Holding the model to the truth: its final text is checked before anyone reads it.

The LLM may say "Listo, cancelé todas las citas" after every cancel failed, or answer in
English although the whole conversation is Spanish. After the tool rounds, the reply is
compared with what the tools actually did in this turn:

- a reply that *claims a change* (a booking, a move, a cancellation, a block, a mark, a
  message sent) without a successful tool result of that kind in this turn is not sent;
- a reply that is not Spanish is not sent.

Either way :mod:`.fallback` answers from the same state instead (the rule engine, or a
plain statement of what the tools did). A claim is a statement that something was done
("te agendé", "quedó cancelada", "I've booked"), not a question ("¿la cancelo?"), an offer
("¿quieres que te agende?"), a negation ("no pude cancelarla") or the description of
what already exists ("tu cita es el sábado").

Why the language test is hand-written rather than a language-identification library: the
question is one bit (did a model told to write Mexican Spanish slip into English?) on
messages a few words long, and the libraries that are good on short texts (lingua) cost a
96 MB wheel, ~95-170 MB of memory per worker process and seconds to load their models;
function words decide this case in microseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Change(StrEnum):
    BOOKED = "booked"
    REGISTERED = "registered"
    MOVED = "moved"
    CANCELLED = "cancelled"
    BLOCKED = "blocked"
    MARKED = "marked"
    SENT = "sent"


#: Which successful tool results back each kind of claim ("cambié" may be an appointment
#: or, for an owner, the hours or a service; a customer has only the first tool).
BACKED_BY: dict[Change, frozenset[str]] = {
    Change.BOOKED: frozenset({"book_appointment", "book_walk_in", "answer_waitlist_offer:accepted"}),
    Change.REGISTERED: frozenset({"book_walk_in", "book_appointment", "add_staff", "create_business",
                                  "save_my_profile", "update_my_name"}),
    Change.MOVED: frozenset({"reschedule_appointment", "apply_rebooking", "change_business_hours", "update_service",
                             "change_permissions"}),
    Change.CANCELLED: frozenset({"cancel_appointment", "mark_appointment_status:cancelled"}),
    Change.BLOCKED: frozenset({"block_time"}),
    Change.MARKED: frozenset({"mark_appointment_status", "mark_appointment_status:cancelled"}),
    Change.SENT: frozenset({"send_message_to_customer", "send_staff_welcome", "send_dashboard_link",
                            "handoff_to_human"}),
}

_PARTICIPLE = r"(?:qued[oó]|quedaron|queda|quedan|ha quedado|han quedado|fue|fueron|ha sido|han sido|ya est[aá]n?)"
_EN_DONE = r"(?:i(?:'ve| have)?|has been|have been|is|are|was|were|it's|all)"


def _claim(verbs: str, participles: str | None = None, english: str | None = None) -> re.Pattern[str]:
    parts = [rf"\b(?:{verbs})\b"]
    if participles:
        parts.append(rf"\b{_PARTICIPLE}\s+(?:\w+\s+)?(?:{participles})[ao]s?\b")
    if english:
        parts.append(rf"\b{_EN_DONE}\s+(?:\w+\s+)?(?:{english})\b")
    return re.compile("|".join(parts))


#: First-person preterites carry the accent ("cancelé"); unaccented they are the subjunctive
#: of an offer ("¿quieres que la cancele?"), which claims nothing.
_CLAIMS: dict[Change, re.Pattern[str]] = {
    Change.BOOKED: _claim("agendé|reservé|aparté", "agendad|reservad|apartad|confirmad", "booked|scheduled|reserved"),
    Change.REGISTERED: _claim("registré|agregué|di de alta", "registrad|agregad|dad"),
    Change.MOVED: _claim("cambié|moví|reagendé|recorrí", "cambiad|movid|reagendad|recorrid", "rescheduled|moved"),
    Change.CANCELLED: _claim("cancelé|anulé", "cancelad|anulad", "cancell?ed"),
    Change.BLOCKED: _claim("bloqueé", "bloquead", "blocked"),
    Change.MARKED: _claim("marqué", "marcad", "marked"),
    Change.SENT: _claim("mandé|envié|enviado ✓", None, "sent"),
}
_NEGATION = re.compile(r"\b(?:no|nunca|aún no|aun no|todavía no|todavia no|sin|not|couldn't|could not|didn't|"
                       r"wasn't|haven't|isn't)\s+(?:\w+\s+){0,2}$")
_QUESTION = re.compile(r"¿[^?]*\?")


def claimed_changes(text: str) -> set[Change]:
    """The changes the text says were made (questions, offers and negations are not claims)."""
    said = _QUESTION.sub(" ", text.lower())
    found: set[Change] = set()
    for change, pattern in _CLAIMS.items():
        for match in pattern.finditer(said):
            if not _NEGATION.search(said[max(0, match.start() - 40):match.start()]):
                found.add(change)
                break
    return found


def done_tools(results: list[tuple[str, dict[str, Any]]]) -> set[str]:
    """What this turn's successful tool calls were: ``(tool name, arguments)`` each."""
    done: set[str] = set()
    for name, args in results:
        done.add(name)
        if name == "mark_appointment_status" and str(args.get("status", "")).lower() == "cancelled":
            done.add(f"{name}:cancelled")
        if name == "answer_waitlist_offer" and args.get("accept") is True:  # a "no" booked nothing
            done.add(f"{name}:accepted")
    return done


_SPANISH = frozenset(
    "el la los las lo le les de del que y en un una unos unas tu tus te para con por es son está están estás "
    "tengo tienes tiene hay hoy mañana listo lista claro gracias hola qué quieres puedes puedo ya se mi al más "
    "muy sí pero como cuando cita citas hora horas horario disponible agenda quedó queda nos vemos día días "
    "semana tarde noche buenas buenos bueno perfecto cuál cuáles también todo todos aquí ahí esta este esa ese "
    "dónde cuánto cuesta servicio servicios precio".split())
_ENGLISH = frozenset(
    "the your you is are i i'm i've we we've and to for at on with has have been will can it it's this that of "
    "my be sure thanks thank please appointment appointments booked scheduled cancelled canceled hello hi okay "
    "great see soon tomorrow today what would like help there here all set done an would you'll let know "
    "anything else available time times how".split())
_WORD = re.compile(r"[a-záéíóúñü']+")
_SPANISH_MARKS = re.compile(r"[áéíóúñ¿¡]")


def looks_spanish(text: str) -> bool:
    """False only when the text is clearly another language (English, mostly): short, unsure
    texts ("Ok 👍", a list of times, a name) pass."""
    words = _WORD.findall(text.lower())
    spanish = sum(w in _SPANISH for w in words) + 2 * min(len(_SPANISH_MARKS.findall(text.lower())), 3)
    english = sum(w in _ENGLISH for w in words)
    if english >= 3:
        return english <= 2 * spanish
    return not (english >= 2 and spanish == 0)


@dataclass(frozen=True, slots=True)
class Untrue:
    """Why a reply was not sent."""

    reason: str


def check_reply(text: str, done: set[str]) -> Untrue | None:
    """None when the reply may be sent; ``done`` is :func:`done_tools` of this turn."""
    if not looks_spanish(text):
        return Untrue("not in Spanish")
    unbacked = {change for change in claimed_changes(text) if not BACKED_BY[change] & done}
    if unbacked:
        return Untrue("claims " + ", ".join(sorted(unbacked)) + " without a successful tool result this turn")
    return None
