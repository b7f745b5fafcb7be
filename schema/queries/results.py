"""Unions for the single-object queries."""

from schema.errors import NotAuthenticated, NotFound, PermissionDenied, ValidationError, result
from schema.types.admin import PlatformStats
from schema.types.appointment import Appointment
from schema.types.conversation import Conversation
from schema.types.customer import Customer
from schema.types.figures import Figures
from schema.types.me import Me
from schema.types.organization import Organization
from schema.types.schedule import DaySchedule

MeResult = result("MeResult", Me, NotAuthenticated)
OrganizationResult = result("OrganizationResult", Organization, NotFound, PermissionDenied)
CustomerResult = result("CustomerResult", Customer, NotFound, PermissionDenied)
AppointmentResult = result("AppointmentResult", Appointment, NotFound, PermissionDenied)
ScheduleResult = result("ScheduleResult", DaySchedule, NotFound, PermissionDenied, ValidationError)
ConversationResult = result("ConversationResult", Conversation, NotFound, PermissionDenied)
PlatformStatsResult = result("PlatformStatsResult", PlatformStats, PermissionDenied)
FiguresResult = result("FiguresResult", Figures, NotFound, PermissionDenied, ValidationError)
