"""The storage vocabularies as GraphQL enums (values are the stored strings)."""

import strawberry

from resolvers.context import ActorKind as _ActorKind
from resolvers.scheduling import AgendaItemKind as _AgendaItemKind, PartOfDay as _PartOfDay
from storage import (
    AppointmentSource as _AppointmentSource,
    AppointmentStatus as _AppointmentStatus,
    ContentType as _ContentType,
    ConversationChannel as _ConversationChannel,
    ConversationStatus as _ConversationStatus,
    DeliveryStatus as _DeliveryStatus,
    MessageDirection as _MessageDirection,
    OrganizationStatus as _OrganizationStatus,
    PermissionLevel as _PermissionLevel,
    SenderType as _SenderType,
    StaffRole as _StaffRole,
    WhatsAppStatus as _WhatsAppStatus,
)

AppointmentStatus = strawberry.enum(_AppointmentStatus, name="AppointmentStatus")
AppointmentSource = strawberry.enum(_AppointmentSource, name="AppointmentSource")
ConversationStatus = strawberry.enum(_ConversationStatus, name="ConversationStatus")
ConversationChannel = strawberry.enum(_ConversationChannel, name="ConversationChannel")
DeliveryStatus = strawberry.enum(_DeliveryStatus, name="DeliveryStatus")
MessageDirection = strawberry.enum(_MessageDirection, name="MessageDirection")
ContentType = strawberry.enum(_ContentType, name="ContentType")
OrganizationStatus = strawberry.enum(_OrganizationStatus, name="OrganizationStatus")
PermissionLevel = strawberry.enum(_PermissionLevel, name="PermissionLevel")
SenderType = strawberry.enum(_SenderType, name="SenderType")
StaffRole = strawberry.enum(_StaffRole, name="StaffRole")
WhatsAppStatus = strawberry.enum(_WhatsAppStatus, name="WhatsAppStatus")
ActorKind = strawberry.enum(_ActorKind, name="ActorKind")
AgendaItemKind = strawberry.enum(_AgendaItemKind, name="AgendaItemKind")
PartOfDay = strawberry.enum(_PartOfDay, name="PartOfDay")
