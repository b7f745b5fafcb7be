import strawberry

from resolvers.actors import Me as MeValue
from schema.types.enums import ActorKind, PermissionLevel
from schema.types.organization import Organization
from schema.types.staff_member import StaffMember


@strawberry.type(description="Who is calling, in which organization, with which permission level.")
class Me:
    kind: ActorKind
    permission_level: PermissionLevel | None
    impersonated: bool = strawberry.field(description="A Parlo admin acting as this organization's owner.")
    is_admin: bool
    staff: StaffMember | None
    organization: Organization | None

    @classmethod
    def of(cls, value: MeValue) -> "Me":
        return cls(kind=value.actor.kind, permission_level=value.actor.permission_level,
                   impersonated=value.actor.impersonated_by_admin, is_admin=value.actor.is_admin,
                   staff=StaffMember.of(value.staff) if value.staff else None,
                   organization=Organization.of(value.organization) if value.organization else None)
