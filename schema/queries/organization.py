import strawberry

from resolvers import actors, catalog, locations, organizations, staff_members
from resolvers.errors import Problem
from schema.errors import as_graphql, raise_problem
from schema.queries.results import MeResult, OrganizationResult
from schema.types.ids import optional_id
from schema.types.location import Location
from schema.types.me import Me
from schema.types.organization import Organization
from schema.types.service import Service
from schema.types.spot import Spot
from schema.types.staff_member import StaffMember


def _one(value, convert, union):
    return as_graphql(value, union) if isinstance(value, Problem) else convert(value)


@strawberry.type
class OrganizationQueries:
    @strawberry.field(description="The caller, their organization and permission level.")
    async def me(self, info: strawberry.Info) -> MeResult:
        return _one(await actors.describe_me(info.context.use_case), Me.of, MeResult)

    @strawberry.field(description="The caller's organization, with plan usage and WhatsApp status.")
    async def organization(self, info: strawberry.Info) -> OrganizationResult:
        return _one(await organizations.get_organization(info.context.use_case), Organization.of, OrganizationResult)

    @strawberry.field(description="Locations with their business hours.")
    async def locations(self, info: strawberry.Info, include_inactive: bool = False) -> list[Location]:
        rows = raise_problem(await locations.list_locations(info.context.use_case, include_inactive=include_inactive))
        return [Location.of(r) for r in rows]

    @strawberry.field
    async def services(self, info: strawberry.Info, include_inactive: bool = False) -> list[Service]:
        rows = raise_problem(await catalog.list_services(info.context.use_case, include_inactive=include_inactive))
        return [Service.of(r) for r in rows]

    @strawberry.field(description="The team.")
    async def staff(self, info: strawberry.Info, include_inactive: bool = False) -> list[StaffMember]:
        rows = raise_problem(await staff_members.list_staff(info.context.use_case, include_inactive=include_inactive))
        return [StaffMember.of(r) for r in rows]

    @strawberry.field(description="Chairs, tables and beds.")
    async def spots(self, info: strawberry.Info, include_inactive: bool = False,
                    location_id: strawberry.ID | None = None) -> list[Spot]:
        rows = raise_problem(await catalog.list_spots(info.context.use_case, include_inactive=include_inactive,
                                                      location_id=optional_id(location_id)))
        return [Spot.of(r) for r in rows]
