"""Onboarding by WhatsApp: a new staff member's first messages, a new business on the central number.

State lives in ``OnboardingSession`` (routing reads it: an unfinished one keeps the sender
in onboarding); what was said so far is typed and versioned (``onboarding_state``).
Staff (spec flow 2): collecting_name → collecting_availability →
showing_tutorial → completed, then the owner is told. Business (spec flow 1):
collecting_business_info (name, type, services, hours) → collecting_owner_info →
completed (the organization is created; connecting its WhatsApp number is the
provisioning step, done by the Parlo team).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import delete, select, update

from messaging.spanish import (
    extract_phone,
    parse_person_name,
    parse_weekly_hours,
    parse_yes_no,
)
from resolvers.outbox import enqueue
from resolvers.staff_members import hours_chosen
from resolvers.scheduling.notices import notice_recipients
from storage import Availability, AvailabilityKind, OnboardingKind, OnboardingSession, Organization, OutboundMessage, Staff
from wording import agree, bullet_list, business_gender, capitalize_first, format_duration, format_price

from .base import ABANDON_AFTER, TurnState
from .memory import HoursRow, encode
from .onboarding_state import Asking, BusinessOnboarding, NewService, OnboardingStep, StaffOnboarding, TeamMember


TUTORIAL = ("Esto es lo que puedes pedirme por aquí:\n"
            "• «¿Qué tengo hoy?» o «¿qué sigue?»\n"
            "• «Bloquea de 2 a 3 para mi comida»\n"
            "• «El de las 11 no llegó» o «ya terminé con Juan»\n"
            "• «Acaba de llegar alguien para corte»\n"
            "• «Mándame el link del panel» para ver tu agenda en la web")


def _which(t: TurnState, kind: OnboardingKind) -> tuple:
    """The turn's onboarding row, found on one shard (Citus): a staff member's in their salon; a
    business's, unfinished, in no salon yet (a finished one moved to the salon it created)."""
    if kind is OnboardingKind.STAFF:
        return (OnboardingSession.organization_id == t.profile.organization_id,
                OnboardingSession.staff_id == t.staff_id)
    return (OnboardingSession.organization_id == None,  # noqa: E711 (the nil tenant: no salon yet)
            OnboardingSession.kind == OnboardingKind.BUSINESS, OnboardingSession.phone_number == t.tc.phone)


async def _session(t: TurnState, kind: OnboardingKind) -> OnboardingSession | None:
    async with t.tc.ctx.db.session() as session:
        return await session.scalar(select(OnboardingSession).where(*_which(t, kind)))


async def _save(t: TurnState, kind: OnboardingKind, state: OnboardingStep, data: StaffOnboarding | BusinessOnboarding,
                *, organization_id=None) -> None:
    """Written with Core statements that name the row's salon: the ORM would locate a row that
    may belong to no salon by its id alone, which on Citus asks every shard."""
    now = t.now
    values: dict = dict(state=str(state), collected_data=data.dump(), last_message_at=now, updated_at=now)
    if state not in (OnboardingStep.COMPLETED, OnboardingStep.ABANDONED):
        values["last_active_state"] = str(state)
    moving_to = uuid.UUID(str(organization_id)) if organization_id is not None else None
    async with t.tc.ctx.db.transaction(write=True) as session:
        row = await session.scalar(select(OnboardingSession).where(*_which(t, kind)))
        if row is None:
            home = t.profile.organization_id if kind is OnboardingKind.STAFF else None
            session.add(OnboardingSession(kind=kind, phone_number=t.tc.phone,
                                          staff_id=t.staff_id if kind is OnboardingKind.STAFF else None,
                                          organization_id=moving_to or home, created_at=now, **values))
        elif moving_to is not None and row.organization_id != moving_to:
            await _move_to(session, row, moving_to, values)
        else:
            await session.execute(update(OnboardingSession).where(
                OnboardingSession.organization_id == row.organization_id, OnboardingSession.id == row.id)
                .values(**values).execution_options(synchronize_session=False))


