"""Unions for the single-object queries."""

from schema.errors import result
from schema.types.admin import PlatformStats
from schema.types.appointment import Appointment
from schema.types.conversation import Conversation
from schema.types.customer import Customer
from schema.types.figures import Figures
from schema.types.me import Me
from schema.types.organization import Organization
from schema.types.schedule import DaySchedule

MeResult = result("MeResult", Me)
OrganizationResult = result("OrganizationResult", Organization)
CustomerResult = result("CustomerResult", Customer)
AppointmentResult = result("AppointmentResult", Appointment)
ScheduleResult = result("ScheduleResult", DaySchedule)
ConversationResult = result("ConversationResult", Conversation)
PlatformStatsResult = result("PlatformStatsResult", PlatformStats)
FiguresResult = result("FiguresResult", Figures)
