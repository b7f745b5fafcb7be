"""Walk-ins: "acaba de llegar alguien para corte" → service, phone, name, booked now."""

from __future__ import annotations

import re

from messaging.spanish import (
    MatchKind,
    choose,
    extract_phone,
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
from .common import denied, restart


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
    flow = t.start("walk_in", "collecting_service", phone=u.slots.phone)
    if u.slots.customer_name:
        flow.data["name"] = u.slots.customer_name
    if service_id is None:
        flow.data["options"] = [str(s.id) for s in options]
        t.say("¿Qué servicio quiere? Tenemos:\n" + bullet_list(
            format_service_line(s.name, s.price_cents, s.duration_minutes) for s in options))
        return
    flow.data["service_id"] = service_id
    await _walk_in_next(t)


async def _walk_in_next(t: TurnState) -> None:
    flow = t.flow
    if "phone" not in flow.data or flow.data.get("phone") is None and not flow.data.get("no_phone"):
        flow.state = "collecting_customer_phone"
        t.say("Perfecto. ¿Tienes el teléfono del cliente para registrarlo? Si no, dime «no».")
        return
    if flow.data.get("phone") and not flow.data.get("name") and not flow.data.get("looked_up"):
        flow.data["looked_up"] = True
        known = await t.call("get_customer_history", customer_phone=flow.data["phone"])
        exact = [c for c in (known.data.get("customers", []) if known.ok else [])
                 if c["phone"] == flow.data["phone"] and c["name"]]
        if exact:
            flow.data["name"] = exact[0]["name"]
    if not flow.data.get("name"):
        flow.state = "collecting_name"
        t.say("Registrado. ¿Nombre?" if flow.data.get("phone") else "Va. ¿Nombre?")
        return
    await _book_walk_in(t)


async def _book_walk_in(t: TurnState) -> None:
    flow = t.flow
    service = t.profile.service(flow.data["service_id"])
    result = await t.call("book_walk_in", service_id=str(service.id), customer_phone=flow.data.get("phone"),
                          customer_name=flow.data.get("name"), staff_id=str(t.staff_id) if _performs(t) else None)
    if not result.ok and _performs(t):
        result = await t.call("book_walk_in", service_id=str(service.id), customer_phone=flow.data.get("phone"),
                              customer_name=flow.data.get("name"))
    if denied(t, result):
        return
    a = result.data["appointments"][0]
    who = "contigo" if a["staff_id"] == str(t.staff_id) else f"con {a['staff']}"
    phone = f" ({format_phone(flow.data['phone'])})" if flow.data.get("phone") else ""
    flow.state = "confirmed"
    t.say(f"Listo ✓ Registré a {flow.data['name']}{phone} para {service.name} ahora {at_hhmm(a['start'])} {who}.")


_LEADING_NO = re.compile(r"^\s*(?:no|nop|nel|pos\s+no|pues\s+no)\b[\s,.!]*", re.IGNORECASE)
_NO_NAME = re.compile(r"\b(?:sin|tel[eé]fono|tel|cel(?:ular)?|n[uú]mero|trae|tiene)\b|\bno\s+s[eé]\b", re.IGNORECASE)


def _performs(t: TurnState) -> bool:
    return True


async def on_walk_in(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == "collecting_service":
        options = [t.profile.service(i) for i in flow.data.get("options", [])] or list(t.profile.services)
        choice = choose(t.text, [s.name for s in options])
        service_id = str(options[choice.index].id) if choice.index is not None else None
        if service_id is None:
            match = match_service(t.text, {str(s.id): s.name for s in options})
            if match.kind is MatchKind.MATCHED and match.candidates:
                service_id = str(match.candidates[0].id)
        if service_id is None:
            t.say("¿Cuál de estos?\n" + bullet_list(s.name for s in options))
            return
        flow.data["service_id"] = service_id
        await _walk_in_next(t)
    elif flow.state == "collecting_customer_phone":
        phone = u.slots.phone or extract_phone(t.text)
        if phone is None:
            said_no = parse_yes_no(t.text).answer is False or "no " in f"{t.text.lower()} "
            # "Memo" or "no, se llama Memo": no phone, and the name the next question would ask
            name = None if any(ch.isdigit() for ch in t.text) or _NO_NAME.search(t.text) else (
                parse_person_name(_LEADING_NO.sub("", t.text)))
            if said_no or name:
                flow.data.update(phone=None, no_phone=True)
                if name:
                    flow.data["name"] = name
                await _walk_in_next(t)
                return
            t.say("No reconocí ese número. Escríbelo a 10 dígitos, por ejemplo 55 1234 5678, o dime «no».")
            return
        flow.data["phone"] = phone
        await _walk_in_next(t)
    elif flow.state == "collecting_name":
        name = parse_person_name(t.text)
        if not name:
            t.say("¿Cómo se llama?")
            return
        flow.data["name"] = name
        await _book_walk_in(t)
    else:
        await restart(t, u)
