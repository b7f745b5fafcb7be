"""Typed, versioned flow memory: dataclasses ⇄ JSON for the ``collected_data`` of flow and onboarding rows.

Flows keep dataclasses (with enums, dates, times, lists and nested dataclasses); a row is
``{"version": N, **fields}``. :func:`read` never raises: rows written before typed state
(no ``version``) go through ``upgrade``; an unknown version or a row that does not fit the type
gives None, so the caller drops it and asks again.
"""

from __future__ import annotations

import enum
import logging
import types
import typing
import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass
from datetime import date, datetime, time
from typing import Any, TypeVar

log = logging.getLogger("parlo.conversation")

T = TypeVar("T")


@dataclass
class HoursRow:
    """One day's opening hours, as the hours tools take them."""

    weekday: int  # 0 = Monday
    open: str  # "HH:MM"
    close: str


def read(cls: type[T], data: Any, version: int, *, upgrade: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
         what: str = "flow") -> T | None:
    """``data`` (a row's JSON) as a ``cls``, or None when it cannot be read (logged, never raised)."""
    try:
        data = dict(data or {})
        found = data.pop("version", 0)
        if found == 0 and upgrade is not None:
            data = upgrade(data)
        elif found != version:
            raise ValueError(f"unknown version {found!r}")
        return decode(cls, data)
    except Exception:  # noqa: BLE001 - a damaged row is forgotten, never a crashed turn
        log.warning("%s memory unreadable; starting afresh", what, exc_info=True)
        return None


# ---------------------------------------------------------------- dataclass ⇄ JSON


def encode(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, time)):  # "2026-01-16T14:00", "16:30" as flows wrote them; seconds only if any
        return value.isoformat(timespec="minutes" if not (value.second or value.microsecond) else "auto")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot keep {type(value).__name__} in a flow")


_HINTS: dict[type, dict[str, Any]] = {}


def decode(cls: type, data: Any) -> Any:
    """``data`` read as a ``cls`` dataclass; keys it does not know are ignored, wrong types raise."""
    if not isinstance(data, dict):
        raise TypeError(f"{cls.__name__}: expected an object, got {type(data).__name__}")
    hints = _HINTS.get(cls)
    if hints is None:
        hints = _HINTS[cls] = typing.get_type_hints(cls)
    values = {f.name: _value(hints[f.name], data[f.name]) for f in fields(cls) if f.init and f.name in data}
    return cls(**values)


def _value(tp: Any, value: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (types.UnionType, typing.Union):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _value(inner, value)
    if origin in (list, tuple):
        if not isinstance(value, list):
            raise TypeError(f"expected a list, got {type(value).__name__}")
        (inner, *_) = typing.get_args(tp)
        items = [_value(inner, v) for v in value]
        return items if origin is list else tuple(items)
    if origin is dict:
        if not isinstance(value, dict):
            raise TypeError("expected an object")
        return dict(value)
    if tp is Any:
        return value
    if is_dataclass(tp):
        return decode(tp, value)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(value)
    if tp is datetime:
        return datetime.fromisoformat(_str(value))
    if tp is date:
        return date.fromisoformat(_str(value))
    if tp is time:
        return time.fromisoformat(_str(value))
    if tp is bool:
        if not isinstance(value, bool):
            raise TypeError("expected true or false")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("expected an integer")
        return value
    if tp is str:
        return _str(value)
    if tp is uuid.UUID:
        return uuid.UUID(_str(value))
    raise TypeError(f"cannot read {tp!r}")


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


