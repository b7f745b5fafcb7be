"""What an onboarding remembers between messages: typed, versioned, JSON in ``OnboardingSession.collected_data``.

A staff member's onboarding keeps the name they gave and the hours saved; a new business
keeps what it has told so far and which of those questions is open. Rows written before
typed state (no ``version``, the same keys) are read as they are; an unknown version or a row
that does not fit gives an empty memory, so the open question is asked again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

from .memory import HoursRow, encode, read

VERSION = 1


class OnboardingStep(enum.StrEnum):
    """``OnboardingSession.state``."""

    INITIATED = "initiated"
    NAME = "collecting_name"  # staff sessions started before names came from the owner
    AVAILABILITY = "collecting_availability"
    TUTORIAL = "showing_tutorial"  # older staff sessions
    BUSINESS_INFO = "collecting_business_info"
    OWNER_INFO = "collecting_owner_info"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class Asking(enum.StrEnum):
    """The business onboarding's open question."""

    NAME = "name"
    TYPE = "type"
    SERVICES = "services"
    HOURS = "hours"
    TEAM = "team"
    OWNER_NAME = "owner_name"


@dataclass
class NewService:
    name: str
    price_cents: int
    duration_minutes: int


@dataclass
class TeamMember:
    name: str
    phone: str


class _Versioned:
    def dump(self) -> dict[str, Any]:
        return {"version": VERSION, **encode(self)}

    @classmethod
    def load(cls, data: dict[str, Any] | None):
        return read(cls, data, VERSION, upgrade=dict, what=f"{cls.__name__}") or cls()


@dataclass
class StaffOnboarding(_Versioned):
    name: str | None = None  # the name they asked to be called (older sessions)
    hours: list[HoursRow] = field(default_factory=list)


@dataclass
class BusinessOnboarding(_Versioned):
    asking: Asking | None = None
    name: str | None = None
    business_type: str | None = None
    services: list[NewService] = field(default_factory=list)
    hours: list[HoursRow] = field(default_factory=list)
    staff: list[TeamMember] = field(default_factory=list)
    owner_name: str | None = None
    organization_id: str | None = None
