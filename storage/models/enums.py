"""The closed vocabularies of the data model, stored as checked strings on both backends."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


class StrEnum(str, enum.Enum):
    def __str__(self) -> str:  # so f-strings and logs show the value, not the member name
        return self.value


class OrganizationStatus(StrEnum):
    ONBOARDING = "onboarding"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    CHURNED = "churned"


class WhatsAppStatus(StrEnum):
    NOT_CONNECTED = "not_connected"
    PENDING = "pending"
    CONNECTED = "connected"
    FAILED = "failed"


class StaffRole(StrEnum):
    OWNER = "owner"
    EMPLOYEE = "employee"


class PermissionLevel(StrEnum):
    OWNER = "owner"
    ADMIN = "admin"
    STAFF = "staff"
    VIEWER = "viewer"


class AppointmentStatus(StrEnum):
    PENDING = "pending"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"


class AppointmentSource(StrEnum):
    WHATSAPP = "whatsapp"
    WEB = "web"
    MANUAL = "manual"
    WALK_IN = "walk_in"


class ResourceKind(StrEnum):
    STAFF = "staff"
    SPOT = "spot"


class AvailabilityKind(StrEnum):
    RECURRING = "recurring"  # weekly working hours
    EXCEPTION = "exception"  # a dated change: extra hours or a day off
    BLOCK = "block"  # an instant range taken out: lunch, personal time, holiday
    SPOT_OUT = "spot_out"  # a chair or station out of use over an instant range (``spot_id``)


class ConversationStatus(StrEnum):
    ACTIVE = "active"
    RESOLVED = "resolved"
    HANDED_OFF = "handed_off"


class ConversationChannel(StrEnum):
    BUSINESS = "business"  # a business's own number: customers and its staff
    CENTRAL = "central"  # Parlo's number: onboarding and management


class MessageDirection(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"


class SenderType(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    AI = "ai"
    SYSTEM = "system"


class ContentType(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"
    TEMPLATE = "template"
    OTHER = "other"


class DeliveryStatus(StrEnum):
    """An outbound message's life; the order is the order statuses may move in."""

    PENDING = "pending"  # in the outbox, not yet handed to Twilio
    SENDING = "sending"  # claimed by a worker
    QUEUED = "queued"  # accepted by Twilio
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    FAILED = "failed"  # permanent failure, or retries exhausted


class TokenType(StrEnum):
    MAGIC_LINK = "magic_link"


class OnboardingKind(StrEnum):
    BUSINESS = "business"
    STAFF = "staff"


class TraceType(StrEnum):
    SERVICE = "service"
    AI_TOOL = "ai_tool"
    EXTERNAL_API = "external_api"


class WaitlistStatus(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"
    BOOKED = "booked"
    EXPIRED = "expired"


def db_enum(enum_cls: type[StrEnum], name: str) -> Enum:
    """A VARCHAR + CHECK enum: portable, and adding a value is a plain migration."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )
