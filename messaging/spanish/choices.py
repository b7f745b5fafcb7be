"""Answers to what Parlo just asked: a pick from a list, or a yes/no.

Picking from a presented list (:func:`choose`), in this order:

1. ``todos``/``todas``/``ambos``/``los dos`` → all; ``ninguno``/``ninguna``/``nada`` → none;
   ``otro día``/``otro horario``/``otra hora`` → something else.
2. An ordinal or option number: ``la segunda``, ``el primero``, ``la última``, ``la 2``,
   ``el 2``, ``opción 3``, ``#3``, ``número 3``. ``la 2`` is an option; ``las 2`` and
   ``a la 1`` are times.
3. A time, when the options are times (``time`` values or text like "4:00 PM"): ``a las
   4``, ``las 4:00``, ``4pm``, ``11:30``, and also a bare ``4`` (people answer a list of
   hours with the hour, so a bare number that is one of the listed hours is that hour,
   not the 4th option). A time without minutes picks the only listed time in that hour
   (``a las 5`` → 5:30 PM); if the salon rule picked the wrong half of the day and only
   the other half is listed, that one is taken.
4. Any other bare number within the list is the option's position.
5. Text options (services, staff names) are matched word by word as in :mod:`services`.

Yes/no (:func:`parse_yes_no`): "sí", "si", "va", "sale", "ok", "dale", "claro", "órale",
"👍", "perfecto", "de acuerdo", "no hay problema" are yes; "no", "nel", "mejor no",
"todavía no", "creo que no", "👎", "olvídalo", "ya no" are no. A leading "si" that opens a condition ("si hay
espacio", "si se puede") is not a yes. "No, mejor otro día" is no plus ``wants_other_day``.
Whatever follows the yes/no word comes back as ``rest`` in the writer's own spelling
("Si, dile que…" → "dile que…"), so the engine can act on it.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time
from functools import lru_cache

from .normal_form import normalize
from .services import MatchKind, match_service
from .times import find_times

__all__ = ["Choice", "ChoiceKind", "YesNo", "choose", "parse_yes_no"]


class ChoiceKind(enum.Enum):
    PICKED = "picked"  # indexes says which
    ALL = "all"
    NONE = "none"
    OTHER = "other"  # none of these: wants another day/time
    AMBIGUOUS = "ambiguous"  # indexes lists the options that fit equally
    UNCLEAR = "unclear"


@dataclass(frozen=True, slots=True)
class Choice:
    kind: ChoiceKind
    indexes: tuple[int, ...] = ()  # 0-based positions in the options

    @property
    def index(self) -> int | None:
        """The single option picked, if exactly one was."""
        return self.indexes[0] if self.kind is ChoiceKind.PICKED and len(self.indexes) == 1 else None


@dataclass(frozen=True, slots=True)
class YesNo:
    answer: bool | None  # None: neither a yes nor a no
    wants_other_day: bool = False
    rest: str = ""  # what came after the yes/no, as written


_ALL_RE = re.compile(r"\b(?:todos|todas|todo|ambos|ambas|los\s+dos|las\s+dos|los\s+tres|las\s+tres|cualquiera)\b")
_NONE_RE = re.compile(r"\b(?:ninguno|ninguna|ningun|nada|ni\s+uno)\b")
_OTHER_RE = re.compile(
    r"\b(?:otro\s+dia|otra\s+fecha|otro\s+horario|otros\s+horarios|otra\s+hora|otras\s+opciones|otro\s+momento)\b"
)
_ORDINALS = {
    "primera": 0, "primero": 0, "primer": 0, "1ra": 0, "1ro": 0, "1a": 0, "1o": 0,
    "segunda": 1, "segundo": 1, "2da": 1, "2do": 1, "2a": 1, "2o": 1,
    "tercera": 2, "tercero": 2, "tercer": 2, "3ra": 2, "3ro": 2, "3a": 2, "3o": 2,
    "cuarta": 3, "cuarto": 3, "4ta": 3, "4to": 3,
    "quinta": 4, "quinto": 4, "5ta": 4, "5to": 4,
    "sexta": 5, "sexto": 5, "septima": 6, "septimo": 6, "octava": 7, "octavo": 7,
    "novena": 8, "noveno": 8, "decima": 9, "decimo": 9,
}
_ORDINAL_RE = re.compile(r"\b(?:la|el|lo)?\s*(" + "|".join(sorted(_ORDINALS, key=len, reverse=True)) + r"|ultima|ultimo)\b")
_NUMBERED_RE = re.compile(r"(?:\b(?:la|el|opcion|opc|numero|num)\s*|#\s*)(\d{1,2})\b(?!\s*(?::|am|pm|de\s+la|hrs|y\s+media))")
_BARE_NUMBERS_RE = re.compile(r"^(?:\d{1,2})(?:\s*(?:,|y|e)\s*\d{1,2})*$")


@lru_cache(maxsize=512)
def _option_time(option: str) -> time | None:
    found = find_times(option, bare=True)
    return found[0][1] if found else None


def _as_time(option: str | time) -> time | None:
    return option if isinstance(option, time) else _option_time(option)


def _match_time(said: time, option_times: Sequence[time | None]) -> int | None:
    def where(predicate) -> int | None:
        hits = [i for i, t in enumerate(option_times) if t is not None and predicate(t)]
        return hits[0] if len(hits) == 1 else None

    flipped = time((said.hour + 12) % 24, said.minute)
    for candidate in (said, flipped):
        exact = where(lambda t, c=candidate: t == c)
        if exact is not None:
            return exact
        if candidate.minute == 0:
            same_hour = where(lambda t, c=candidate: t.hour == c.hour)
            if same_hour is not None:
                return same_hour
    return None


def choose(text: str, options: Sequence[str | time]) -> Choice:
    """Which of the presented ``options`` the reply picks (see the module's rules)."""
    norm = normalize(text)
    if not norm:
        return Choice(ChoiceKind.UNCLEAR)
    if _OTHER_RE.search(norm):
        return Choice(ChoiceKind.OTHER)
    if _NONE_RE.search(norm):
        return Choice(ChoiceKind.NONE)
    if _ALL_RE.search(norm):
        return Choice(ChoiceKind.ALL, tuple(range(len(options))))

    picked: list[int] = []
    for match in _ORDINAL_RE.finditer(norm):
        word = match.group(1)
        position = len(options) - 1 if word.startswith("ultim") else _ORDINALS[word]
        if 0 <= position < len(options):
            picked.append(position)
    for match in _NUMBERED_RE.finditer(norm):
        position = int(match.group(1)) - 1
        if 0 <= position < len(options):
            picked.append(position)
    if picked:
        return Choice(ChoiceKind.PICKED, tuple(dict.fromkeys(picked)))

    option_times = [_as_time(option) for option in options]
    if any(t is not None for t in option_times):
        for _, said in find_times(norm, normalized=True, bare=True):
            index = _match_time(said, option_times)
            if index is not None:
                picked.append(index)
        if picked:
            return Choice(ChoiceKind.PICKED, tuple(dict.fromkeys(picked)))

    if _BARE_NUMBERS_RE.match(norm):
        positions = [int(n) - 1 for n in re.findall(r"\d{1,2}", norm)]
        if all(0 <= p < len(options) for p in positions):
            return Choice(ChoiceKind.PICKED, tuple(dict.fromkeys(positions)))
        return Choice(ChoiceKind.UNCLEAR)

    names = {i: option for i, option in enumerate(options) if isinstance(option, str)}
    if names:
        match = match_service(norm, names)
        if match.kind in (MatchKind.MATCHED, MatchKind.COMBINATION):
            return Choice(ChoiceKind.PICKED, tuple(int(i) for i in match.ids))
        if match.kind is MatchKind.AMBIGUOUS:
            return Choice(ChoiceKind.AMBIGUOUS, tuple(int(i) for i in match.ids))
    return Choice(ChoiceKind.UNCLEAR)


_YES_PHRASES = tuple(
    phrase.split()
    for phrase in sorted(
        """
        si|claro|claro que si|va|vale|sale|ok|dale|orale|andale|perfecto|correcto|exacto|afirmativo|
        listo|de acuerdo|esta bien|por supuesto|seguro|confirmo|confirmado|adelante|eso|asi es|
        me parece bien|me parece perfecto|bien|excelente|genial|obvio|arre|hecho|simon|bueno|
        no hay problema|no hay bronca|no pasa nada|sin problema|con gusto|sale y vale|va que va|
        esta perfecto|si por favor|si gracias|si claro|ya
        """.replace("\n", "").split("|"),
        key=lambda p: len(p.split()),
        reverse=True,
    )
    if phrase.strip()
)
_NO_PHRASES = tuple(
    phrase.split()
    for phrase in (
        "mejor no", "todavia no", "aun no", "creo que no", "para nada", "no gracias", "no",
        "nel", "nop", "nah", "negativo", "nunca", "ni madres",
        "olvidalo", "dejalo", "dejalo asi", "asi dejalo", "no importa", "ya no", "siempre no",
    )
)
_CONDITIONAL_AFTER_SI = frozenset(
    "hay tienen tienes tiene puedes puede pueden se es esta estan no alcanza queda quedan hubiera".split()
)
_OTHER_DAY_RE = re.compile(
    r"\b(?:otro\s+dia|otra\s+fecha|otro\s+horario|otra\s+hora|otro\s+momento|otra\s+semana|"
    r"mejor\s+(?:el|para\s+el|manana|pasado|hoy|la\s+proxima|en\s+la|mas\s+tarde|mas\s+temprano)|reagendar|cambiar)\b"
)
_YES_FILLERS = frozenset(
    "si ok va vale sale dale claro perfecto excelente genial listo bien gracias muchas mil".split()
)
_LEADING_FILLER = frozenset({"pues", "este", "mmm", "mm", "ah", "ahh", "eh", "oye", "a", "ay"})


def _starts_with(words: list[str], phrase: list[str]) -> bool:
    return words[: len(phrase)] == phrase


def _rest_after(text: str, consumed: int) -> str:
    pieces = text.split()
    return " ".join(pieces[consumed:]).strip(" ,.;:!¡?¿-") if consumed < len(pieces) else ""


def parse_yes_no(text: str) -> YesNo:
    """Whether a reply says yes or no (see the module's rules)."""
    norm = normalize(text)
    words = norm.split()
    skipped = 0
    while skipped < len(words) and words[skipped] in _LEADING_FILLER:
        skipped += 1
    head = words[skipped:]
    other_day = bool(_OTHER_DAY_RE.search(norm))
    if not head:
        return YesNo(None)

    first = head[0]
    for phrase in _YES_PHRASES:
        if phrase[0] == first and _starts_with(head, phrase):
            after = head[len(phrase):]
            no_problem = after[:3] in (["no", "hay", "problema"], ["no", "hay", "bronca"], ["no", "pasa", "nada"])
            if phrase == ["si"] and after and after[0] in _CONDITIONAL_AFTER_SI and not no_problem:
                break  # "si hay espacio": a condition, not a yes
            if phrase[0] == "no":  # "no hay problema" before plain "no"
                return YesNo(True, False, _rest_after(text, skipped + len(phrase)))
            for denial in (["no"], ["que", "no"]):  # "ya no", "claro que no"
                if after[: len(denial)] == denial and not no_problem:
                    return YesNo(False, other_day, _rest_after(text, skipped + len(phrase) + len(denial)))
            consumed = skipped + len(phrase)
            while consumed < len(words) and words[consumed] in _YES_FILLERS:
                consumed += 1
            return YesNo(True, other_day and "mejor" in norm, _rest_after(text, consumed))
    for phrase in _NO_PHRASES:
        if phrase[0] == first and _starts_with(head, phrase):
            return YesNo(False, other_day, _rest_after(text, skipped + len(phrase)))
    if re.search(r"\b(?:mejor\s+no|creo\s+que\s+no|que\s+no|no\s+gracias)\s*$", norm) or norm.endswith(" no"):
        return YesNo(False, other_day, "")
    if other_day:
        return YesNo(False, True, "")
    if re.search(r"\b(?:de\s+acuerdo|esta\s+bien|perfecto|me\s+parece\s+bien|si\s+por\s+favor)\b", norm):
        return YesNo(True, False, "")
    return YesNo(None)
