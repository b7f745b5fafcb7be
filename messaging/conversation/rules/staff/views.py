"""Agendas: mine, the business's, a colleague's, and what comes next."""

from __future__ import annotations

from collections.abc import Iterable

from messaging.spanish.intents import Understanding
from wording import capitalize_first, time_span

from ...tools.results import Entry
from ..base import TurnState, at_hhmm, hhmm, local
from .asked import SCHEDULE, Asked, mentioned_member, remember
from .common import asked_day, denied, me_first, short_service, shortest_service

_STATUS_MARKS = {"completed": " ✓ completada", "no_show": " ✗ no llegó"}


def agenda_lines(entries: Iterable[Entry], *, show_free: bool = True, min_free: int = 30) -> list[str]:
    lines = []
    for e in entries:
        if e.kind == "appointment":
            lines.append(f"⏰ {hhmm(e.start)} - {short_service(e.service)} - {e.customer or 'Cliente'}"
                         + _STATUS_MARKS.get(e.status or "", ""))
        elif e.kind == "block":
            reason = f" ({e.reason})" if e.reason else ""
            icon = "🍽️" if e.reason and "comida" in e.reason.lower() else "⛔"
            lines.append(f"{icon} {hhmm(e.start)} - {hhmm(e.end)} - Bloqueado{reason}")
        elif e.kind == "free" and show_free:
            minutes = (local(e.end) - local(e.start)).total_seconds() / 60
            if minutes >= min_free:
                lines.append(f"⏰ {hhmm(e.start)} - {hhmm(e.end)} - Disponible")
    return lines


async def my_schedule(t: TurnState, u: Understanding) -> None:
    day = asked_day(t, u)
    member = mentioned_member(t, u) if u.slots.staff_name else None
    if member is not None and member.id != t.staff_id:  # "¿qué tiene Pedro mañana?"
        await person_schedule(t, day, member.name)
        return
    await own_schedule(t, day)


async def own_schedule(t: TurnState, day) -> None:
    remember(t, Asked(kind=SCHEDULE, first=day, last=day, staff_id=str(t.staff_id), staff_name=t.staff_name,
                      mine=True))
    result = await t.call("get_my_schedule", date=day.isoformat())
    if denied(t, result):
        return
    entries = result.value.entries
    hello = f"Hola {me_first(t)}, " if me_first(t) else ""
    if result.value.closed:
        t.say(f"{hello}{t.day_words(day)} el negocio está cerrado. 🙌")
        return
    appointments = [e for e in entries if e.kind == "appointment"]
    working = [w for p in result.value.staff for w in p.working]
    if not appointments and not working:
        t.say(f"{hello}{t.day_words(day)} no trabajas según tu horario, y no tienes citas. 🙌")
        return
    if not appointments:
        free = [e for e in entries if e.kind == "free"]
        span = f"; estás libre de {hhmm(free[0].start)} a {hhmm(free[-1].end)}" if free else ""
        t.say(f"{hello}{t.day_words(day)} no tienes citas{span}.")
        return
    min_free = shortest_service(t)
    free = [e for e in entries if e.kind == "free"
            and (local(e.end) - local(e.start)).total_seconds() >= min_free * 60]
    summary = f"Tienes {len(appointments)} cita{'s' if len(appointments) != 1 else ''}"
    if len(free) == 1:
        summary += f" y un espacio libre {time_span(local(free[0].start).time(), local(free[0].end).time())}."
    elif free:
        summary += f" y {len(free)} espacios libres."
    else:
        summary += " y ningún espacio libre."
    t.say(f"{hello}aquí está tu agenda para {t.day_words(day)}:\n\n" + "\n".join(agenda_lines(entries, min_free=min_free))
          + f"\n\n{summary}")


async def business_schedule(t: TurnState, u: Understanding) -> None:
    member = mentioned_member(t, u) if u.slots.staff_name else None
    await person_schedule(t, asked_day(t, u), member.name if member else None)


async def person_schedule(t: TurnState, day, name: str | None) -> None:
    """One colleague's agenda ("agenda de Pedro") or, without a name, everyone's."""
    member = next((m for m in t.profile.team if m.name == name), None) if name else None
    if member is not None and member.id == t.staff_id:
        await own_schedule(t, day)
        return
    remember(t, Asked(kind=SCHEDULE, first=day, last=day, staff_id=str(member.id) if member else None,
                      staff_name=member.name if member else None))
    result = await t.call("get_business_schedule", date=day.isoformat())
    if denied(t, result):
        return
    if result.value.closed:
        t.say(f"{capitalize_first(t.day_words(day))} el negocio está cerrado.")
        return
    people = result.value.staff
    if name:  # "agenda de Pedro"
        named = [p for p in people if p.staff == name]
        if named:
            person = named[0]
            lines = agenda_lines(person.entries, min_free=shortest_service(t))
            t.say(f"Agenda de {person.staff} para {t.day_words(day)}:\n\n" +
                  ("\n".join(lines) if lines else "Sin citas."))
            return
    blocks = []
    total = 0
    for person in people:
        lines = agenda_lines(person.entries, show_free=False)
        total += sum(1 for e in person.entries if e.kind == "appointment")
        blocks.append(f"👤 {person.staff}\n" + ("\n".join(lines) if lines else "Sin citas"))
    t.say(f"Agenda del negocio para {t.day_words(day)}:\n\n" + "\n\n".join(blocks)
          + f"\n\nEn total: {total} cita{'s' if total != 1 else ''}.")


async def whats_next(t: TurnState, u: Understanding) -> None:
    # "¿con quién me toca?" is a question about today's own agenda: "¿y el lunes?" follows it
    remember(t, Asked(kind=SCHEDULE, first=t.today, last=t.today, staff_id=str(t.staff_id),
                      staff_name=t.staff_name, mine=True))
    result = await t.call("whats_next")
    if denied(t, result):
        return
    upcoming = result.value.next
    if not upcoming:
        t.say("Ya no tienes más citas hoy. 🙌")
        return
    a = upcoming[0]
    text = f"Tu siguiente cita es {at_hhmm(a.start)}: {a.service} con {a.customer or 'un cliente'}."
    if len(upcoming) > 1:
        b = upcoming[1]
        text += f" Después, {at_hhmm(b.start)}: {b.service} con {b.customer or 'un cliente'}."
    t.say(text)
