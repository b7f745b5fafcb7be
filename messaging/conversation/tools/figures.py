"""The salon's figures for a period: the same use case (resolvers/stats) the dashboard reads.

``get_stats`` takes local days ``first_day``..``last_day`` (inclusive) and optionally a
staff member; without one, owners and admins get the business's figures and everyone else
their own (the resolver decides, not the caller).
"""

from __future__ import annotations

from typing import Any

from .base import InvalidArguments, ToolContext, ToolResult, _uuid, local_day
from .documents import _problem, run_operation
from .results import Figures, StaffFigures


async def get_stats(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Figures]:
    today = tc.local_now().date()
    first = local_day(args["first_day"]) if args.get("first_day") else today
    last = local_day(args["last_day"]) if args.get("last_day") else first
    if last < first:
        raise InvalidArguments("El último día del periodo no puede ser antes del primero.")
    staff_id = _uuid(args["staff_id"], "El empleado") if args.get("staff_id") else None
    result = await run_operation(tc, "DayFigures", {"first": first.isoformat(), "last": last.isoformat(),
                                                    "staffId": staff_id})
    if (problem := _problem(result, tc.zone)) is not None:
        return problem
    return ToolResult(True, Figures(
        first_day=first.isoformat(), last_day=last.isoformat(), staff_id=result["staffId"],
        appointments=result["appointments"], completed=result["completed"], cancelled=result["cancelled"],
        no_shows=result["noShows"], scheduled=result["scheduled"], revenue_cents=result["revenueCents"],
        expected_revenue_cents=result["expectedRevenueCents"], new_customers=result["newCustomers"],
        busiest_day=result["busiestDay"], busiest_day_appointments=result["busiestDayAppointments"],
        busiest_hour=result["busiestHour"], busiest_hour_appointments=result["busiestHourAppointments"],
        by_staff=tuple(StaffFigures(s["staffId"], s["name"], s["appointments"], s["completed"], s["noShows"],
                                    s["revenueCents"]) for s in result["byStaff"])))
