"""A person's name given as a reply ("¿Me confirmas tu nombre?", "¿Cómo se llama?").

People answer with the name alone ("Juan Pérez", "ana"), or with a lead-in ("me llamo
Ana", "soy María de la Luz", "a nombre de Juan"). A reply that is a yes/no, a time, a
number or a request is not a name. Names come back capitalised the Mexican way, particles
in lowercase ("María de la Luz"), accents as written.
"""

from __future__ import annotations

import re

from .normal_form import normalize

__all__ = ["parse_person_name"]

_LEAD_IN = re.compile(
    r"^\s*(?:(?:hola|ok|si|sí|claro)[\s,.!]+)?(?:me\s+llamo|mi\s+nombre\s+es|soy|se\s+llama|su\s+nombre\s+es|es|a\s+nombre\s+de|ponle|ponla|pon)\s+",
    re.IGNORECASE,
)
_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y"})
_NOT_NAMES = frozenset(
    """
    si no ok va sale dale claro gracias hola buenas buenos dias tardes noches quiero cita manana hoy
    perfecto listo bien nel nop que para por favor las los el la una un cancelar cambiar agendar
    todos todas ninguno otro otra corte barba tinte unas manicure pedicure precio horario
    """.split()
)
_WORD = re.compile(r"^[A-Za-zÁÉÍÓÚÜÑáéíóúüñ'’-]+$")


def parse_person_name(text: str) -> str | None:
    """The name in a reply, capitalised, or None if the reply is not a name."""
    text = _LEAD_IN.sub("", text.strip()).strip(" .,!¡¿?\"'")
    words = text.split()
    if not 1 <= len(words) <= 5 or not all(_WORD.match(word) for word in words):
        return None
    if words[0].lower() in _PARTICLES or words[-1].lower() in _PARTICLES:
        return None
    if any(normalize(word) in _NOT_NAMES for word in words if word.lower() not in _PARTICLES):
        return None
    return " ".join(
        word.lower() if index and word.lower() in _PARTICLES else word[:1].upper() + word[1:].lower()
        for index, word in enumerate(words)
    )
