"""The request frame: what one message says, typed, before any dialogue decides.

:func:`~.parse.parse_frame` fills a :class:`Frame` from one WhatsApp message; the dialogue
merges it into what it remembers and acts. The frame reports only what was said — an
empty field is "not said", never a default — so the dialogue can tell a correction ("no,
mejor a las 6": only the time) from a new request.

* ``acts``: everything the message does, most decisive first ("Hola, ¿cuánto cuesta el
  corte? Apártame uno el jueves" is BOOK, ASK_PRICE, GREET).
* ``services``: every service named, in the order said, matched against the salon's
  catalog; a category ("uñas") stays one mention with several candidates.
* ``when``: the :class:`~.time_constraint.TimeConstraint` of the request (for a move, the
  new time).
* ``appointment``: the appointment referred to ("mi cita", "la del viernes", "la de las
  11", "la del corte"), matched by the dialogue against upcoming appointments.
* ``choice``: an offer picked ("la segunda", "la de las 5", "esa").
"""

from __future__ import annotations

import enum
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from .services import ServiceCandidate
from .time_constraint import DayConstraint, TimeConstraint

__all__ = ["Act", "AppointmentRef", "Catalog", "Frame", "OfferChoice", "ServiceMention", "StaffMention"]


class Act(enum.StrEnum):
    """What a message does. A message may do several things."""

    ASK_PERSON = "ask_person"  # quiero hablar con alguien / ¿eres un robot?
    MOVE = "move"  # cámbiala para el jueves / no puedo el martes, ¿me la pasas al jueves?
    CANCEL = "cancel"  # cancela mi cita / ya no voy a poder ir
    CORRECT = "correct"  # no, mejor a las 6 / perdón, quise decir el sábado
    CHOOSE = "choose"  # la segunda / la de las 5 / esa / me quedo con la primera
    SAME_AS_LAST = "same_as_last"  # lo de siempre / lo mismo que la otra vez
    BOOK = "book"  # quiero una cita / apártame / ¿tienes algo el sábado? / un corte
    ASK_APPOINTMENTS = "ask_appointments"  # ¿cuándo es mi cita? / mis citas
    ASK_PRICE = "ask_price"  # ¿cuánto cuesta? / precios
    ASK_DURATION = "ask_duration"  # ¿cuánto dura el tinte?
    ASK_HOURS = "ask_hours"  # ¿a qué hora abren? / ¿abren el domingo?
    ASK_LOCATION = "ask_location"  # ¿dónde están?
    ASK_SERVICES = "ask_services"  # ¿qué servicios tienen? / ¿hacen keratina?
    OTHER_OPTIONS = "other_options"  # ¿no tienes otro horario? / otro día
    FOLLOW_UP = "follow_up"  # ¿y el sábado? / ¿qué tal el lunes? (the same request, something changed)
    RUNNING_LATE = "running_late"  # voy 10 minutos tarde / se me hizo tarde
    CONFIRM = "confirm"  # sí / va / perfecto / 👍
    DENY = "deny"  # no / mejor no / nel
    HELP = "help"  # ayuda / ¿qué puedes hacer?
    THANK = "thank"
    GOODBYE = "goodbye"
    GREET = "greet"


@dataclass(frozen=True, slots=True)
class Catalog:
    """What a salon offers and who works there, as ``(id, name)`` pairs, for matching names said."""

    services: tuple[tuple[Hashable, str], ...] = ()
    staff: tuple[tuple[Hashable, str], ...] = ()

    @classmethod
    def of(
        cls,
        services: Mapping[Hashable, str] | Iterable[tuple[Hashable, str]] = (),
        staff: Mapping[Hashable, str] | Iterable[tuple[Hashable, str]] = (),
    ) -> Catalog:
        def pairs(items):
            return tuple(items.items()) if isinstance(items, Mapping) else tuple(tuple(item) for item in items)

        return cls(pairs(services), pairs(staff))


@dataclass(frozen=True, slots=True)
class ServiceMention:
    """One service named: the words said and the catalog services they can mean, best first.

    One candidate: that service. Several: a category or a near tie ("uñas", "corte" with
    "Corte hombre" and "Corte dama") — ask which.
    """

    said: str  # the words, in the normal form ("unas de pies")
    candidates: tuple[ServiceCandidate, ...]

    @property
    def id(self) -> Hashable | None:
        return self.candidates[0].id if len(self.candidates) == 1 else None

    @property
    def is_ambiguous(self) -> bool:
        return len(self.candidates) > 1

    @property
    def ids(self) -> tuple[Hashable, ...]:
        return tuple(candidate.id for candidate in self.candidates)


