"""The GraphQL operations the tools run in-process, and how their answers become results.

Runners execute a named operation (:data:`DOCUMENTS`, parsed and validated once per process,
through :func:`schema.schema.execute_prepared`) with the sender's
:class:`~resolvers.context.Context`, so the resolvers' permission checks are the only ones that count. Where the schema has no operation yet the runner calls the use case
directly behind the same interface; those are listed in :data:`NOT_IN_SCHEMA_YET`.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from .base import ToolContext, ToolResult, iso_local
from .results import Appointment, Appointments


@lru_cache(maxsize=1)
def _schema():
    from schema.schema import build_schema

    return build_schema(introspection=False)


# Each result union lists only the problems its operation can return, and GraphQL refuses a
# fragment on a type outside the union: the alternatives are asked for only where they can come.
_PROBLEM = "__typename ... on Problem { message }"
_TAKEN = "... on SlotTaken { alternatives { start staffId } }"
_ALTERNATIVES = _TAKEN + " ... on OffGrid { alternatives { start staffId } }"
_APPOINTMENT = ("id startsAt endsAt status localDate localStart priceCents "
                "service { id name durationMinutes priceCents } staff { id name } customer { id name phone }")

#: Every GraphQL operation the tools run, by operation name.
DOCUMENTS: dict[str, str] = {
    "AvailableSlots": """
query AvailableSlots($serviceIds: [ID!]!, $from: DateTime!, $to: DateTime!, $staffId: ID, $limit: Int!,
                     $moving: ID) {
  availableSlots(serviceIds: $serviceIds, from: $from, to: $to, staffId: $staffId, limit: $limit,
                 movingAppointmentId: $moving) {
    start end staffId staff { name }
  }
}""",
    "BookAppointment": f"""
mutation BookAppointment($input: BookAppointmentInput!) {{
  bookAppointment(input: $input) {{ {_PROBLEM} {_ALTERNATIVES} ... on Booking {{ startsAt appointments {{ {_APPOINTMENT} }} }} }}
}}""",
    "BookWalkIn": f"""
mutation BookWalkIn($input: BookWalkInInput!) {{
  bookWalkIn(input: $input) {{ {_PROBLEM} {_TAKEN} ... on Booking {{ startsAt appointments {{ {_APPOINTMENT} }} }} }}
}}""",
    "MyAppointments": f"""
query MyAppointments($from: DateTime!, $status: [AppointmentStatus!]) {{
  appointments(from: $from, status: $status, first: 20) {{ nodes {{ {_APPOINTMENT} }} }}
}}""",
    "MyPastVisits": f"""
query MyPastVisits($from: DateTime!, $to: DateTime!) {{
  appointments(from: $from, to: $to, status: [COMPLETED], first: 200) {{ nodes {{ {_APPOINTMENT} bookingGroupId }} }}
}}""",
    "Appointments": f"""
query Appointments($from: DateTime!, $to: DateTime!, $staffId: ID, $status: [AppointmentStatus!]) {{
  appointments(from: $from, to: $to, staffId: $staffId, status: $status, first: 100) {{ nodes {{ {_APPOINTMENT} }} }}
}}""",
    "CancelAppointment": f"""
mutation CancelAppointment($id: ID!, $reason: String, $notify: Boolean!) {{
  cancelAppointment(id: $id, reason: $reason, notifyCustomer: $notify) {{ {_PROBLEM} ... on Appointment {{ {_APPOINTMENT} }} }}
}}""",
    "RescheduleAppointment": f"""
mutation RescheduleAppointment($id: ID!, $start: DateTime!, $notify: Boolean!, $staffId: ID) {{
  rescheduleAppointment(id: $id, start: $start, notifyCustomer: $notify, staffId: $staffId) {{
    {_PROBLEM} {_ALTERNATIVES} ... on Booking {{ startsAt appointments {{ {_APPOINTMENT} }} }}
  }}
}}""",
    "MarkAppointment": f"""
mutation MarkAppointment($id: ID!, $status: AppointmentStatus!) {{
  markAppointment(id: $id, status: $status) {{ {_PROBLEM} ... on Appointment {{ {_APPOINTMENT} }} }}
}}""",
    "SetAppointmentNotes": f"""
