"""Lengths of time in two registers.

* :func:`format_duration` — the compact style of service lists in the spec ("Manicure -
  $200 (45 min)", "1 hr", "1.5 hr"): whole and half hours as decimals, any other length
  "1 hr 15 min". Not a CLDR unit style, so written by hand.
* :func:`duration_words` — inside a sentence ("dura 2 horas", "te doy 45 minutos", "hora
  y media"): "1 hora", "2 horas", "1 hora y media", "1 hora y 15 minutos", "45 minutos".
"""

from __future__ import annotations

from datetime import timedelta

__all__ = ["duration_words", "format_duration"]


def _minutes(length: int | timedelta) -> int:
    return int(length.total_seconds() // 60) if isinstance(length, timedelta) else length


def format_duration(minutes: int | timedelta) -> str:
    """"45 min", "1 hr", "1.5 hr", "2 hr", "1 hr 15 min" (the spec's example 5 style)."""
    minutes = _minutes(minutes)
    if minutes < 60:
        return f"{minutes} min"
    hours, rest = divmod(minutes, 60)
    if rest == 0:
        return f"{hours} hr"
    if rest == 30:
        return f"{hours}.5 hr"
    return f"{hours} hr {rest} min"


def _count(amount: int, one: str, many: str) -> str:
    return f"{amount} {one if amount == 1 else many}"


def duration_words(minutes: int | timedelta) -> str:
    """"45 minutos", "1 hora", "2 horas", "1 hora y media", "2 horas y 15 minutos"."""
    minutes = _minutes(minutes)
    if minutes < 60:
        return _count(minutes, "minuto", "minutos")
    hours, rest = divmod(minutes, 60)
    text = _count(hours, "hora", "horas")
    if rest == 30:
        return f"{text} y media"
    return f"{text} y {_count(rest, 'minuto', 'minutos')}" if rest else text
