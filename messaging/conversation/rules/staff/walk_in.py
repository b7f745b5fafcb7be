"""Walk-ins: "acaba de llegar alguien para corte" → service, phone, name, booked now."""

from __future__ import annotations

import re

from messaging.spanish import (
    MatchKind,
    choose,
    format_phone,
    match_service,
    parse_person_name,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding
from wording import (
    bullet_list,
    format_service_line,
)

from ..base import TurnState, at_hhmm
from .common import denied, known_name, phone_in, phone_not_read, restart
from .state import Step, WalkInState, begin, kept


def _service_options(t: TurnState, u: Understanding) -> tuple[str | None, list]:
    match = u.slots.service
    if match is not None and match.kind is MatchKind.MATCHED and match.candidates:
        return str(match.candidates[0].id), []
    if match is not None and match.kind is MatchKind.AMBIGUOUS:
        return None, [t.profile.service(c.id) for c in match.candidates if t.profile.service(c.id)]
    if len(t.profile.services) == 1:
        return str(t.profile.services[0].id), []
    return None, list(t.profile.services)


async def start_walk_in(t: TurnState, u: Understanding) -> None:
    service_id, options = _service_options(t, u)
    walk_in = WalkInState(phone=u.slots.phone, name=u.slots.customer_name or None)
    begin(t, walk_in, Step.SERVICE)
    if service_id is None:
        walk_in.options = [str(s.id) for s in options]
        t.say("¿Qué servicio quiere? Tenemos:\n" + bullet_list(
            format_service_line(s.name, s.price_cents, s.duration_minutes) for s in options))
        return
    walk_in.service_id = service_id
    await _walk_in_next(t)


async def _walk_in_next(t: TurnState) -> None:
    flow, walk_in = t.flow, kept(t, WalkInState)
    if walk_in.phone is None and not walk_in.no_phone:
        flow.state = Step.CUSTOMER_PHONE
        t.say("Perfecto. ¿Tienes el teléfono del cliente para registrarlo? Si no, dime «no».")
        return
    if walk_in.phone and not walk_in.name and not walk_in.looked_up:
        walk_in.looked_up = True
        walk_in.name = await known_name(t, walk_in.phone) or walk_in.name
    if not walk_in.name:
        flow.state = Step.NAME
        t.say("Registrado. ¿Nombre?" if walk_in.phone else "Va. ¿Nombre?")
        return
    await _book_walk_in(t)


async def _book_walk_in(t: TurnState) -> None:
    flow, walk_in = t.flow, kept(t, WalkInState)
    service = t.profile.service(walk_in.service_id)
    result = await t.call("book_walk_in", service_id=str(service.id), customer_phone=walk_in.phone,
                          customer_name=walk_in.name, staff_id=str(t.staff_id) if _performs(t) else None)
    if not result.ok and _performs(t):
        result = await t.call("book_walk_in", service_id=str(service.id), customer_phone=walk_in.phone,
                              customer_name=walk_in.name)
    if denied(t, result):
        return
    a = result.value.first
    who = "contigo" if a.staff_id == str(t.staff_id) else f"con {a.staff}"
    phone = f" ({format_phone(walk_in.phone)})" if walk_in.phone else ""
    flow.state = Step.CONFIRMED
    t.say(f"Listo ✓ Registré a {walk_in.name}{phone} para {service.name} ahora {at_hhmm(a.start)} {who}.")


_LEADING_NO = re.compile(r"^\s*(?:no|nop|nel|pos\s+no|pues\s+no)\b[\s,.!]*", re.IGNORECASE)
_NO_NAME = re.compile(r"\b(?:sin|tel[eé]fono|tel|cel(?:ular)?|n[uú]mero|trae|tiene)\b|\bno\s+s[eé]\b", re.IGNORECASE)


def _performs(t: TurnState) -> bool:
    return True


async def on_walk_in(t: TurnState, u: Understanding) -> None:
    flow, walk_in = t.flow, kept(t, WalkInState)
    if flow.state == Step.SERVICE:
        options = [t.profile.service(i) for i in walk_in.options] or list(t.profile.services)
        choice = choose(t.text, [s.name for s in options])
        service_id = str(options[choice.index].id) if choice.index is not None else None
        if service_id is None:
            match = match_service(t.text, {str(s.id): s.name for s in options})
            if match.kind is MatchKind.MATCHED and match.candidates:
                service_id = str(match.candidates[0].id)
        if service_id is None:
            t.say("¿Cuál de estos?\n" + bullet_list(s.name for s in options))
            return
        walk_in.service_id = service_id
        await _walk_in_next(t)
    elif flow.state == Step.CUSTOMER_PHONE and walk_in.service_id:
        phone = phone_in(t, u)
        if phone is None:
            said_no = parse_yes_no(t.text).answer is False or "no " in f"{t.text.lower()} "
            # "Memo" or "no, se llama Memo": no phone, and the name the next question would ask
            name = None if any(ch.isdigit() for ch in t.text) or _NO_NAME.search(t.text) else (
                parse_person_name(_LEADING_NO.sub("", t.text)))
            if said_no or name:
                walk_in.phone, walk_in.no_phone = None, True
                if name:
                    walk_in.name = name
                await _walk_in_next(t)
                return
            phone_not_read(t, or_no=True)
            return
        walk_in.phone = phone
        await _walk_in_next(t)
    elif flow.state == Step.NAME and walk_in.service_id:
        name = parse_person_name(t.text)
        if not name:
            t.say("¿Cómo se llama?")
            return
        walk_in.name = name
        await _book_walk_in(t)
    else:
        await restart(t, u)
