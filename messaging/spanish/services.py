"""Which of the business's services a message asks for.

Customers name services the short way ("un corte", "mani pedi", "barba", "uñas") and the
business names them its own way ("Corte de cabello", "Mani + Pedi", "Arreglo de barba").
Matching is by words, not by whole strings:

* Words of a service name are **core** ("corte", "barba", "manicure"), **qualifiers**
  ("hombre", "dama", "niño": they separate "Corte hombre" from "Corte dama" when said,
  and cost nothing when not) or **filler** ("de", "cabello", "arreglo", and words for the
  plain variant — "completo", "sencillo", "clásico" — so "tinte" is "Tinte completo"
  rather than "Tinte raíz").
* Two words are the same if equal, synonyms ("tinte"/"color"), one the start of the other
  ("mani"/"manicure"), or close by rapidfuzz (typos: "coret", "barva").
* "uñas" is a **category**: it means every nail service, so several services match
  equally and the answer is "ambiguous" (the engine lists them and asks).
* Only the message's *relevant* words count: those that resemble some service word or are
  known salon vocabulary. "Quiero una cita para mañana para un corte" is about "corte".
* Score = 0.7 × share of the service's core words said + 0.3 × share of the relevant
  words the service explains (+0.05 per qualifier said). A match needs at least one core
  word. Candidates within 0.1 of the best are "too close to call".
* "corte y barba" when the business has no "Corte y barba" service is a **combination**:
  each part said matches one service.
* Salon words said that no service explains ("tintes") come back as ``unmatched_terms``:
  a question about a service the business does not offer is a handoff candidate.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from .normal_form import normalize

__all__ = ["MatchKind", "ServiceCandidate", "ServiceMatch", "match_service"]


class MatchKind(enum.Enum):
    MATCHED = "matched"  # one service, confidently
    AMBIGUOUS = "ambiguous"  # several fit about equally: ask
    COMBINATION = "combination"  # several services asked together ("corte y barba")
    NONE = "none"  # nothing the business offers


@dataclass(frozen=True, slots=True)
class ServiceCandidate:
    id: Hashable
    name: str
    confidence: float  # 0..1


@dataclass(frozen=True, slots=True)
class ServiceMatch:
    kind: MatchKind
    candidates: tuple[ServiceCandidate, ...] = ()
    unmatched_terms: tuple[str, ...] = ()

    @property
    def best(self) -> ServiceCandidate | None:
        """The service meant, when there is exactly one."""
        return self.candidates[0] if self.kind is MatchKind.MATCHED else None

    @property
    def ids(self) -> tuple[Hashable, ...]:
        return tuple(candidate.id for candidate in self.candidates)


FILLER = frozenset(
    "de del y e con para el la los las en a al un una + - servicio servicios cabello pelo arreglo "
    "sencillo normal completo clasico basico tradicional".split()
)
QUALIFIERS = frozenset(
    "hombre hombres mujer mujeres dama damas caballero caballeros nino nina ninos ninas infantil "
    "corto largo mediano express premium spa francesa francés".split()
)
_QUERY_STOPWORDS = frozenset(
    """
    quiero queria quisiera necesito ocupo busco me te se le nos una un unos cita citas para por
    favor hacer hacen hace haces tienen tienes tiene manejan ofrecen saber si no el la los las de del
    a al y o que hola buenas buenos dias tardes noches oye cuanto cuesta cuestan precio precios cobran
    hay agendar agenda agendame reservar apartar mi mis con hoy manana pasado en es son como cual
    cuales alguien acaba llegar llego vino viene esta estan algo otro otra tambien solo nada mas
    pero porque pues bueno va sale ok gracias
    """.split()
)
_NOT_STEMMED = frozenset({"unas", "manos", "pies"})  # category words, plural on purpose


def _stem(word: str) -> str:
    """Singular of a plural the cheap way ("tintes" -> "tinte"), so tables match either."""
    if len(word) >= 5 and word.endswith("s") and word not in _NOT_STEMMED:
        return word[:-1]
    return word


def _with_stems(words: Iterable[str]) -> frozenset[str]:
    words = set(words)
    return frozenset(words | {_stem(word) for word in words})


_SYNONYMS: dict[str, frozenset[str]] = {}
for _group in (
    {"tinte", "color", "coloracion", "tintura", "tenido", "pintar", "pintarme", "pintado", "pintada"},
    {"corte", "cortar", "cortarme", "cortarle", "recorte"},
    {"barba", "barbas"},
    {"depilacion", "cera", "depilado"},
    {"alaciado", "alisado", "planchado"},
    {"rasurado", "afeitado", "rasurada"},
    {"mechas", "mecha", "luces", "rayitos", "highlights", "balayage"},
    {"ceja", "cejas"},
    {"pestana", "pestanas"},
):
    for _word in _with_stems(_group):
        _SYNONYMS[_word] = _with_stems(_group)
CATEGORIES: dict[str, frozenset[str]] = {
    "unas": _with_stems("unas una manicure manicura pedicure pedicura mani pedi gelish acrilico acrilicas "
                        "acrilicos esmaltado esmalte nail nails polygel".split()),
    "manos": _with_stems("manicure manicura mani gelish".split()),
    "pies": _with_stems("pedicure pedicura pedi".split()),
}
# Salon words that matter even when the business has no service with them.
SALON_VOCABULARY = _with_stems(
    """
    corte tinte color mechas luces rayitos keratina alaciado alisado permanente peinado maquillaje
    manicure pedicure mani pedi gelish acrilicas barba bigote rasurado afeitado depilacion cera cejas
    ceja pestanas facial masaje tratamiento botox extensiones trenzas rizos decoloracion matiz pintar
    pintarme cortar cortarme
    """.split()
)
_SPLIT_RE = re.compile(r"\s*(?:,|\by\b|\be\b|\bmas\b|\+|\bcon\b)\s*")


def _words(text: str) -> tuple[str, ...]:
    return tuple(_stem(word) for word in normalize(text).split() if word not in "+-.,")


def _similarity(said: str, named: str) -> float:
    if said == named:
        return 1.0
    category = CATEGORIES.get(said)
    if category is not None and named in category:
        return 0.95
    synonyms = _SYNONYMS.get(said)
    if synonyms is not None and named in synonyms:
        return 0.95
    if min(len(said), len(named)) >= 4 and (said.startswith(named) or named.startswith(said)):
        return 0.9
    if abs(len(said) - len(named)) <= 2 and min(len(said), len(named)) >= 4:
        score = fuzz.ratio(said, named, score_cutoff=75)
        if score:
            return score / 100
    return 0.0


_MATCH = 0.7  # a word counts as said when its similarity reaches this
_ACCEPT = 0.6  # a service is a candidate from this score
_CLOSE = 0.1  # candidates this close to the best are too close to call


@dataclass(frozen=True, slots=True)
class _Service:
    id: Hashable
    name: str
    core: tuple[str, ...]
    qualifiers: tuple[str, ...]

    @property
    def words(self) -> tuple[str, ...]:
        return self.core + self.qualifiers


@lru_cache(maxsize=256)
def _prepare(services: tuple[tuple[Hashable, str], ...]) -> tuple[_Service, ...]:
    prepared = []
    for service_id, name in services:
        words = [word for word in _words(name) if word not in FILLER]
        core = tuple(word for word in words if word not in QUALIFIERS)
        qualifiers = tuple(word for word in words if word in QUALIFIERS)
        if not core:
            core, qualifiers = qualifiers, ()
        if not core:  # a name made only of filler ("Arreglo"): keep it matchable by its words
            core = _words(name)
        prepared.append(_Service(service_id, name, core, qualifiers))
    return tuple(prepared)


def _best(said: str, words: Iterable[str]) -> float:
    return max((_similarity(said, word) for word in words), default=0.0)


def _score(service: _Service, relevant: tuple[str, ...]) -> tuple[float, frozenset[str]]:
    """Score of one service for the relevant words, and which of them it explains."""
    if not relevant:
        return 0.0, frozenset()
    core_hits = [_best_reverse(word, relevant) for word in service.core]
    if not any(hit >= _MATCH for hit in core_hits):
        return 0.0, frozenset()
    core_share = sum(hit for hit in core_hits if hit >= _MATCH) / len(service.core)
    explained = frozenset(said for said in relevant if _best(said, service.words) >= _MATCH)
    qualifiers_said = sum(1 for q in service.qualifiers if _best_reverse(q, relevant) >= _MATCH)
    score = 0.7 * core_share + 0.3 * len(explained) / len(relevant) + 0.05 * qualifiers_said
    return score, explained


def _best_reverse(named: str, relevant: Iterable[str]) -> float:
    return max((_similarity(said, named) for said in relevant), default=0.0)


@lru_cache(maxsize=16384)
def _is_relevant(word: str, services: tuple[_Service, ...]) -> bool:
    """A word that can name a service: salon vocabulary, a category, or close to a word of the catalog.

    Cached: the same everyday words come back in every message, and fuzzy matching them
    against a whole catalog is the costly part.
    """
    if word in _QUERY_STOPWORDS or word.isdigit() or len(word) < 3:
        return False
    return (
        word in SALON_VOCABULARY
        or word in CATEGORIES
        or any(_best(word, service.words) >= _MATCH for service in services)
    )


def _relevant(words: Iterable[str], services: tuple[_Service, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(word for word in words if _is_relevant(word, services)))


def _as_pairs(services: Mapping[Hashable, str] | Iterable[tuple[Hashable, str]]) -> tuple[tuple[Hashable, str], ...]:
    if isinstance(services, Mapping):
        return tuple(services.items())
    return tuple((service_id, name) for service_id, name in services)


def _rank(relevant: tuple[str, ...], services: tuple[_Service, ...]) -> list[tuple[float, _Service, frozenset[str]]]:
    ranked = []
    for index, service in enumerate(services):
        score, explained = _score(service, relevant)
        if score >= _ACCEPT:
            ranked.append((score, -index, service, explained))
    ranked.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [(score, service, explained) for score, _, service, explained in ranked]


def _candidate(score: float, service: _Service) -> ServiceCandidate:
    return ServiceCandidate(service.id, service.name, round(min(score, 1.0), 3))


def match_service(
    text: str, services: Mapping[Hashable, str] | Iterable[tuple[Hashable, str]]
) -> ServiceMatch:
    """The service(s) a message asks for, among the business's ``{id: name}``."""
    prepared = _prepare(_as_pairs(services))
    norm = normalize(text)
    relevant = _relevant(_words(norm), prepared)
    ranked = _rank(relevant, prepared)
    if not ranked:
        unmatched = tuple(word for word in relevant if word in SALON_VOCABULARY or word in CATEGORIES)
        return ServiceMatch(MatchKind.NONE, (), unmatched)
    top_score, top, top_explained = ranked[0]
    if len(top_explained) < len(relevant) and len(relevant) >= 2:
        combination = _combination(norm, prepared, top_score)
        if combination is not None:
            return combination
    close = [(score, service) for score, service, _ in ranked if score >= top_score - _CLOSE]
    unmatched = tuple(word for word in relevant if word not in top_explained)
    if len(close) > 1:
        return ServiceMatch(MatchKind.AMBIGUOUS, tuple(_candidate(s, svc) for s, svc in close), ())
    return ServiceMatch(MatchKind.MATCHED, (_candidate(top_score, top),), unmatched)


def _combination(norm: str, services: tuple[_Service, ...], top_score: float) -> ServiceMatch | None:
    """"corte y barba" with no combined service: one clear service per part said."""
    parts = [part for part in _SPLIT_RE.split(norm) if part.strip()]
    if len(parts) < 2:
        return None
    chosen: list[ServiceCandidate] = []
    for part in parts:
        relevant = _relevant(_words(part), services)
        if not relevant:
            continue
        ranked = _rank(relevant, services)
        if not ranked:
            continue
        score, service, _ = ranked[0]
        if len(ranked) > 1 and ranked[1][0] >= score - _CLOSE:
            return None
        if all(candidate.id != service.id for candidate in chosen):
            chosen.append(_candidate(score, service))
    if len(chosen) < 2:
        return None
    return ServiceMatch(MatchKind.COMBINATION, tuple(chosen), ())
