"""A small salon with known hours, people and chairs, and contexts to act in it.

Estética Lupita (Mexico City unless told otherwise), open Monday–Saturday 9:00–19:00:
- services: corte 45 min $150; barba 30 min $100; tinte 90 min $600 with 40 min of
  processing after the first 30 (the stylist is free, the colour chair is not);
- staff: Ana (owner: corte, barba, tinte), Beto (staff: corte, barba), Vero (viewer: corte);
- spots: Silla 1 and Silla 2 (corte, barba), Sillón de color (tinte).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time

from resolvers.context import Actor, Context, ResolverConfig
from storage.ids import new_id
from storage import (
    Availability,
    AvailabilityKind,
    Customer,
    Database,
    Location,
    Organization,
    OrganizationStatus,
    PermissionLevel,
    ServiceType,
    Spot,
    Staff,
)

HOURS = {str(d): [["09:00", "19:00"]] for d in range(6)}
CONFIG = ResolverConfig(jwt_secret="test-secret-with-enough-entropy-0123456789", free_monthly_bookings=50)


@dataclass
class Salon:
    org: Organization
    location: Location
    corte: ServiceType
    barba: ServiceType
    tinte: ServiceType
    ana: Staff
    beto: Staff
    vero: Staff
    silla1: Spot
    silla2: Spot
    sillon: Spot
    lupe: Customer  # a known customer
    outsider: Customer  # another customer of the same salon


async def make_salon(db: Database, now: datetime, *, timezone: str = "America/Mexico_City",
                     name: str = "Estética Lupita", phone_prefix: str = "+52551234", staff_hours: bool = False,
                     settings: dict | None = None, hours: dict | None = None) -> Salon:
    async with db.transaction(write=True) as s:
        org = Organization(id=new_id(), name=name, timezone=timezone, status=OrganizationStatus.ACTIVE,
                           settings=settings or {}, plan="free", whatsapp_number=f"{phone_prefix}9999",
                           created_at=now, updated_at=now)
        s.add(org)
        await s.flush()
        location = Location(id=new_id(), organization_id=org.id, name="Centro", is_primary=True,
                            business_hours=hours or HOURS, created_at=now, updated_at=now)
        corte = ServiceType(id=new_id(), organization_id=org.id, name="Corte", duration_minutes=45,
                            price_cents=15000, created_at=now, updated_at=now)
        barba = ServiceType(id=new_id(), organization_id=org.id, name="Barba", duration_minutes=30,
                            price_cents=10000, created_at=now, updated_at=now)
        tinte = ServiceType(id=new_id(), organization_id=org.id, name="Tinte", duration_minutes=90,
                            price_cents=60000, processing_offset_minutes=30, processing_minutes=40,
                            created_at=now, updated_at=now)
        s.add_all([location, corte, barba, tinte])
        await s.flush()

        def person(name: str, phone: str, level: PermissionLevel, services: list[ServiceType]) -> Staff:
            member = Staff(id=new_id(), organization_id=org.id, location_id=location.id, name=name,
                           phone_number=phone, permission_level=level, created_at=now, updated_at=now)
            member.services = services
            return member

        ana = person("Ana", f"{phone_prefix}0001", PermissionLevel.OWNER, [corte, barba, tinte])
        beto = person("Beto", f"{phone_prefix}0002", PermissionLevel.STAFF, [corte, barba])
        vero = person("Vero", f"{phone_prefix}0003", PermissionLevel.VIEWER, [corte])

        def spot(name: str, services: list[ServiceType], order: int) -> Spot:
            place = Spot(id=new_id(), organization_id=org.id, location_id=location.id, name=name,
                         display_order=order, created_at=now, updated_at=now)
            place.services = services
            return place

        silla1, silla2 = spot("Silla 1", [corte, barba], 0), spot("Silla 2", [corte, barba], 1)
        sillon = spot("Sillón de color", [tinte], 2)
        lupe = Customer(id=new_id(), organization_id=org.id, phone_number=f"{phone_prefix}5001", name="Lupe",
                        created_at=now, updated_at=now)
        outsider = Customer(id=new_id(), organization_id=org.id, phone_number=f"{phone_prefix}5002",
                            name="Otra", created_at=now, updated_at=now)
        s.add_all([ana, beto, vero, silla1, silla2, sillon, lupe, outsider])
        await s.flush()
        if staff_hours:
            for member in (ana, beto, vero):
                for weekday in range(6):
                    s.add(Availability(organization_id=org.id, staff_id=member.id, kind=AvailabilityKind.RECURRING,
                                       day_of_week=weekday, start_time=time(9), end_time=time(19),
                                       created_at=now, updated_at=now))
    return Salon(org, location, corte, barba, tinte, ana, beto, vero, silla1, silla2, sillon, lupe, outsider)


def context(db: Database, clock, actor: Actor, *, notified: list | None = None) -> Context:
    async def notify() -> None:
        if notified is not None:
            notified.append(True)

    return Context(db=db, now=clock, actor=actor, config=CONFIG, outbox_notifier=notify)


def as_staff(salon: Salon, member: Staff) -> Actor:
    return Actor.staff(organization_id=salon.org.id, staff_id=member.id, level=member.permission_level,
                       phone=member.phone_number)


def as_customer(salon: Salon, customer: Customer) -> Actor:
    return Actor.customer(organization_id=salon.org.id, customer_id=customer.id, phone=customer.phone_number)
