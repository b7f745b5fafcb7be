"""Each mutation's result union: its payload, or one of the expected problems."""

from resolvers.errors import Problem
from schema.errors import (
    Conflict,
    NotAuthenticated,
    NotFound,
    OffGrid,
    OutsideHours,
    PermissionDenied,
    SlotTaken,
    Suspended,
    TooManyAttempts,
    ValidationError,
    as_graphql,
    result,
)
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

# Which problems each operation can return, from its use case (resolvers/…). Anonymous callers
# never reach these fields over HTTP (401 first), so NotAuthenticated is listed only where a
# signed-in use case still answers it (sign-in itself). Suspended: writes that lock the
# organization (load_organization/load_place for_write) refuse a suspended one, which the
# WhatsApp tools can reach.
_ACCESS = (NotFound, PermissionDenied)
_EDIT = (*_ACCESS, ValidationError, Conflict)

BookingResult = result("BookingResult", Booking, *_ACCESS, ValidationError, OutsideHours, SlotTaken, OffGrid,
                       Suspended)
WalkInResult = result("WalkInResult", Booking, *_ACCESS, ValidationError, OutsideHours, SlotTaken, Suspended,
                      description="A walk-in starts now with whoever is free: never off the grid.")
AppointmentChangeResult = result("AppointmentChangeResult", Appointment, *_ACCESS, ValidationError, Suspended)
BlockTimeResult = result("BlockTimeResult", TimeBlocked, *_ACCESS, ValidationError, Suspended)
RemoveBlockResult = result("RemoveBlockResult", Block, *_ACCESS, ValidationError)
RecurringAvailabilityResult = result("RecurringAvailabilityResult", RecurringAvailabilitySet, *_ACCESS,
                                     ValidationError)
LocationResult = result("LocationResult", Location, *_EDIT, Suspended)
ServiceResult = result("ServiceResult", Service, *_EDIT)
SpotResult = result("SpotResult", Spot, *_EDIT)
StaffMemberResult = result("StaffMemberResult", StaffMember, *_EDIT)
CustomerChangeResult = result("CustomerChangeResult", Customer, *_EDIT)
DeleteResult = result("DeleteResult", Deleted, *_ACCESS, Conflict)
OrganizationChangeResult = result("OrganizationChangeResult", Organization, *_ACCESS, ValidationError)
CreateOrganizationResult = result("CreateOrganizationResult", OrganizationCreated, PermissionDenied, ValidationError,
                                  Conflict)
ImpersonationResult = result("ImpersonationResult", StaffSession, *_ACCESS, Suspended)
StaffSessionResult = result("StaffSessionResult", StaffSession, NotAuthenticated, ValidationError, Suspended,
                            TooManyAttempts)
AdminSessionResult = result("AdminSessionResult", AdminSession, NotAuthenticated, PermissionDenied, TooManyAttempts)
MagicLinkResult = result("MagicLinkResult", MagicLinkRequested, ValidationError, TooManyAttempts)
SignOutResult = result("SignOutResult", SignedOutEverywhere, *_ACCESS)


def outcome(value, convert, union):
    """The payload converted, or the problem as its GraphQL type (one ``union`` lists)."""
    return as_graphql(value, union) if isinstance(value, Problem) else convert(value)
