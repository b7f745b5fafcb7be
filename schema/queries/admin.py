import strawberry

from resolvers import activity_feed, admin
from resolvers.errors import Problem
from schema.errors import as_graphql, raise_problem
from schema.queries.results import PlatformStatsResult
from schema.types.admin import ActivityEvent, PlatformStats
from schema.types.enums import OrganizationStatus
from schema.types.ids import optional_id
from schema.types.organization import Organization
from schema.types.pages import OrganizationConnection, page_info


@strawberry.type
class AdminQueries:
    @strawberry.field(description="Admin only: platform-wide figures.")
    async def platform_stats(self, info: strawberry.Info) -> PlatformStatsResult:
        value = await admin.platform_stats(info.context.use_case)
        return as_graphql(value, PlatformStatsResult) if isinstance(value, Problem) else PlatformStats.of(value)

    @strawberry.field(description="Admin only: every organization, newest first, a page at a time.")
    async def organizations(self, info: strawberry.Info, search: str | None = None,
                            status: OrganizationStatus | None = None, first: int = 50,
                            after: str | None = None) -> OrganizationConnection:
        page = raise_problem(await admin.list_organizations(info.context.use_case, admin.OrganizationFilter(
            search=search, status=status, first=first, after=after)))
        return OrganizationConnection(nodes=[Organization.of(r) for r in page.items], page_info=page_info(page),
                                      total_count=page.total_count)

    @strawberry.field(description="Admin only: the activity feed, newest first.")
    async def activity(self, info: strawberry.Info, first: int = 50,
                       organization_id: strawberry.ID | None = None) -> list[ActivityEvent]:
        rows = raise_problem(await admin.activity(info.context.use_case, first=first,
                                                  organization_id=optional_id(organization_id)))
        said = await activity_feed.sentences(info.context.use_case, rows)
        return [ActivityEvent.of(r, said.get(r.id)) for r in rows]
