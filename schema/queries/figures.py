from datetime import date, datetime
from typing import Annotated

import strawberry

from resolvers import stats
from resolvers.errors import Problem
from schema.errors import as_graphql
from schema.queries.results import FiguresResult
from schema.types.figures import Figures
from schema.types.ids import optional_id

From = Annotated[datetime, strawberry.argument(name="from")]


@strawberry.type
class FiguresQueries:
    @strawberry.field(description="A period's figures [from, to): the business's, or one staff member's. Owners and "
                                  "admins see anyone's; staff and viewers only their own (no staffId: theirs).")
    async def figures(self, info: strawberry.Info, from_: From, to: datetime,
                      staff_id: strawberry.ID | None = None) -> FiguresResult:
        value = await stats.period_figures(info.context.use_case, from_, to, staff_id=optional_id(staff_id))
        return as_graphql(value, FiguresResult) if isinstance(value, Problem) else Figures.of(value)

    @strawberry.field(description="Figures for local days firstDay..lastDay (inclusive, the salon's zone); "
                                  "lastDay defaults to firstDay. Same numbers as `figures`.")
    async def day_figures(self, info: strawberry.Info, first_day: date, last_day: date | None = None,
                          staff_id: strawberry.ID | None = None) -> FiguresResult:
        value = await stats.day_figures(info.context.use_case, first_day, last_day, staff_id=optional_id(staff_id))
        return as_graphql(value, FiguresResult) if isinstance(value, Problem) else Figures.of(value)
