"""The permission matrix of the product spec, in one table.

| action                       | owner | admin | staff | viewer |
|------------------------------|-------|-------|-------|--------|
| view own / business schedule |   ✓   |   ✓   |   ✓   |   ✓    |
| book (walk-in), mark, cancel |   ✓   |   ✓   |   ✓   |        |
| block own time               |   ✓   |   ✓   |   ✓   |        |
| view stats, add/remove staff |   ✓   |   ✓   |       |        |
| change permissions, hours,   |   ✓   |       |       |        |
| services and prices          |       |       |       |        |

Platform admins may do everything in every organization (spec 4.6). The system actor
(schedulers, onboarding) may do everything in its own organization. Customers have no
management permissions: their own-appointment rules live in the use cases.
"""

from __future__ import annotations

from enum import Enum

from resolvers.context import Actor, ActorKind
from resolvers.errors import NotAuthenticated, PermissionDenied
from storage import PermissionLevel

OWNER, ADMIN, STAFF, VIEWER = (PermissionLevel.OWNER, PermissionLevel.ADMIN, PermissionLevel.STAFF,
                               PermissionLevel.VIEWER)


class Permission(str, Enum):
    VIEW_SCHEDULE = "view_schedule"
    VIEW_CUSTOMERS = "view_customers"
    BOOK = "book"
    MARK_ATTENDANCE = "mark_attendance"
    CANCEL_APPOINTMENT = "cancel_appointment"
    BLOCK_OWN_TIME = "block_own_time"
    BLOCK_OTHERS_TIME = "block_others_time"  # another staff member's or the whole location's
    EDIT_CUSTOMERS = "edit_customers"
    MESSAGE_CUSTOMERS = "message_customers"
    VIEW_STATS = "view_stats"
    MANAGE_STAFF = "manage_staff"  # add, edit, deactivate staff
    CHANGE_PERMISSIONS = "change_permissions"
    CHANGE_BUSINESS_HOURS = "change_business_hours"
    MANAGE_SERVICES = "manage_services"  # durations, prices, add/remove services
    MANAGE_SPOTS = "manage_spots"
    MANAGE_LOCATIONS = "manage_locations"
    MANAGE_ORGANIZATION = "manage_organization"  # name, time zone, settings
    REBOOK = "rebook"  # rebooking suggestions and applying them


MATRIX: dict[Permission, frozenset[PermissionLevel]] = {
    Permission.VIEW_SCHEDULE: frozenset({OWNER, ADMIN, STAFF, VIEWER}),
    Permission.VIEW_CUSTOMERS: frozenset({OWNER, ADMIN, STAFF, VIEWER}),
    Permission.BOOK: frozenset({OWNER, ADMIN, STAFF}),
    Permission.MARK_ATTENDANCE: frozenset({OWNER, ADMIN, STAFF}),
    Permission.CANCEL_APPOINTMENT: frozenset({OWNER, ADMIN, STAFF}),
    Permission.BLOCK_OWN_TIME: frozenset({OWNER, ADMIN, STAFF}),
    Permission.BLOCK_OTHERS_TIME: frozenset({OWNER, ADMIN}),
    Permission.EDIT_CUSTOMERS: frozenset({OWNER, ADMIN, STAFF}),
    Permission.MESSAGE_CUSTOMERS: frozenset({OWNER, ADMIN, STAFF}),
    Permission.VIEW_STATS: frozenset({OWNER, ADMIN}),
    Permission.MANAGE_STAFF: frozenset({OWNER, ADMIN}),
    Permission.CHANGE_PERMISSIONS: frozenset({OWNER}),
    Permission.CHANGE_BUSINESS_HOURS: frozenset({OWNER}),
    Permission.MANAGE_SERVICES: frozenset({OWNER}),
    Permission.MANAGE_SPOTS: frozenset({OWNER}),
    Permission.MANAGE_LOCATIONS: frozenset({OWNER}),
    Permission.MANAGE_ORGANIZATION: frozenset({OWNER}),
    Permission.REBOOK: frozenset({OWNER, ADMIN}),
}

DENIED_MESSAGES: dict[Permission, str] = {
    Permission.CHANGE_PERMISSIONS: "Solo el dueño puede cambiar permisos.",
    Permission.CHANGE_BUSINESS_HOURS: "Solo el dueño puede cambiar el horario del negocio.",
    Permission.MANAGE_SERVICES: "Solo el dueño puede cambiar servicios y precios.",
    Permission.MANAGE_STAFF: "Solo el dueño o un administrador pueden agregar o quitar personal.",
    Permission.VIEW_STATS: "Solo el dueño o un administrador pueden ver las estadísticas.",
    Permission.REBOOK: "Solo el dueño o un administrador pueden reorganizar la agenda.",
}


def allows(actor: Actor, permission: Permission) -> bool:
    if actor.kind in (ActorKind.ADMIN, ActorKind.SYSTEM):
        return True
    if actor.kind is ActorKind.STAFF and actor.permission_level is not None:
        return actor.permission_level in MATRIX[permission]
    return False


def check(actor: Actor, permission: Permission) -> PermissionDenied | NotAuthenticated | None:
    """None when allowed; otherwise the Spanish problem to return."""
    if actor.kind is ActorKind.ANONYMOUS:
        return NotAuthenticated()
    if allows(actor, permission):
        return None
    return PermissionDenied(DENIED_MESSAGES.get(permission, PermissionDenied().message))
