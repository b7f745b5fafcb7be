from datetime import date, datetime, timezone

import strawberry

from resolvers.stats import Figures as FiguresValue, StaffFigures as StaffFiguresValue
from schema.types.ids import to_id


@strawberry.type(description="One staff member's share of a period.")
class StaffFigures:
    staff_id: strawberry.ID
    name: str
    appointments: int
    completed: int
    no_shows: int
    revenue_cents: int

    @classmethod
    def of(cls, value: StaffFiguresValue) -> "StaffFigures":
        return cls(staff_id=to_id(value.staff_id), name=value.name, appointments=value.appointments,
                   completed=value.completed, no_shows=value.no_shows, revenue_cents=value.revenue_cents)


@strawberry.type(description="A period's figures [from, to) for the business or one staff member. Appointments "
                             "count every visit not cancelled; revenue is completed visits' prices; the same numbers "
                             "the WhatsApp answers give.")
class Figures:
    from_: datetime = strawberry.field(name="from")
    to: datetime
    staff_id: strawberry.ID | None = strawberry.field(description="Whose figures; null: the whole business.")
    appointments: int
    completed: int
    cancelled: int
    no_shows: int
    scheduled: int = strawberry.field(description="Pending or confirmed: booked and not marked yet.")
    revenue_cents: int = strawberry.field(description="Prices of completed visits.")
    expected_revenue_cents: int = strawberry.field(description="Completed plus pending and confirmed visits' prices.")
    new_customers: int = strawberry.field(description="Customers whose first visit ever is in the period.")
    busiest_day: date | None
    busiest_day_appointments: int
    busiest_hour: int | None = strawberry.field(description="Local hour (0-23) when most visits start.")
    busiest_hour_appointments: int
    by_staff: list[StaffFigures]

    @classmethod
    def of(cls, value: FiguresValue) -> "Figures":
        return cls(from_=value.start.astimezone(timezone.utc), to=value.end.astimezone(timezone.utc),
                   staff_id=to_id(value.staff_id) if value.staff_id else None, appointments=value.appointments,
                   completed=value.completed, cancelled=value.cancelled, no_shows=value.no_shows,
                   scheduled=value.scheduled, revenue_cents=value.revenue_cents,
                   expected_revenue_cents=value.expected_revenue_cents, new_customers=value.new_customers,
                   busiest_day=value.busiest_day, busiest_day_appointments=value.busiest_day_appointments,
                   busiest_hour=value.busiest_hour, busiest_hour_appointments=value.busiest_hour_appointments,
                   by_staff=[StaffFigures.of(s) for s in value.by_staff])
