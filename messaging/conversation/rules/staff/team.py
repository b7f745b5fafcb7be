"""The team: adding and removing people, and their permission level."""

from __future__ import annotations

from messaging.spanish import (
    ChoiceKind,
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
)

from ..base import TurnState
from .common import denied, restart

LEVEL_WORDS = (("solo ver", "viewer"), ("solo lectura", "viewer"), ("administrador", "admin"),
               ("administradora", "admin"), ("admin", "admin"), ("encargad", "admin"), ("dueñ", "owner"),
               ("emplead", "staff"), ("normal", "staff"))


def level_in(lowered: str) -> str | None:
    return next((level for word, level in LEVEL_WORDS if word in lowered), None)


async def start_add_staff(t: TurnState, u: Understanding) -> None:
    t.start("add_staff", "collecting_name", phone=u.slots.phone)
    t.say("¡Claro! Necesito algunos datos:\n1. ¿Cómo se llama?")


async def on_add_staff(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == "collecting_name":
        name = parse_person_name(t.text)
        if not name:
            t.say("¿Cómo se llama? Su nombre y apellido, por ejemplo: Pedro Hernández.")
            return
        flow.data["name"] = name
        if flow.data.get("phone"):
            await _ask_services(t)
            return
        flow.state = "collecting_phone"
        t.say("2. ¿Cuál es su número de WhatsApp?")
    elif flow.state == "collecting_phone":
        phone = u.slots.phone or extract_phone(t.text)
        if not phone:
            t.say("No reconocí ese número. Escríbelo a 10 dígitos, por ejemplo 55 1111 2222.")
            return
        flow.data["phone"] = phone
        await _ask_services(t)
    elif flow.state == "collecting_services":
        services = list(t.profile.services)
        choice = choose(t.text, [s.name for s in services])
        if choice.kind is ChoiceKind.ALL:
            picked = services
        elif choice.kind is ChoiceKind.PICKED:
            picked = [services[i] for i in choice.indexes]
        else:
            match = match_service(t.text, {str(s.id): s.name for s in services})
            picked = [t.profile.service(c.id) for c in match.candidates] if match.kind in (
                MatchKind.MATCHED, MatchKind.COMBINATION) else []
        if not picked:
            t.say("¿Cuáles? Puedes decirme «todos» o los nombres.")
            return
        result = await t.call("add_staff", name=flow.data["name"], phone=flow.data["phone"],
                              service_ids=[str(s.id) for s in picked], permission_level="staff")
        if denied(t, result):
            return
        flow.data["staff_id"] = result.data["staff_id"]
        first = flow.data["name"].split()[0]
        flow.state = "offering_welcome"
        t.say(f"Perfecto. Agregué a {flow.data['name']} ({format_phone(flow.data['phone'])}) como empleado ✓\n\n"
              f"Ahora {first} puede escribirme desde su WhatsApp para:\n"
              "- Ver su agenda\n- Bloquear tiempo\n- Marcar citas completadas\n- Registrar walk-ins\n\n"
              f"¿Quieres que le mande un mensaje de bienvenida explicándole cómo usar Parlo?")
    elif flow.state == "offering_welcome":
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            result = await t.call("send_staff_welcome", staff_id=flow.data["staff_id"])
            if denied(t, result):
                return
            flow.state = "confirmed"
            t.say("Enviado ✓")
        else:
            flow.state = "confirmed"
            t.say("Va. Cuando te escriba, yo le explico cómo funciona. ¿Algo más?")
    else:
        await restart(t, u)


async def _ask_services(t: TurnState) -> None:
    flow = t.flow
    first = flow.data["name"].split()[0]
    flow.state = "collecting_services"
    t.say(f"3. ¿Qué servicios va a ofrecer {first}?\n" + bullet_list(s.name for s in t.profile.services))


async def start_remove_staff(t: TurnState, u: Understanding) -> None:
    name = u.slots.staff_name
    people = [m for m in t.profile.team if name and name.lower() in m.name.lower() and m.id != t.staff_id]
    if len(people) != 1:
        t.say("¿A quién doy de baja? Dime su nombre como aparece en el equipo: " +
              ", ".join(m.name for m in t.profile.team if m.id != t.staff_id) + ".")
        return
    t.start("remove_staff", "confirming_removal", staff_id=str(people[0].id), name=people[0].name)
    t.say(f"¿Seguro que quieres dar de baja a {people[0].name}? Ya no podrá usar Parlo ni recibir citas.")


async def on_remove_staff(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    answer = parse_yes_no(t.text)
    if answer.answer is True:
        result = await t.call("remove_staff", staff_id=flow.data["staff_id"])
        if denied(t, result):
            return
        flow.state = "confirmed"
        t.say(f"Listo, di de baja a {flow.data['name']} ✓")
    else:
        flow.state = "closed"
        t.say("Va, no cambié nada.")


LEVEL_NAMES = {"owner": "dueño", "admin": "administrador", "staff": "empleado", "viewer": "solo lectura"}


async def start_permissions(t: TurnState, u: Understanding) -> None:
    name = u.slots.staff_name
    people = [m for m in t.profile.team if name and (m.name == name or name.lower() in m.name.lower())]
    level = level_in(t.text.lower())
    if len(people) != 1 or level is None:
        t.say("¿A quién y con qué permiso? Por ejemplo: «hazla administradora a María» o «Pedro solo ver».")
        return
    person = people[0]
    t.start("permissions", "confirming", staff_id=str(person.id), name=person.name, level=level)
    t.say(f"¿Cambio a {person.name} a {LEVEL_NAMES[level]}?")


async def on_permissions(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    answer = parse_yes_no(t.text)
    if answer.answer is True:
        result = await t.call("change_permissions", staff_id=flow.data["staff_id"], permission_level=flow.data["level"])
        if denied(t, result):
            return
        flow.state = "confirmed"
        t.say(f"Listo ✓ {flow.data['name']} ahora es {LEVEL_NAMES[flow.data['level']]}.")
    else:
        flow.state = "closed"
        t.say("Va, no cambié nada.")
