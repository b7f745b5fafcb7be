"""The team: adding and removing people, and their permission level."""

from __future__ import annotations

from messaging.spanish import (
    ChoiceKind,
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
)

from ..base import TurnState
from .common import denied, read_phone, restart
from .state import AddStaffState, Level, PermissionsState, RemoveStaffState, Step, begin, kept

LEVEL_WORDS = (("solo ver", "viewer"), ("solo lectura", "viewer"), ("administrador", "admin"),
               ("administradora", "admin"), ("admin", "admin"), ("encargad", "admin"), ("dueñ", "owner"),
               ("emplead", "staff"), ("normal", "staff"))


def level_in(lowered: str) -> str | None:
    return next((level for word, level in LEVEL_WORDS if word in lowered), None)


async def start_add_staff(t: TurnState, u: Understanding) -> None:
    begin(t, AddStaffState(phone=u.slots.phone), Step.NAME)
    t.say("¡Claro! Necesito algunos datos:\n1. ¿Cómo se llama?")


async def on_add_staff(t: TurnState, u: Understanding) -> None:
    flow, adding = t.flow, kept(t, AddStaffState)
    if flow.state == Step.NAME:
        name = parse_person_name(t.text)
        if not name:
            t.say("¿Cómo se llama? Su nombre y apellido, por ejemplo: Pedro Hernández.")
            return
        adding.name = name
        if adding.phone:
            await _ask_services(t)
            return
        flow.state = Step.PHONE
        t.say("2. ¿Cuál es su número de WhatsApp?")
    elif flow.state == Step.PHONE and adding.name:
        phone = read_phone(t, u, example="55 1111 2222")
        if not phone:
            return
        adding.phone = phone
        await _ask_services(t)
    elif flow.state == Step.SERVICES and adding.name and adding.phone:
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
        result = await t.call("add_staff", name=adding.name, phone=adding.phone,
                              service_ids=[str(s.id) for s in picked], permission_level="staff")
        if denied(t, result):
            return
        adding.staff_id = result.value.staff_id
        first = adding.name.split()[0]
        flow.state = Step.OFFERING_WELCOME
        t.say(f"Perfecto. Agregué a {adding.name} ({format_phone(adding.phone)}) como empleado ✓\n\n"
              f"Ahora {first} puede escribirme desde su WhatsApp para:\n"
              "- Ver su agenda\n- Bloquear tiempo\n- Marcar citas completadas\n- Registrar walk-ins\n\n"
              f"¿Quieres que le mande un mensaje de bienvenida explicándole cómo usar Parlo?")
    elif flow.state == Step.OFFERING_WELCOME and adding.staff_id:
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            result = await t.call("send_staff_welcome", staff_id=adding.staff_id)
            if denied(t, result):
                return
            flow.state = Step.CONFIRMED
            t.say("Enviado ✓")
        else:
            flow.state = Step.CONFIRMED
            t.say("Va. Cuando te escriba, yo le explico cómo funciona. ¿Algo más?")
    else:
        await restart(t, u)


async def _ask_services(t: TurnState) -> None:
    first = kept(t, AddStaffState).name.split()[0]
    t.flow.state = Step.SERVICES
    t.say(f"3. ¿Qué servicios va a ofrecer {first}?\n" + bullet_list(s.name for s in t.profile.services))


async def start_remove_staff(t: TurnState, u: Understanding) -> None:
    name = u.slots.staff_name
    people = [m for m in t.profile.team if name and name.lower() in m.name.lower() and m.id != t.staff_id]
    if len(people) != 1:
        t.say("¿A quién doy de baja? Dime su nombre como aparece en el equipo: " +
              ", ".join(m.name for m in t.profile.team if m.id != t.staff_id) + ".")
        return
    begin(t, RemoveStaffState(staff_id=str(people[0].id), name=people[0].name), Step.CONFIRMING_REMOVAL)
    t.say(f"¿Seguro que quieres dar de baja a {people[0].name}? Ya no podrá usar Parlo ni recibir citas.")


async def on_remove_staff(t: TurnState, u: Understanding) -> None:
    flow, removing = t.flow, kept(t, RemoveStaffState)
    answer = parse_yes_no(t.text)
    if answer.answer is True:
        result = await t.call("remove_staff", staff_id=removing.staff_id)
        if denied(t, result):
            return
        flow.state = Step.CONFIRMED
        t.say(f"Listo, di de baja a {removing.name} ✓")
    else:
        flow.state = Step.CLOSED
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
    begin(t, PermissionsState(staff_id=str(person.id), name=person.name, level=Level(level)), Step.CONFIRMING)
    t.say(f"¿Cambio a {person.name} a {LEVEL_NAMES[level]}?")


async def on_permissions(t: TurnState, u: Understanding) -> None:
    flow, changing = t.flow, kept(t, PermissionsState)
    answer = parse_yes_no(t.text)
    if answer.answer is True:
        result = await t.call("change_permissions", staff_id=changing.staff_id, permission_level=changing.level.value)
        if denied(t, result):
            return
        flow.state = Step.CONFIRMED
        t.say(f"Listo ✓ {changing.name} ahora es {LEVEL_NAMES[changing.level]}.")
    else:
        flow.state = Step.CLOSED
        t.say("Va, no cambié nada.")
