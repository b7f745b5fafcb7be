"""Opaque page cursors for lists that are small enough to page by position.

Every connection answers ``first`` (1 to :data:`MAX_PAGE`, default :data:`DEFAULT_PAGE`),
``after`` and the ``total_count`` of everything the filters match, so a client pages every
list the same way. (Appointments page by a keyset cursor instead: ``scheduling.agenda``.)
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from resolvers.errors import ValidationError

T = TypeVar("T")
MAX_PAGE = 200
DEFAULT_PAGE = 50


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    end_cursor: str | None
    has_next_page: bool
    total_count: int


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def page_size(first: int | None) -> int | ValidationError:
    """``first`` checked: 1 to MAX_PAGE (None: the default page)."""
    limit = DEFAULT_PAGE if first is None else first
    if not 1 <= limit <= MAX_PAGE:
        return ValidationError(f"Pide entre 1 y {MAX_PAGE} resultados por página.", field="first")
    return limit


def page_window(first: int | None, after: str | None) -> tuple[int, int] | ValidationError:
    """(offset, limit) from ``first``/``after``, or a Spanish problem for a bad cursor or size."""
    limit = page_size(first)
    if isinstance(limit, ValidationError):
        return limit
    if not after:
        return 0, limit
    try:
        kind, _, number = base64.urlsafe_b64decode(after.encode()).decode().partition(":")
        offset = int(number)
    except (ValueError, UnicodeDecodeError):
        return ValidationError("Ese cursor de página no es válido.", field="after")
    if kind != "o" or offset < 0:
        return ValidationError("Ese cursor de página no es válido.", field="after")
    return offset, limit


def page_of(rows: list[T], offset: int, limit: int, total: int) -> Page[T]:
    """``rows`` fetched with ``limit + 1`` to know whether another page exists."""
    items = tuple(rows[:limit])
    has_next = len(rows) > limit
    return Page(items=items, end_cursor=encode_cursor(offset + len(items)) if items else None, has_next_page=has_next,
                total_count=total)


async def read_page(session: AsyncSession, query: Select[Any], offset: int, limit: int) -> Page[Any]:
    """One page of ``query`` (ordered) and how many rows it matches in all."""
    rows = list((await session.scalars(query.offset(offset).limit(limit + 1))).all())
    if offset == 0 and len(rows) <= limit:
        total = len(rows)  # the whole list is on this page: no count query
    else:
        total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    return page_of(rows, offset, limit, total)
