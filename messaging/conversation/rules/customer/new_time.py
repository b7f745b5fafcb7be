"""A customer whose visit a re-plan could not place answers the times they were offered.

``resolvers.rebooking.left_behind`` sent them "Te podemos ofrecer: 1. … 2. …" and left their
conversation in this flow (``new_time``/``choosing_option``) with the options. Their answer
books like any other offer: "la 2", "el lunes", "a las 4" pick one and move the visit there
(``reschedule_appointment``, with the offered stylist); "lista de espera" puts them on the
waitlist for that day; "no" leaves the visit waiting (the salon sees it as needing a new
time) and says so; anything else is a new request.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from messaging.spanish import ChoiceKind, choose, normalize, parse_yes_no
from messaging.spanish.intents import Understanding
from resolvers.errors import Problem
from resolvers.rebooking import join_waitlist
from wording import at_time

from ..base import TurnState
from ..memory import encode, read
from .common import owner_first

_WAITLIST = re.compile(r"\b(lista|espera|avisame|avisen|aviseme)\b")


#: The row's version. ``resolvers.rebooking.left_behind`` writes it (it cannot import this
#: module: layers); rows it wrote before versions existed read as version 0, the same keys.
VERSION = 1


@dataclass
class Option:
    """One time the re-plan offered: an instant (UTC in the row) and the stylist who has it free."""

    starts_at: datetime
    staff_id: str | None = None
    staff_name: str | None = None
    spot_id: str | None = None


@dataclass
class NewTimeMemory:
    """What the waiting customer was offered for which visit."""

    appointment_id: uuid.UUID
    day: datetime  # the visit's old start: the day a waitlist entry is for
    service_id: uuid.UUID | None = None
    old_start: datetime | None = None
    options: list[Option] = field(default_factory=list)

    def dump(self) -> dict[str, Any]:
        return {"version": VERSION, **encode(self)}


def load(data: dict[str, Any] | None) -> NewTimeMemory | None:
    """The row as typed memory, or None when it cannot be read (the message is then a new request)."""
    return read(NewTimeMemory, data, VERSION, upgrade=lambda row: row, what="new_time flow")


def _at(t: TurnState, moment: datetime) -> datetime:
    """An option's instant on the salon's clock."""
    return moment.astimezone(t.profile.zone)


def _words(t: TurnState, option: Option) -> str:
    moment = _at(t, option.starts_at)
    who = (option.staff_name or "").split(" ")[0]
    return f"{t.day_words(moment.date())} {at_time(moment.time())}" + (f" con {who}" if who else "")


def _picked(t: TurnState, options: list[Option]) -> int | None:
    choice = choose(t.text, [_at(t, o.starts_at).time() for o in options])
    if choice.index is not None:
        return choice.index
    norm = normalize(t.text)
    days = [i for i, o in enumerate(options) if _names_day(norm, t.day_words(_at(t, o.starts_at).date()))]
    return days[0] if len(days) == 1 else None


def _names_day(norm: str, words: str) -> bool:
    day = normalize(words).split(" ")
    return any(part in norm.split() for part in day if part not in ("el", "de", "la"))


async def on_new_time(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    memory = flow.memory if isinstance(flow.memory, NewTimeMemory) else load(flow.data)
    if memory is None:  # a damaged row: forget it; the visit still shows as needing a new time
        flow.state = "closed"
        t.say(f"Perdón, perdí el hilo de los horarios que te ofrecí. Le aviso a {owner_first(t)} para que te busque "
              "otro horario; si quieres, dime qué día te acomoda.")
        return
    flow.memory, options = memory, memory.options
    if _WAITLIST.search(normalize(t.text)):
        await _waitlist(t, memory)
        return
    index = _picked(t, options) if options else None
    if index is None and parse_yes_no(t.text).answer is True and len(options) == 1:
        index = 0
    if index is not None:
        option = options[index]
        result = await t.call("reschedule_appointment", appointment_id=str(memory.appointment_id),
                              new_start_time=_at(t, option.starts_at).replace(tzinfo=None).isoformat(),
                              staff_id=option.staff_id)
        if not result.ok:
            rest = [o for i, o in enumerate(options) if i != index]
            memory.options = rest
            t.say("Uy, ese horario se acaba de ocupar 😕 " + (
                "Todavía tengo:\n" + "\n".join(f"{n}. {_words(t, o)}" for n, o in enumerate(rest, 1))
                + "\n¿Cuál te funciona? O dime «lista de espera»." if rest else
                "Dime «lista de espera» y te aviso si se libera un lugar, o qué otro día te acomoda."))
            return
        flow.state = "confirmed"
        new = datetime.fromisoformat(result.value.first.start)
        t.say(f"¡Listo! Tu cita quedó para {t.day_words(new.date())} {at_time(new.time())}"
              + (f" con {option.staff_name.split(' ')[0]}" if option.staff_name else "") + ". ¡Te esperamos!")
        return
    if parse_yes_no(t.text).answer is False or choose(t.text, []).kind is ChoiceKind.NONE:
        flow.state = "closed"
        t.say(f"Entendido. Le aviso a {owner_first(t)} para que te busque otro horario; tu cita queda pendiente "
              "de una nueva hora. Si quieres, escríbeme «lista de espera».")
        return
    t.say(("Estas son las opciones que te puedo dar:\n" + "\n".join(
        f"{n}. {_words(t, o)}" for n, o in enumerate(options, 1)) + "\nContéstame con el número, o «lista de espera»."
        ) if options else "Dime «lista de espera» y te aviso si se libera un lugar, o qué otro día te acomoda.")


async def _waitlist(t: TurnState, memory: NewTimeMemory) -> None:
    flow = t.flow
    day: date = memory.day.astimezone(t.profile.zone).date()
    if memory.service_id is None:
        t.say(f"Le aviso a {owner_first(t)} para que te busque lugar.")
        flow.state = "closed"
        return
    entry = await join_waitlist(t.tc.ctx, memory.service_id, day)
    flow.state = "closed"
    if isinstance(entry, Problem):
        t.say(entry.message)
        return
    t.say(f"Listo: quedaste en la lista de espera para {t.day_words(day)}. Si se libera un lugar, te escribo. 🙌 "
          f"Tu cita sigue pendiente de una nueva hora; {owner_first(t)} también la ve.")