async def _move_to(session, row: OnboardingSession, organization_id: uuid.UUID, values: dict) -> None:
    """The finished business onboarding goes to the salon it created. A row never changes
    tenant (Citus cannot move it between shards): a copy is written there, the original goes."""
    await session.execute(delete(OnboardingSession).where(
        OnboardingSession.organization_id == row.organization_id, OnboardingSession.id == row.id)
        .execution_options(synchronize_session=False))
    session.expunge(row)
    kept = dict(kind=row.kind, phone_number=row.phone_number, staff_id=row.staff_id,
                last_active_state=row.last_active_state, conversation_context=dict(row.conversation_context or {}),
                created_at=row.created_at)
    session.add(OnboardingSession(**{**kept, **values}, organization_id=organization_id))


def _resumed(row: OnboardingSession | None, t: TurnState) -> str:
    if row is None or row.last_message_at is None:
        return ""
    return "¡Qué gusto que sigas por aquí! Sigamos donde nos quedamos. " if t.now - row.last_message_at > ABANDON_AFTER \
        else ""


# ---------------------------------------------------------------- staff


async def staff(t: TurnState) -> None:
    """A staff member's first messages: welcome, ask only what is missing, never eat a request.

    The owner already gave their name; the hours may be set too (dashboard, GraphQL,
    WhatsApp). With hours set the first message gets a one-message welcome and is answered
    in the same turn; without them the request is answered and the hours asked after it.
    """
    row = await _session(t, OnboardingKind.STAFF)
    state = row.state if row else OnboardingStep.INITIATED
    if state == OnboardingStep.ABANDONED and row.last_active_state:
        state = row.last_active_state
    data = StaffOnboarding.load(row.collected_data if row else None)
    hello = _resumed(row, t)
    business = t.profile.name
    owner = t.profile.owner
    first = (t.staff_name or "").split()[0]
    if state == OnboardingStep.INITIATED and owner is not None and owner.id == t.staff_id:
        # The owner set the business up: no invitation to explain, just what they can ask.
        await _save(t, OnboardingKind.STAFF, OnboardingStep.COMPLETED, data)
        if await _answers_request(t):
            return
        t.say(f"¡Hola, {owner.name.split()[0]}! Ya estoy contestando el WhatsApp de {business} 🙌\n\n{TUTORIAL}\n"
              "• «Quiero agregar un empleado» o «cambia el horario»")
        return
    if state == OnboardingStep.INITIATED:
        invited_by = f"{owner.name.split()[0]} te agregó" if owner and owner.id != t.staff_id else "Te agregaron"
        welcome = (f"¡Hola, {first}! Soy Parlo, la asistente de {business}. {invited_by} al equipo para que "
                   "manejes tu agenda por aquí.")
        if await _has_hours(t):
            await _save(t, OnboardingKind.STAFF, OnboardingStep.COMPLETED, data)
            await _tell_owner(t, data)
            t.say(f"{welcome} Ya tengo tu horario ✓\n\n{TUTORIAL}")
            await _answers_request(t)
            return
        t.say(welcome)
        if await _answers_request(t):
            t.say("Por cierto, todavía no tengo tu horario: ¿qué días y en qué horario trabajas? Por ejemplo: "
                  "«de martes a sábado de 10 a 7».")
        else:
            t.say("Para darte citas necesito tu horario: ¿qué días y en qué horario trabajas? Por ejemplo: "
                  "«de martes a sábado de 10 a 7».")
        await _save(t, OnboardingKind.STAFF, OnboardingStep.AVAILABILITY, data)
        return
    if state == OnboardingStep.NAME:  # sessions started before names came from the owner
        answer = parse_yes_no(t.text)
        name = t.staff_name if answer.answer is True and not answer.rest else parse_person_name(answer.rest or t.text)
        if not name:
            t.say(hello + "¿Cómo quieres que te llame?")
            await _save(t, OnboardingKind.STAFF, OnboardingStep.NAME, data)
            return
        data.name = name
        t.say(f"{hello}¡Mucho gusto, {name.split()[0]}! ¿Qué días y en qué horario trabajas? Por ejemplo: "
              "«de martes a sábado de 10 a 7».")
        await _save(t, OnboardingKind.STAFF, OnboardingStep.AVAILABILITY, data)
        return
    if state == OnboardingStep.AVAILABILITY:
        hours = _hours(t.text)
        if not hours:
            if await _answers_request(t):  # a request, not hours: answer it, ask again after
                t.say("¿Y tu horario? Escríbelo así: «de lunes a viernes de 10 a 7».")
                return
            t.say(hello + "No entendí tu horario 🙏 Escríbelo así: «de lunes a viernes de 10 a 7, sábados de 10 a 3».")
            return
        result = await t.call("save_my_profile", name=data.name, hours=encode(hours))
        if not result.ok:
            t.say((result.message or "No pude guardar tu horario.") + " ¿Me lo escribes de nuevo?")
            return
        data.hours = hours
        t.say(f"{hello}Listo, guardé tu horario ✓ Ya quedaste registrado 🙌\n\n{TUTORIAL}")
        await _save(t, OnboardingKind.STAFF, OnboardingStep.COMPLETED, data)
        await _tell_owner(t, data)
        return
    # showing_tutorial (older sessions): the next message is a request, not a receipt
    await _save(t, OnboardingKind.STAFF, OnboardingStep.COMPLETED, data)
    await _tell_owner(t, data)
    if not await _answers_request(t):
        t.say("¡Perfecto! Ya quedaste registrado 🙌 Escríbeme cuando quieras ver tu agenda.")


