"""The business and its places."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, IdMixin, TenantMixin, TimestampsMixin
from storage.models.enums import OrganizationStatus, WhatsAppStatus, db_enum
from storage.types import JSONDocument


class Organization(IdMixin, TimestampsMixin, Base):
    """A business ("Barbería Don Carlos"). Onboarding progress lives in OnboardingSession."""

    __tablename__ = "organizations"

    name: Mapped[str] = mapped_column(String(200))
    business_type: Mapped[str | None] = mapped_column(String(60))
    timezone: Mapped[str] = mapped_column(String(64), default="America/Mexico_City")
    status: Mapped[OrganizationStatus] = mapped_column(
        db_enum(OrganizationStatus, "organization_status"), default=OrganizationStatus.ONBOARDING
    )
    #: The business's WhatsApp number (E.164) that customers write to. Unique across Parlo
    #: because the recipient number is how an inbound message finds its organization: the
    #: reference table :class:`WhatsAppNumber` holds that uniqueness and the routing (Citus
    #: cannot keep a unique column of a distributed table that is not its key).
    whatsapp_number: Mapped[str | None] = mapped_column(String(20), index=True)
    whatsapp_sender_id: Mapped[str | None] = mapped_column(String(64))
    whatsapp_status: Mapped[WhatsAppStatus] = mapped_column(
        db_enum(WhatsAppStatus, "whatsapp_status"), default=WhatsAppStatus.NOT_CONNECTED
    )
    plan: Mapped[str] = mapped_column(String(20), default="free")
    settings: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    last_message_at: Mapped[datetime | None]
    #: Bumped in the same transaction as any write of the salon's services, staff or spots
    #: (storage.catalog_version): processes cache that catalog and re-read it when this moves.
    catalog_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class Location(TenantMixin, TimestampsMixin, Base):
    """A physical place with weekly business hours.

    ``business_hours`` maps a weekday ("0" = Monday … "6" = Sunday) to a list of
    ``["HH:MM", "HH:MM"]`` open ranges in the organization's local time; a missing or empty
    weekday is closed. Dated closures (holidays) are location-wide Availability blocks.
    """

    __tablename__ = "locations"
    __table_args__ = (
        # At most one primary location per organization.
        Index(
            "uq_locations_primary_per_organization",
            "organization_id",
            unique=True,
            sqlite_where=text("is_primary"),
            postgresql_where=text("is_primary"),
        ),
    )

    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    business_hours: Mapped[dict[str, list[list[str]]]] = mapped_column(JSONDocument, default=dict)


class LocationRef:
    """Mixin for rows that belong to one location (add ``tenant_fk("location_id", "locations",
    ondelete="CASCADE")`` to the table's arguments)."""

    location_id: Mapped[uuid.UUID] = mapped_column(index=True)


class WhatsAppNumber(Base):
    """Routing: the organization a business WhatsApp number belongs to (a Citus reference table).

    An inbound message names only the number it was sent to; this small global table answers
    "which salon" on any node before anything else is known. Kept in step with
    ``Organization.whatsapp_number`` by :mod:`storage.references` on every ORM flush; its key
    is what keeps a number with one organization. No foreign key: a reference table cannot
    point into a distributed one.
    """

    __tablename__ = "whatsapp_numbers"

    number: Mapped[str] = mapped_column(String(20), primary_key=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(index=True)
