"""Expected failures are values, not exceptions (STYLE.md).

A use case returns its result or one of these; the GraphQL layer turns them into typed
union members, the conversation engines into a Spanish reply. Every ``message`` is
user-facing Mexican Spanish with tú. Exceptions are for bugs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Problem:
    message: str

    @property
    def code(self) -> str:
        return type(self).__name__


@dataclass(frozen=True, slots=True)
class NotFound(Problem):
    message: str = "No encontré lo que buscas."


@dataclass(frozen=True, slots=True)
class PermissionDenied(Problem):
    message: str = "No tienes permiso para hacer eso."


@dataclass(frozen=True, slots=True)
class NotAuthenticated(Problem):
    message: str = "Necesitas iniciar sesión."


@dataclass(frozen=True, slots=True)
class ValidationError(Problem):
    field: str | None = None


@dataclass(frozen=True, slots=True)
class OutsideHours(Problem):
    message: str = "Ese horario está fuera del horario de atención."


#: What a SlotTaken found busy: the stylist (or every stylist who does the service), or every
#: spot (chair, bed…) that hosts it. None: a race was lost and either could have been.
TAKEN_STAFF = "staff"
TAKEN_SPOT = "spot"


@dataclass(frozen=True, slots=True)
class SlotTaken(Problem):
    """Somebody else got the time first; ``alternatives`` are bookable options (slot values).

    ``taken`` says what is busy (:data:`TAKEN_STAFF` or :data:`TAKEN_SPOT`), ``staff_id`` the
    stylist who was asked for when they are the one busy.
    """

    message: str = "Ese horario ya se ocupó."
    alternatives: tuple[Any, ...] = field(default_factory=tuple)
    taken: str | None = None
    staff_id: Any = None


@dataclass(frozen=True, slots=True)
class OffGrid(Problem):
    """The start is between the salon's slots (12:22 when visits start every 15 minutes).

    ``alternatives`` are the bookable grid starts nearest to it (slot values).
    """

    message: str = "Las citas empiezan en los horarios de la agenda."
    alternatives: tuple[Any, ...] = field(default_factory=tuple)
    granularity_minutes: int = 15


@dataclass(frozen=True, slots=True)
class Conflict(Problem):
    """The change contradicts existing data (e.g. deleting a service that has appointments)."""


@dataclass(frozen=True, slots=True)
class Suspended(Problem):
    message: str = "Esta cuenta está suspendida. Escríbele a Parlo por WhatsApp para reactivarla."

    @classmethod
    def with_contact(cls, number_shown: str) -> Suspended:
        """The same refusal, with the way back: Parlo's WhatsApp number (e.g. "55 0000 0000")."""
        return cls(f"Esta cuenta está suspendida. Para reactivarla, escríbele a Parlo por WhatsApp al {number_shown}.")


@dataclass(frozen=True, slots=True)
class TooManyAttempts(Problem):
    """A sign-in rate limit is used up (resolvers/sign_in_limits.py): wait, then try again."""

    message: str = "Demasiados intentos. Espera unos minutos y vuelve a intentarlo."
    #: How long the window that refused lasts: the wait is at most this.
    retry_after_seconds: int = 900
