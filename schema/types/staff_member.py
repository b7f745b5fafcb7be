import uuid
from datetime import datetime

import strawberry

from resolvers.phones import display_phone
from schema.types.enums import PermissionLevel, StaffRole
from schema.types.ids import to_id
from schema.types.service import Service
from schema.types.spot import Spot
from schema.types.weekly_hours import WeeklyHours
from storage import Staff


@strawberry.type(description="Someone on the team, recognised on WhatsApp by their phone.")
class StaffMember:
    id: strawberry.ID
    name: str
    _phone: strawberry.Private[str]
    role: StaffRole
    permission_level: PermissionLevel
    is_active: bool
    has_written: bool = strawberry.field(description="Has written to Parlo at least once (onboarded).")
    hours_chosen: bool = strawberry.field(description=(
        "False while a newly added member waits for the owner to set their hours: until then nobody can book them."))
    created_at: datetime
    _row_id: strawberry.Private[uuid.UUID]
    _default_spot_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="E.164, e.g. +525512345678. Null for customers: a stylist's number is theirs.")
    def phone(self, info: strawberry.Info) -> str | None:
        return None if info.context.use_case.actor.is_customer else self._phone

    @strawberry.field(description="For people: 55 1234 5678 (null for customers).")
    def phone_display(self, info: strawberry.Info) -> str | None:
        return None if info.context.use_case.actor.is_customer else display_phone(self._phone)

    @strawberry.field
    async def services(self, info: strawberry.Info) -> list[Service]:
        ids = await info.context.loaders.services_of_staff.load(self._row_id)
        rows = await info.context.loaders.services.load_many(ids)
        return sorted((Service.of(r) for r in rows if r is not None), key=lambda s: (s.name, s.id))

    @strawberry.field(description="Weekly working hours in local time (setRecurringAvailability replaces them).")
    async def weekly_hours(self, info: strawberry.Info) -> list[WeeklyHours]:
        rows = await info.context.loaders.weekly_hours_of_staff.load(self._row_id)
        return [WeeklyHours.of(r) for r in rows]

    @strawberry.field
    async def default_spot(self, info: strawberry.Info) -> Spot | None:
        if self._default_spot_id is None:
            return None
        row = await info.context.loaders.spots.load(self._default_spot_id)
        return Spot.of(row) if row else None

    @classmethod
    def of(cls, row: Staff) -> "StaffMember":
        return cls(id=to_id(row.id), name=row.name, _phone=row.phone_number,
                   role=row.role,
                   permission_level=row.permission_level, is_active=row.is_active,
                   has_written=row.first_message_at is not None, created_at=row.created_at,
                   hours_chosen=(row.settings or {}).get("hours_chosen", True) is not False,
                   _row_id=row.id, _default_spot_id=row.default_spot_id)
