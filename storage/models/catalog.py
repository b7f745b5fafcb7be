"""What the business sells and where it is done: services and spots."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, String, Table, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, TenantMixin, TimestampsMixin, tenant_fk
from storage.models.organization import LocationRef
from storage.types import JSONDocument

spot_services = Table(
    "spot_services",
    Base.metadata,
    Column("spot_id", Uuid(), primary_key=True),
    Column("service_type_id", Uuid(), primary_key=True, index=True),
    Column("organization_id", Uuid(), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    tenant_fk("spot_id", "spots", ondelete="CASCADE"),
    tenant_fk("service_type_id", "service_types", ondelete="CASCADE"),
)


class ServiceType(TenantMixin, TimestampsMixin, Base):
    """A service on the menu: "Corte de cabello", 45 min, $150.

    A *processing segment* (``processing_offset_minutes`` + ``processing_minutes``) is the
    part of the service in which the stylist is free but the spot stays taken, e.g. while
    hair colour sets. ``buffer_after_minutes`` is clean-up time after the service.
    """

    __tablename__ = "service_types"
    __table_args__ = (
        CheckConstraint("duration_minutes > 0", name="duration_positive"),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        CheckConstraint("buffer_after_minutes >= 0", name="buffer_not_negative"),
        CheckConstraint(
            "(processing_offset_minutes IS NULL AND processing_minutes IS NULL) OR "
            "(processing_offset_minutes > 0 AND processing_minutes > 0 AND "
            "processing_offset_minutes + processing_minutes < duration_minutes)",
            name="processing_inside_service",
        ),
    )

    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str | None] = mapped_column(Text)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="MXN")
    buffer_after_minutes: Mapped[int] = mapped_column(Integer, default=0)
    processing_offset_minutes: Mapped[int | None] = mapped_column(Integer)
    processing_minutes: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: "#RRGGBB": how the dashboard's calendars paint this service (the owner picks it).
    color: Mapped[str | None] = mapped_column(String(7))
    settings: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)


class Spot(TenantMixin, LocationRef, TimestampsMixin, Base):
    """A chair, table or bed. A spot hosts only the services linked to it."""

    __tablename__ = "spots"
    __table_args__ = (tenant_fk("location_id", "locations", ondelete="CASCADE"),)

    name: Mapped[str] = mapped_column(String(120))
    display_order: Mapped[int] = mapped_column(Integer, default=0)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)

    services: Mapped[list[ServiceType]] = relationship(
        secondary=spot_services, lazy="raise",
        primaryjoin=lambda: (Spot.id == spot_services.c.spot_id)
        & (Spot.organization_id == spot_services.c.organization_id),
        secondaryjoin=lambda: (ServiceType.id == spot_services.c.service_type_id)
        & (ServiceType.organization_id == spot_services.c.organization_id),
    )

    @property
    def service_ids(self) -> set[uuid.UUID]:
        return {s.id for s in self.services}
