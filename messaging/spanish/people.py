"""People named in a message: the salon's staff ("con Pedro"), and the writer's own name ("soy Ana").

Staff are matched by first name against the team's names, tolerating one typo in names of
six letters or more ("Fernanda"/"Fernada"). The writer's name needs a lead-in ("me llamo
Ana", "mi nombre es Juan Pérez", "a nombre de María de la Luz", "soy Ana" — after "soy"
only a capitalised word counts, so "soy nueva" is not a name); the name itself follows
:func:`~.names.parse_person_name`. A bare name given as a reply is the dialogue's call
(:func:`~.names.parse_person_name`), since only it knows a name was asked for.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from .names import parse_person_name
from .normal_form import normalize

__all__ = ["find_person_name", "find_staff"]

_LEAD_IN_RE = re.compile(
    r"\b(?P<lead>me\s+llamo|mi\s+nombre\s+es|a\s+nombre\s+de|soy)\s+"
    r"(?P<name>[^\W\d_][\w'’-]*(?:\s+[^\W\d_][\w'’-]*){0,4})",
    re.IGNORECASE,
)
_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y"})
_NAME_STOPS = frozenset(
    """
    y e o pero quiero queria quisiera necesito ocupo me te le para por favor cita con a al en el un una
    que gracias hola buenos buenas mañana manana hoy pasado tengo agendar agenda cambiar cancelar
    mi tu su soy estoy llamo nueva nuevo cliente clienta de
    """.split()
)


@lru_cache(maxsize=256)
def _first_names(staff: tuple[tuple[Hashable, str], ...]) -> tuple[tuple[Hashable, str, str], ...]:
    named = []
    for staff_id, name in staff:
        words = normalize(name).split()
        if words:
            named.append((staff_id, name, words[0]))
    return tuple(named)


def _is(word: str, first: str) -> bool:
    return word == first or (
        len(first) >= 6 and word[:1] == first[:1] and Levenshtein.distance(word, first, score_cutoff=1) <= 1
    )


def find_staff(norm: str, staff: Sequence[tuple[Hashable, str]]) -> list[tuple[Hashable, str]]:
    """The team members a normalized message names, in the order named: ``[(id, name), …]``."""
    words = norm.split()
    found: list[tuple[int, Hashable, str]] = []
    for staff_id, name, first in _first_names(tuple(staff)):
        position = next((i for i, word in enumerate(words) if _is(word, first)), None)
        if position is not None:
            found.append((position, staff_id, name))
    found.sort(key=lambda item: item[0])
    return [(staff_id, name) for _, staff_id, name in found]


def find_person_name(text: str) -> str | None:
    """The writer's name when they give it with a lead-in ("soy Ana", "me llamo Juan Pérez")."""
    for match in _LEAD_IN_RE.finditer(text):
        words: list[str] = []
        for word in match.group("name").split():
            plain = normalize(word)
            if plain in _NAME_STOPS and not (plain in _PARTICLES and words):
                break
            words.append(word)
        while words and normalize(words[-1]) in _PARTICLES:
            words.pop()
        if not words:
            continue
        if match.group("lead").lower() == "soy" and not words[0][:1].isupper():
            continue
        name = parse_person_name(" ".join(words))
        if name is not None:
            return name
    return None