async def _has_hours(t: TurnState) -> bool:
    """Weekly hours of their own, or the business's (everyone but the dashboard's newcomers waiting for hours)."""
    async with t.tc.ctx.db.session() as session:
        member = await session.scalar(select(Staff).where(Staff.organization_id == t.profile.organization_id,
                                                          Staff.id == t.staff_id))
        own = await session.scalar(select(Availability.id).where(
            Availability.organization_id == t.profile.organization_id, Availability.staff_id == t.staff_id,
            Availability.kind == AvailabilityKind.RECURRING).limit(1))
    return own is not None or (member is not None and hours_chosen(member))


async def _answers_request(t: TurnState) -> bool:
    """Answer the message as the staff flows would, when it asks for something (not a bare "hola").

    The flow it opens ("¿te refieres a la cita de…?") is kept like any management turn's.
    """
    from . import staff as staff_flows
    from .base import save_flow

    t.route_kind = "management"  # the tools of a member of the team, not of onboarding
    u = staff_flows.understand(t)
    if u.intent.value in ("greeting", "thanks", "goodbye", "unknown"):
        t.route_kind = "staff_onboarding"
        return False
    await staff_flows.handle(t)
    if t.flow is not None:
        await save_flow(t.tc.ctx.db, t.tc.conversation_id, t.flow, organization_id=t.profile.organization_id,
                        customer_id=None, staff_id=t.staff_id, now=t.now, traces=t.tc.traces)
    t.route_kind = "staff_onboarding"
    return True


def _hours(text: str) -> list[HoursRow]:
    """The weekly hours a message gives, one row per open day (none when it gives none)."""
    return [HoursRow(d, h.start.strftime("%H:%M"), h.end.strftime("%H:%M"))
            for h in parse_weekly_hours(text) if not h.closed and h.start and h.end for d in h.weekdays]


async def _tell_owner(t: TurnState, data: StaffOnboarding) -> None:
    """The owner (and admins who opted in) learn the new member is set up: a template, since
    the owner may not have written to Parlo in the last 24 hours; once per staff member."""
    async with t.tc.ctx.db.transaction(write=True) as session:
        organization = await session.get(Organization, t.profile.organization_id)
        for person in await notice_recipients(session, organization):
            key = f"staff_onboarding_completed:{t.staff_id}:{person.id}"
            if person.id == t.staff_id or not person.phone_number or \
                    await session.scalar(select(OutboundMessage.id).where(OutboundMessage.dedupe_key == key)):
                continue
            enqueue(session, now=t.now, to=person.phone_number, organization_id=organization.id,
                    kind="staff_onboarded", template_name="staff_onboarding_completed",
                    dedupe_key=key,
                    from_number=t.profile.whatsapp_number,
                    variables={"business_name": organization.name, "staff_name": data.name or t.staff_name})
    await t.tc.ctx.outbox_written()


