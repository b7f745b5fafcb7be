"""A colour per service, so a calendar reads at a glance ("the purple ones are colour jobs").

The owner picks one in Ajustes; a new service gets the first colour of the palette no other
service of the salon uses, and a row from before colours existed answers a stable default
(picked from its id), so every service always has one. Ten mid-tone colours that stay legible
under dark text on a light tint, and distinct from each other for the common colour blindness
(blue/orange/purple/teal lead).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable

from resolvers.errors import ValidationError

PALETTE = (
    "#2563EB",  # azul
    "#EA580C",  # naranja
    "#7C3AED",  # morado
    "#0D9488",  # verde azulado
    "#DB2777",  # rosa
    "#65A30D",  # verde limón
    "#CA8A04",  # mostaza
    "#0891B2",  # cian
    "#DC2626",  # rojo
    "#4B5563",  # gris
)
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")
BAD_COLOUR = ValidationError("Elige un color válido, como #2563EB.", field="color")


def clean_colour(text: str) -> str | ValidationError:
    value = text.strip()
    return value.upper() if _HEX.match(value) else BAD_COLOUR


def next_free_colour(used: Iterable[str | None]) -> str:
    taken = {c.upper() for c in used if c}
    free = [c for c in PALETTE if c not in taken]
    return free[0] if free else PALETTE[len(taken) % len(PALETTE)]


def default_colour(service_id: uuid.UUID | str) -> str:
    return PALETTE[uuid.UUID(str(service_id)).int % len(PALETTE)]
