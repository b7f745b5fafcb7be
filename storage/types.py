"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, DateTime
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator

#: JSON documents: JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
JSONDocument = JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware instant, always stored and returned in UTC.

    SQLite has no time zones and returns naive datetimes; PostgreSQL returns aware ones.
    Normalising both to aware UTC means the rest of Parlo never sees a naive datetime,
    and a naive value coming in is a bug we refuse loudly rather than guess at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC instant")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            # Stored as text; a fixed format keeps lexical order equal to time order.
            return value.replace(tzinfo=None)
        return value

    def result_processor(self, dialect, coltype):  # type: ignore[override]
        # asyncpg already answers a timestamptz as an aware datetime in UTC (whatever the
        # session's time zone), so there is nothing to do: a full day's agenda reads ~500 of them.
        if dialect.driver == "asyncpg":
            return None
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
