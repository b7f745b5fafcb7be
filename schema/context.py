"""The GraphQL context: the use-case :class:`resolvers.context.Context` plus this request's loaders.

Strawberry resolves sibling fields concurrently, so nothing here holds a session: use
cases and loaders open their own short sessions from ``ctx.db``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from resolvers.context import Context
from schema.dataloaders import (
    ChildrenOf,
    CountPerOrganization,
    RowsById,
    ServiceIdsBy,
    appointments_of_customer,
    closed_days_of_location,
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


class DataLoaders:
    """This request's loaders, each made on first use: a request touches a few of them, not all."""

    def __init__(self, ctx: Context) -> None:
        self._db, self._now = ctx.db, ctx.now
        org = None if ctx.actor.is_admin else ctx.actor.organization_id
        if org is None and not ctx.actor.is_admin:
            org = uuid.UUID(int=0)  # anonymous: loaders find nothing
        self._org = org

    @classmethod
    def for_request(cls, ctx: Context) -> "DataLoaders":
        return cls(ctx)

    def _rows(self, model: Any, **kwargs: Any) -> RowsById:
        return RowsById(self._db, model, self._org, **kwargs)

    @cached_property
    def organizations(self) -> RowsById:
        return self._rows(Organization, tenant_column="id")

    @cached_property
    def locations(self) -> RowsById:
        return self._rows(Location)

    @cached_property
    def services(self) -> RowsById:
        return self._rows(ServiceType)

    @cached_property
    def spots(self) -> RowsById:
        return self._rows(Spot)

    @cached_property
    def staff(self) -> RowsById:
        return self._rows(Staff)

    @cached_property
    def customers(self) -> RowsById:
        return self._rows(Customer)

    @cached_property
    def appointments(self) -> RowsById:
        return self._rows(Appointment)

    @cached_property
    def blocks(self) -> RowsById:
        return self._rows(Availability)

    @cached_property
    def conversations(self) -> RowsById:
        return self._rows(Conversation)

    @cached_property
    def services_of_staff(self) -> ServiceIdsBy:
        return services_of_staff(self._db)

    @cached_property
    def services_of_spot(self) -> ServiceIdsBy:
        return services_of_spot(self._db)

    @cached_property
    def messages_of_conversation(self) -> ChildrenOf:
        return messages_of_conversation(self._db, self._org)

    @cached_property
    def appointments_of_customer(self) -> ChildrenOf:
        return appointments_of_customer(self._db, self._org)

    @cached_property
    def locations_of_organization(self) -> ChildrenOf:
        return ChildrenOf(self._db, Location, "organization_id", (Location.is_primary.desc(), Location.name), self._org)

    @cached_property
    def closed_days_of_location(self) -> ChildrenOf:
        yesterday_anywhere = (self._now() - timedelta(days=1)).date()  # UTC-1 day: before any salon's today
        return closed_days_of_location(self._db, self._org, yesterday_anywhere)

    @cached_property
    def weekly_hours_of_staff(self) -> ChildrenOf:
        return weekly_hours_of_staff(self._db, self._org)

    @cached_property
    def notifications_of_appointment(self) -> ChildrenOf:
        return ChildrenOf(self._db, OutboundMessage, "appointment_id", (OutboundMessage.created_at, OutboundMessage.id),
                          self._org)

    @cached_property
    def staff_count(self) -> CountPerOrganization:
        return CountPerOrganization(self._db, Staff)

    @cached_property
    def customer_count(self) -> CountPerOrganization:
        return CountPerOrganization(self._db, Customer)

    @cached_property
    def appointment_count(self) -> CountPerOrganization:
        return CountPerOrganization(self._db, Appointment)


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