# ---------------------------------------------------------------- business


_PRICE = re.compile(r"\$\s*(\d[\d,]*)|(\d[\d,]*)\s*(?:pesos|mxn|varos)", re.I)
_MINUTES = re.compile(r"(\d+(?:[.,]\d+)?)\s*(min|minutos|mins|hr|hrs|h|hora|horas)\b", re.I)


def parse_services(text: str) -> list[dict[str, Any]]:
    """'Corte $150 45 min, barba $100 30 min' → [{name, price_cents, duration_minutes}]."""
    services = []
    parts = []
    for chunk in re.split(r"[\n;]+|,(?!\d{3})", text):  # "$1,200" is one price
        several = len(_PRICE.findall(chunk)) > 1  # "Corte $150 y barba $100" (but "Corte y barba $220" is one)
        parts.extend(re.split(r"\s+y\s+(?=[A-Za-zÁÉÍÓÚáéíóúñ])", chunk) if several else [chunk])
    for part in parts:
        part = part.strip(" .-•*")
        if not part:
            continue
        price = _PRICE.search(part)
        minutes = _MINUTES.search(part)
        name = part
        for m in (price, minutes):
            if m:
                name = name.replace(m.group(0), " ")
        name = re.sub(r"\b(de|a|en|por|cuesta|dura)\s*$", "", " ".join(name.split()), flags=re.I).strip(" :-")
        if not name or not price:
            continue
        cents = int((price.group(1) or price.group(2)).replace(",", "")) * 100
        duration = 30
        if minutes:
            amount = float(minutes.group(1).replace(",", "."))
            duration = int(amount * 60) if minutes.group(2).lower().startswith("h") else int(amount)
        services.append({"name": capitalize_first(name), "price_cents": cents, "duration_minutes": duration})
    return services


def _nobody(text: str) -> bool:
    lowered = text.lower()
    return any(w in lowered for w in ("nadie", "solo yo", "sólo yo", "nomás yo", "nada más yo", "ninguno"))


def parse_team(text: str) -> list[dict[str, str]]:
    """'Pedro 55 1111 2222, Ana López 55 3333 4444' → [{name, phone}] (a chunk without both is skipped)."""
    team = []
    for chunk in re.split(r"[\n;,]+|\s+y\s+(?=[A-Za-zÁÉÍÓÚáéíóúñ])", text):
        phone = extract_phone(chunk)
        name = parse_person_name(re.sub(r"[\d+()\-\s]{7,}", " ", chunk).strip(" :-–.").strip())
        if phone and name:
            team.append({"name": name, "phone": phone})
    return team


