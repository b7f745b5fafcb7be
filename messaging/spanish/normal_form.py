"""Turn a WhatsApp message into the plain form every parser in this package reads.

Customers write fast on a phone: no accents, no capitals, "q" for "que", "siiii",
"mñn", a typo here and there. Every rule in the other modules is written once against
the normal form produced here (lowercase, no accents, ñ -> n, one space between words,
WhatsApp spellings expanded, small typos in our own vocabulary fixed, the common English
words of a mixed message in Spanish — :mod:`english`), so they never have to care about
spelling.

What stays: digits and the characters that carry meaning in dates, times, prices and
phones (``/ + $ - #``, and ``: .`` between digits). Emojis that answer yes/no (👍, 👌, ✅, 👎, ❌) are turned into
the words "si"/"no"; other emojis are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein

from .english import ENGLISH_WORDS, translate_phrases

__all__ = ["normalize", "strip_accents", "tokens"]

_YES_EMOJIS = ("👍", "👌", "✅", "✔", "🙌", "👏", "🆗")
_NO_EMOJIS = ("👎", "❌", "🚫", "✖")

# WhatsApp spellings -> the word our rules expect. Whole tokens only.
_SHORTHANDS: dict[str, str] = {
    "q": "que", "k": "que", "ke": "que", "qe": "que",
    "xq": "porque", "pq": "porque", "porq": "porque", "xk": "porque",
    "xfa": "por favor", "xfavor": "por favor", "porfa": "por favor", "porfis": "por favor",
    "porfavor": "por favor", "plis": "por favor", "pls": "por favor", "plz": "por favor",
    "tmb": "tambien", "tmbn": "tambien", "tb": "tambien", "tambn": "tambien",
    "x": "por", "d": "de", "dl": "del", "pa": "para", "pal": "para el", "p": "para",
    "dnd": "donde", "bn": "bien", "tons": "entonces", "ntp": "no te preocupes",
    # after accent stripping "mñn" is "mnn" and "mañna" is "manna"
    "mnn": "manana", "mna": "manana", "mnna": "manana", "manna": "manana", "maniana": "manana",
    "mnana": "manana",
    "grax": "gracias", "grs": "gracias", "grasias": "gracias", "gracas": "gracias", "thx": "gracias",
    "oki": "ok", "okis": "ok", "okey": "ok", "okay": "ok", "okas": "ok", "oka": "ok", "okk": "ok",
    "sip": "si", "sep": "si", "simon": "si", "sii": "si", "yes": "si",
    "nop": "no", "nopo": "no", "nopis": "no", "nel": "nel", "nelson": "nel",
    "msj": "mensaje", "msg": "mensaje", "cel": "celular", "tel": "telefono",
    "info": "informacion",
    "ud": "usted", "uds": "ustedes",
    "sab": "sabado", "dom": "domingo", "lun": "lunes", "mier": "miercoles",
    "jue": "jueves", "vie": "viernes",
    "finde": "fin de semana",
    "wey": "", "we": "", "guey": "",
    "xa": "para", "pra": "para", "ps": "pues", "pos": "pues", "bno": "bueno", "hla": "hola", "ola": "hola",
    "sita": "cita", "sitas": "citas", "orita": "ahorita", "horita": "ahorita", "aorita": "ahorita",
    "dsp": "despues", "dspues": "despues", "dps": "despues", "tmprano": "temprano", "tempra": "temprano",
    "prox": "proxima", "sem": "semana", "hrs": "hrs", "mediodía": "mediodia", "medio-dia": "mediodia",
    "cancelame": "cancela", "cancelala": "cancela", "kiero": "quiero", "kisiera": "quisiera",
    "aki": "aqui", "aca": "aqui",
    **{word: spanish for word, spanish in ENGLISH_WORDS.items() if word not in ("hrs",)},
}

# Words our rules look for. A longer unknown token one edit away from one of these (two
# for tokens of nine letters or more), with the same first letter, is read as that word
# ("cancelr" -> "cancelar", "sabdo" -> "sabado"). Kept deliberately narrow, with no verb
# forms that have close siblings ("enviare" must not become "enviale"): names of people
# and services must survive untouched ("Mario" is not "marzo", so short month names are
# not here either).
_CORRECTABLE = tuple(sorted(set(
    """
    lunes martes miercoles jueves viernes sabado domingo manana pasado semana temprano despues
    enero febrero abril agosto septiembre octubre noviembre diciembre
    tarde noche mediodia medianoche
    cancelar reagendar reprogramar agendar agendame reservar bloquea bloquear desbloquea
    quiero necesito gustaria gracias buenos buenas tardes noches
    empleado horario precio servicios estadisticas siguiente disponible espacio
    compacta historial cliente mensaje
    """.split()
)))  # sorted: ties between two words one edit away resolve the same way on every run
# Everyday words one edit away from a keyword that must not be "fixed" into it.
_KNOWN = frozenset(_CORRECTABLE) | frozenset(
    """
    cuarto cuatro cuantos cuantas media menos corte cortes cabello barba tinte tintes
    quieres tienes tienen tengo puedo puedes puede hacen hacer cuando donde ahora mejor
    nuevo nueva otro otra todos todas ninguno ninguna perfecto claro tambien porque
    salir llegue llego llegar llegado citas hola favor minutos horas trabajo trabaja abierto
    abren cierran quedo queda quede termino termina cambie cambios tarda tardes
    luces lunas mares marte mechas rayitos cejas pestanas keratina peinado peinados manzana
    permanente planchado alaciado gelish acrilicas depilacion maquillaje tratamiento
    completa completo completada clienta clientes empleada empleados horarios precios
    """.split()
)

_CLITIC_RE = re.compile(r"(?:me|te|le|lo|la|les|los|las|nos)$")
_ACCENT_MAP = str.maketrans({"ñ": "n", "Ñ": "n"})
_PM_RE = re.compile(r"\b([ap])\s?\.\s?m\s?\.?(?=\s|$|[,;!?)])")
_PUNCT_RE = re.compile(r"[^\w\s:/.+$\-#]")
_LOOSE_SEPARATOR_RE = re.compile(r"(?<!\d)[.:]|[.:](?!\d)")
_REPEAT3_RE = re.compile(r"([a-z])\1{2,}")
_SPACES_RE = re.compile(r"\s+")
_KEEP_DOUBLE = frozenset({"lee", "cree", "vee", "provee", "creer", "leer"})


def strip_accents(text: str) -> str:
    """Remove accents (and the tilde of ñ) so "mañana", "manana" and "MAÑANA" meet."""
    text = text.translate(_ACCENT_MAP)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=4096)
def _fix_token(token: str) -> str:
    if token in _SHORTHANDS:
        return _SHORTHANDS[token]
    if not token.isalpha():
        return token
    if len(token) > 2 and token[-1] == token[-2] and token[-1] in "aeiou" and token not in _KEEP_DOUBLE:
        token = token[:-1]  # "sii", "noo", "holaa"
        if token in _SHORTHANDS:
            return _SHORTHANDS[token]
    if len(token) < 5 or token in _KNOWN or token[:-1] in _KNOWN or token[:-2] in _KNOWN:
        return token  # known, or a plural of a known word
    limit = 1 if len(token) < 9 else 2
    best, best_distance = token, limit + 1
    for word in _CORRECTABLE:
        if abs(len(word) - len(token)) > limit:
            continue
        if word[0] != token[0] or token[:-1] == word[:-1] or word.startswith(token) or token.startswith(word):
            continue  # another form of the same word ("trabaja"/"trabajo", "agenda"/"agendar"), not a typo
        if _CLITIC_RE.sub("", token) == _CLITIC_RE.sub("", word):
            continue  # "mandame" is not "mandale"
        distance = DamerauLevenshtein.distance(token, word, score_cutoff=limit)
        if distance < best_distance:
            best, best_distance = word, distance
    return best


@lru_cache(maxsize=8192)
def normalize(text: str) -> str:
    """The normal form of a message: lowercase, no accents, WhatsApp shorthand expanded.

    >>> normalize("Mñn en la tardeee xfa!!")
    'manana en la tarde por favor'
    """
    for emoji in _YES_EMOJIS:
        if emoji in text:
            text = text.replace(emoji, " si ")
    for emoji in _NO_EMOJIS:
        if emoji in text:
            text = text.replace(emoji, " no ")
    text = strip_accents(text.lower()).lower()  # NFKD can reveal capitals ("ℌ" -> "H")
    text = _PM_RE.sub(lambda m: f"{m.group(1)}m", text)
    text = translate_phrases(text)
    text = _PUNCT_RE.sub(" ", text)
    text = _LOOSE_SEPARATOR_RE.sub(" ", text)
    text = _REPEAT3_RE.sub(r"\1", text)
    words = [_fix_token(word) for word in text.split()]
    return _SPACES_RE.sub(" ", " ".join(word for word in words if word)).strip()


def tokens(text: str) -> list[str]:
    """Words of the normal form."""
    return normalize(text).split()
