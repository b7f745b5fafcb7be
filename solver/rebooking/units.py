"""Visits as the unit a plan moves: one appointment, or all the appointments of one visit.

A customer who booked corte + barba back to back, or two people booked together, expects
to keep that shape: the plan moves the whole visit by one shift (same day, same order,
the same gaps as booked) and asks the same "who may do it" question of every part. A unit
is placed as a whole or not at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from .salon import Appointment, Window


@dataclass(frozen=True, slots=True)
class Unit:
    """The appointments that move together; `offsets` are their starts after the first one's."""

    id: str
    parts: tuple[Appointment, ...]
    offsets: tuple[int, ...]

    @property
    def first(self) -> Appointment:
        return self.parts[0]

    @property
    def start(self) -> int:
        return self.parts[0].start

    @property
    def day(self) -> int:
        return self.parts[0].day

    @property
    def end(self) -> int:
        return max(offset + part.duration for offset, part in zip(self.offsets, self.parts)) + self.start

    @property
    def span(self) -> int:
        """Minutes from the first part's start to the last part's end."""
        return self.end - self.start

    @property
    def affected(self) -> bool:
        return any(part.affected for part in self.parts)

    @property
    def accepts_moves(self) -> bool:
        return all(part.accepts_moves for part in self.parts)

    @property
    def customer(self) -> str:
        return self.first.customer_id or self.id

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(part.id for part in self.parts)

    def windows(self, start: int) -> tuple[Window, ...]:
        """Where the whole visit sits if it starts at `start` (one window per part)."""
        return tuple(Window(start + offset, start + offset + part.duration) for offset, part in zip(self.offsets, self.parts))


def units_of(appointments: tuple[Appointment, ...] | list[Appointment]) -> tuple[Unit, ...]:
    """Group appointments into units: by `visit_id`, each other appointment alone; in time order."""
    groups: dict[str, list[Appointment]] = {}
    for appointment in appointments:
        groups.setdefault(appointment.visit_id or f"#{appointment.id}", []).append(appointment)
    units = []
    for key, parts in groups.items():
        parts.sort(key=lambda a: (a.start, a.id))
        first = parts[0].start
        unit_id = parts[0].id if key.startswith("#") else key
        units.append(Unit(unit_id, tuple(parts), tuple(p.start - first for p in parts)))
    return tuple(sorted(units, key=lambda u: (u.start, u.id)))
