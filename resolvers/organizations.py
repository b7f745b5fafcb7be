"""The business itself: read it, and let the owner change its name, zone and settings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resolvers.context import Context
from resolvers.errors import NotFound, Problem, ValidationError
from resolvers.input_checks import clean_name, clean_timezone
from resolvers.permissions import Permission
from resolvers.scope import authorize
from storage import Organization

#: Settings an owner may change: the kind of value, how to name it in Spanish, and for whole
#: numbers the range its reader accepts (outside it the reader would quietly use the default,
#: so the owner is told instead). Readers: ``scheduling.rules``, ``notification_settings``,
#: ``rebooking.policy``; ``organization_settings`` shows the values in force.
EDITABLE_SETTINGS: dict[str, tuple[type, str, tuple[int, int] | None]] = {
    "slot_granularity_minutes": (int, "la duración de cada espacio en la agenda", None),
    "reminder_hours_before": (int, "las horas de anticipación del recordatorio", (1, 24 * 7)),
    "max_days_ahead": (int, "los días que se puede reservar por adelantado", (0, 365)),
    "min_notice_minutes": (int, "los minutos mínimos de anticipación para reservar", (0, 7 * 24 * 60)),
    "buffer_minutes": (int, "los minutos de limpieza entre citas", (0, 240)),
    "welcome_message": (str, "el mensaje de bienvenida", None),
    "cancellation_policy": (str, "la política de cancelación", None),
    # Automatic messages (read by resolvers.notification_settings).
    "second_reminder": (bool, "el segundo recordatorio", None),
    "second_reminder_hours_before": (int, "las horas de anticipación del segundo recordatorio", (1, 23)),
    "daily_summary": (bool, "el resumen diario", None),
    "daily_summary_hour": (int, "la hora del resumen diario", (0, 23)),
    "review_requests": (bool, "la solicitud de calificación", None),
    "review_request_delay_minutes": (int, "los minutos antes de pedir la calificación", (0, 24 * 60)),
    "no_show_rebook": (bool, "la invitación a reagendar tras una falta", None),
    # Rebooking suggestions (read by resolvers.rebooking.policy).
    "rebooking_shift_window_minutes": (int, "cuánto se puede mover una cita al reacomodar", (0, 24 * 60)),
    "rebooking_days_ahead": (int, "los días a los que se puede mover una cita", (0, 7)),
    "rebooking_max_unaffected_customers": (int, "cuántos clientes no afectados puede mover un plan", (0, 100)),
    "rebooking_plan_minutes": (int, "los minutos que un plan sigue vigente", (1, 24 * 60)),
}
HOURS_OF_DAY = range(0, 24)
GRANULARITIES = (5, 10, 15, 20, 30, 60)


@dataclass(frozen=True, slots=True)
class OrganizationChanges:
    name: str | None = None
    timezone: str | None = None
    business_type: str | None = None
    settings: dict[str, Any] | None = None


async def get_organization(ctx: Context) -> Organization | Problem:
    organization_id = authorize(ctx, Permission.VIEW_SCHEDULE)
    if isinstance(organization_id, Problem):
        return organization_id
    async with ctx.db.session() as session:
        organization = await session.get(Organization, organization_id)
    return organization if organization is not None else NotFound()


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(word.title() for word in rest)


def _check_settings(settings: dict[str, Any]) -> dict[str, Any] | ValidationError:
    """Problems name the API's field (``settings.dailySummaryHour``); values are stored under snake_case keys."""
    clean: dict[str, Any] = {}
    for key, value in settings.items():
        where = f"settings.{_camel(key)}"
        if key not in EDITABLE_SETTINGS:
            return ValidationError(f"No conozco el ajuste «{key}».", field=where)
        kind, label, bounds = EDITABLE_SETTINGS[key]
        if value is None:
            clean[key] = None
            continue
        if kind is bool and not isinstance(value, bool):
            return ValidationError(f"Revisa {label}: debe ser sí o no.", field=where)
        if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 10_000):
            return ValidationError(f"Revisa {label}: debe ser un número entero.", field=where)
        if kind is str and (not isinstance(value, str) or len(value) > 1000):
            return ValidationError(f"Revisa {label}: debe ser un texto corto.", field=where)
        if key == "daily_summary_hour" and value not in HOURS_OF_DAY:
            return ValidationError("La hora del resumen diario va de 0 a 23.", field=where)
        if key == "slot_granularity_minutes" and value not in GRANULARITIES:
            return ValidationError("Los espacios de la agenda pueden ser de 5, 10, 15, 20, 30 o 60 minutos.",
                                   field=where)
        if bounds is not None and not bounds[0] <= value <= bounds[1]:
            return ValidationError(f"Revisa {label}: va de {bounds[0]} a {bounds[1]}.", field=where)
        clean[key] = value.strip() if kind is str else value
    return clean


async def update_organization(ctx: Context, changes: OrganizationChanges) -> Organization | Problem:
    organization_id = authorize(ctx, Permission.MANAGE_ORGANIZATION)
    if isinstance(organization_id, Problem):
        return organization_id
    name = clean_name(changes.name, field="name", label="el nombre del negocio", max_length=200) \
        if changes.name is not None else None
    if isinstance(name, Problem):
        return name
    zone = clean_timezone(changes.timezone) if changes.timezone is not None else None
    if isinstance(zone, Problem):
        return zone
    settings = _check_settings(changes.settings) if changes.settings is not None else None
    if isinstance(settings, Problem):
        return settings
    async with ctx.db.transaction(write=True) as session:
        organization = await session.get(Organization, organization_id, with_for_update=not ctx.db.is_sqlite)
        if organization is None:
            return NotFound()
        if name is not None:
            organization.name = name
        if zone is not None:
            organization.timezone = zone
        if changes.business_type is not None:
            organization.business_type = changes.business_type.strip()[:60] or None
        if settings is not None:
            merged = dict(organization.settings or {})
            for key, value in settings.items():
                if value is None:
                    merged.pop(key, None)
                else:
                    merged[key] = value
            organization.settings = merged
        organization.updated_at = ctx.now()
    return organization
