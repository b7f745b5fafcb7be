"""Prices as Parlo writes them: "$150", "$1,250", "$150.50".

Babel's currency format always shows cents ("$150.00"); the spec shows "$150", so cents
appear only when there are some. Amounts are integer centavos everywhere in Parlo.
"""

from __future__ import annotations

__all__ = ["format_price"]


def format_price(centavos: int) -> str:
    """Pesos from centavos: "$150", "$1,250", "$150.50" (cents only when there are some)."""
    sign = "-" if centavos < 0 else ""
    pesos, cents = divmod(abs(centavos), 100)
    text = f"{sign}${pesos:,}"
    return f"{text}.{cents:02d}" if cents else text
