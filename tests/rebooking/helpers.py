"""Appointments placed straight into the test salon, and checks every plan must pass."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from storage import (
    Appointment,
    AppointmentStatus,
    Customer,
    Database,
    Occupancy,
    PermissionLevel,
    ServiceType,
    Spot,
    Staff,
)
from storage.ids import new_id
from tests.resolvers.factories import Salon

CDMX = ZoneInfo("America/Mexico_City")


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """A January 2026 local time in Mexico City (the frozen clock is Friday the 16th, 10:00)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=CDMX)


async def customer(db: Database, salon: Salon, name: str, phone: str, *, accepts_moves: bool = False) -> Customer:
    now = local(16, 10)
    row = Customer(id=new_id(), organization_id=salon.org.id, phone_number=phone, name=name,
                   accepts_moves=accepts_moves, created_at=now, updated_at=now)
    async with db.transaction(write=True) as s:
        s.add(row)
    return row


async def place(db: Database, salon: Salon, who: Customer, service: ServiceType, staff: Staff, spot: Spot | None,
                start: datetime, *, chosen: bool = False) -> Appointment:
    """An appointment with its occupancy (no processing or buffer in the services used here but tinte)."""
    now = local(16, 10)
    end = start + timedelta(minutes=service.duration_minutes)
    row = Appointment(id=new_id(), organization_id=salon.org.id, location_id=salon.location.id,
                      customer_id=who.id, service_type_id=service.id, staff_id=staff.id,
                      spot_id=spot.id if spot else None, starts_at=start, ends_at=end,
                      status=AppointmentStatus.CONFIRMED, staff_requested=chosen, price_cents=service.price_cents,
                      created_at=now, updated_at=now)
    async with db.transaction(write=True) as s:
        s.add(row)
        await s.flush()
        s.add(Occupancy(id=new_id(), organization_id=salon.org.id, appointment_id=row.id, staff_id=staff.id,
                        starts_at=start, ends_at=end))
        if spot is not None:
            s.add(Occupancy(id=new_id(), organization_id=salon.org.id, appointment_id=row.id, spot_id=spot.id,
                            starts_at=start, ends_at=end))
    return row


async def add_admin(db: Database, salon: Salon, name: str = "Mara") -> Staff:
    now = local(16, 10)
    member = Staff(id=new_id(), organization_id=salon.org.id, location_id=salon.location.id, name=name,
                   phone_number=salon.ana.phone_number[:-4] + "0009", permission_level=PermissionLevel.ADMIN,
                   created_at=now, updated_at=now)
    async with db.transaction(write=True) as s:
        s.add(member)
    return member


async def overlaps(db: Database) -> list[str]:
    """Every pair of occupancy rows holding the same stylist or chair at once (must be empty)."""
    async with db.session() as s:
        rows = (await s.scalars(select(Occupancy))).all()
    by_resource: dict[uuid.UUID, list[Occupancy]] = defaultdict(list)
    for row in rows:
        by_resource[row.staff_id or row.spot_id].append(row)
    found = []
    for resource, held in by_resource.items():
        held.sort(key=lambda r: r.starts_at)
        for a, b in zip(held, held[1:]):
            if b.starts_at < a.ends_at:
                found.append(f"{resource}: {a.appointment_id} and {b.appointment_id}")
    return found


async def fetch(db: Database, model, *where):
    async with db.session() as s:
        return (await s.scalars(select(model).where(*where))).all()