mutation SetAppointmentNotes($id: ID!, $notes: String) {{
  setAppointmentNotes(id: $id, notes: $notes) {{ {_PROBLEM} ... on Appointment {{ {_APPOINTMENT} notes }} }}
}}""",
    "Schedule": f"""
query Schedule($date: Date!, $staffId: ID) {{
  schedule(date: $date, staffId: $staffId) {{
    {_PROBLEM}
    ... on DaySchedule {{
      date closed
      staff {{
        staff {{ id name }}
        workingHours {{ localStart localEnd }}
        entries {{ kind startsAt endsAt localStart localEnd reason appointment {{ {_APPOINTMENT} }} block {{ id }} }}
      }}
    }}
  }}
}}""",
    "BlockTime": f"""
mutation BlockTime($input: BlockTimeInput!) {{
  blockTime(input: $input) {{
    {_PROBLEM} ... on TimeBlocked {{ block {{ id startsAt endsAt reason }} overlapping {{ {_APPOINTMENT} }} }}
  }}
}}""",
    "Blocks": """
query Blocks($from: DateTime!, $to: DateTime!, $staffId: ID) {
  blocks(from: $from, to: $to, staffId: $staffId) { id startsAt endsAt reason wholeLocation }
}""",
    "RemoveBlock": f"""
mutation RemoveBlock($id: ID!) {{ removeBlock(id: $id) {{ {_PROBLEM} ... on Block {{ id startsAt endsAt }} }} }}""",
    "CustomerHistory": f"""
query CustomerHistory($search: String!) {{
  customers(search: $search, first: 5) {{ nodes {{ id name phone notes appointments(first: 10) {{ {_APPOINTMENT} }} }} }}
}}""",
    "CreateStaffMember": f"""
mutation CreateStaffMember($input: CreateStaffMemberInput!) {{
  createStaffMember(input: $input) {{ {_PROBLEM} ... on StaffMember {{ id name phone permissionLevel }} }}
}}""",
    "UpdateStaffMember": f"""
mutation UpdateStaffMember($id: ID!, $input: UpdateStaffMemberInput!) {{
  updateStaffMember(id: $id, input: $input) {{ {_PROBLEM} ... on StaffMember {{ id name phone permissionLevel isActive }} }}
}}""",
    "SetBusinessHours": f"""
mutation SetBusinessHours($hours: [WeeklyHoursInput!]!) {{
  setBusinessHours(hours: $hours) {{ {_PROBLEM} ... on Location {{ id }} }}
}}""",
    "UpdateService": f"""
mutation UpdateService($id: ID!, $input: UpdateServiceInput!) {{
  updateService(id: $id, input: $input) {{ {_PROBLEM} ... on Service {{ id name durationMinutes priceCents }} }}
}}""",
    "CreateService": f"""
mutation CreateService($input: CreateServiceInput!) {{
  createService(input: $input) {{ {_PROBLEM} ... on Service {{ id name durationMinutes priceCents }} }}
}}""",
    "SuggestRebooking": f"""
mutation SuggestRebooking($input: SuggestRebookingInput!) {{
  suggestRebooking(input: $input) {{
    {_PROBLEM}
    ... on RebookingPlan {{
      id optimal
      moves {{ id appointmentId customerName serviceName affected
               before {{ staffName startsAt }} after {{ staffName startsAt }} }}
      unplaceable {{ appointmentId customerName serviceName startsAt message }}
    }}
  }}
}}""",
    "ApplyRebooking": f"""
mutation ApplyRebooking($planId: ID!, $moveIds: [ID!]!) {{
  applyRebooking(planId: $planId, moveIds: $moveIds) {{
    {_PROBLEM} ... on RebookingApplied {{ noticesQueued customersOffered applied {{ id }}
      refused {{ moveId appointmentId message }} }}
  }}
}}""",
    "ReplanRebooking": f"""
