import uuid
from datetime import datetime

import strawberry

from resolvers import scheduling
from resolvers.errors import Problem
from resolvers.organization_settings import effective_settings
from schema.types.enums import OrganizationStatus, WhatsAppStatus
from schema.types.ids import to_id
from schema.types.location import Location
from schema.types.organization_settings import OrganizationSettings
from schema.types.plan_usage import PlanUsage
from storage import Organization as OrganizationRow


@strawberry.type(description="A business on Parlo.")
class Organization:
    id: strawberry.ID
    name: str
    business_type: str | None
    timezone: str
    status: OrganizationStatus
    whatsapp_number: str | None
    whatsapp_status: WhatsAppStatus
    whatsapp_connected: bool
    plan: str
    settings: OrganizationSettings = strawberry.field(description="Every setting with the value in force.")
    created_at: datetime
    _row_id: strawberry.Private[uuid.UUID]

    @strawberry.field
    async def locations(self, info: strawberry.Info) -> list[Location]:
        rows = await info.context.loaders.locations_of_organization.load(self._row_id)
        return [Location.of(r) for r in rows]

    @strawberry.field(description="Bookings this month against the plan (staff of this organization only).")
    async def usage(self, info: strawberry.Info) -> PlanUsage | None:
        ctx = info.context.use_case
        if not ctx.actor.is_staff or ctx.actor.organization_id != self._row_id:
            return None
        value = await scheduling.usage(ctx)
        return None if isinstance(value, Problem) else PlanUsage.of(value)

    @strawberry.field
    async def staff_count(self, info: strawberry.Info) -> int:
        return await info.context.loaders.staff_count.load(self._row_id)

    @strawberry.field
    async def customer_count(self, info: strawberry.Info) -> int:
        return await info.context.loaders.customer_count.load(self._row_id)

    @strawberry.field
    async def appointment_count(self, info: strawberry.Info) -> int:
        return await info.context.loaders.appointment_count.load(self._row_id)

    @classmethod
    def of(cls, row: OrganizationRow) -> "Organization":
        return cls(id=to_id(row.id), name=row.name, business_type=row.business_type, timezone=row.timezone,
                   status=row.status, whatsapp_number=row.whatsapp_number, whatsapp_status=row.whatsapp_status,
                   whatsapp_connected=str(row.whatsapp_status) == "connected", plan=row.plan,
                   settings=OrganizationSettings.of(effective_settings(row)), created_at=row.created_at, _row_id=row.id)
