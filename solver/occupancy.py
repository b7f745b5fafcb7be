"""Which resource is busy when, for one booked service: the single source of truth.

The slot search, the CP-SAT model, the re-check and the rows the resolvers store all
derive from `service_shape`, so they can never disagree:

- the stylist is busy from the start to the end of the buffer, except during processing;
- the spot is busy from the start to the end of the buffer, processing included.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from solver.booking import Assignment
from solver.salon import Occupancy, ResourceKind, Salon, Service


@dataclass(frozen=True, slots=True)
class ServiceShape:
    """Busy pieces relative to the service start, in minutes (half-open)."""

    service_id: str
    duration: int  # the customer's appointment: start .. start + duration
    span: int  # duration + buffer: when the next service of the visit starts
    staff_pieces: tuple[tuple[int, int], ...]
    spot_piece: tuple[int, int]


def buffer_after(service: Service, salon: Salon) -> int:
    if service.buffer_after_minutes is not None:
        return service.buffer_after_minutes
    return salon.options.buffer_after_minutes


def service_shape(service: Service, salon: Salon) -> ServiceShape:
    span = service.duration_minutes + buffer_after(service, salon)
    p = service.processing
    if p is None:
        staff: tuple[tuple[int, int], ...] = ((0, span),)
    else:
        gap_start, gap_end = p.offset_minutes, p.offset_minutes + p.length_minutes
        staff = tuple(piece for piece in ((0, gap_start), (gap_end, span)) if piece[0] < piece[1])
    return ServiceShape(service.id, service.duration_minutes, span, staff, (0, span))


def occupancy_for(
    salon: Salon, service_id: str, staff_id: str, spot_id: str | None, start: datetime
) -> tuple[Occupancy, ...]:
    """The occupancy rows to store for one booked service (staff pieces, then the spot)."""
    service = next((s for s in salon.services if s.id == service_id), None)
    if service is None:
        raise KeyError(f"unknown service {service_id}")
    shape = service_shape(service, salon)
    rows = [
        Occupancy(ResourceKind.STAFF, staff_id, start + timedelta(minutes=a), start + timedelta(minutes=b))
        for a, b in shape.staff_pieces
    ]
    if spot_id is not None:
        a, b = shape.spot_piece
        rows.append(Occupancy(ResourceKind.SPOT, spot_id, start + timedelta(minutes=a), start + timedelta(minutes=b)))
    return tuple(rows)


def occupancy_for_assignment(salon: Salon, assignment: Assignment) -> tuple[Occupancy, ...]:
    """All rows for a whole visit, in the assignment's order."""
    return tuple(
        row
        for booked in assignment.services
        for row in occupancy_for(salon, booked.service_id, booked.staff_id, booked.spot_id, booked.start)
    )
