"""Every setting of an organization with the value in force: what the owner chose, or the default.

``Organization.settings`` stores only what was changed (often ``{}``). Each part of Parlo
reads its own keys with its own defaults (``scheduling.rules.BookingRules``,
``notification_settings.NotificationSettings``, ``rebooking.policy.RebookingSettings``);
this module asks those same readers, so what a client is shown is what the salon runs on,
never a second copy of the defaults that could drift.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resolvers.notification_settings import NotificationSettings
from resolvers.rebooking.policy import RebookingSettings
from resolvers.scheduling.rules import BookingRules


@dataclass(frozen=True, slots=True)
class EffectiveSettings:
    booking: BookingRules
    notifications: NotificationSettings
    rebooking: RebookingSettings
    welcome_message: str | None
    cancellation_policy: str | None
    notify_admin_ids: tuple[str, ...]


def _text(settings: dict[str, Any], key: str) -> str | None:
    value = settings.get(key)
    return value.strip() or None if isinstance(value, str) else None


def effective_settings(organization: Any) -> EffectiveSettings:
    settings = getattr(organization, "settings", None) or {}
    admins = settings.get("notify_admin_ids")
    return EffectiveSettings(
        booking=BookingRules.of(organization),
        notifications=NotificationSettings.of(settings),
        rebooking=RebookingSettings.of(organization),
        welcome_message=_text(settings, "welcome_message"),
        cancellation_policy=_text(settings, "cancellation_policy"),
        notify_admin_ids=tuple(str(i) for i in admins) if isinstance(admins, (list, tuple)) else (),
    )
