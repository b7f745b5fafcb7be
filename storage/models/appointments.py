"""Appointments and the per-resource occupancy that makes double booking impossible."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import Boolean, CheckConstraint, Index, Integer, String, Text, UniqueConstraint, func, literal_column
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, TenantMixin, TimestampsMixin, tenant_fk
from storage.models.enums import AppointmentSource, AppointmentStatus, db_enum
from storage.models.organization import LocationRef
from storage.types import JSONDocument

#: Statuses in which an appointment holds its staff member and spot.
ACTIVE_STATUSES = (AppointmentStatus.PENDING, AppointmentStatus.CONFIRMED)

#: No appointment, and no occupancy row, lasts longer (services last at most 12 hours); the
#: database refuses one that would. So whatever overlaps [lo, hi) started after
#: ``lo - LONGEST_VISIT``: with that bound, "what overlaps this day" reads a day or two of the
#: (organization, starts_at) index instead of every earlier appointment the salon ever had.
LONGEST_VISIT = timedelta(hours=24)


def _at_most_a_day() -> tuple[CheckConstraint, CheckConstraint]:
    """``ends_at <= starts_at + 24 h`` in each backend's own terms (SQLite keeps instants as text)."""
    return (
        CheckConstraint("ends_at <= starts_at + interval '24 hours'", name="lasts_at_most_a_day")
        .ddl_if(dialect="postgresql"),
        CheckConstraint("julianday(ends_at) <= julianday(starts_at, '+24 hours')", name="lasts_at_most_a_day_sqlite")
        .ddl_if(dialect="sqlite"),
    )


class Appointment(TenantMixin, LocationRef, TimestampsMixin, Base):
    """One service for one customer. A multi-service or group visit shares ``booking_group_id``."""

    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        CheckConstraint("price_cents >= 0", name="price_not_negative"),
        *_at_most_a_day(),
        Index("ix_appointments_org_start", "organization_id", "starts_at"),
        Index("ix_appointments_staff_start", "staff_id", "starts_at"),
        tenant_fk("customer_id", "customers", ondelete="RESTRICT"),
        tenant_fk("service_type_id", "service_types", ondelete="RESTRICT"),
        tenant_fk("staff_id", "staff", ondelete="RESTRICT"),
        tenant_fk("spot_id", "spots", ondelete="RESTRICT"),
        tenant_fk("location_id", "locations", ondelete="CASCADE"),
        tenant_fk("created_by_staff_id", "staff", set_null=True),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(index=True)
    service_type_id: Mapped[uuid.UUID] = mapped_column(index=True)
    staff_id: Mapped[uuid.UUID | None]
    spot_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[AppointmentStatus] = mapped_column(
        db_enum(AppointmentStatus, "appointment_status"), default=AppointmentStatus.CONFIRMED
    )
    source: Mapped[AppointmentSource] = mapped_column(
        db_enum(AppointmentSource, "appointment_source"), default=AppointmentSource.WHATSAPP
    )
    booking_group_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    #: The customer asked for this staff member: a re-plan must keep them.
    staff_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Price at booking time, so a later price change does not rewrite history.
    price_cents: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    cancellation_reason: Mapped[str | None] = mapped_column(Text)
    cancelled_at: Mapped[datetime | None]
    reminder_sent_at: Mapped[datetime | None]
    #: A re-plan found no place for it (its stylist or chair is out): the customer was sent other
    #: times and the waitlist; it gets no reminder and the owner's summary counts it until it is
    #: moved or cancelled (which clears this).
    needs_new_time_at: Mapped[datetime | None]
    created_by_staff_id: Mapped[uuid.UUID | None]


class Occupancy(TenantMixin, Base):
    """One resource (a staff member XOR a spot) held by an appointment over ``[starts_at, ends_at)``.

    An appointment writes one row per resource interval: the spot for the whole service,
    the stylist for all of it except a processing segment. On PostgreSQL two exclusion
    constraints prove no resource is held twice at once; rows are deleted when the
    appointment stops holding its resources (cancellation).
    """

    __tablename__ = "occupancy"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="starts_before_ends"),
        CheckConstraint("(staff_id IS NULL) <> (spot_id IS NULL)", name="exactly_one_resource"),
        *_at_most_a_day(),
        Index("ix_occupancy_org_start", "organization_id", "starts_at"),
        Index("ix_occupancy_staff_start", "staff_id", "starts_at"),
        Index("ix_occupancy_spot_start", "spot_id", "starts_at"),
        tenant_fk("appointment_id", "appointments", ondelete="CASCADE"),
        tenant_fk("staff_id", "staff", ondelete="CASCADE"),
        tenant_fk("spot_id", "spots", ondelete="CASCADE"),
    )

    appointment_id: Mapped[uuid.UUID] = mapped_column(index=True)
    staff_id: Mapped[uuid.UUID | None]
    spot_id: Mapped[uuid.UUID | None]
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]


def _no_overlap(resource_column: str) -> ExcludeConstraint:
    """``EXCLUDE USING gist (organization_id WITH =, <resource> WITH =, tstzrange(starts_at, ends_at) WITH &&)``.

    Half-open ranges (``'[)'``) let back-to-back appointments touch. PostgreSQL only
    (btree_gist is needed for ``=`` on uuid); SQLite keeps the rule by serialised writes.
    ``organization_id`` is there for Citus (an exclusion must include the distribution
    column); a resource belongs to one organization, so the rule is unchanged.
    """
    during = func.tstzrange(
        Occupancy.__table__.c.starts_at, Occupancy.__table__.c.ends_at, literal_column("'[)'")
    )
    return ExcludeConstraint(
        (Occupancy.__table__.c.organization_id, "="),
        (Occupancy.__table__.c[resource_column], "="),
        (during, "&&"),
        name=f"ex_occupancy_{resource_column}_no_overlap",
        using="gist",
    ).ddl_if(dialect="postgresql")


Occupancy.__table__.append_constraint(_no_overlap("staff_id"))
Occupancy.__table__.append_constraint(_no_overlap("spot_id"))


class AppointmentReview(TenantMixin, TimestampsMixin, Base):
    """A customer's 1–5 rating of a completed appointment, with optional words."""

    __tablename__ = "appointment_reviews"
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating_one_to_five"),
        UniqueConstraint("appointment_id", "organization_id"),
        tenant_fk("appointment_id", "appointments", ondelete="CASCADE"),
    )

    appointment_id: Mapped[uuid.UUID]
    rating: Mapped[int] = mapped_column(Integer)
    feedback: Mapped[str | None] = mapped_column(Text)


class RebookingPlan(TenantMixin, TimestampsMixin, Base):
    """A suggested re-plan kept until the owner applies some of its moves."""

    __tablename__ = "rebooking_plans"
    __table_args__ = (tenant_fk("requested_by_staff_id", "staff", set_null=True),)

    kind: Mapped[str] = mapped_column(String(30))
    requested_by_staff_id: Mapped[uuid.UUID | None]
    payload: Mapped[dict] = mapped_column(JSONDocument, default=dict)
    applied_at: Mapped[datetime | None]
