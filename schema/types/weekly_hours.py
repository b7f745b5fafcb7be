import strawberry

from storage import Availability


@strawberry.type(description="A weekly working range in local time, 'HH:MM'; end 00:00 means midnight.")
class WeeklyHours:
    weekday: int = strawberry.field(description="0 = Monday … 6 = Sunday.")
    start: str
    end: str

    @classmethod
    def of(cls, row: Availability) -> "WeeklyHours":
        return cls(weekday=row.day_of_week, start=row.start_time.strftime("%H:%M"), end=row.end_time.strftime("%H:%M"))
