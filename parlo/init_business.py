"""``parlo init``: a real business from the terminal — the same result as onboarding by WhatsApp.

Every value comes from a flag or, on a terminal, from a question (``--no-input`` never
asks). The business is found by its WhatsApp number, so running the command again is
safe: it creates what is missing, updates what changed (name, time zone, hours, a
service's price or duration, new services and team members) and says what it did; a
second identical run changes nothing.

The work goes through the same use cases the dashboard and WhatsApp onboarding use
(``resolvers``), as the system actor, so every check (phone numbers, time zones,
prices, the week's hours) is the product's own.
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from parlo.clock import clock_from
from parlo.explain import CommandError
from parlo.settings import Settings
from resolvers.phones import InvalidPhone, normalise_phone

DEFAULT_TIMEZONE = "America/Mexico_City"
WEEKDAY_NAMES = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")

_ABBREVIATIONS = [  # what people type in a terminal → what the WhatsApp hours parser reads
    (r"\blun\b\.?", "lunes"), (r"\bmar\b\.?", "martes"), (r"\bmi[eé]\b\.?", "miércoles"), (r"\bjue\b\.?", "jueves"),
    (r"\bvie\b\.?", "viernes"), (r"\bs[aá]b\b\.?", "sábado"), (r"\bdom\b\.?", "domingo"),
]
_DAY_WORD = r"(?:lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bados?|domingos?)"
_PRICE = re.compile(r"^\$?\s*(\d{1,6}(?:[.,]\d{1,2})?)\s*(?:pesos|mxn)?$", re.I)
_DURATION = re.compile(r"^(\d{1,3}(?:[.,]\d+)?)\s*(min|mins|minutos|h|hr|hrs|hora|horas)?$", re.I)


@dataclass(frozen=True, slots=True)
class ServicePlan:
    name: str
    price_cents: int
    minutes: int


@dataclass
class BusinessPlan:
    name: str
    whatsapp: str
    timezone: str
    business_type: str | None
    owner_name: str
    owner_phone: str
    hours: list[tuple[int, time, time]]
    services: list[ServicePlan]
    staff: list[tuple[str, str]] = field(default_factory=list)
    previous_whatsapp: str | None = None  # the salon's number until now (moving from the sandbox)


# ---------------------------------------------------------------- reading what the person typed


def parse_hours(text: str) -> list[tuple[int, time, time]]:
    """«lunes a viernes de 10 a 8, sáb 10:00-15:00» → [(weekday, start, end)], every part understood."""
    from messaging.spanish import parse_weekly_hours

    spoken = text.lower()
    for pattern, word in _ABBREVIATIONS:
        spoken = re.sub(pattern, word, spoken)
    spoken = re.sub(rf"({_DAY_WORD})\s*[-–]\s*({_DAY_WORD})", r"\1 a \2", spoken)
    spoken = re.sub(r"(\d{1,2}(?::\d{2})?)\s*[-–]\s*(\d{1,2}(?::\d{2})?)", r"de \1 a \2", spoken)
    understood = parse_weekly_hours(spoken)
    if not understood or any(not h.closed and (h.start is None or h.end is None) for h in understood):
        raise CommandError(f"no entendí el horario «{text.strip()}»: escríbelo como «lunes a viernes de 10 a 8, "
                           "sábado de 10 a 3» (o «lun-vie 10:00-20:00, sáb 10:00-15:00»).")
    week: dict[int, tuple[time, time]] = {}
    for hours in understood:
        for weekday in hours.weekdays:
            if hours.closed:
                week.pop(weekday, None)
            else:
                week[weekday] = (hours.start, hours.end)  # type: ignore[assignment]
    if not week:
        raise CommandError("el horario no tiene ningún día abierto: escribe por ejemplo «lunes a sábado de 10 a 8».")
    return [(day, start, end) for day, (start, end) in sorted(week.items())]


def parse_service(text: str) -> ServicePlan:
    """«Corte de cabello, $150, 45 min» → ServicePlan (price in pesos, duration in minutes or hours)."""
    parts = [p.strip() for p in text.rsplit(",", 2)]
    example = "escríbelo como «Corte de cabello, $150, 45 min»"
    if len(parts) != 3 or not parts[0]:
        raise CommandError(f"no entendí el servicio «{text}»: {example}.")
    name, price_text, duration_text = parts
    price = _PRICE.match(price_text)
    if price is None:
        raise CommandError(f"no entendí el precio «{price_text}» de «{name}»: {example}.")
    duration = _DURATION.match(duration_text)
    if duration is None:
        raise CommandError(f"no entendí la duración «{duration_text}» de «{name}»: {example} (o «1.5 h»).")
    amount = float(duration.group(1).replace(",", "."))
    minutes = round(amount * 60) if (duration.group(2) or "min").lower().startswith("h") else round(amount)
    return ServicePlan(name=" ".join(name.split()), price_cents=round(float(price.group(1).replace(",", ".")) * 100),
                       minutes=minutes)


def parse_person(text: str) -> tuple[str, str]:
    """«Pedro Ramírez, 55 1111 2222» → (name, E.164 phone)."""
    name, _, phone = text.rpartition(",")
    if not name.strip():
        raise CommandError(f"no entendí «{text}»: escribe nombre y teléfono, por ejemplo «Pedro Ramírez, 55 1111 2222».")
    return " ".join(name.split()), _phone(phone, what=f"el teléfono de {name.strip()}")


def _phone(value: str, *, what: str) -> str:
    try:
        return normalise_phone(value)
    except InvalidPhone as exc:
        raise CommandError(f"{what}: {exc} Escríbelo con lada, por ejemplo +52 55 1234 5678.") from exc


def _zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CommandError(f"no conozco la zona horaria «{value}»: usa una IANA, por ejemplo America/Mexico_City, "
                           "America/Monterrey, America/Tijuana o America/Cancun.") from exc
    return value


Asker = Callable[[str], str]


def plan_from(args: argparse.Namespace, ask: Asker | None) -> BusinessPlan:
    """The plan from the flags, asking for what is missing when ``ask`` is given."""
    missing: list[str] = []

    def value(current: str | None, flag: str, question: str, *, default: str | None = None) -> str:
        if current:
            return current
        if ask is not None:
            answer = ask(question + (f" [{default}]" if default else "") + ": ").strip()
            if answer or default:
                return answer or default  # type: ignore[return-value]
        elif default is not None:
            return default
        missing.append(flag)
        return ""

    name = value(args.name, "--name", "Nombre del negocio")
    whatsapp = value(args.whatsapp, "--whatsapp", "WhatsApp del negocio (el número conectado a Twilio)")
    zone = value(args.timezone, "--timezone", "Zona horaria", default=DEFAULT_TIMEZONE)
    business_type = args.business_type or (ask("Tipo de negocio (barbería, salón de belleza, uñas…) []: ").strip()
                                           if ask else "") or None
    owner_name = value(args.owner_name, "--owner-name", "Tu nombre (dueña o dueño)")
    owner_phone = value(args.owner_phone, "--owner-phone", "Tu WhatsApp personal")
    hours = value(args.hours, "--hours", "Horario (p. ej. «lunes a viernes de 10 a 8, sábado de 10 a 3»)")
    services = list(args.service or [])
    if not services and ask is not None:
        print("Servicios, uno por línea como «Corte de cabello, $150, 45 min» (línea vacía para terminar):")
        while line := ask("  servicio: ").strip():
            services.append(line)
    if not services:
        missing.append("--service")
    staff = list(args.staff or [])
    if missing:
        raise CommandError(f"faltan {', '.join(missing)}: pásalos como opciones (ver `parlo init --help`) o corre "
                           "`parlo init` en una terminal para que te los pregunte.")
    return BusinessPlan(
        name=" ".join(name.split()), whatsapp=_phone(whatsapp, what="el WhatsApp del negocio"), timezone=_zone(zone),
        business_type=business_type, owner_name=" ".join(owner_name.split()),
        owner_phone=_phone(owner_phone, what="tu WhatsApp"), hours=parse_hours(hours),
        services=[parse_service(s) for s in services], staff=[parse_person(p) for p in staff],
        previous_whatsapp=_phone(args.previous_whatsapp, what="--previous-whatsapp")
        if getattr(args, "previous_whatsapp", None) else None,
    )


# ---------------------------------------------------------------- making it so


@dataclass
class Outcome:
    organization_id: uuid.UUID
    owner_id: uuid.UUID
    created: bool
    changes: list[str] = field(default_factory=list)


def _checked(value, what: str):
    from resolvers.errors import Problem

    if isinstance(value, Problem):
        raise CommandError(f"{what}: {value.message}")
    return value


async def apply_plan(settings: Settings, plan: BusinessPlan) -> Outcome:
    from resolvers.admin import OrganizationDraft, create_organization
    from resolvers.catalog import ServiceChanges, ServiceDraft, create_service, list_services, update_service
    from resolvers.context import Actor, Context, ResolverConfig
    from resolvers.organizations import OrganizationChanges, update_organization
    from resolvers.scheduling.blocks import set_business_hours
    from resolvers.scheduling.types import WeeklyRange
    from resolvers.staff_members import StaffChanges, StaffDraft, create_staff, list_staff, update_staff
    from storage import Database, Location, Organization, OrganizationStatus, PermissionLevel, WhatsAppStatus
    from storage.models.staff import staff_services

    clock = clock_from(settings.clock)
    config = ResolverConfig(jwt_secret=settings.jwt_secret.get_secret_value(), public_url=settings.public_url,
                            central_number=settings.central_number,
                            free_monthly_bookings=settings.free_monthly_bookings)
    db = Database.connect(settings.database_url)
    try:
        platform = Context(db=db, now=clock, actor=Actor.system(None), config=config)
        changes: list[str] = []
        async with db.transaction(write=True) as session:
            org = await session.scalar(select(Organization).where(Organization.whatsapp_number == plan.whatsapp))
            if plan.previous_whatsapp and org is None:
                org = await session.scalar(select(Organization).where(
                    Organization.whatsapp_number == plan.previous_whatsapp))
                if org is None:
                    raise CommandError(f"no hay ningún negocio con el WhatsApp {plan.previous_whatsapp}: revisa "
                                       "--previous-whatsapp, o quítalo para crear un negocio nuevo.")
                org.whatsapp_number, org.whatsapp_status = plan.whatsapp, WhatsAppStatus.CONNECTED
                changes.append(f"WhatsApp {plan.previous_whatsapp} → {plan.whatsapp}")
            known = (org.id, org.name, org.timezone, org.business_type) if org is not None else None
        if known is None:
            created = _checked(await create_organization(platform, OrganizationDraft(
                name=plan.name, owner_name=plan.owner_name, owner_phone=plan.owner_phone,
                business_type=plan.business_type, timezone=plan.timezone, whatsapp_number=plan.whatsapp,
                status=OrganizationStatus.ACTIVE)), "no pude crear el negocio")
            org_id, is_new = created.organization.id, True
            async with db.transaction(write=True) as session:
                row = await session.get(Organization, org_id)
                row.whatsapp_status = WhatsAppStatus.CONNECTED  # you connected it yourself (docs/twilio.md)
        else:
            org_id, is_new = known[0], False
        ctx = platform.acting_as(Actor.system(org_id))

        if known is not None:
            _, name, zone, business_type = known
            rename = OrganizationChanges(
                name=plan.name if plan.name != name else None,
                timezone=plan.timezone if plan.timezone != zone else None,
                business_type=plan.business_type if plan.business_type and plan.business_type != business_type
                else None)
            if any(v is not None for v in (rename.name, rename.timezone, rename.business_type)):
                _checked(await update_organization(ctx, rename), "no pude actualizar el negocio")
                changes.append("datos del negocio")

        async with db.session() as session:
            location = await session.scalar(select(Location).where(Location.organization_id == org_id,
                                                                   Location.is_primary.is_(True)))
        wanted_hours = {str(d): [[s.strftime("%H:%M"), e.strftime("%H:%M")]] for d, s, e in plan.hours}
        if location is None or {k: v for k, v in (location.business_hours or {}).items() if v} != wanted_hours:
            _checked(await set_business_hours(ctx, [WeeklyRange(d, s, e) for d, s, e in plan.hours]),
                     "no pude guardar el horario")
            changes.append("horario")

        existing = {s.name.casefold(): s for s in _checked(await list_services(ctx, include_inactive=True),
                                                           "no pude leer los servicios")}
        service_ids = []
        for service in plan.services:
            found = existing.get(service.name.casefold())
            if found is None:
                made = _checked(await create_service(ctx, ServiceDraft(
                    name=service.name, duration_minutes=service.minutes, price_cents=service.price_cents)),
                    f"no pude crear el servicio «{service.name}»")
                service_ids.append(made.id)
                changes.append(f"servicio nuevo: {service.name}")
                continue
            service_ids.append(found.id)
            if (found.duration_minutes, found.price_cents, found.is_active) != (service.minutes,
                                                                                 service.price_cents, True):
                _checked(await update_service(ctx, found.id, ServiceChanges(
                    duration_minutes=service.minutes, price_cents=service.price_cents, is_active=True)),
                    f"no pude actualizar «{service.name}»")
                changes.append(f"servicio actualizado: {service.name}")

        team = {s.phone_number: s for s in _checked(await list_staff(ctx, include_inactive=True),
                                                    "no pude leer el equipo")}
        async with db.session() as session:
            performs: dict[uuid.UUID, set[uuid.UUID]] = {}
            for staff_id, service_id in (await session.execute(
                    select(staff_services.c.staff_id, staff_services.c.service_type_id)
                    .where(staff_services.c.staff_id.in_([m.id for m in team.values()])))).all():
                performs.setdefault(staff_id, set()).add(service_id)
        people = [(plan.owner_name, plan.owner_phone, PermissionLevel.OWNER)] + \
                 [(name, phone, PermissionLevel.STAFF) for name, phone in plan.staff]
        owner_id = None
        for name, phone, level in people:
            member = team.get(phone)
            if member is None:
                # The plan is the owner's decision: its people work the business's hours.
                member = _checked(await create_staff(ctx, StaffDraft(name=name, phone=phone, permission_level=level,
                                                                     service_ids=tuple(service_ids),
                                                                     same_hours_as_business=True)),
                                  f"no pude dar de alta a {name}")
                changes.append(f"equipo: {name}" + (" (dueña/o)" if level is PermissionLevel.OWNER else ""))
            else:
                update = StaffChanges(
                    is_active=True if not member.is_active else None,
                    permission_level=level if level is PermissionLevel.OWNER
                    and member.permission_level is not PermissionLevel.OWNER else None,
                    service_ids=tuple(dict.fromkeys([*sorted(performs.get(member.id, ())), *service_ids]))
                    if not set(service_ids) <= performs.get(member.id, set()) else None)
                if any(v is not None for v in (update.is_active, update.permission_level, update.service_ids)):
                    _checked(await update_staff(ctx, member.id, update), f"no pude actualizar a {member.name}")
                    changes.append(f"equipo actualizado: {member.name}")
            if level is PermissionLevel.OWNER:
                owner_id = member.id
        return Outcome(organization_id=org_id, owner_id=owner_id, created=is_new, changes=changes)
    finally:
        await db.dispose()


def _hours_line(hours: list[tuple[int, time, time]]) -> str:
    return ", ".join(f"{WEEKDAY_NAMES[d]} {s.strftime('%H:%M')}–{e.strftime('%H:%M')}" for d, s, e in hours)


async def init_business(settings: Settings, args: argparse.Namespace) -> str:
    from parlo.app import ensure_schema
    from parlo.sign_in import find_staff, sign_in_link

    ask = None if args.no_input or not sys.stdin.isatty() else input
    plan = plan_from(args, ask)
    await ensure_schema(settings)
    outcome = await apply_plan(settings, plan)
    staff, org = await find_staff(settings, plan.owner_phone, str(outcome.organization_id))
    link = await sign_in_link(settings, staff, org, now=clock_from(settings.clock)())
    if outcome.created:
        head = f"Listo: di de alta «{plan.name}» (WhatsApp {plan.whatsapp}, {plan.timezone})."
    elif outcome.changes:
        head = f"«{plan.name}» ya existía; actualicé: {'; '.join(outcome.changes)}."
    else:
        head = f"«{plan.name}» ya existía y está igual: no cambié nada."
    prices = ", ".join(f"{s.name} ${s.price_cents / 100:,.0f} ({s.minutes} min)" for s in plan.services)
    team = "".join(f"\n  Equipo: {name} {phone}" for name, phone in plan.staff)
    return (
        f"{head}\n"
        f"  Dueña/o: {plan.owner_name} {plan.owner_phone}\n"
        f"  Horario: {_hours_line(plan.hours)}\n"
        f"  Servicios: {prices}{team}\n\n"
        "Para entrar al panel: corre `parlo serve` y abre esta liga (sirve una vez, vence en 15 minutos):\n"
        f"  {link}\n"
        f"  Otra liga cuando la necesites: parlo token --phone {plan.owner_phone} --link"
        " (o pídela en /entrar con tu número, cuando Twilio esté conectado).\n\n"
        "Para probarlo por WhatsApp sin Twilio:\n"
        f"  parlo chat --to {plan.whatsapp} --as +5215599990001   # un cliente: «Hola, quiero una cita»\n"
        f"  parlo chat --to {plan.whatsapp} --as {plan.owner_phone}   # tú: «¿qué tengo hoy?»\n"
        "Para conectar el número de verdad: docs/twilio.md; para revisar todo: parlo doctor."
    )