mutation ReplanRebooking($planId: ID!, $appointmentIds: [ID!]) {{
  replanRebooking(planId: $planId, appointmentIds: $appointmentIds) {{
    {_PROBLEM}
    ... on RebookingPlan {{
      id optimal
      moves {{ id appointmentId customerName serviceName affected
               before {{ staffName startsAt }} after {{ staffName startsAt }} }}
      unplaceable {{ appointmentId customerName serviceName startsAt message }}
    }}
  }}
}}""",
    "RequestMagicLink": f"""
mutation RequestMagicLink($phone: String!) {{
  requestMagicLink(phone: $phone) {{ {_PROBLEM} ... on MagicLinkRequested {{ message }} }}
}}""",
    "DayFigures": f"""
query DayFigures($first: Date!, $last: Date, $staffId: ID) {{
  dayFigures(firstDay: $first, lastDay: $last, staffId: $staffId) {{
    {_PROBLEM}
    ... on Figures {{
      staffId appointments completed cancelled noShows scheduled revenueCents expectedRevenueCents newCustomers
      busiestDay busiestDayAppointments busiestHour busiestHourAppointments
      byStaff {{ staffId name appointments completed noShows revenueCents }}
    }}
  }}
}}""",
    "SetRecurringAvailability": """
mutation SetRecurringAvailability($staffId: ID!, $hours: [WeeklyHoursInput!]!) {
  setRecurringAvailability(staffId: $staffId, hours: $hours) { __typename ... on Problem { message } }
}""",
}

#: Tools run as use cases until the schema has an operation for them (report to the schema owner).
NOT_IN_SCHEMA_YET = ("update_my_name", "answer_waitlist_offer", "rate_my_visit", "handoff_to_human", "hand_back_conversation", "send_message_to_customer",
                     "send_staff_welcome", "create_business", "finish_staff_onboarding")

_PROBLEM_NAMES = frozenset({"NotFound", "PermissionDenied", "NotAuthenticated", "ValidationError",
                            "OutsideHours", "SlotTaken", "OffGrid", "Conflict", "Suspended", "TooManyAttempts"})


class OperationFailed(RuntimeError):
    """The operation itself broke (a bug or a malformed document): never shown to a person."""


def prepared(name: str):
    """The operation ``name`` of :data:`DOCUMENTS`, parsed and validated for :func:`_schema`."""
    return _prepared(_schema(), name)


@lru_cache(maxsize=64)
def _prepared(schema, name: str):
    from schema.schema import prepare_operation

    return prepare_operation(schema, DOCUMENTS[name], name)


def prepare_all() -> None:
    for name in DOCUMENTS:
        prepared(name)


async def run_operation(tc: ToolContext, name: str, variables: dict[str, Any]) -> Any:
    from schema.schema import execute_prepared

    result = await execute_prepared(prepared(name), tc.ctx, variables)
    if result.errors:
        raise OperationFailed(f"{name}: {[e.message for e in result.errors]}")
    data = result.data or {}
    return next(iter(data.values())) if len(data) == 1 else data


def _problem(value: Any, zone: ZoneInfo) -> ToolResult | None:
    if isinstance(value, dict) and value.get("__typename") in _PROBLEM_NAMES:
        alternatives = None
        if value["__typename"] in ("SlotTaken", "OffGrid"):
            alternatives = tuple(sorted({iso_local(a["start"], zone) for a in value.get("alternatives") or []})[:5])
        return ToolResult(False, message=value.get("message"), problem=value["__typename"], alternatives=alternatives)
    return None


def appointment_facts(a: dict[str, Any], zone: ZoneInfo) -> Appointment:
    """An appointment as the operations return it (``_APPOINTMENT``), in local times."""
    service, staff, customer = a.get("service") or {}, a.get("staff") or {}, a.get("customer") or {}
    return Appointment(
        appointment_id=a["id"], start=iso_local(a["startsAt"], zone), end=iso_local(a["endsAt"], zone),
        status=a["status"].lower(), service=service.get("name"), service_id=service.get("id"),
        price_cents=a.get("priceCents"), staff=staff.get("name"), staff_id=staff.get("id"),
        customer=customer.get("name"), customer_phone=customer.get("phone"), customer_id=customer.get("id"))


def appointments(nodes: list[dict[str, Any]], zone: ZoneInfo) -> Appointments:
    return Appointments(tuple(appointment_facts(a, zone) for a in nodes))
