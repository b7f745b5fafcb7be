"""What happened: function traces for debugging and an activity feed for admins."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, OptionalTenantMixin
from storage.models.enums import TraceType, db_enum
from storage.types import JSONDocument


class FunctionTrace(OptionalTenantMixin, Base):
    """One traced call (an AI tool, a service call, an external API), grouped by correlation id."""

    __tablename__ = "function_traces"
    __table_args__ = (Index("ix_function_traces_correlation", "correlation_id", "sequence_number"),)

    correlation_id: Mapped[str] = mapped_column(String(64))
    sequence_number: Mapped[int] = mapped_column(Integer, default=0)
    function_name: Mapped[str] = mapped_column(String(120))
    trace_type: Mapped[TraceType] = mapped_column(db_enum(TraceType, "trace_type"))
    phone_number: Mapped[str | None] = mapped_column(String(20))
    input_summary: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    output_summary: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    duration_ms: Mapped[float | None] = mapped_column(Float)
    is_error: Mapped[bool] = mapped_column(Boolean, default=False)
    error_message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


class ActivityEvent(OptionalTenantMixin, Base):
    """A line in the admin activity feed: signups, bookings, status changes."""

    __tablename__ = "activity_events"
    __table_args__ = (Index("ix_activity_events_created", "created_at"),)

    kind: Mapped[str] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    subject_id: Mapped[uuid.UUID | None]
    data: Mapped[dict[str, Any]] = mapped_column(JSONDocument, default=dict)
    created_at: Mapped[datetime]
