"""A 1–5 rating given as a reply to "¿Cómo calificarías tu visita?" (the spec's rating flow).

People answer with a number ("5", "un 4", "5 estrellas", "10/10"), with stars
(⭐⭐⭐⭐), or with words ("excelente" 5, "muy bien" 4, "bien" 4, "regular" 3, "mal" 2,
"pésimo" 1). A number out of ten is halved, rounded up. Anything else is not a rating.
"""

from __future__ import annotations

import math
import re

from .normal_form import normalize

__all__ = ["parse_rating"]

_STARS = ("⭐", "★", "🌟")
_OUT_OF_TEN = re.compile(r"\b(10|[1-9])\s*(?:/|de)\s*10\b")
_NUMBER = re.compile(r"(?<![\d:/.])(?<!las )(?<!la )\b([1-5])\b(?![\d:/.])(?!\s*(?:de\s+la|pm|am|hrs))")
_WORD_NUMBERS = {"uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5}
_WORD_NUMBER = re.compile(r"\b(?:un|una|con)?\s*(uno|dos|tres|cuatro|cinco)\s*(?:estrellas?)?$")
_WORDS = (
    (re.compile(r"\b(?:excelente|perfecto|increible|buenisimo|genial|maravillos[oa]|lo\s+maximo|super\s+bien|muy\s+buen[oa])\b"), 5),
    (re.compile(r"\b(?:pesim[oa]|terrible|horrible|muy\s+mal[oa]?|fatal)\b"), 1),
    (re.compile(r"\b(?:mal[oa]?|no\s+me\s+gusto)\b"), 2),
    (re.compile(r"\b(?:regular|mas\s+o\s+menos|normal|ahi\s+va)\b"), 3),
    (re.compile(r"\b(?:muy\s+bien|bien|buen[oa]|me\s+gusto)\b"), 4),
)


def parse_rating(text: str) -> int | None:
    """The 1–5 rating in a reply, or None."""
    stars = sum(text.count(star) for star in _STARS)
    if 1 <= stars <= 5:
        return stars
    norm = normalize(text)
    if match := _OUT_OF_TEN.search(norm):
        return max(1, math.ceil(int(match.group(1)) / 2))
    if match := _NUMBER.search(norm):
        return int(match.group(1))
    if match := _WORD_NUMBER.search(norm):
        return _WORD_NUMBERS[match.group(1)]
    for pattern, rating in _WORDS:
        if pattern.search(norm):
            return rating
    return None
