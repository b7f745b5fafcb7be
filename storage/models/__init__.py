"""All model classes, importable from ``storage`` (``from storage import Appointment``)."""

from storage.base import NO_ORGANIZATION, Base
from storage.models.appointments import (
    ACTIVE_STATUSES,
    LONGEST_VISIT,
    Appointment,
    AppointmentReview,
    Occupancy,
    RebookingPlan,
)
from storage.models.audit import ActivityEvent, FunctionTrace
from storage.models.auth import AuthToken
from storage.models.catalog import ServiceType, Spot, spot_services
from storage.models.conversations import Conversation, FlowSession, Message, OnboardingSession
from storage.models.customers import Customer, WaitlistEntry
from storage.models.enums import (
    AppointmentSource,
    AppointmentStatus,
    AvailabilityKind,
    ContentType,
    ConversationChannel,
    ConversationStatus,
    DeliveryStatus,
    MessageDirection,
    OnboardingKind,
    OrganizationStatus,
    PermissionLevel,
    ResourceKind,
    SenderType,
    StaffRole,
    TokenType,
    TraceType,
    WaitlistStatus,
    WhatsAppStatus,
)
from storage.models.organization import Location, Organization, WhatsAppNumber
from storage.models.outbox import OutboundMessage
from storage.models.sign_in import SignInCounter
from storage.models.staff import Availability, Staff, StaffPhone, staff_services

__all__ = [
    "ACTIVE_STATUSES",
    "LONGEST_VISIT",
    "NO_ORGANIZATION",
    "ActivityEvent",
    "Appointment",
    "AppointmentReview",
    "AppointmentSource",
    "AppointmentStatus",
    "AuthToken",
    "Availability",
    "AvailabilityKind",
    "Base",
    "ContentType",
    "Conversation",
    "ConversationChannel",
    "ConversationStatus",
    "Customer",
    "DeliveryStatus",
    "FlowSession",
    "FunctionTrace",
    "Location",
    "Message",
    "MessageDirection",
    "Occupancy",
    "OnboardingKind",
    "OnboardingSession",
    "Organization",
    "OrganizationStatus",
    "OutboundMessage",
    "PermissionLevel",
    "RebookingPlan",
    "ResourceKind",
    "SenderType",
    "ServiceType",
    "SignInCounter",
    "Spot",
    "Staff",
    "StaffPhone",
    "StaffRole",
    "TokenType",
    "TraceType",
    "WaitlistEntry",
    "WaitlistStatus",
    "WhatsAppNumber",
    "WhatsAppStatus",
    "spot_services",
    "staff_services",
]
