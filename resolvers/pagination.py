"""Opaque page cursors for lists that are small enough to page by position."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Generic, TypeVar

from resolvers.errors import ValidationError

T = TypeVar("T")
MAX_PAGE = 200
DEFAULT_PAGE = 50


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    items: tuple[T, ...]
    end_cursor: str | None
    has_next_page: bool


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode()


def page_window(first: int | None, after: str | None) -> tuple[int, int] | ValidationError:
    """(offset, limit) from ``first``/``after``, or a Spanish problem for a bad cursor or size."""
    limit = DEFAULT_PAGE if first is None else first
    if not 1 <= limit <= MAX_PAGE:
        return ValidationError(f"Pide entre 1 y {MAX_PAGE} resultados por página.", field="first")
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


def page_of(rows: list[T], offset: int, limit: int) -> Page[T]:
    """``rows`` fetched with ``limit + 1`` to know whether another page exists."""
    items = tuple(rows[:limit])
    has_next = len(rows) > limit
    return Page(items=items, end_cursor=encode_cursor(offset + len(items)) if items else None, has_next_page=has_next)
