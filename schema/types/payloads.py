"""What successful mutations return (the first member of each result union)."""

from datetime import datetime

import strawberry

from resolvers.admin import NewOrganization
from resolvers.magic_links import AdminSession as AdminSessionValue, StaffSession as StaffSessionValue
from resolvers.scheduling import BlockedTime, BookedAppointments
from schema.types.appointment import Appointment
from schema.types.block import Block
from schema.types.customer import Customer
from schema.types.ids import to_id
from schema.types.location import Location
from schema.types.organization import Organization
from schema.types.plan_usage import PlanUsage
from schema.types.staff_member import StaffMember
from schema.types.weekly_hours import WeeklyHours


@strawberry.type(description="A booked (or moved) visit: its appointments in order.")
class Booking:
    appointments: list[Appointment]
    customer: Customer
    booking_group_id: strawberry.ID | None
    starts_at: datetime
    ends_at: datetime
    usage: PlanUsage | None
    plan_warning: str | None = strawberry.field(description="Spanish note for the owner past the free plan's limit.")

    @classmethod
    def of(cls, value: BookedAppointments) -> "Booking":
        return cls(appointments=[Appointment.of(a) for a in value.appointments], customer=Customer.of(value.customer),
                   booking_group_id=to_id(value.booking_group_id) if value.booking_group_id else None,
                   starts_at=value.start, ends_at=value.end,
                   usage=PlanUsage.of(value.usage) if value.usage else None, plan_warning=value.plan_warning)


@strawberry.type(description="A new block and the active appointments it overlaps (they are not moved).")
class TimeBlocked:
    block: Block
    overlapping: list[Appointment]

    @classmethod
    def of(cls, value: BlockedTime) -> "TimeBlocked":
        return cls(block=Block.of(value.block), overlapping=[Appointment.of(a) for a in value.overlapping])


@strawberry.type
class RecurringAvailabilitySet:
    staff_id: strawberry.ID
    hours: list[WeeklyHours]


@strawberry.type
class Deleted:
    id: strawberry.ID


@strawberry.type
class OrganizationCreated:
    organization: Organization
    owner: StaffMember
    location: Location

    @classmethod
    def of(cls, value: NewOrganization) -> "OrganizationCreated":
        return cls(organization=Organization.of(value.organization), owner=StaffMember.of(value.owner),
                   location=Location.of(value.location))


@strawberry.type(description="A dashboard session: send `Authorization: Bearer <token>`.")
class StaffSession:
    token: str
    expires_at: datetime
    staff: StaffMember
    organization: Organization

    @classmethod
    def of(cls, value: StaffSessionValue) -> "StaffSession":
        return cls(token=value.token, expires_at=value.expires_at, staff=StaffMember.of(value.staff),
                   organization=Organization.of(value.organization))


@strawberry.type
class AdminSession:
    token: str
    expires_at: datetime

    @classmethod
    def of(cls, value: AdminSessionValue) -> "AdminSession":
        return cls(token=value.token, expires_at=value.expires_at)


@strawberry.type
class MagicLinkRequested:
    message: str


@strawberry.type(description="Every session of that person ended (they sign in again with a new link).")
class SignedOutEverywhere:
    staff_id: strawberry.ID
    message: str