async def business(t: TurnState) -> None:
    row = await _session(t, OnboardingKind.BUSINESS)
    state = row.state if row else OnboardingStep.INITIATED
    if state == OnboardingStep.ABANDONED and row.last_active_state:
        state = row.last_active_state
    data = BusinessOnboarding.load(row.collected_data if row else None)
    hello = _resumed(row, t)
    asking = data.asking
    K = OnboardingKind.BUSINESS

    async def ask(next_field: Asking, text: str, state: OnboardingStep = OnboardingStep.BUSINESS_INFO) -> None:
        data.asking = next_field
        t.say(text)
        await _save(t, K, state, data)

    if state == OnboardingStep.INITIATED:
        await ask(Asking.NAME, "¡Hola! Soy Parlo 👋 Contesto el WhatsApp de tu negocio y agendo tus citas solita, "
                          "las 24 horas. Te doy de alta en unos minutos. ¿Cómo se llama tu negocio?")
        return
    if state == OnboardingStep.BUSINESS_INFO:
        text = t.text.strip()
        if asking is Asking.NAME:
            if len(text) < 2:
                await ask(Asking.NAME, "¿Cómo se llama tu negocio?")
                return
            data.name = text[:200].strip(" .")
            await ask(Asking.TYPE, f"{hello}¡Qué buen nombre! ¿Qué tipo de negocio es? Por ejemplo: barbería, salón de "
                              "belleza, uñas, spa.")
        elif asking is Asking.TYPE:
            data.business_type = text[:60].lower().strip(" .")
            await ask(Asking.SERVICES, f"{hello}Perfecto. Ahora tus servicios, con precio y duración. Por ejemplo:\n"
                                  "«Corte $150 45 min, Barba $100 30 min, Corte y barba $220 1 hr»")
        elif asking is Asking.SERVICES:
            services = [NewService(**s) for s in parse_services(text)]
            if not services:
                await ask(Asking.SERVICES, "No logré leer los servicios 🙏 Escríbelos así: «Corte $150 45 min, "
                                      "Barba $100 30 min».")
                return
            data.services = services
            listed = bullet_list(f"{s.name} - {format_price(s.price_cents)} "
                                 f"({format_duration(s.duration_minutes)})" for s in services)
            await ask(Asking.HOURS, f"Anoté:\n{listed}\n\n¿Qué horario tienes? Por ejemplo: «de lunes a sábado de 10 a 8, "
                               "domingos cerrado».")
        elif asking is Asking.HOURS:
            hours = _hours(text)
            if not hours:
                await ask(Asking.HOURS, "No entendí el horario 🙏 Escríbelo así: «de lunes a sábado de 10 a 8».")
                return
            data.hours = hours
            await ask(Asking.TEAM, "¿Quién más atiende contigo? Mándame el nombre y el WhatsApp de cada quien, por "
                              "ejemplo «Pedro 55 1111 2222, Ana 55 3333 4444». Si solo eres tú, dime «nadie».")
        elif asking is Asking.TEAM:
            team = [TeamMember(**m) for m in parse_team(text)]
            if not team and parse_yes_no(text).answer is not False and not _nobody(text):
                await ask(Asking.TEAM, "No logré leer los nombres y números 🙏 Escríbelos así: «Pedro 55 1111 2222», "
                                  "o dime «nadie».")
                return
            data.staff = team
            await ask(Asking.OWNER_NAME, "¡Ya casi! ¿Cuál es tu nombre?", state=OnboardingStep.OWNER_INFO)
        else:
            await ask(Asking.NAME, "¿Cómo se llama tu negocio?")
        return
    if state == OnboardingStep.OWNER_INFO and not (data.name and data.services):
        # a row that lost what was said (unreadable, or from older code): ask again from the start
        await ask(Asking.NAME, "¿Cómo se llama tu negocio?")
        return
    if state == OnboardingStep.OWNER_INFO:
        name = parse_person_name(t.text)
        if not name:
            await ask(Asking.OWNER_NAME, "¿Cuál es tu nombre?", state=OnboardingStep.OWNER_INFO)
            return
        data.owner_name = name
        result = await t.call("create_business", name=data.name, business_type=data.business_type,
                              owner_name=name, services=encode(data.services), hours=encode(data.hours) or None,
                              staff=encode(data.staff) or None)
        if not result.ok:
            t.say((result.message or "No pude dar de alta tu negocio.") + " ¿Me ayudas a corregirlo?")
            await _save(t, K, OnboardingStep.OWNER_INFO, data)
            return
        created = result.value
        data.organization_id = created.organization_id
        await _save(t, K, OnboardingStep.COMPLETED, data, organization_id=created.organization_id)
        team = created.staff_added
        joined = (f"También registré a {', '.join(team)}: cuando te escriban al número del negocio, les explico "
                  "cómo funciona.\n\n") if team else ""
        t.say(f"¡Listo, {name.split()[0]}! {data.name} ya está {agree('dado', business_gender(data.name))} de alta en Parlo ✓\n\n{joined}"
              "El último paso es conectar el WhatsApp de tu negocio; en un momento te escribimos para hacerlo "
              "juntos. Mientras, puedes pedirme «mándame el link del panel» para ver tu agenda en la web.")
        return
    t.say("Tu negocio ya está dado de alta ✓ ¿En qué te ayudo?")
