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
    r"^\s*(?:(?:hola|ok|okey|okay|si|sí|sip|simon|simón|va|sale|dale|claro(?:\s+que\s+s[ií])?|perfecto|listo)[\s,.!]+)?"
    r"(?:me\s+llamo|mi\s+nombre\s+es|soy|se\s+llama|su\s+nombre\s+es|es|a\s+nombre\s+de|ponle|ponla|pon)\s+",
    re.IGNORECASE,
)
_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y"})
# Words a short reply is made of that are no one's name (a lowercase reply has only these to tell it apart).
_NOT_NAMES = frozenset(
    """
    si no ok va sale dale claro gracias hola buenas buenos dias tardes noches quiero cita manana hoy
    perfecto listo bien nel nop que para por favor las los el la una un cancelar cambiar agendar
    todos todas ninguno ninguna otro otra corte barba tinte unas manicure pedicure precio horario
    me te se le lo nos yo tu usted ella ellos esta este eso esa ese aqui alla mejor tambien pero pues
    queda sirve puedo puede tengo tienes hay nada nadie algo cual cuando donde como cuanto porque
    okey okay vale orale andale chido neta genial excelente super porfa xfa porfis sip nop
    nueva nuevo cliente clienta primera primero segunda segundo tercera tercero ultima ultimo
    temprano tarde noche luego despues antes ahorita ahora mas menos solo nomas igual mismo misma
    sea cualquiera quien ya bueno hora horas minutos espacio lugar semana dia
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
