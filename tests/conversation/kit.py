"""The spec's salons and a WhatsApp chat driven through the real webhook.

Barbería Don Carlos (Mexico City, Monday–Saturday 10:00–20:00): Corte de cabello 45 min
$150, Arreglo de barba 30 min $100, Corte y barba 75 min $220; Carlos Mendoza (owner)
and Pedro Ramírez (staff). Uñas Bonitas: Manicure $200 (45 min), Pedicure $250 (1 hr),
Mani + Pedi $400 (1.5 hr); Lucía (owner) and María (staff).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import select

from storage.ids import new_id
from storage import (
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    Customer,
    Database,
    Location,
    Occupancy,
    Organization,
    OrganizationStatus,
    OutboundMessage,
    PermissionLevel,
    ServiceType,
    Staff,
    StaffRole,
    WhatsAppStatus,
)
from tests.messaging.whatsapp_kit import new_sid, post_signed, twilio_form

MX = ZoneInfo("America/Mexico_City")
HOURS = {str(d): [["10:00", "20:00"]] for d in range(6)}


@dataclass
class Shop:
    org: Organization
    number: str
    services: dict[str, ServiceType]
    staff: dict[str, Staff]


async def make_shop(db: Database, now: datetime, *, name: str, number: str,
                    services: list[tuple[str, str, int, int]], staff: list[tuple[str, str, str, PermissionLevel]],
                    hours: dict | None = None) -> Shop:
    async with db.transaction(write=True) as s:
        org = Organization(id=new_id(), name=name, timezone="America/Mexico_City",
                           status=OrganizationStatus.ACTIVE, whatsapp_number=number, plan="free",
                           whatsapp_status=WhatsAppStatus.CONNECTED, settings={}, created_at=now, updated_at=now)
        s.add(org)
        await s.flush()
        location = Location(id=new_id(), organization_id=org.id, name=name, is_primary=True,
                            address="Av. Álvaro Obregón 120, Roma Norte", business_hours=hours or HOURS,
                            created_at=now, updated_at=now)
        s.add(location)
        made = {}
        for order, (key, service_name, minutes, pesos) in enumerate(services):
            made[key] = ServiceType(id=new_id(), organization_id=org.id, name=service_name,
                                    duration_minutes=minutes, price_cents=pesos * 100,
                                    created_at=now + timedelta(seconds=order), updated_at=now)
        s.add_all(made.values())
        await s.flush()
        people = {}
        for key, person_name, phone, level in staff:
            member = Staff(id=new_id(), organization_id=org.id, location_id=location.id, name=person_name,
                           phone_number=phone, permission_level=level,
                           role=StaffRole.OWNER if level is PermissionLevel.OWNER else StaffRole.EMPLOYEE,
                           first_message_at=now - timedelta(days=30), created_at=now, updated_at=now)
            member.services = list(made.values())
            people[key] = member
        s.add_all(people.values())
    return Shop(org, number, made, people)


async def don_carlos(db: Database, now: datetime) -> Shop:
    return await make_shop(
        db, now, name="Barbería Don Carlos", number="+525587654321",
        services=[("corte", "Corte de cabello", 45, 150), ("barba", "Arreglo de barba", 30, 100),
                  ("combo", "Corte y barba", 75, 220)],
        staff=[("carlos", "Carlos Mendoza", "+525512345001", PermissionLevel.OWNER),
               ("pedro", "Pedro Ramírez", "+525512345002", PermissionLevel.STAFF)])


async def unas_bonitas(db: Database, now: datetime) -> Shop:
    return await make_shop(
        db, now, name="Uñas Bonitas", number="+525587650000",
        services=[("mani", "Manicure", 45, 200), ("pedi", "Pedicure", 60, 250), ("manipedi", "Mani + Pedi", 90, 400)],
        staff=[("lucia", "Lucía Torres", "+525512340001", PermissionLevel.OWNER),
               ("maria", "María López", "+525512340002", PermissionLevel.STAFF)])


async def add_customer(db: Database, shop: Shop, phone: str, name: str | None, *, verified: datetime | None) -> Customer:
    async with db.transaction(write=True) as s:
        customer = Customer(id=new_id(), organization_id=shop.org.id, phone_number=phone, name=name,
                            name_verified_at=verified, profile_data={}, accepts_moves=False,
                            created_at=verified or datetime(2025, 1, 1, tzinfo=MX),
                            updated_at=verified or datetime(2025, 1, 1, tzinfo=MX))
        s.add(customer)
    return customer


async def add_appointment(db: Database, shop: Shop, customer: Customer, service: str, staff: str, day: date,
                          at: time, now: datetime) -> Appointment:
    """An appointment written straight to the tables (with its occupancy), as if booked earlier."""
    svc = shop.services[service]
    start = datetime.combine(day, at, MX)
    end = start + timedelta(minutes=svc.duration_minutes)
    member = shop.staff[staff]
    async with db.transaction(write=True) as s:
        appointment = Appointment(id=new_id(), organization_id=shop.org.id, customer_id=customer.id,
                                  service_type_id=svc.id, staff_id=member.id, location_id=member.location_id,
                                  starts_at=start, ends_at=end, status=AppointmentStatus.CONFIRMED,
                                  source=AppointmentSource.WHATSAPP, price_cents=svc.price_cents,
                                  created_at=now, updated_at=now)
        s.add(appointment)
        await s.flush()
        s.add(Occupancy(organization_id=shop.org.id, appointment_id=appointment.id, staff_id=member.id,
                        starts_at=start, ends_at=end))
    return appointment


class Chat:
    """One person writing to one WhatsApp number; ``send`` returns what Parlo answered."""

    def __init__(self, http: httpx.AsyncClient, db: Database, sender: str, to: str) -> None:
        self.http, self.db, self.sender, self.to = http, db, sender, to
        self.transcript: list[tuple[str, str]] = []

    async def send(self, text: str, **form: str) -> list[str]:
        """``form``: more of Twilio's fields (``NumMedia``, ``MediaUrl0``, ``MediaContentType0``…)."""
        seen = {m.id for m in await self._replies()}
        response = await post_signed(self.http, "/webhooks/twilio",
                                     twilio_form(sender=self.sender, to=self.to, body=text, sid=new_sid(), **form))
        assert response.status_code == 200
        await self.http.messaging.queue.drain()
        replies = [m.body for m in await self._replies() if m.id not in seen]
        self.transcript.append((text, "\n---\n".join(replies)))
        if os.environ.get("PARLO_SHOW_CHAT"):
            print(f"\n> {text}\n" + "\n---\n".join(replies))
        return replies

    async def say(self, text: str, **form: str) -> str:
        return "\n".join(await self.send(text, **form))

    async def _replies(self) -> list[OutboundMessage]:
        async with self.db.session() as s:
            return list((await s.scalars(select(OutboundMessage).where(
                OutboundMessage.to_number == f"whatsapp:{self.sender}", OutboundMessage.kind == "reply")
                .order_by(OutboundMessage.created_at, OutboundMessage.id))).all())


async def outbound_to(db: Database, phone: str) -> list[OutboundMessage]:
    async with db.session() as s:
        return list((await s.scalars(select(OutboundMessage).where(
            OutboundMessage.to_number == f"whatsapp:{phone}").order_by(OutboundMessage.created_at, OutboundMessage.id))).all())


async def appointments_of(db: Database, shop: Shop) -> list[Appointment]:
    async with db.session() as s:
        return list((await s.scalars(select(Appointment).where(Appointment.organization_id == shop.org.id)
                                     .order_by(Appointment.starts_at, Appointment.id))).all())
