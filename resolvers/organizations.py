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

#: Settings an owner may change, with the check each value must pass.
EDITABLE_SETTINGS: dict[str, tuple[type, str]] = {
    "slot_granularity_minutes": (int, "la duración de cada espacio en la agenda"),
    "reminder_hours_before": (int, "las horas de anticipación del recordatorio"),
    "max_days_ahead": (int, "los días que se puede reservar por adelantado"),
    "min_notice_minutes": (int, "los minutos mínimos de anticipación para reservar"),
    "buffer_minutes": (int, "los minutos de limpieza entre citas"),
    "welcome_message": (str, "el mensaje de bienvenida"),
    "cancellation_policy": (str, "la política de cancelación"),
    # Automatic messages (read by messaging.notifications.settings).
    "second_reminder": (bool, "el segundo recordatorio"),
    "second_reminder_hours_before": (int, "las horas de anticipación del segundo recordatorio"),
    "daily_summary": (bool, "el resumen diario"),
    "daily_summary_hour": (int, "la hora del resumen diario"),
    "review_requests": (bool, "la solicitud de calificación"),
    "review_request_delay_minutes": (int, "los minutos antes de pedir la calificación"),
    "no_show_rebook": (bool, "la invitación a reagendar tras una falta"),
    # Rebooking suggestions (read by resolvers.rebooking.policy).
    "rebooking_shift_window_minutes": (int, "cuánto se puede mover una cita al reacomodar"),
    "rebooking_days_ahead": (int, "los días a los que se puede mover una cita"),
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


def _check_settings(settings: dict[str, Any]) -> dict[str, Any] | ValidationError:
    clean: dict[str, Any] = {}
    for key, value in settings.items():
        if key not in EDITABLE_SETTINGS:
            return ValidationError(f"No conozco el ajuste «{key}».", field=f"settings.{key}")
        kind, label = EDITABLE_SETTINGS[key]
        if value is None:
            clean[key] = None
            continue
        if kind is bool and not isinstance(value, bool):
            return ValidationError(f"Revisa {label}: debe ser sí o no.", field=f"settings.{key}")
        if kind is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 10_000):
            return ValidationError(f"Revisa {label}: debe ser un número entero.", field=f"settings.{key}")
        if kind is str and (not isinstance(value, str) or len(value) > 1000):
            return ValidationError(f"Revisa {label}: debe ser un texto corto.", field=f"settings.{key}")
        if key == "daily_summary_hour" and value not in HOURS_OF_DAY:
            return ValidationError("La hora del resumen diario va de 0 a 23.", field=f"settings.{key}")
        if key == "slot_granularity_minutes" and value not in GRANULARITIES:
            return ValidationError("Los espacios de la agenda pueden ser de 5, 10, 15, 20, 30 o 60 minutos.",
                                   field=f"settings.{key}")
        clean[key] = value
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
