import uuid
from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from resolvers.admin import PlatformStats as PlatformStatsValue
from schema.types.ids import to_id
from schema.types.organization import Organization
from storage import ActivityEvent as ActivityEventRow


@strawberry.type
class StatusCount:
    status: str
    count: int


@strawberry.type(description="Platform-wide figures for Parlo admins.")
class PlatformStats:
    organizations: int
    organizations_by_status: list[StatusCount]
    appointments: int
    customers: int
    messages: int
    staff: int

    @classmethod
    def of(cls, value: PlatformStatsValue) -> "PlatformStats":
        return cls(organizations=value.organizations,
                   organizations_by_status=[StatusCount(status=k, count=v)
                                            for k, v in sorted(value.organizations_by_status.items())],
                   appointments=value.appointments, customers=value.customers, messages=value.messages,
                   staff=value.staff)


@strawberry.type(description="A line of the admin activity feed.")
class ActivityEvent:
    id: strawberry.ID
    kind: str
    summary: str = strawberry.field(description="The short technical note stored with the event.")
    sentence: str = strawberry.field(description=(
        "The event as a Spanish sentence for people: who did what, to whom, when "
        "(\"Un administrador de Parlo suspendió Estética Luna el miércoles 2 de diciembre, 2:30 PM.\")."))
    data: JSON
    created_at: datetime
    organization_id: strawberry.ID | None
    _organization_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field
    async def organization(self, info: strawberry.Info) -> Organization | None:
        if self._organization_id is None:
            return None
        row = await info.context.loaders.organizations.load(self._organization_id)
        return Organization.of(row) if row else None

    @classmethod
    def of(cls, row: ActivityEventRow, sentence: str | None = None) -> "ActivityEvent":
        return cls(id=to_id(row.id), kind=row.kind, summary=row.summary, sentence=sentence or row.summary,
                   data=dict(row.data or {}),
                   created_at=row.created_at,
                   organization_id=to_id(row.organization_id) if row.organization_id else None,
                   _organization_id=row.organization_id)
