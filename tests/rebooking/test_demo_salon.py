"""Barbería Don Carlos: "Pedro se enfermó, no viene mañana", end to end on the demo salon."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

import solver.rebooking as rb
from messaging.rebooking_text import AnswerKind, applied_message, parse_plan_answer, plan_message
from parlo.demo import load_demo
from resolvers.context import Actor
from resolvers.rebooking import StaffOut, apply_rebooking, suggest_rebooking
from storage import ACTIVE_STATUSES, Appointment, OutboundMessage, Staff
from storage.models.staff import staff_services
from tests.rebooking.helpers import CDMX, fetch, overlaps
from tests.resolvers.factories import context

SATURDAY = date(2026, 1, 17)


async def test_pedro_is_out_tomorrow_and_the_owner_applies_the_plan(db, clock):
    org, _ = await load_demo(db, clock())
    async with db.session() as s:
        staff = {m.name: m for m in await s.scalars(select(Staff).where(Staff.organization_id == org.id))}
        performs = set((await s.execute(select(staff_services.c.staff_id, staff_services.c.service_type_id))).all())
    carlos, pedro = staff["Carlos Mendoza"], staff["Pedro Ramírez"]
    pedros_saturday = [a for a in await fetch(db, Appointment, Appointment.staff_id == pedro.id,
                                              Appointment.status.in_(ACTIVE_STATUSES))
                       if a.starts_at.astimezone(CDMX).date() == SATURDAY]
    assert pedros_saturday, "the demo gives Pedro appointments on Saturday"
    ctx = context(db, clock, Actor.staff(organization_id=org.id, staff_id=carlos.id, level=carlos.permission_level))

    plan = await suggest_rebooking(ctx, StaffOut(pedro.id, SATURDAY))
    assert plan.figures.affected == len(pedros_saturday)
    assert plan.figures.kept + plan.figures.unplaced == plan.figures.affected
    assert {m.appointment_id for m in plan.moves if m.affected} | {u.appointment_id for u in plan.unplaceable} == {
        a.id for a in pedros_saturday}
    assert all(m.after.staff_id != pedro.id or m.changes_day for m in plan.moves)
    assert all((m.after.staff_id, m.service_id) in performs for m in plan.moves)
    assert all(u.reason in (rb.SCHEDULE_FULL, rb.NO_TIME_IN_WINDOW, rb.NO_QUALIFIED_STAFF,
                            rb.PREFERRED_STAFF_UNAVAILABLE, rb.NO_COMPATIBLE_SPOT) for u in plan.unplaceable)

    text = plan_message(plan, today=date(2026, 1, 16))
    assert text.startswith("Pedro Ramírez no viene mañana sábado.\nMuevo ")
    answer = parse_plan_answer("aplica todo", [m.id for m in plan.moves])
    assert answer.kind is AnswerKind.APPLY_ALL

    result = await apply_rebooking(ctx, plan.id, answer.move_ids)
    assert not result.refused and len(result.applied) == len(plan.moves)
    assert applied_message(result, today=date(2026, 1, 16)).startswith(f"Listo: moví {len(plan.moves)}")
    assert await overlaps(db) == []
    assert len(await fetch(db, OutboundMessage, OutboundMessage.template_name == "appointment_moved_proposal")) == \
        result.notices_queued == len(plan.moves)
