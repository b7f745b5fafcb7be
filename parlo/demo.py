"""``parlo demo``: a realistic salon to try Parlo with — Barbería Don Carlos, in CDMX.

Idempotent: the salon is found by its WhatsApp number, and a second run changes nothing.
Appointments span the week around "today" in the salon's time zone (the injected clock),
placed so no staff member or spot is ever double-booked.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from resolvers.service_colours import PALETTE
from storage import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Availability,
    AvailabilityKind,
    Customer,
    Database,
    Location,
    Occupancy,
    Organization,
    OrganizationStatus,
    PermissionLevel,
    ServiceType,
    Spot,
    Staff,
    StaffRole,
    WhatsAppStatus,
)
from storage.ids import new_id

DEMO_NUMBER = "+525587654321"
DEMO_PLAN = "pro"
TIMEZONE = "America/Mexico_City"
BUSINESS_HOURS = {
    "0": [["09:00", "20:00"]], "1": [["09:00", "20:00"]], "2": [["09:00", "20:00"]],
    "3": [["09:00", "20:00"]], "4": [["09:00", "20:00"]], "5": [["09:00", "20:00"]],
    "6": [["10:00", "16:00"]],
}


@dataclass(frozen=True)
class DemoService:
    key: str
    name: str
    minutes: int
    pesos: int
    description: str


SERVICES = [
    DemoService("corte", "Corte de cabello", 45, 150, "Corte con máquina y tijera, lavado incluido."),
    DemoService("barba", "Arreglo de barba", 30, 100, "Perfilado y toalla caliente."),
    DemoService("corte_barba", "Corte y barba", 75, 220, "El combo completo."),
    DemoService("afeitado", "Afeitado clásico", 40, 180, "Navaja, espuma caliente y bálsamo."),
    DemoService("tinte", "Tinte para caballero", 60, 350, "Cubre canas, color natural."),
]
SPOTS = [
    ("Silla 1", {"corte", "barba", "corte_barba", "afeitado"}),
    ("Silla 2", {"corte", "barba", "corte_barba", "afeitado"}),
    ("Silla 3", {"corte", "barba", "corte_barba"}),
    ("Sillón de color", {"tinte"}),
]
# name, phone, level, services, weekly hours {weekday: (start, end)}
STAFF = [
    ("Carlos Mendoza", "+525512345001", PermissionLevel.OWNER, {"corte", "barba", "corte_barba", "afeitado"},
     {d: ("10:00", "19:00") for d in range(0, 6)}),
    ("Pedro Ramírez", "+525512345002", PermissionLevel.STAFF, {"corte", "barba", "corte_barba"},
     {**{d: ("11:00", "20:00") for d in range(1, 6)}, 6: ("10:00", "16:00")}),
    ("María López", "+525512345003", PermissionLevel.ADMIN, {"corte", "tinte"},
     {d: ("09:00", "17:00") for d in range(0, 5)}),
]
CUSTOMERS = [
    ("Juan Pérez", "+525511110001"), ("Miguel Sánchez", "+525511110002"), ("Luis Ramírez", "+525511110003"),
    ("Carlos Mendoza Ruiz", "+525511110004"), ("Roberto García", "+525511110005"), ("Ana Torres", "+525511110006"),
    ("Jorge Hernández", "+525511110007"), ("Diego Flores", "+525511110008"), ("Andrés Morales", "+525511110009"),
    ("Fernando Castillo", "+525511110010"), ("Ricardo Vargas", "+525511110011"), ("Emilio Ortega", "+525511110012"),
]


async def load_demo(db: Database, now: datetime) -> tuple[Organization, bool]:
    """Create the demo salon unless it exists. Returns (organization, created)."""
    async with db.transaction(write=True) as session:
        existing = await session.scalar(select(Organization).where(Organization.whatsapp_number == DEMO_NUMBER))
        if existing is not None:
            return existing, False

        org = Organization(
            name="Barbería Don Carlos", business_type="barbería", timezone=TIMEZONE,
            status=OrganizationStatus.ACTIVE, whatsapp_number=DEMO_NUMBER,
            whatsapp_status=WhatsAppStatus.CONNECTED, settings={}, created_at=now, updated_at=now,
            # A barbershop this busy books more than the free plan's monthly allowance in its demo
            # week alone; on the free plan every booking would carry the upsell (issue 22).
            plan=DEMO_PLAN,
        )
        session.add(org)
        await session.flush()
        location = Location(
            organization_id=org.id, name="Sucursal Roma", address="Calle Orizaba 101, Roma Nte., CDMX",
            is_primary=True, business_hours=BUSINESS_HOURS,
        )
        session.add(location)
        services = {
            s.key: ServiceType(
                organization_id=org.id, name=s.name, description=s.description,
                duration_minutes=s.minutes, price_cents=s.pesos * 100, color=PALETTE[i % len(PALETTE)],
            )
            for i, s in enumerate(SERVICES)
        }
        session.add_all(services.values())
        await session.flush()
        spots = []
        for order, (name, keys) in enumerate(SPOTS):
            spot = Spot(organization_id=org.id, location_id=location.id, name=name, display_order=order)
            spot.services = [services[k] for k in sorted(keys)]
            spots.append(spot)
        session.add_all(spots)
        staff_rows = []
        for name, phone, level, keys, hours in STAFF:
            member = Staff(
                organization_id=org.id, location_id=location.id, name=name, phone_number=phone,
                role=StaffRole.OWNER if level is PermissionLevel.OWNER else StaffRole.EMPLOYEE,
                permission_level=level, first_message_at=now,
            )
            member.services = [services[k] for k in sorted(keys)]
            staff_rows.append((member, keys, hours))
        session.add_all(m for m, _, _ in staff_rows)
        await session.flush()
        for member, _, hours in staff_rows:
            for weekday, (start, end) in hours.items():
                session.add(Availability(
                    organization_id=org.id, staff_id=member.id, kind=AvailabilityKind.RECURRING,
                    day_of_week=weekday, start_time=time.fromisoformat(start), end_time=time.fromisoformat(end),
                ))
        customers = [
            Customer(organization_id=org.id, phone_number=phone, name=name, name_verified_at=now)
            for name, phone in CUSTOMERS
        ]
        session.add_all(customers)
        await session.flush()

        zone = ZoneInfo(TIMEZONE)
        today = now.astimezone(zone).date()
        # Carlos eats from 2 to 3 every working day of the demo week.
        carlos = staff_rows[0][0]
        for offset in range(-3, 5):
            day = today + timedelta(days=offset)
            if day.weekday() in STAFF[0][4]:
                start = datetime.combine(day, time(14), zone).astimezone(timezone.utc)
                session.add(Availability(
                    organization_id=org.id, staff_id=carlos.id, kind=AvailabilityKind.BLOCK,
                    starts_at=start, ends_at=start + timedelta(hours=1), reason="Comida",
                ))
        _book_week(session, org, location, services, spots, staff_rows, customers, today, zone, now)
        return org, True


def _book_week(session, org, location, services, spots, staff_rows, customers, today: date, zone, now) -> None:
    """Fill about half of each working day, deterministically, without any overlap."""
    rng = random.Random(20260115)
    spot_busy: dict[uuid.UUID, list[tuple[datetime, datetime]]] = {s.id: [] for s in spots}
    spot_services = {s.id: {svc.id for svc in s.services} for s in spots}
    for offset in range(-3, 5):
        day = today + timedelta(days=offset)
        for member, keys, hours in staff_rows:
            if day.weekday() not in hours:
                continue
            start_s, end_s = hours[day.weekday()]
            cursor = datetime.combine(day, time.fromisoformat(start_s), zone)
            closing = datetime.combine(day, time.fromisoformat(end_s), zone)
            while cursor < closing:
                key = rng.choice(sorted(keys))
                service = services[key]
                end = cursor + timedelta(minutes=service.duration_minutes)
                lunch = member is staff_rows[0][0] and cursor.hour < 15 and (end.hour, end.minute) > (14, 0)
                start_utc, end_utc = cursor.astimezone(timezone.utc), end.astimezone(timezone.utc)
                spot = next(
                    (s for s in spots if service.id in spot_services[s.id]
                     and all(e <= start_utc or s_ >= end_utc for s_, e in spot_busy[s.id])),
                    None,
                )
                if lunch or end > closing or spot is None or rng.random() < 0.45:
                    cursor += timedelta(minutes=30)
                    continue
                spot_busy[spot.id].append((start_utc, end_utc))
                past = end_utc <= now
                status = (AppointmentStatus.NO_SHOW if rng.random() < 0.08 else AppointmentStatus.COMPLETED) if past \
                    else AppointmentStatus.CONFIRMED
                appointment = Appointment(
                    id=new_id(), organization_id=org.id, location_id=location.id,
                    customer_id=rng.choice(customers).id, service_type_id=service.id, staff_id=member.id,
                    spot_id=spot.id, starts_at=start_utc, ends_at=end_utc, status=status,
                    source=rng.choice([AppointmentSource.WHATSAPP, AppointmentSource.WHATSAPP, AppointmentSource.WALK_IN]),
                    price_cents=service.price_cents, created_at=now, updated_at=now,
                )
                session.add(appointment)
                session.add(Occupancy(organization_id=org.id, appointment_id=appointment.id,
                                      staff_id=member.id, starts_at=start_utc, ends_at=end_utc))
                session.add(Occupancy(organization_id=org.id, appointment_id=appointment.id,
                                      spot_id=spot.id, starts_at=start_utc, ends_at=end_utc))
                cursor = end


def next_steps() -> str:
    """What to try once the demo is loaded: who is who, and the commands to be each of them."""
    people = "\n".join(
        f"  {name:<16} {phone}  ({label})"
        for (name, phone, level, _, _), label in zip(STAFF, ("dueño", "barbero", "administradora"))
    )
    owner, barber = STAFF[0][1], STAFF[1][1]
    tries = [
        ("parlo chat --as +5215599990001", "un cliente nuevo: «Hola, quiero una cita para un corte mañana»"),
        (f"parlo chat --as {barber}", "Pedro, barbero: «¿qué tengo hoy?», «bloquea de 2 a 3»"),
        (f"parlo chat --as {owner}", "Carlos, el dueño: «¿qué hay mañana?», «Pedro se enfermó, no viene mañana»"),
        (f"parlo token --phone {owner} --link", "una liga para entrar al panel como Carlos (con `parlo serve`)"),
        ("parlo serve", "y abre http://127.0.0.1:8000"),
    ]
    width = max(len(command) for command, _ in tries)
    listed = "\n".join(f"  {command:<{width}}  # {what}" for command, what in tries)
    return (
        "El equipo (cada uno escribe desde su WhatsApp):\n"
        f"{people}\n"
        f"Clientes de ejemplo: {CUSTOMERS[0][0]} {CUSTOMERS[0][1]}, … ({len(CUSTOMERS)} en total). "
        f"El salón contesta en {DEMO_NUMBER}.\n\n"
        f"Qué probar:\n{listed}"
    )
