"""Ids cross the API as strings; anything that is not a UUID is simply not found."""

from __future__ import annotations

import uuid

import strawberry

from resolvers.scope import parse_uuid

#: Parses to no row at all, so a malformed id behaves exactly like another tenant's id.
NO_ROW = uuid.UUID(int=0)


def to_id(value: uuid.UUID) -> strawberry.ID:
    return strawberry.ID(str(value))


def from_id(value: object) -> uuid.UUID:
    return parse_uuid(value) or NO_ROW


def optional_id(value: object | None) -> uuid.UUID | None:
    return None if value is None else from_id(value)
