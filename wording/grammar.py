"""Spanish articles, gender and contractions for the names Parlo puts in a sentence.

A salon's services and its own name come from the owner ("Tinte", "Uñas acrílicas",
"Estética Lupita"); a sentence needs their article and agreement: "El tinte cuesta $450",
"las uñas acrílicas", "Estética Lupita ya está dada de alta", "tu cita del sábado" (not
"del el sábado"). Spanish has no rule that gives a noun's gender from its spelling alone,
so the head noun (the first word) is looked up in the salon's vocabulary first; for any
other word the usual endings decide (-a, -ión, -dad, -tud, -umbre feminine; the rest
masculine). A business name whose first word is not a known noun ("Lupita's", "Zen")
stands for "el negocio": masculine.
"""

from __future__ import annotations

import enum
import unicodedata

__all__ = [
    "Gender",
    "agree",
    "business_gender",
    "capitalize_first",
    "contract",
    "definite_article",
    "indefinite_article",
    "mid_sentence",
    "noun_gender",
    "with_article",
]


class Gender(enum.Enum):
    MASCULINE = "m"
    FEMININE = "f"


_M, _F = Gender.MASCULINE, Gender.FEMININE
# Head nouns of service and business names, accent-free and lowercase -> (gender, plural).
_NOUNS: dict[str, tuple[Gender, bool]] = {
    **{word: (_M, False) for word in (
        "corte recorte tinte peinado maquillaje alaciado alisado planchado tratamiento facial masaje gelish "
        "acrilico retoque lavado secado brushing balayage color botox bano matiz diseno delineado rizado "
        "manicure pedicure mani pedi servicio paquete combo arreglo afeitado rasurado depilado ondulado "
        "salon spa estudio negocio centro taller local consultorio bar barber beauty nail studio lifting "
        "microblading microshading laminado enchinado decolorado highlights look shampoo"
    ).split()},
    **{word: (_M, True) for word in "rayitos acrilicos reflejos risos rizos".split()},
    **{word: (_F, False) for word in (
        "barba manicura pedicura keratina depilacion ceja pestana una mecha extension trenza mascarilla "
        "limpieza decoloracion coloracion permanente tintura hidratacion exfoliacion cera rasurada afeitada "
        "vaporizacion ondulacion sesion base estetica barberia peluqueria sala clinica casa boutique academia "
        "unidad unieria cabina depilacion tienda"
    ).split()},
    **{word: (_F, True) for word in "cejas pestanas unas mechas extensiones trenzas luces mascarillas".split()},
}
# Feminine nouns that start with a stressed "a": "el agua", "el área" (but "las áreas").
_STRESSED_A = frozenset({"agua", "area", "aula", "alma", "hada", "ala"})
_FEMININE_ENDINGS = ("a", "ion", "dad", "tad", "tud", "umbre", "is")
_MASCULINE_IN_A = frozenset({"dia", "mapa", "tema", "programa", "sistema", "problema", "spa"})


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).strip(".,;:!?¡¿'\"()")


def _head(phrase: str) -> str:
    words = [_plain(word) for word in phrase.split()]
    return next((word for word in words if word.isalpha()), "")


def _known(phrase: str) -> tuple[Gender, bool] | None:
    head = _head(phrase)
    if head in _NOUNS:
        return _NOUNS[head]
    if head.endswith("s") and head[:-1] in _NOUNS:
        return _NOUNS[head[:-1]][0], True
    if head.endswith("es") and head[:-2] in _NOUNS:
        return _NOUNS[head[:-2]][0], True
    return None


def noun_gender(phrase: str) -> tuple[Gender, bool]:
    """(gender, plural) of a noun phrase, by its first word: "Uñas acrílicas" → (FEMININE, True)."""
    known = _known(phrase)
    if known is not None:
        return known
    head = _head(phrase)
    plural = len(head) > 3 and head.endswith(("as", "os", "es")) and head[:-1] not in _MASCULINE_IN_A
    singular = head[:-2] if plural and head.endswith("es") else head[:-1] if plural else head
    if singular.endswith(_FEMININE_ENDINGS) and singular not in _MASCULINE_IN_A:
        return _F, plural
    return _M, plural


def business_gender(name: str) -> Gender:
    """The gender a business's name takes ("Estética Lupita" → FEMININE), "el negocio" when unknown."""
    words = name.split()
    if words and _plain(words[0]) in ("la", "las"):
        return _F
    if words and _plain(words[0]) in ("el", "los"):
        return _M
    known = _known(name)
    return known[0] if known else _M


def definite_article(phrase: str) -> str:
    """"el", "la", "los" or "las" for the phrase ("el agua" for a stressed feminine "a")."""
    gender, plural = noun_gender(phrase)
    if plural:
        return "las" if gender is _F else "los"
    if gender is _F and _head(phrase) not in _STRESSED_A:
        return "la"
    return "el"


def indefinite_article(phrase: str) -> str:
    """"un", "una", "unos" or "unas"."""
    gender, plural = noun_gender(phrase)
    if plural:
        return "unas" if gender is _F else "unos"
    return "una" if gender is _F and _head(phrase) not in _STRESSED_A else "un"


def mid_sentence(name: str) -> str:
    """A name as it reads after a word: "Corte de cabello" → "corte de cabello".

    Names written as a brand stay as written: "OPI Gel", "Mani + Pedi" (every word capitalised).
    """
    words = [word for word in name.split() if word[:1].isalpha()]
    if len(words) > 1 and all(word[:1].isupper() for word in words):
        return name
    if name[:1].isupper() and not name[1:2].isupper():
        return name[0].lower() + name[1:]
    return name


def with_article(name: str, *, definite: bool = True, capital: bool = False) -> str:
    """"el tinte", "las uñas acrílicas", "un corte"; ``capital=True`` starts a sentence: "El tinte"."""
    article = definite_article(name) if definite else indefinite_article(name)
    text = f"{article} {mid_sentence(name)}"
    return capitalize_first(text) if capital else text


def contract(preposition: str, phrase: str) -> str:
    """"de" + "el sábado" → "del sábado", "a" + "el lunes" → "al lunes"; anything else is joined."""
    if preposition in ("de", "a") and phrase.startswith("el "):
        return f"{'del' if preposition == 'de' else 'al'} {phrase[3:]}"
    return f"{preposition} {phrase}"


def agree(word: str, gender: Gender, plural: bool = False) -> str:
    """An adjective or participle given in the masculine singular, agreed: "dado" → "dada", "dadas"."""
    if gender is _F and word.endswith("o"):
        word = word[:-1] + "a"
    if plural:
        word = word + ("s" if word[-1:] in "aeiou" else "es")
    return word


def capitalize_first(text: str) -> str:
    """Capitalise the first letter only ("mañana viernes" → "Mañana viernes")."""
    return text[:1].upper() + text[1:]
