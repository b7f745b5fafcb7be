"""Every service a message names, in order, each matched against the salon's catalog.

"corte y barba", "uñas de manos y pies", "tinte, corte y peinado", "un corte barba":
one :class:`~.frames.ServiceMention` per service said, by the word scores of
:mod:`services`. Rules:

* If one service of the catalog explains every salon word said, that is the one
  mention ("corte y barba" when the salon sells "Corte y barba"; "mani pedi" for "Mani
  + Pedi").
* Otherwise the words split at "y", "e", ",", "+", "más", "con", "también", and each
  part is matched on its own; a part whose best service leaves a salon word unexplained
  is split again ("corte barba").
* A part that several services fit about equally ("uñas", "corte" for "Corte hombre"
  and "Corte dama") stays one mention with several candidates: the dialogue asks which.
* Salon words no service explains ("keratina" where there is none) are reported apart,
  for a handoff.
"""

from __future__ import annotations

import re
from collections.abc import Hashable

from .frames import ServiceMention
from .services import (
    _CLOSE,
    CATEGORIES,
    SALON_VOCABULARY,
    _candidate,
    _is_relevant,
    _prepare,
    _rank,
    _stem,
)

__all__ = ["find_service_mentions"]

_SEPARATORS = frozenset({"y", "e", "mas", "+", "con", "tambien", "ademas", "&", "o"})
_WORD_RE = re.compile(r"[^\s,]+|,")
_MAX_PER_PART = 3


def _mention(relevant: list[tuple[int, int, str]], services) -> tuple[ServiceMention, frozenset[str], tuple[int, int]] | None:
    words = tuple(dict.fromkeys(word for _, _, word in relevant))
    ranked = _rank(words, services)
    if not ranked:
        return None
    top_score, top, explained = ranked[0]
    # Too close to call only when they explain the same words ("uñas": manicure or pedicure);
    # "corte barba" is two services, each explaining its own word.
    close = [(score, service) for score, service, words_of in ranked
             if score >= top_score - _CLOSE and words_of & explained]
    candidates = tuple(_candidate(score, service) for score, service in close)
    used = [(start, end) for start, end, word in relevant if word in explained] or [(relevant[0][0], relevant[0][1])]
    span = (used[0][0], used[-1][1])
    said = " ".join(word for _, _, word in relevant if word in explained)
    return ServiceMention(said, candidates), explained, span


def _is_combination(mention: ServiceMention, services) -> bool:
    """A service sold as several in one ("Corte y barba", "Mani + Pedi"): more than one core word."""
    service = next(service for service in services if service.id == mention.id)
    return len(service.core) > 1


def _narrowed(found: list[tuple[tuple[int, int], ServiceMention]]) -> list[tuple[tuple[int, int], ServiceMention]]:
    """"uñas y pedicure": the category leaves out what is named on its own, so "uñas" is the manicure."""
    named = {mention.id for _, mention in found if mention.id is not None}
    narrowed = []
    for span, mention in found:
        if mention.is_ambiguous:
            left = tuple(candidate for candidate in mention.candidates if candidate.id not in named)
            if left and len(left) < len(mention.candidates):
                mention = ServiceMention(mention.said, left)
        if mention.id is None or all(mention.id != other.id for _, other in narrowed):
            narrowed.append((span, mention))
    return narrowed


_NAILS = CATEGORIES["unas"] | CATEGORIES["manos"] | CATEGORIES["pies"] | {"manos", "pies", "mano", "pie"}


def _without_article_unas(relevant: list[tuple[int, int, str]], tokens) -> list[tuple[int, int, str]]:
    """"unas cejas", "unas luces": without its ñ, "uñas" is also the article "unas". Right before
    another salon word that is not about nails, it is the article."""
    following = {start: tokens[i + 1] for i, (start, _, _) in enumerate(tokens[:-1])}
    kept = []
    for start, end, word in relevant:
        after = following.get(start)
        if word == "unas" and after is not None and any(
                r[0] == after[0] and r[2] not in _NAILS for r in relevant):
            continue
        kept.append((start, end, word))
    return kept


def find_service_mentions(
    norm: str, services: tuple[tuple[Hashable, str], ...]
) -> tuple[list[tuple[tuple[int, int], ServiceMention]], tuple[str, ...]]:
    """The services named in a normalized message, in order, with their spans; and the unknown salon words."""
    prepared = _prepare(services)
    tokens = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(norm)]
    relevant = [(start, end, _stem(word)) for start, end, word in tokens if _is_relevant(_stem(word), prepared)]
    relevant = _without_article_unas(relevant, tokens)
    if not relevant:
        return [], ()
    found: list[tuple[tuple[int, int], ServiceMention]] = []
    explained_all: set[str] = set()
    whole = _mention(relevant, prepared) if prepared else None
    if (
        whole is not None
        and not whole[0].is_ambiguous
        and len(whole[1]) == len({word for _, _, word in relevant})
        and (len(whole[1]) == 1 or _is_combination(whole[0], prepared))
    ):
        found.append((whole[2], whole[0]))  # one service explains it all: "Corte y barba", "Mani + Pedi"
        explained_all |= whole[1]
    else:
        parts: list[list[tuple[int, int, str]]] = [[]]
        relevant_at = {start: (start, end, word) for start, end, word in relevant}
        for start, _, word in tokens:
            if word in _SEPARATORS or word == ",":
                if parts[-1]:
                    parts.append([])
            elif start in relevant_at:
                parts[-1].append(relevant_at[start])
        for part in parts:
            remaining = part
            for _ in range(_MAX_PER_PART):
                if not remaining or not prepared:
                    break
                found_here = _mention(remaining, prepared)
                if found_here is None:
                    break
                mention, explained, span = found_here
                if all(mention.ids != other.ids for _, other in found):
                    found.append((span, mention))
                explained_all |= explained
                remaining = [item for item in remaining if item[2] not in explained]
    found = _narrowed(found)
    unknown = tuple(dict.fromkeys(
        word for _, _, word in relevant
        if word not in explained_all and (word in SALON_VOCABULARY or word in CATEGORIES)
    ))
    found.sort(key=lambda item: item[0])
    return found, unknown
