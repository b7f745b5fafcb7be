"""Lists in a reply: bullets, "corte, barba y cejas", and a service's line in a menu."""

from __future__ import annotations

from collections.abc import Iterable

from .durations import format_duration
from .money import format_price

__all__ = ["bullet_list", "format_service_line", "join_words"]


def bullet_list(items: Iterable[str]) -> str:
    """One "• item" per line."""
    return "\n".join(f"• {item}" for item in items)


def _conjunction(word: str, following: str) -> str:
    """"y" becomes "e" before an "i" sound ("tinte e iluminación"), "o" becomes "u" before "o" ("7 u 8")."""
    start = following.lower()
    if word == "y" and (start.startswith(("i", "í")) or (start.startswith(("hi", "hí")) and not start.startswith(("hia", "hie", "hio")))):
        return "e"
    if word == "o" and (start.startswith(("o", "ó", "ho", "8")) or start == "11" or start.startswith("11 ")):
        return "u"
    return word


def join_words(items: Iterable[str], conjunction: str = "y") -> str:
    """"corte", "corte y barba", "corte, barba y cejas"; "tinte e iluminación", "7 u 8"."""
    items = [item for item in items if item]
    if len(items) <= 1:
        return items[0] if items else ""
    return f"{', '.join(items[:-1])} {_conjunction(conjunction, items[-1])} {items[-1]}"


def format_service_line(name: str, price_centavos: int | None = None, minutes: int | None = None) -> str:
    """"Manicure - $200 (45 min)", the way services are listed to choose from."""
    text = name
    if price_centavos is not None:
        text = f"{text} - {format_price(price_centavos)}"
    if minutes is not None:
        text = f"{text} ({format_duration(minutes)})"
    return text
