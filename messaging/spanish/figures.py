"""Questions about the salon's numbers: which figures, and whose.

"¿Cuántas citas hay mañana en total?" asks the business's appointment count; "¿cuánto
vendimos?" its revenue; "¿cuántas tengo?" one's own; "¿cuántos no llegaron?" no-shows;
"¿qué día es el más lleno?" the busiest day. :func:`read_figures` returns the figures
asked for, in the order said, and the scope ("mine", "everyone", or unsaid), so the
dialogue answers with the number first. The period is :func:`~.periods.parse_period`'s.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .normal_form import normalize

__all__ = ["Figure", "FiguresAsked", "Scope", "read_figures"]


class Figure(enum.StrEnum):
    APPOINTMENTS = "appointments"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOWS = "no_shows"
    REVENUE = "revenue"
    NEW_CUSTOMERS = "new_customers"
    BUSIEST_DAY = "busiest_day"
    BUSIEST_HOUR = "busiest_hour"
    SUMMARY = "summary"  # "¿cómo vamos?", "números del mes", "estadísticas"


class Scope(enum.StrEnum):
    MINE = "mine"  # tengo, mis, hice, llevo
    EVERYONE = "everyone"  # en total, todos, el negocio


@dataclass(frozen=True, slots=True)
class FiguresAsked:
    figures: tuple[Figure, ...]
    scope: Scope | None = None
    #: A count was asked ("cuántas", "número de"): the answer starts with it.
    counting: bool = False


_PATTERNS: tuple[tuple[Figure, re.Pattern[str]], ...] = (
    (Figure.BUSIEST_HOUR, re.compile(r"\b(?:hora|horario)s?\s+(?:mas|con\s+mas)\s+(?:llen|ocupad|movid|citas|gente|"
                                     r"clientes)|\bhora\s+pico\b|\ba\s+que\s+hora\s+(?:hay|viene)\s+mas\b")),
    (Figure.BUSIEST_DAY, re.compile(r"\bdias?\s+(?:es\s+|fue\s+)?(?:el\s+)?(?:mas|con\s+mas)\s+(?:llen|ocupad|movid|"
                                    r"citas|gente|clientes|fuerte)"
                                    r"|\bque\s+dia\s+(?:hay|hubo|viene|vino|tenemos|tuvimos)\s+mas\b"
                                    r"|\bdia\s+pico\b")),
    (Figure.NEW_CUSTOMERS, re.compile(r"\b(?:clientes?|clientas?)\s+nuev[oa]s?\b|\bnuev[oa]s\s+(?:clientes|clientas)\b"
                                      r"|\bprimera\s+vez\b")),
    # plural or counted only: "Jorge no llegó" marks an appointment, it asks no figure
    (Figure.NO_SHOWS, re.compile(r"\bno[\s-]?shows\b|\bcuant[oa]s\s+no[\s-]?shows?\b|\bno\s+(?:llegaron|vinieron|"
                                 r"se\s+presentaron|asistieron)\b|\bfaltas\b|\bfaltaron\b|\binasistencias?\b"
                                 r"|\bplantones\b|\bdejaron\s+plantad")),
    (Figure.CANCELLED, re.compile(r"\bcancelad[oa]s\b|\bcancelaciones\b|\bcancelaron\b|\bse\s+cancelaron\b")),
    (Figure.COMPLETED, re.compile(r"\bcompletad[oa]s\b|\batendid[oa]s\b|\bterminad[oa]s\b|\batendimos\b"
                                  r"|\bse\s+atendieron\b|\bhechas\b|\bcortes\s+hicimos\b")),
    (Figure.REVENUE, re.compile(r"\bvend(?:imos|i|io|ieron|emos|o|e)\b|\bventas?\b|\bingresos?\b|\bganamos\b|\bgane\b"
                                r"|\bgano\b|\bfactur|\bdinero\b|\blana\b|\bcobr(?:amos|e|o)\b|\bcuanto\s+llev"
                                r"|\bcuanto\s+(?:hicimos|sacamos|se\s+hizo|entro|ha\s+entrado)\b|\bcaja\b")),
    (Figure.APPOINTMENTS, re.compile(r"\bcuant[oa]s\s+(?:citas|clientes|clientas|servicios|cortes|visitas)\b"
                                     r"|\bnumero\s+de\s+citas\b|\bcuant[oa]s\s+(?:hay|tengo|tiene|tenemos|tuvimos|"
                                     r"hubo|llevamos|llevo|lleva|van|vinieron)\b")),
    (Figure.SUMMARY, re.compile(r"\bestadisticas?\b|\bnumeros\b|\bcifras\b|\bcomo\s+(?:vamos|va\s+el\s+negocio|"
                                r"nos\s+fue|le\s+fue|estamos|va\s+el\s+mes|va\s+la\s+semana)\b|\breporte\b|\bresumen\b"
                                r"|\bmetricas\b")),
)
_MINE = re.compile(r"\b(?:tengo|tuve|hice|llevo|atendi|vendi|gane|mis|me\s+toca(?:n|ron)?|yo)\b")
_EVERYONE = re.compile(r"\b(?:en\s+total|total|todos|todas|el\s+negocio|el\s+salon|la\s+barberia|la\s+estetica|"
                       r"el\s+local|tenemos|tuvimos|hicimos|vendimos|llevamos|atendimos|hay|hubo)\b")
_QUALIFIED = re.compile(r"\b(?:citas|clientes|clientas|visitas)\s+(?:se\s+|fueron\s+|quedaron\s+)?(?:completad|cancel|"
                        r"atendid|terminad|nuev|no\b)")
_COUNTING = re.compile(r"\bcuant[oa]s\b|\bnumero\s+de\b|\bcuanto\s+(?:vendimos|llevamos|ganamos|sacamos)\b")


def read_figures(text: str, *, normalized: bool = False) -> FiguresAsked | None:
    """The figures a question asks for, or None when it asks for no figure."""
    norm = text if normalized else normalize(text)
    found: list[tuple[int, Figure]] = []
    for figure, pattern in _PATTERNS:
        if match := pattern.search(norm):
            found.append((match.start(), figure))
    if not found:
        return None
    figures = [figure for _, figure in sorted(found)]
    specific = [f for f in figures if f is not Figure.APPOINTMENTS]
    if specific and Figure.APPOINTMENTS in figures and (not re.search(r"\bcitas\b", norm) or _QUALIFIED.search(norm)):
        figures.remove(Figure.APPOINTMENTS)  # "¿cuántas citas canceladas?": the cancelled ones, not all
    if len(figures) > 1 and Figure.SUMMARY in figures:
        figures.remove(Figure.SUMMARY)
    scope = Scope.MINE if _MINE.search(norm) else Scope.EVERYONE if _EVERYONE.search(norm) else None
    if re.search(r"\ben\s+total\b|\btodos\b|\bel\s+negocio\b", norm):
        scope = Scope.EVERYONE
    return FiguresAsked(tuple(dict.fromkeys(figures)), scope, bool(_COUNTING.search(norm)))
