"""``check_availability`` for the rule engine: the use case itself, not its GraphQL document.

The tool (tools/customer.py) runs ``availableSlots`` through the schema, as every tool does,
and reads each slot's ``start``, ``staffId`` and ``staff { name }``: up to 200 slots of a week,
resolved field by field, with a staff look-up. In a rule turn that was half the CPU of the
whole turn (bench/hotpaths.py --only backlog, py-spy). Here the same use case
(:func:`resolvers.scheduling.available_slots`: the same permission checks, snapshot and
solver) answers straight, staff names come from the business profile the turn already has,
and the result is the tool's own :class:`Slots`: the flows cannot tell the difference.

:func:`run` keeps :func:`~messaging.conversation.tools.call_tool`'s contract: a tool the
sender is not offered is refused there, and every call leaves one ``FunctionTrace``.
"""

from __future__ import annotations

import json
import logging
import time as perf
import uuid
from typing import Any

from resolvers.errors import Problem
from resolvers.scheduling import available_slots
from storage import FunctionTrace, TraceType

from ..tools import OperationFailed, ToolContext, ToolResult
from ..tools.base import iso_local
from ..tools.customer import PART_OF_DAY_HOURS, PASSED, availability_query
from ..tools.registry import failed_call
from ..tools.results import Slot, Slots

log = logging.getLogger("parlo.conversation")

#: As many slots as the tool's document asks for.
LIMIT = 200


async def check_availability(tc: ToolContext, args: dict[str, Any]) -> ToolResult[Slots]:
    """tools/customer.py's ``check_availability``, argument for argument, on the use case."""
    zone = tc.zone
    query = availability_query(tc, args)
    if query is None:
        return ToolResult(True, Slots((), note=PASSED))
    found = await available_slots(tc.ctx, [uuid.UUID(s) for s in query.service_ids], query.start, query.end,
                                  staff_id=uuid.UUID(query.staff_id) if query.staff_id else None, limit=LIMIT,
                                  moving=uuid.UUID(query.moving) if query.moving else None)
    if isinstance(found, Problem):
        # As the tool answers it: availableSlots raises a use case's problem as a GraphQL error,
        # which the tool reports as a failure (its message never reaches the person).
        raise OperationFailed(f"AvailableSlots: [{found.message!r}]")
    hours = PART_OF_DAY_HOURS.get(str(args.get("part_of_day") or "").lower().replace("ñ", "n").replace("í", "i"))
    names = {str(m.id): m.name for m in tc.profile.team} if tc.profile else {}
    seen: dict[str, Slot] = {}
    for option in found:
        local = option.start.astimezone(zone)
        if hours and not hours[0] <= local.hour < hours[1]:
            continue
        key = iso_local(local, zone)
        if key not in seen:
            staff = str(option.staff_id)
            seen[key] = Slot(key, staff, names.get(staff))
    return ToolResult(True, Slots(tuple(seen[k] for k in sorted(seen))))


#: The tools the rule engine runs here instead of through the registry's GraphQL runners.
DIRECT = {"check_availability": check_availability}


async def run(tc: ToolContext, name: str, args: dict[str, Any], *, sequence: int) -> ToolResult:
    """Run a :data:`DIRECT` tool as ``call_tool`` runs one: refused arguments become a
    ValidationError result, a failure an InternalError one, and the call is traced."""
    started = perf.perf_counter()
    error: str | None = None
    try:
        result = await DIRECT[name](tc, args)
    except Exception as exc:  # noqa: BLE001 - traced, then the engine answers without it
        result, error = failed_call(name, exc)
    _trace(tc, name, args, result, (perf.perf_counter() - started) * 1000, error, sequence)
    return result


def _plain(value: Any) -> Any:
    """JSON's own types, as the registry's traces store them (dates and ids as text)."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return json.loads(json.dumps(value, default=str))


def _trace(tc: ToolContext, name: str, args: dict[str, Any], result: ToolResult, ms: float, error: str | None,
           sequence: int) -> None:
    try:
        tc.traces.append(FunctionTrace(
            correlation_id=tc.ctx.correlation_id[:64], sequence_number=sequence, function_name=name,
            trace_type=TraceType.AI_TOOL, phone_number=tc.phone,
            organization_id=tc.profile.organization_id if tc.profile else tc.ctx.actor.organization_id,
            input_summary=_plain(args or {}),
            output_summary={"ok": result.ok, "problem": result.problem, "message": result.message},
            duration_ms=ms, is_error=error is not None or not result.ok, error_message=error or result.message,
            created_at=tc.ctx.now()))
    except Exception:  # noqa: BLE001 - a trace must never break a conversation
        log.exception("could not trace tool %s", name)

