"""The GraphQL context: the use-case :class:`resolvers.context.Context` plus this request's loaders.

Strawberry resolves sibling fields concurrently, so nothing here holds a session: use
cases and loaders open their own short sessions from ``ctx.db``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from resolvers.context import Context
from schema.dataloaders import (
    ChildrenOf,
    CountPerOrganization,
    RowsById,
    ServiceIdsBy,
    appointments_of_customer,
    messages_of_conversation,
    services_of_spot,
    services_of_staff,
    weekly_hours_of_staff,
)
from storage import (
    Appointment,
    Availability,
    Conversation,
    Customer,
    Location,
    Organization,
    OutboundMessage,
    ServiceType,
    Spot,
    Staff,
)


@dataclass
class DataLoaders:
    organizations: RowsById
    locations: RowsById
    services: RowsById
    spots: RowsById
    staff: RowsById
    customers: RowsById
    appointments: RowsById
    blocks: RowsById
    conversations: RowsById
    services_of_staff: ServiceIdsBy
    services_of_spot: ServiceIdsBy
    messages_of_conversation: ChildrenOf
    appointments_of_customer: ChildrenOf
    locations_of_organization: ChildrenOf
    weekly_hours_of_staff: ChildrenOf
    notifications_of_appointment: ChildrenOf
    staff_count: CountPerOrganization
    customer_count: CountPerOrganization
    appointment_count: CountPerOrganization

    @classmethod
    def for_request(cls, ctx: Context) -> "DataLoaders":
        db = ctx.db
        org = None if ctx.actor.is_admin else ctx.actor.organization_id
        if org is None and not ctx.actor.is_admin:
            org = uuid.UUID(int=0)  # anonymous: loaders find nothing
        return cls(
            organizations=RowsById(db, Organization, org, tenant_column="id"),
            locations=RowsById(db, Location, org),
            services=RowsById(db, ServiceType, org),
            spots=RowsById(db, Spot, org),
            staff=RowsById(db, Staff, org),
            customers=RowsById(db, Customer, org),
            appointments=RowsById(db, Appointment, org),
            blocks=RowsById(db, Availability, org),
            conversations=RowsById(db, Conversation, org),
            services_of_staff=services_of_staff(db),
            services_of_spot=services_of_spot(db),
            messages_of_conversation=messages_of_conversation(db, org),
            appointments_of_customer=appointments_of_customer(db, org),
            locations_of_organization=ChildrenOf(db, Location, "organization_id",
                                                 (Location.is_primary.desc(), Location.name), org),
            weekly_hours_of_staff=weekly_hours_of_staff(db, org),
            notifications_of_appointment=ChildrenOf(db, OutboundMessage, "appointment_id",
                                                    (OutboundMessage.created_at, OutboundMessage.id), org),
            staff_count=CountPerOrganization(db, Staff),
            customer_count=CountPerOrganization(db, Customer),
            appointment_count=CountPerOrganization(db, Appointment),
        )


@dataclass
class GraphQLContext:
    """``info.context`` in every resolver. ``use_case`` is what resolvers/ functions take."""

    use_case: Context
    loaders: DataLoaders
    request: object | None = None
    response: object | None = None
    _zones: dict[uuid.UUID, ZoneInfo] = field(default_factory=dict)

    @classmethod
    def build(cls, ctx: Context, request: object | None = None, response: object | None = None) -> "GraphQLContext":
        return cls(use_case=ctx, loaders=DataLoaders.for_request(ctx), request=request, response=response)

    async def zone_of(self, organization_id: uuid.UUID) -> ZoneInfo:
        """The organization's zone, for local times on any row (loaded once per request)."""
        zone = self._zones.get(organization_id)
        if zone is None:
            organization = await self.loaders.organizations.load(organization_id)
            zone = ZoneInfo(organization.timezone if organization else "America/Mexico_City")
            self._zones[organization_id] = zone
        return zone