@dataclass(frozen=True, slots=True)
class StaffMention:
    id: Hashable
    name: str


@dataclass(frozen=True, slots=True)
class AppointmentRef:
    """The appointment a message refers to, to be matched against the customer's upcoming ones.

    ``days`` are the days said ("la de mañana", "la del 15", "mi cita de la próxima
    semana"); ``weekday`` a weekday said alone ("la del viernes": the coming Friday, or
    today's if today is Friday); ``time`` a clock time ("la de las 11"); ``services`` a
    service ("la del corte"). Nothing said beyond "mi cita" means "the one I have" —
    ambiguous when there are several.
    """

    days: DayConstraint | None = None
    weekday: int | None = None  # 0 = Monday
    time: time | None = None
    services: tuple[ServiceMention, ...] = ()
    every: bool = False  # "todas mis citas", "las dos"

    @property
    def day(self) -> date | None:
        """The one date said, if one was."""
        return self.days.single if self.days is not None else None

    @property
    def is_specific(self) -> bool:
        return self.days is not None or self.weekday is not None or self.time is not None or bool(self.services)

    def matches(self, start: datetime, service_id: Hashable | None = None) -> bool:
        """Whether an appointment starting at ``start`` (local) for ``service_id`` fits the reference.

        A time said without minutes ("la de las 11") also fits 11:30, since people name the hour.
        """
        if self.days is not None and not self.days.admits(start.date()):
            return False
        if self.weekday is not None and start.weekday() != self.weekday:
            return False
        if self.time is not None:
            same = (start.hour, start.minute) == (self.time.hour, self.time.minute)
            if not same and not (self.time.minute == 0 and start.hour == self.time.hour):
                return False
        if self.services and service_id is not None:
            return any(service_id in mention.ids for mention in self.services)
        return True


@dataclass(frozen=True, slots=True)
class OfferChoice:
    """An offer picked from what Parlo listed.

    ``position`` is 0-based (-1: "la última"); ``time`` is a time said to pick ("la de las
    5"); ``index`` is the offer picked when the parser was given the offers. Nothing set
    is "esa", "ese horario": the offer, when only one was made.
    """

    position: int | None = None
    time: time | None = None
    index: int | None = None

    def pick(self, offers: Sequence[time | datetime]) -> int | None:
        """The offer picked among ``offers``, if exactly one fits."""
        if self.index is not None:
            return self.index if 0 <= self.index < len(offers) else None
        if self.position is not None:
            position = len(offers) - 1 if self.position == -1 else self.position
            return position if 0 <= position < len(offers) else None
        if self.time is not None:
            clocks = [offer.time() if isinstance(offer, datetime) else offer for offer in offers]
            for wanted in (self.time, time((self.time.hour + 12) % 24, self.time.minute)):
                hits = [i for i, clock in enumerate(clocks) if (clock.hour, clock.minute) == (wanted.hour, wanted.minute)]
                if not hits and wanted.minute == 0:
                    hits = [i for i, clock in enumerate(clocks) if clock.hour == wanted.hour]
                if len(hits) == 1:
                    return hits[0]
            return None
        return 0 if len(offers) == 1 else None


@dataclass(frozen=True, slots=True)
class Frame:
    """Everything one message says (see the module docstring). Empty means "not said"."""

    acts: tuple[Act, ...] = ()
    services: tuple[ServiceMention, ...] = ()
    unknown_services: tuple[str, ...] = ()  # salon words no service of the catalog explains ("keratina")
    staff: tuple[StaffMention, ...] = ()
    any_staff: bool = False  # "con quien sea", "con cualquiera"
    when: TimeConstraint = field(default_factory=TimeConstraint)
    appointment: AppointmentRef | None = None
    choice: OfferChoice | None = None
    person_name: str | None = None  # "soy Ana", "a nombre de Juan Pérez"

    @property
    def act(self) -> Act | None:
        """The most decisive act, or None when the message only gives details ("mañana a las 4")."""
        return self.acts[0] if self.acts else None

    def has(self, *acts: Act) -> bool:
        return any(act in self.acts for act in acts)

    @property
    def answer(self) -> bool | None:
        """Yes (CONFIRM), no (DENY), or neither."""
        if Act.CONFIRM in self.acts:
            return True
        if Act.DENY in self.acts:
            return False
        return None

    @property
    def service_ids(self) -> tuple[Hashable, ...]:
        """The services named unambiguously, in order."""
        return tuple(mention.id for mention in self.services if mention.id is not None)
