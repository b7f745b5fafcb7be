"""The business's clients. A customer's data stays with the business they gave it to."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, TenantMixin, TimestampsMixin, tenant_fk
from storage.models.enums import WaitlistStatus, db_enum
from storage.types import JSONDocument


class Customer(TenantMixin, TimestampsMixin, Base):
    """Known first by phone (E.164); the name is learned later and re-confirmed after 90 days."""

    __tablename__ = "customers"
    __table_args__ = (UniqueConstraint("organization_id", "phone_number"),)

    phone_number: Mapped[str] = mapped_column(String(20), index=True)
    name: Mapped[str | None] = mapped_column(String(120))
    name_verified_at: Mapped[datetime | None]
    email: Mapped[str | None] = mapped_column(String(254))
    notes: Mapped[str | None] = mapped_column(Text)
    #: Opt-in for "compacta la agenda": may Parlo propose moving this customer's bookings?
    accepts_moves: Mapped[bool] = mapped_column(Boolean, default=False)
    profile_data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)


class WaitlistEntry(TenantMixin, TimestampsMixin, Base):
    """A customer waiting for a freed slot of a service on a day, first come first served."""

    __tablename__ = "waitlist_entries"
    __table_args__ = (
        tenant_fk("customer_id", "customers", ondelete="CASCADE"),
        tenant_fk("service_type_id", "service_types", ondelete="CASCADE"),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    service_type_id: Mapped[uuid.UUID]
    desired_date: Mapped[date]
    status: Mapped[WaitlistStatus] = mapped_column(db_enum(WaitlistStatus, "waitlist_status"), default=WaitlistStatus.WAITING)
    offered_at: Mapped[datetime | None]
