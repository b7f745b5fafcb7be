"""A plan as stored in ``RebookingPlan.payload`` (JSON) and back.

Instants are ISO-8601 UTC; ids are strings. The payload also keeps the time the disruption
took out (``taken``), so applying re-checks against the same disruption; the request as
asked (``request``), so a fresh plan can be made for moves that no longer fit; when the
plan expires; which moves were applied when; and when (and as which rows) applying put the
outage on the calendar (``outage``), so it is written once.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timezone
from typing import Any

from resolvers.rebooking.disruptions import DisruptionKind, TimeTaken
from resolvers.rebooking.types import (
    DisruptionFacts,
    FreeBlockChange,
    PlacementAt,
    PlanFiguresOut,
    PlannedMove,
    PlanResult,
    UnplaceableAppointment,
)
from storage import RebookingPlan

VERSION = 1


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _instant(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _uuid(value: str | None) -> uuid.UUID | None:
    return None if value is None else uuid.UUID(value)


def _placement(p: PlacementAt) -> dict[str, Any]:
    return {"staff_id": str(p.staff_id), "staff_name": p.staff_name, "spot_id": str(p.spot_id) if p.spot_id else None,
            "spot_name": p.spot_name, "starts_at": _iso(p.starts_at), "ends_at": _iso(p.ends_at)}


def _placement_of(d: dict[str, Any]) -> PlacementAt:
    return PlacementAt(uuid.UUID(d["staff_id"]), d["staff_name"], _uuid(d["spot_id"]), d["spot_name"],
                       _instant(d["starts_at"]), _instant(d["ends_at"]))


def plan_payload(plan: PlanResult, taken: TimeTaken, location_id: uuid.UUID, request: dict[str, Any]) -> dict[str, Any]:
    facts = plan.disruption
    return {
        "version": VERSION,
        "location_id": str(location_id),
        "request": request,
        "expires_at": _iso(plan.expires_at),
        "timezone": plan.timezone,
        "optimal": plan.optimal,
        "method": plan.method,
        "disruption": {
            "kind": facts.kind.value, "first_day": facts.first_day.isoformat(), "last_day": facts.last_day.isoformat(),
            "staff_id": str(facts.staff_id) if facts.staff_id else None, "staff_name": facts.staff_name,
            "spot_id": str(facts.spot_id) if facts.spot_id else None, "spot_name": facts.spot_name,
            "opens_at": facts.opens_at.isoformat() if facts.opens_at else None,
            "closes_at": facts.closes_at.isoformat() if facts.closes_at else None,
            "reason": facts.reason, "block_written": facts.block_written,
        },
        "taken": taken.as_json(),
        "figures": {name: getattr(plan.figures, name) for name in PlanFiguresOut.__slots__},
        "moves": [
            {"id": m.id, "appointment_id": str(m.appointment_id), "customer_id": str(m.customer_id),
             "customer_name": m.customer_name, "service_id": str(m.service_id), "service_name": m.service_name,
             "before": _placement(m.before), "after": _placement(m.after), "affected": m.affected,
             "minutes_moved": m.minutes_moved, "changes_day": m.changes_day, "applied_at": _iso(m.applied_at),
             "visit_id": str(m.visit_id) if m.visit_id else None}
            for m in plan.moves
        ],
        "unplaceable": [
            {"appointment_id": str(u.appointment_id), "customer_name": u.customer_name, "service_name": u.service_name,
             "staff_name": u.staff_name, "starts_at": _iso(u.starts_at), "reason": u.reason, "message": u.message,
             "customer_id": str(u.customer_id) if u.customer_id else None,
             "visit_id": str(u.visit_id) if u.visit_id else None}
            for u in plan.unplaceable
        ],
        "free_blocks": [
            {"staff_id": str(b.staff_id), "staff_name": b.staff_name, "before_minutes": b.before_minutes,
             "after_minutes": b.after_minutes}
            for b in plan.free_blocks
        ],
    }


def plan_from_row(row: RebookingPlan) -> PlanResult:
    data = row.payload
    d = data["disruption"]
    facts = DisruptionFacts(
        kind=DisruptionKind(d["kind"]), first_day=date.fromisoformat(d["first_day"]),
        last_day=date.fromisoformat(d["last_day"]), staff_id=_uuid(d.get("staff_id")), staff_name=d.get("staff_name"),
        spot_id=_uuid(d.get("spot_id")), spot_name=d.get("spot_name"),
        opens_at=time.fromisoformat(d["opens_at"]) if d.get("opens_at") else None,
        closes_at=time.fromisoformat(d["closes_at"]) if d.get("closes_at") else None,
        reason=d.get("reason"), block_written=bool(d.get("block_written")),
    )
    moves = tuple(
        PlannedMove(
            id=m["id"], appointment_id=uuid.UUID(m["appointment_id"]), customer_id=uuid.UUID(m["customer_id"]),
            customer_name=m["customer_name"], service_id=uuid.UUID(m["service_id"]), service_name=m["service_name"],
            before=_placement_of(m["before"]), after=_placement_of(m["after"]), affected=m["affected"],
            minutes_moved=m["minutes_moved"], changes_day=m["changes_day"], applied_at=_instant(m.get("applied_at")),
            visit_id=_uuid(m.get("visit_id")),
        )
        for m in data["moves"]
    )
    unplaceable = tuple(
        UnplaceableAppointment(uuid.UUID(u["appointment_id"]), u["customer_name"], u["service_name"], u["staff_name"],
                               _instant(u["starts_at"]), u["reason"], u["message"], _uuid(u.get("customer_id")),
                               _uuid(u.get("visit_id")))
        for u in data["unplaceable"]
    )
    free_blocks = tuple(
        FreeBlockChange(uuid.UUID(b["staff_id"]), b["staff_name"], b["before_minutes"], b["after_minutes"])
        for b in data.get("free_blocks", ())
    )
    return PlanResult(
        id=row.id, kind=DisruptionKind(row.kind), disruption=facts, timezone=data["timezone"],
        optimal=data["optimal"], method=data["method"], moves=moves, unplaceable=unplaceable,
        figures=PlanFiguresOut(**data["figures"]), free_blocks=free_blocks, created_at=row.created_at,
        applied_at=row.applied_at, requested_by_staff_id=row.requested_by_staff_id,
        expires_at=_instant(data.get("expires_at")), outage_written_at=_instant((data.get("outage") or {}).get("at")),
    )


def taken_of(row: RebookingPlan) -> TimeTaken:
    return TimeTaken.from_json(row.payload.get("taken", {}))


def location_of(row: RebookingPlan) -> uuid.UUID:
    return uuid.UUID(row.payload["location_id"])


def request_of(row: RebookingPlan) -> dict[str, Any] | None:
    return row.payload.get("request")


def with_outage(payload: dict[str, Any], at: datetime, row_ids: list[uuid.UUID]) -> dict[str, Any]:
    return {**payload, "outage": {"at": _iso(at), "rows": [str(i) for i in row_ids]}}


def with_applied(payload: dict[str, Any], applied: dict[str, datetime]) -> dict[str, Any]:
    """A new payload dict (JSON columns notice reassignment, not in-place changes)."""
    moves = [dict(m, applied_at=_iso(applied[m["id"]])) if m["id"] in applied else m for m in payload["moves"]]
    return {**payload, "moves": moves}

