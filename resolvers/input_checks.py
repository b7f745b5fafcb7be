"""Small checks shared by the management use cases, each returning a Spanish problem.

Those use cases read, then write, in one ``db.transaction(write=True)``: on SQLite a
deferred transaction that reads first cannot upgrade to a writer while another
connection writes (it fails at once instead of waiting), so writers start IMMEDIATE.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.errors import NotFound, ValidationError
from resolvers.phones import InvalidPhone, normalise_phone


def clean_name(value: str | None, *, field: str, label: str, max_length: int = 120) -> str | ValidationError:
    text = " ".join((value or "").split())
    if not text:
        return ValidationError(f"Escribe {label}.", field=field)
    if len(text) > max_length:
        return ValidationError(f"{label.capitalize()} es muy largo (máximo {max_length} caracteres).", field=field)
    return text


def optional_text(value: str | None, *, max_length: int = 2000) -> str | None:
    """Free text: blank clears it."""
    if value is None:
        return None
    text = value.strip()
    return text[:max_length] or None


def clean_phone(value: str | None, *, field: str = "phone") -> str | ValidationError:
    try:
        return normalise_phone(value or "")
    except InvalidPhone as exc:
        return ValidationError(str(exc), field=field)


def clean_timezone(value: str) -> str | ValidationError:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return ValidationError(f"No conozco la zona horaria «{value}». Usa por ejemplo America/Mexico_City.",
                               field="timezone")
    return value


def whole_number(value: int | None, *, field: str, label: str, minimum: int, maximum: int) -> int | None | ValidationError:
    if value is None:
        return None
    if not minimum <= value <= maximum:
        return ValidationError(f"{label} debe estar entre {minimum} y {maximum}.", field=field)
    return value


async def rows_of_organization(session: AsyncSession, model, ids: Iterable[uuid.UUID], organization_id: uuid.UUID,
                               *, what: str) -> list | NotFound:
    """Load rows by id within one organization; any id not found there is "not found"."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return []
    rows = (await session.scalars(
        select(model).where(model.id.in_(wanted), model.organization_id == organization_id)
    )).all()
    if len(rows) != len(wanted):
        return NotFound(f"No encontré {what}.")
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in wanted]


async def is_referenced(session: AsyncSession, column, value: uuid.UUID, *, organization_id: uuid.UUID) -> bool:
    """Does any row of the salon name ``value`` in ``column`` (an ORM attribute of a tenant model)?
    Within the salon: on Citus that is one shard, not every shard."""
    owner = column.class_.organization_id
    return await session.scalar(select(column).where(owner == organization_id, column == value).limit(1)) is not None
