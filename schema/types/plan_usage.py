import strawberry

from resolvers.scheduling import PlanUsage as PlanUsageValue


@strawberry.type(description="Bookings this month against the plan's limit. Past the limit Parlo keeps booking and warns the owner.")
class PlanUsage:
    plan: str
    month: str = strawberry.field(description="YYYY-MM in the organization's zone.")
    bookings_used: int
    limit: int | None = strawberry.field(description="None on paid plans.")
    over_limit: bool
    remaining: int | None
    message: str | None = strawberry.field(description="Spanish note for the owner at or past the limit.")

    @classmethod
    def of(cls, value: PlanUsageValue) -> "PlanUsage":
        remaining = None if value.limit is None else max(0, value.limit - value.bookings_used)
        return cls(plan=value.plan, month=value.month, bookings_used=value.bookings_used, limit=value.limit,
                   over_limit=value.over_limit, remaining=remaining, message=value.message)
