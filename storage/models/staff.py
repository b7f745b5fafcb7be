"""The people who work there, and when they work."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, TenantMixin, TimestampsMixin, tenant_fk
from storage.models.catalog import ServiceType
from storage.models.enums import AvailabilityKind, PermissionLevel, StaffRole, db_enum
from storage.types import JSONDocument

staff_services = Table(
    "staff_services",
    Base.metadata,
    Column("staff_id", Uuid(), primary_key=True),
    Column("service_type_id", Uuid(), primary_key=True, index=True),
    Column("organization_id", Uuid(), ForeignKey("organizations.id", ondelete="CASCADE"), primary_key=True),
    tenant_fk("staff_id", "staff", ondelete="CASCADE"),
    tenant_fk("service_type_id", "service_types", ondelete="CASCADE"),
)


class Staff(TenantMixin, TimestampsMixin, Base):
    """A staff member, recognised on WhatsApp by ``phone_number`` (E.164, +52XXXXXXXXXX)."""

    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("organization_id", "phone_number"),
        tenant_fk("location_id", "locations", set_null=True),
        tenant_fk("default_spot_id", "spots", set_null=True),
    )

    location_id: Mapped[uuid.UUID | None]
    name: Mapped[str] = mapped_column(String(120))
    phone_number: Mapped[str] = mapped_column(String(20), index=True)
    role: Mapped[StaffRole] = mapped_column(db_enum(StaffRole, "staff_role"), default=StaffRole.EMPLOYEE)
    permission_level: Mapped[PermissionLevel] = mapped_column(
        db_enum(PermissionLevel, "permission_level"), default=PermissionLevel.STAFF
    )
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: None until the staff member first writes to Parlo: their first message starts onboarding.
    first_message_at: Mapped[datetime | None]
    default_spot_id: Mapped[uuid.UUID | None]
    settings: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    #: Sessions carry the generation they were issued in; bumping it (sign out everywhere, a
    #: permission change, deactivation, a new phone) ends every session issued before.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    services: Mapped[list[ServiceType]] = relationship(
        secondary=staff_services, lazy="raise",
        primaryjoin=lambda: (Staff.id == staff_services.c.staff_id)
        & (Staff.organization_id == staff_services.c.organization_id),
        secondaryjoin=lambda: (ServiceType.id == staff_services.c.service_type_id)
        & (ServiceType.organization_id == staff_services.c.organization_id),
    )


class StaffPhone(Base):
    """Who has this phone: each salon where a staff member has it (a Citus reference table).

    Signing in by phone and the central number (is this sender staff somewhere?) start from a
    phone and no salon; ``staff`` is distributed by salon, so asking it by phone alone goes to
    every shard. This small global table answers on any node, and the salon's own shard is
    asked next. Kept in step with ``Staff`` (insert, phone or salon change, delete; the salon's
    deletion) by :mod:`storage.references` on every ORM flush, in the same transaction. Every
    staff member is here, active or not: the salon's shard decides who may sign in. No foreign
    key: a reference table cannot point into a distributed one.
    """

    __tablename__ = "staff_phones"

    phone_number: Mapped[str] = mapped_column(String(20), primary_key=True)
    organization_id: Mapped[uuid.UUID] = mapped_column(primary_key=True, index=True)
    staff_id: Mapped[uuid.UUID] = mapped_column()


class Availability(TenantMixin, TimestampsMixin, Base):
    """When someone (or the whole location, ``staff_id`` NULL) can or cannot work.

    * ``recurring``: weekly hours, ``day_of_week`` (0 = Monday) ``start_time``–``end_time``
      in local time. Several rows per day make a split shift.
    * ``exception``: a dated change in local time; ``is_available`` true adds hours that
      day (replacing the weekly ones), false is a day off (times empty = whole day).
    * ``block``: an absolute UTC range taken out (lunch, errand, holiday), with a reason.
    * ``spot_out``: a chair or station (``spot_id``) out of use over an absolute UTC range
      (broken, being repaired): nothing is booked in it then. A kind of its own, so that
      readers of staff and location blocks never mistake it for the whole location closing.
    """

    __tablename__ = "availability"
    __table_args__ = (
        CheckConstraint(
            "kind <> 'recurring' OR (day_of_week BETWEEN 0 AND 6 AND start_time IS NOT NULL "
            "AND end_time IS NOT NULL AND start_time < end_time)",
            name="recurring_has_weekday_and_hours",
        ),
        CheckConstraint(
            "kind <> 'exception' OR (exception_date IS NOT NULL AND "
            "((start_time IS NULL AND end_time IS NULL AND NOT is_available) OR "
            "(start_time IS NOT NULL AND end_time IS NOT NULL AND start_time < end_time)))",
            name="exception_has_date_and_hours",
        ),
        CheckConstraint(
            "kind <> 'block' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND starts_at < ends_at)",
            name="block_has_range",
        ),
        CheckConstraint(
            "kind <> 'spot_out' OR (spot_id IS NOT NULL AND staff_id IS NULL AND starts_at IS NOT NULL "
            "AND ends_at IS NOT NULL AND starts_at < ends_at)",
            name="spot_out_has_spot_and_range",
        ),
        Index("ix_availability_org_kind_start", "organization_id", "kind", "starts_at"),
        tenant_fk("staff_id", "staff", ondelete="CASCADE"),
        tenant_fk("location_id", "locations", ondelete="CASCADE"),
        tenant_fk("spot_id", "spots", ondelete="CASCADE"),
    )

    staff_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    location_id: Mapped[uuid.UUID | None]
    spot_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    kind: Mapped[AvailabilityKind] = mapped_column(db_enum(AvailabilityKind, "availability_kind"))
    day_of_week: Mapped[int | None] = mapped_column(Integer)
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    exception_date: Mapped[date | None]
    is_available: Mapped[bool] = mapped_column(Boolean, default=True)
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
