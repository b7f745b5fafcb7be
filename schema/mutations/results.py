"""Each mutation's result union: its payload, or one of the expected problems."""

from resolvers.errors import Problem
from schema.errors import TooManyAttempts, as_graphql, result
from schema.types.appointment import Appointment
from schema.types.block import Block
from schema.types.customer import Customer
from schema.types.location import Location
from schema.types.organization import Organization
from schema.types.payloads import (
    AdminSession,
    Booking,
    Deleted,
    MagicLinkRequested,
    OrganizationCreated,
    RecurringAvailabilitySet,
    SignedOutEverywhere,
    StaffSession,
    TimeBlocked,
)
from schema.types.service import Service
from schema.types.spot import Spot
from schema.types.staff_member import StaffMember

BookingResult = result("BookingResult", Booking)
AppointmentChangeResult = result("AppointmentChangeResult", Appointment)
BlockTimeResult = result("BlockTimeResult", TimeBlocked)
RemoveBlockResult = result("RemoveBlockResult", Block)
RecurringAvailabilityResult = result("RecurringAvailabilityResult", RecurringAvailabilitySet)
LocationResult = result("LocationResult", Location)
ServiceResult = result("ServiceResult", Service)
SpotResult = result("SpotResult", Spot)
StaffMemberResult = result("StaffMemberResult", StaffMember)
CustomerChangeResult = result("CustomerChangeResult", Customer)
DeleteResult = result("DeleteResult", Deleted)
OrganizationChangeResult = result("OrganizationChangeResult", Organization)
CreateOrganizationResult = result("CreateOrganizationResult", OrganizationCreated)
StaffSessionResult = result("StaffSessionResult", StaffSession, extra=(TooManyAttempts,))
AdminSessionResult = result("AdminSessionResult", AdminSession, extra=(TooManyAttempts,))
MagicLinkResult = result("MagicLinkResult", MagicLinkRequested, extra=(TooManyAttempts,))
SignOutResult = result("SignOutResult", SignedOutEverywhere)


def outcome(value, convert):
    """The payload converted, or the problem as its GraphQL type."""
    return as_graphql(value) if isinstance(value, Problem) else convert(value)
