"""The expected failures of ``resolvers.errors`` as GraphQL types, all implementing ``Problem``.

Mutation results (and single-object queries) are unions of the payload and the problems
that operation can really return (``BookingResult = Booking | SlotTaken | OffGrid | …``, but
``adminLogin`` never says ``OutsideHours``); a client can select ``... on Problem { message }``
once for every failure. List queries turn a problem into a GraphQL error whose
``extensions.code`` names it (see ``raise_problem``).

Should a use case ever return a problem its union does not list (a bug: the union is
behind the resolver), ``as_graphql`` logs it and answers that problem as a coded GraphQL
error, with its Spanish message, instead of failing the whole response.
"""

import logging
from enum import Enum
from typing import Annotated, Union, get_args

import strawberry

from resolvers import errors as found
from schema.types.slot import Slot

log = logging.getLogger("parlo.graphql")


@strawberry.interface(description="An expected failure, with a Spanish message for the user.")
class Problem:
    message: str


@strawberry.type
class NotFound(Problem):
    pass


@strawberry.type
class PermissionDenied(Problem):
    pass


@strawberry.type
class NotAuthenticated(Problem):
    pass


@strawberry.type
class ValidationError(Problem):
    field: str | None


@strawberry.type
class OutsideHours(Problem):
    pass


@strawberry.enum(description="What made a time unavailable.")
class TakenResource(Enum):
    STAFF = strawberry.enum_value("staff", description="The stylist asked for (staffId), or everyone who does it.")
    SPOT = strawberry.enum_value("spot", description="Every chair, bed or station that hosts the service.")


@strawberry.type(description="The time is taken; the message says by what (a person, or no free chair).")
class SlotTaken(Problem):
    alternatives: list[Slot] = strawberry.field(description="Bookable options near the requested time.")
    taken: TakenResource | None = strawberry.field(
        description="What is busy; null when someone else booked the time a moment ago.")
    staff_id: strawberry.ID | None = strawberry.field(description="The stylist asked for, when they are the one busy.")


@strawberry.type(description="A customer's start between the salon's slots (12:22 when visits start every 15 "
                             "minutes).")
class OffGrid(Problem):
    alternatives: list[Slot] = strawberry.field(description="The nearest bookable starts on the grid.")
    granularity_minutes: int = strawberry.field(description="Minutes between the salon's starts.")


@strawberry.type
class Conflict(Problem):
    pass


@strawberry.type
class Suspended(Problem):
    pass


@strawberry.type(description="Too many sign-in attempts: wait, then try again (only sign-in results have it).")
class TooManyAttempts(Problem):
    retry_after_seconds: int = strawberry.field(description="The longest the wait can be, in seconds.")


PROBLEM_TYPES = (NotFound, PermissionDenied, NotAuthenticated, ValidationError, OutsideHours, SlotTaken,
                 OffGrid, Conflict, Suspended, TooManyAttempts)


def members(union) -> tuple[type, ...]:
    """The types of a union made by :func:`result` (payload first)."""
    return get_args(get_args(union)[0])


def as_graphql(problem: found.Problem, union=None) -> Problem:
    """The problem as its GraphQL type; with ``union``, only if that union lists it (else a coded error)."""
    converted = _converted(problem)
    if union is not None and type(converted) not in members(union):
        log.error("%s returned %s, which its result union does not list: answered as a GraphQL error",
                  get_args(union)[1].graphql_name, type(converted).__name__)
        raise ProblemRaised(problem)
    return converted


def _converted(problem: found.Problem) -> Problem:
    if isinstance(problem, found.SlotTaken):
        return SlotTaken(message=problem.message, alternatives=[Slot.of(a) for a in problem.alternatives],
                         taken=TakenResource(problem.taken) if problem.taken else None,
                         staff_id=strawberry.ID(str(problem.staff_id)) if problem.staff_id else None)
    if isinstance(problem, found.OffGrid):
        return OffGrid(message=problem.message, alternatives=[Slot.of(a) for a in problem.alternatives],
                       granularity_minutes=problem.granularity_minutes)
    if isinstance(problem, found.ValidationError):
        return ValidationError(message=problem.message, field=problem.field)
    if isinstance(problem, found.TooManyAttempts):
        return TooManyAttempts(message=problem.message, retry_after_seconds=problem.retry_after_seconds)
    for kind in (NotFound, PermissionDenied, NotAuthenticated, OutsideHours, Conflict, Suspended):
        if type(problem).__name__ == kind.__name__:
            return kind(message=problem.message)
    return Conflict(message=problem.message)  # a Problem subclass added later still reaches the user


def result(name: str, success: type, *problems: type, description: str | None = None):
    """``Annotated[Union[success, *problems], strawberry.union(name)]``: list only what the operation can return."""
    assert problems and set(problems) <= set(PROBLEM_TYPES), (name, problems)
    return Annotated[Union[(success, *problems)], strawberry.union(name, description=description)]


class ProblemRaised(Exception):
    """A list query's expected failure, shown to the client as-is (never masked)."""

    def __init__(self, problem: found.Problem):
        super().__init__(problem.message)
        self.problem = problem
        self.extensions = {"code": problem.code}


def raise_problem(value):
    """Return ``value`` unless it is a problem, which becomes a coded GraphQL error."""
    if isinstance(value, found.Problem):
        raise ProblemRaised(value)
    return value
