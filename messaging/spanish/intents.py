"""What a message wants, for the rule engine: an :class:`Intent` plus the details said.

Deterministic keyword and pattern rules over the normal form (:mod:`normal_form`), so
accents, capitals, WhatsApp spelling and small typos do not matter. The first rule that
matches wins; the order is the precedence:

1. ``HANDOFF`` — asking for a person ("quiero hablar con alguien", "¿eres un robot?"),
   then ``HELP`` ("ayuda", "¿qué puedes hacer?").
2. Staff and owners only (``audience=Audience.STAFF``), most specific first:
   ``MESSAGE_CUSTOMER`` when the message starts with "dile/avísale/mándale…" (what to
   say may contain other keywords: "dile a Ana que ya está lista"), ``MARK_NO_SHOW`` ("el
   de las 11 no llegó"; a known staff member's name without an appointment reference
   makes it ``STAFF_ABSENT``), ``STAFF_ABSENT`` ("Pedro se enfermó, no viene mañana" —
   the rebooking case), ``COMPACT_SCHEDULE``, ``MARK_COMPLETED``, ``WALK_IN``,
   ``CUSTOMER_HISTORY``, ``DASHBOARD_LINK``, ``ADD_STAFF``, ``REMOVE_STAFF``,
   ``CHANGE_PERMISSIONS``, ``MESSAGE_CUSTOMER`` (anywhere), ``CHANGE_HOURS`` (not when
   the message is about a "cita"), ``CHANGE_SERVICE_DURATION``, ``CHANGE_SERVICE_PRICE``
   (both need a change verb or a new value), ``UNBLOCK_TIME`` (before ``BLOCK_TIME``:
   "desbloquea" contains "bloquea"), ``BLOCK_TIME``, ``WHATS_NEXT``,
   ``BUSINESS_SCHEDULE`` (before ``MY_SCHEDULE``; also "agenda de Pedro"),
   ``MY_SCHEDULE``, ``STATS`` (after the schedules: "¿cuántas citas tengo hoy?" is the
   agenda, "¿cuántas citas llevamos?" the stats).
3. Everyone: ``RESCHEDULE`` (before ``CANCEL``: "cancelar y cambiar para el sábado" is a
   change), ``CANCEL``, ``BOOK`` said with a booking verb ("quiero una cita", "agéndame"),
   ``VIEW_APPOINTMENTS`` ("mi cita", "¿cuándo es mi cita?"), ``ASK_PRICES``,
   ``ASK_HOURS``, ``ASK_LOCATION``, ``ASK_SERVICES``.
4. A service named with nothing else ("un corte", "mani pedi") is ``BOOK`` for a
   customer (``WALK_IN`` is never guessed: staff say "acaba de llegar").
5. ``THANKS``, ``GOODBYE``, ``GREETING``; otherwise ``UNKNOWN``. ``greeted`` and
   ``thanked`` are reported whatever the intent ("Hola, necesito cambiar mi cita" is a
   ``RESCHEDULE`` that also greets).

Slots are filled from the same message whatever the intent: phone (E.164), date,
time range, the appointment referred to by its time ("el de las 11" →
``appointment_time``), a single time, part of day, service words (and the
:class:`~.services.ServiceMatch` when the business's services are passed), names,
durations, prices, weekdays and the text to forward to a customer ("dile que…").
When a change names two times and no appointment ("no puedo a las 4, cámbiala para las
6"), the first is ``appointment_time`` and the last is the new ``time``; for no-show and
completed, a lone time is the appointment's.
``Understanding.suggests_handoff`` is true when a person was asked for, or when the
message asks about salon services the business does not offer ("¿hacen tintes para
hombre?").
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time

from rapidfuzz.distance import Levenshtein

from .dates import WEEKDAYS, DateExpression, find_date
from .hours import WeeklyHours, parse_weekly_hours
from .normal_form import normalize
from .phones import find_phone
from .services import CATEGORIES, FILLER, QUALIFIERS, SALON_VOCABULARY, MatchKind, ServiceMatch, match_service
from .times import PartOfDay, RangeKind, TimeRange, find_time_range, find_times, parse_part_of_day

__all__ = ["Audience", "Intent", "Slots", "Understanding", "detect_intent"]


class Audience(enum.Enum):
    CUSTOMER = "customer"
    STAFF = "staff"  # staff, admins and owners: the permission check is the resolvers' job


class Intent(enum.StrEnum):
    # customers (staff may use them too, on a customer's behalf)
    GREETING = "greeting"
    BOOK = "book"
    VIEW_APPOINTMENTS = "view_appointments"
    CANCEL = "cancel"
    RESCHEDULE = "reschedule"
    ASK_PRICES = "ask_prices"
    ASK_SERVICES = "ask_services"
    ASK_HOURS = "ask_hours"
    ASK_LOCATION = "ask_location"
    HANDOFF = "handoff"
    HELP = "help"  # what can Parlo do ("ayuda", "¿qué puedes hacer?")
    THANKS = "thanks"
    GOODBYE = "goodbye"
    # staff and owners
    MY_SCHEDULE = "my_schedule"
    BUSINESS_SCHEDULE = "business_schedule"
    WHATS_NEXT = "whats_next"
    BLOCK_TIME = "block_time"
    UNBLOCK_TIME = "unblock_time"
    MARK_NO_SHOW = "mark_no_show"
    MARK_COMPLETED = "mark_completed"
    WALK_IN = "walk_in"
    CUSTOMER_HISTORY = "customer_history"
    MESSAGE_CUSTOMER = "message_customer"
    ADD_STAFF = "add_staff"
    REMOVE_STAFF = "remove_staff"
    CHANGE_PERMISSIONS = "change_permissions"
    CHANGE_HOURS = "change_hours"
    CHANGE_SERVICE_DURATION = "change_service_duration"
    CHANGE_SERVICE_PRICE = "change_service_price"
    STATS = "stats"
    DASHBOARD_LINK = "dashboard_link"
    STAFF_ABSENT = "staff_absent"  # a staff member will not come: rebook their appointments
    COMPACT_SCHEDULE = "compact_schedule"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Slots:
    date: DateExpression | None = None
    time: time | None = None  # a single time said ("a las 4"); for a change, the new time
    soonest: bool = False  # "ahorita", "lo antes posible", "el primer espacio"
    times: tuple[time, ...] = ()  # every single time said, in order
    time_range: TimeRange | None = None  # "de 2 a 3"; for block/unblock also "las 4" (kind AT)
    part_of_day: PartOfDay | None = None
    appointment_time: time | None = None  # the appointment referred to: "el de las 11"
    service_text: str | None = None  # the service words as written ("tintes para hombre")
    service: ServiceMatch | None = None  # only when the business's services were passed
    phone: str | None = None  # E.164
    staff_name: str | None = None  # from staff_names when given, else a capitalised name
    customer_name: str | None = None  # a capitalised name in customer-related staff requests
    duration_minutes: int | None = None
    price_centavos: int | None = None
    weekdays: tuple[int, ...] = ()  # 0 = Monday; "de lunes a viernes", "los sábados"
    weekly_hours: tuple[WeeklyHours, ...] = ()  # for hours changes: hours per set of weekdays
    message_text: str | None = None  # what to tell the customer ("dile que …")


@dataclass(frozen=True, slots=True)
class Understanding:
    intent: Intent
    slots: Slots
    greeted: bool = False
    thanked: bool = False

    @property
    def suggests_handoff(self) -> bool:
        """A person should take over: asked for, or asked about a service the business lacks."""
        if self.intent is Intent.HANDOFF:
            return True
        service = self.slots.service
        return (
            self.intent in (Intent.ASK_SERVICES, Intent.ASK_PRICES, Intent.BOOK)
            and service is not None
            and service.kind is MatchKind.NONE
            and bool(service.unmatched_terms)
        )


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _any(*alternatives: str) -> re.Pattern[str]:
    """One pattern matching any of the alternatives (one phrasing per line, easy to extend)."""
    return re.compile("|".join(alternatives))


_STAFF_WORD = r"(?:emplead[oa]s?|estilistas?|barber[oa]s?|manicuristas?|trabajador(?:a|es|as)?|colaborador(?:a|es|as)?|staff|personal|chic[oa]s?|chav[oa]s?|ayudantes?|maquillistas?|cosmetologas?)"
_APPOINTMENT_REF = _re(
    r"\b(?:el|la|al|los|las|su|mi|tu)\s+(?:cliente\s+|clienta\s+|cita\s+|senor\s+|senora\s+|chavo\s+|chava\s+|nino\s+|nina\s+|muchacho\s+|muchacha\s+)?de\s+(?:las?|la)\s+\S+(?:\s*(?::\d\d|y\s+media|y\s+cuarto|am|pm|de\s+la\s+(?:manana|tarde|noche)))?"
)
_CUSTOMER_REF = _re(r"\b(?:cliente|clienta|cita|senor|senora)\b")

_HANDOFF = _any(
    r"\b(?:hablar|platicar|comunicar(?:me)?|contactar|atender(?:me)?)\s+(?:con\s+)?(?:alguien|una\s+persona|un\s+humano|humano|persona|el\s+dueno|la\s+duena|el\s+encargado|la\s+encargada|el\s+gerente|la\s+gerente|un\s+asesor|un\s+agente)",
    r"\b(?:me\s+comunicas|pasame|comunicame|me\s+pasas)\s+con\b",
    r"\b(?:eres|es)\s+(?:un\s+)?(?:robot|bot|maquina)\b",
    r"\bpersona\s+real\b",
    r"\bun\s+humano\b",
)
_HELP = _any(
    r"^(?:\S+\s+){0,2}?ayuda\b",
    r"\bnecesito\s+ayuda\b",
    r"\bque\s+(?:puedes|sabes)\s+hacer\b",
    r"\bcomo\s+(?:funciona|funcionas|te\s+uso|se\s+usa)\b",
    r"\binstrucciones\b",
    r"\bcomandos\b",
    r"\bque\s+(?:te\s+)?puedo\s+(?:pedir|decir)\b",
    r"\bpara\s+que\s+sirves\b",
)
_NO_SHOW = _any(
    r"\bno\s+(?:llego|vino|se\s+presento|aparecio|ha\s+llegado|ha\s+venido|llegaron|vinieron|se\s+aparecio)\b",
    r"\bme\s+(?:dejo\s+plantad|planto)",
    r"\bno\s*-?\s*show\b",
    r"\bfalto\s+(?:el|la)\s+(?:cliente|clienta|de\s+las)",
)
_STAFF_ABSENT = _any(
    r"\bse\s+(?:enfermo|reporto\s+enferm|siente\s+mal|accidento|lastimo|incapacito)",
    r"\b(?:esta|anda|amanecio)\s+enferm",
    r"\bno\s+(?:viene|va\s+a\s+venir|puede\s+venir|vendra|podra\s+venir|va\s+a\s+poder\s+venir|va\s+a\s+trabajar|trabaja\s+(?:hoy|manana)|llega\s+(?:hoy|manana)|va\s+a\s+estar|estara)\b",
    r"\bfalta(?:ra)?\s+(?:hoy|manana)",
    r"\btiene\s+(?:una\s+)?(?:emergencia|permiso|incapacidad)",
    r"\breagend\w*\s+(?:todas\s+)?(?:las\s+)?citas\s+de\b",
    r"\breacomod\w*\s+(?:las\s+)?citas\s+de\b",
    r"\breasign\w*",
)
_COMPACT = _any(
    r"\bcompact\w*",
    r"\bjunta(?:r)?\s+(?:las\s+)?citas",
    r"\bquita(?:r)?\s+(?:los\s+)?huecos",
    r"\bsin\s+huecos",
    r"\bacomoda(?:r)?\s+(?:la\s+)?agenda",
    r"\boptimiz\w*\s+(?:la\s+)?agenda",
)
_COMPLETED = _any(
    r"\b(?:ya\s+)?(?:termine|terminamos|acabe|acabamos)\s+(?:con|de\s+atender)\b",
    r"\bya\s+(?:quedo|quedamos|se\s+fue|termino|acabo|esta\s+list[oa])\b",
    r"\bmarca\w*\s+(?:la\s+cita\s+)?(?:de\s+\S+\s+)?(?:como\s+)?(?:completad|terminad|hech|atendid|lista)",
    r"\bya\s+(?:lo\s+|la\s+)?atendi\b",
    r"\bya\s+pago\b",
)
_WALK_IN = _any(
    r"\bacaba\s+de\s+(?:llegar|entrar)",
    r"\b(?:llego|vino|esta\s+aqui|aqui\s+esta|tengo\s+aqui|entro)\s+(?:alguien|un\s+cliente|una\s+clienta|una\s+senora|un\s+senor|un\s+chavo|una\s+chava|un\s+nino|una\s+nina|una\s+persona|un\s+muchacho|una\s+muchacha)",
    r"\bwalk\s*-?\s*in\b",
    r"\bsin\s+cita\b",
    r"\bde\s+paso\b",
)
_HISTORY = _any(
    r"\b(?:ha|habia|a)\s+venido\b",
    r"\bya\s+(?:ha\s+)?vino\s+antes",
    r"\bhistorial\b",
    r"\bcuantas\s+veces\s+(?:ha\s+venido|vino|viene)",
    r"\bes\s+(?:cliente|clienta)\s+(?:nuev|frecuente|de\s+antes)",
    r"\b(?:ultima|ultimas)\s+(?:vez|visita|visitas|citas)\b",
    r"\bque\s+se\s+(?:ha\s+hecho|hizo)\b",
    r"\bconoces\s+a\s+(?:este|esta)\b",
)
_DASHBOARD = _any(
    r"\b(?:link|liga|enlace|url)\b",
    r"\bpanel\b",
    r"\bdashboard\b",
    r"\bpagina\s+(?:web|de\s+administracion)",
    r"\b(?:entrar|acceso|acceder)\s+a\s+la\s+(?:pagina|app|aplicacion|web|plataforma)",
)
_MESSAGE = _any(
    r"\b(?:dile|digale|avisale|mandale|enviale|escribele|recuerdale|contestale|respondele)\b",
    r"\b(?:manda|envia|escribe)(?:le)?\s+un\s+(?:mensaje|whats|recado)\b",
    r"\bmensaje\s+a\b",
)
_ADD_STAFF = _re(
    rf"\b(?:agrega\w*|anad\w*|registra\w*|dar\s+de\s+alta|da\s+de\s+alta|dale\s+de\s+alta|suma\w*|mete\w*|contrat\w*|invita\w*|nuev[oa])\b.*\b{_STAFF_WORD}\b"
)
_REMOVE_STAFF = _re(
    rf"\b(?:quita\w*|elimina\w*|borra\w*|saca\w*|dar\s+de\s+baja|da\s+de\s+baja|dale\s+de\s+baja|despedi\w*|desactiva\w*)\b.*\b{_STAFF_WORD}\b"
    r"|\bya\s+no\s+trabaja\b|\brenuncio\b|\bse\s+fue\s+del\s+(?:negocio|salon|trabajo|equipo)|\bdar\s+de\s+baja\s+a\b|\bda\s+de\s+baja\s+a\b"
)
_PERMISSIONS = _any(
    r"\bpermisos?\b",
    r"\b(?:hazl[oa]|hacerl[oa]|ponl[oa]|ponerl[oa]|convierte(?:l[oa])?|hacer|subir(?:l[oa])?|sube(?:l[oa])?)\s+(?:como\s+|a\s+)?(?:admin|administrador|administradora|encargad[oa])\b",
    r"\b(?:cambia\w*|modifica\w*)\s+(?:el\s+|su\s+)?(?:rol|nivel|acceso)\b",
    r"\bque\s+(?:pueda|no\s+pueda)\s+ver\b",
)
_CHANGE_HOURS = _any(
    r"\b(?:cambia\w*|modifica\w*|ajusta\w*|actualiza\w*|mueve|nuev[oa]s?)\s+(?:el\s+|los\s+|mi\s+|nuestro\s+|de\s+)?horarios?\b",
    r"\bhorarios?\s+(?:nuevos?|de\s+apertura|del\s+negocio|del\s+salon)\b",
    r"\b(?:ahora|ya|a\s+partir\s+de\s+\S+)\s+(?:\S+\s+)?(?:abrimos|cerramos|abre|cierra)\b",
    r"\bvamos\s+a\s+(?:abrir|cerrar)\b",
    r"\bno\s+(?:abrimos|abre|trabajamos|vamos\s+a\s+abrir)\b",
    r"\b(?:esta|estamos|estara|estaremos)\s+cerrad[oa]s?\b",
    r"\b(?:abrimos|cerramos)\s+(?:a\s+las|de|hasta|desde|mas|el|los|todo|temprano|tarde)\b",
)
_DURATION_WORD = _re(r"\b(?:duracion|dura|duran|dure|duren|tarda|tardan|tarde\s+\d)\b")
_PRICE_WORD = _re(r"\b(?:precio|precios|cuesta|cueste|cuestan|cobrar|cobramos|cobra|cobro|costo|costar|vale|valga)\b")
_CHANGE_VERB = _any(
    r"\b(?:cambia\w*|modifica\w*|ajusta\w*|actualiza\w*|sube|subir|subele|baja|bajar|bajale|aumenta\w*|ahora|pon|ponle|ponerle|que\s+dure|que\s+cueste|de\s+ahora\s+en\s+adelante)\b",
    r"\$\s*\d",
    r"\b\d+\s*(?:pesos|min|minutos|hr|hrs|horas?)\b",
    r"\ba\s+\d+\b",
    r"\bmedia\s+hora\b",
    r"\bhora\s+y\s+media\b",
)
_UNBLOCK = _any(
    r"\bdesbloque\w*",
    r"\bquita\w*\s+(?:el\s+|los\s+)?bloqueos?\b",
    r"\blibera\w*",
    r"\bya\s+no\s+(?:voy\s+a\s+salir|me\s+voy|tengo\s+que\s+salir|salgo)",
    r"\babre\s+(?:el\s+|ese\s+)?espacio",
    r"\bya\s+puedo\s+(?:atender|trabajar)\b",
    r"\bcancela\w*\s+(?:el\s+)?bloqueo",
)
_BLOCK = _any(
    r"\bbloque\w*",
    r"\bno\s+(?:voy\s+a\s+estar|estare|voy\s+a\s+poder\s+atender|atiendo|voy\s+a\s+trabajar|trabajo|voy\s+a\s+venir|vengo)\b",
    r"\btengo\s+que\s+(?:salir|irme|ir\s+al)",
    r"\bme\s+tengo\s+que\s+ir\b",
    r"\b(?:me\s+voy|voy)\s+a\s+(?:comer|salir|ir\s+a\s+comer)\b",
    r"\bmi\s+(?:comida|hora\s+de\s+comida|descanso)\b",
    r"\bcierra\w*\s+(?:el\s+|mi\s+)?(?:espacio|horario|agenda)",
    r"\bno\s+(?:me\s+)?agendes\b",
    r"\baparta(?:me)?\s+(?:el\s+|mi\s+)?(?:tiempo|espacio)\s+para\s+mi\b",
)
_WHATS_NEXT = _any(
    r"\bque\s+sigue\b",
    r"\bquien\s+sigue\b",
    r"\b(?:siguiente|proxim[oa])\s+(?:cita|cliente|clienta)\b",
    r"\bquien\s+viene\b",
    r"\ba\s+quien\s+(?:le\s+)?toca\b",
    r"\bcual\s+es\s+(?:mi\s+)?(?:siguiente|proxima)\b",
    r"\bque\s+me\s+toca\s+ahora\b",
)
_BUSINESS_SCHEDULE = _any(
    r"\b(?:agenda|citas|horarios?)\s+(?:de\s+|del\s+)?(?:todos|todas|todo\s+el\s+mundo|general|completa|negocio|salon|local|equipo|la\s+barberia|la\s+estetica)\b",
    r"\btodas\s+las\s+citas\b",
    r"\bquien(?:es)?\s+(?:tiene|tienen|trabaja|trabajan)\s+(?:citas?|hoy|manana)\b",
    r"\bcomo\s+esta\s+(?:el\s+dia|la\s+agenda\s+(?:de\s+)?(?:hoy|manana)|hoy)\b",
    r"\bagenda\s+(?:de\s+)?(?:hoy|manana)\s+de\s+todos\b",
)
_SOMEONES_SCHEDULE = _re(  # "agenda de Pedro", when the staff list was not given
    r"\b(?:agenda|citas|horario)\s+de\s+(?!(?:hoy|manana|pasado|la|las|el|los|esta|este|mi|mis|tu|su|todos|todas|ayer|semana|lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b)[a-z]{3,}\b"
)
_SCHEDULE_WORD = _re(r"\b(?:agenda|citas|horario|que\s+tiene)\b")
_MY_SCHEDULE = _any(
    r"\bque\s+(?:tengo|me\s+toca|hay)\b(?!\s+que)",
    r"\bmi\s+(?:agenda|dia|horario)\b",
    r"\bmis\s+citas\b",
    r"\bagenda\s+(?:de|para)\s+(?:hoy|manana|pasado|el|la|esta|este)\b",
    r"\bcuant[ao]s\s+(?:citas|clientes)\s+tengo\b",
    r"\bresumen\s+(?:del\s+dia|de\s+hoy|de\s+manana)\b",
    r"\btengo\s+citas?\b",
    r"\bver\s+(?:la\s+)?agenda\b",
    r"^agenda$",
    r"\bcomo\s+(?:tengo|viene)\s+(?:mi\s+|la\s+|el\s+)?(?:agenda|dia)\b",
)
_STATS = _any(
    r"\bcomo\s+(?:vamos|va\s+el\s+negocio|nos\s+fue|nos\s+va|estuvo|van\s+las\s+ventas)\b",
    r"\bestadisticas?\b",
    r"\breportes?\b",
    r"\bresumen\s+(?:del|de\s+la)\s+(?:mes|semana)",
    r"\bcuant[oa]s?\s+(?:citas|clientes|vendimos|ganamos|llevamos|hicimos|dinero|ingresos|cortes)\b",
    r"\bventas\b",
    r"\bingresos\b",
    r"\bnumeros\s+del\b",
    r"\bmetricas\b",
    r"\bcuanto\s+(?:vendimos|ganamos|llevamos|hicimos)\b",
)
_RESCHEDULE = _any(
    r"\b(?:cambiar|cambia|cambio|cambiame|cambiarla|cambiarlo|cambiala|cambialo|mover|mueve|muevela|muevelo|moverla|moverlo|reagendar|reagenda|reagendame|reagendarla|reprogramar|reprograma|reprogramarla|recorrer|recorrerla|recorre|recorreme|recorrela|posponer|pospon|adelantar|adelanta|adelantarla|atrasar|atrasa|atrasarla)\b",
    r"\bmejor\s+(?:otro\s+dia|otra\s+hora|otro\s+horario|otra\s+fecha)\b",
)
_CANCEL = _any(
    r"\bcancel\w*",
    r"\banul\w*",
    r"\bdesagend\w*",
    r"\bya\s+no\s+(?:voy|puedo|podre|podemos|vamos|quiero|voy\s+a\s+poder)\s+(?:a\s+)?(?:ir|asistir|llegar|la\s+cita|mi\s+cita)\b",
    r"\bno\s+(?:voy\s+a\s+poder|podre|puedo)\s+(?:ir|asistir|llegar)\b",
    r"\bsiempre\s+no\b",
    r"\b(?:quita|borra)(?:me|r)?\s+(?:mi\s+|la\s+)?cita\b",
    r"\bya\s+no\s+(?:la\s+)?necesito\b",
)
_BOOK = _any(
    r"\b(?:agendar|agendame|agendarme|agendo|agenda\s+(?:me|una|un|para|a)|reservar|reservame|reserva\s+(?:una|un|para)|apartar|apartame|aparta\s+(?:una|un|para)|sacar\s+(?:una\s+)?cita|hacer\s+(?:una\s+)?cita|programar\s+(?:una\s+)?cita)\b",
    r"\b(?:quiero|quisiera|queria|necesito|ocupo|me\s+gustaria|busco|me\s+das|me\s+puedes\s+dar|dame)\s+(?:una\s+|un\s+|otra\s+)?(?:cita|turno|lugar|espacio|reservacion)\b",
    r"\b(?:quiero|quisiera|queria|necesito|ocupo|me\s+gustaria|vengo|voy)\s+(?:a\s+)?(?:ir|pasar|cortarme|hacerme|arreglarme|pintarme)\b",
    r"\bme\s+(?:quiero|quisiera|queria|gustaria|voy\s+a)\s+(?:cortar|pintar|hacer|arreglar|rasurar|depilar|peinar)\b",
    r"\bcita\s+para\b",
    r"\b(?:hay|tienes|tienen|tendras|tendran|habra)\s+(?:algun\s+)?(?:espacio|lugar|disponib\w*|chance|cupo|citas?|algo\s+(?:para|hoy|manana|ahorita|libre|disponible|el|la|a))\b",
    r"\bdisponibilidad\b",
    r"\bme\s+(?:puedes|puede|podrias|podria|pueden)\s+(?:atender|agendar|apartar)\b",
    r"\b(?:anota|anotale|apunta|apuntale|ponle|ponme|metele|registrale)\s+(?:a\s+|una\s+cita\b|un\s+)",
    r"\bpuedo\s+(?:ir|pasar|llegar)\b",
)
_VIEW = _any(
    r"\bmis\s+citas\b",
    r"\bmi\s+(?:cita|reservacion|turno)\b",
    r"\btengo\s+(?:alguna\s+)?cita\b",
    r"\bque\s+citas?\s+tengo\b",
    r"\bcuando\s+(?:es|era|tengo)\b",
    r"\ba\s+que\s+hora\s+(?:es|era|tengo|quedo)\b",
    r"\bsigue\s+en\s+pie\b",
    r"\bconfirmar\s+(?:mi\s+)?cita\b",
)
_ASK_PRICES = _any(
    r"\bcuanto\s+(?:cuesta|cuestan|cobran|cobras|sale|salen|es|vale|valen|seria|costaria|esta)\b",
    r"\bprecios?\b",
    r"\bcostos?\b",
    r"\btarifas?\b",
    r"\bcuanto\s+por\b",
    r"\bque\s+precio\b",
    r"\ba\s+como\s+(?:esta|estan|sale|salen|el|la|los|las|es)\b",
    r"\bpromocion(?:es)?\b",
    r"\bdescuentos?\b",
)
_ASK_HOURS = _any(
    r"\bhorarios?\b",
    r"\ba\s+que\s+hora\s+(?:abren|cierran|abres|cierras|habren|empiezan|terminan)\b",
    r"\b(?:abren|cierran|abierto|abiertos|atienden|trabajan)\b",
    r"\bque\s+dias\b",
    r"\bhasta\s+que\s+hora\b",
)
_ASK_LOCATION = _any(
    r"\bdonde\s+(?:estan|quedan|se\s+ubican|es|esta|los\s+encuentro)\b",
    r"\bdireccion\b",
    r"\bubicacion\b",
    r"\bcomo\s+llego\b",
    r"\bmaps?\b",
    r"\bestacionamiento\b",
)
_ASK_SERVICES = _any(
    r"\bcuanto\s+(?:tiempo\s+)?(?:dura|duran|tarda|tardan|se\s+tarda)\b",
    r"\bque\s+servicios\b",
    r"\bservicios\b",
    r"\b(?:hacen|haces|tienen|tienes|manejan|ofrecen|dan|realizan)\s+(?!espacio|lugar|cita|chance|cupo)\w+",
    r"\bque\s+(?:hacen|ofrecen)\b",
    r"\bcatalogo\b",
    r"\bmenu\b",
    r"\bse\s+puede\s+hacer\b",
    r"\binformacion\b",
)
_THANKS = _any(
    r"\bgracias\b",
    r"\bmuy\s+amable\b",
    r"\bte\s+lo\s+agradezco\b",
    r"\bque\s+amable\b",
    r"\bagradecid[oa]\b",
)
_GOODBYE = _any(
    r"\badios\b",
    r"\bbye\b",
    r"\bhasta\s+(?:luego|pronto|la\s+proxima)\b",
    r"\bhasta\s+manana\s*$",
    r"\bnos\s+vemos\b",
    r"\bchao\b",
    r"\bchau\b",
    r"\bque\s+estes\s+bien\b",
    r"\bbuen\s+fin\b",
)
_GREETING = _re(
    r"^(?:\S+\s+){0,2}?(?:hola|ola|holi|buenas|buenos\s+dias|buen\s+dia|buenas\s+tardes|buenas\s+noches|que\s+tal|hey|saludos|que\s+onda|alo)\b"
)


@dataclass(frozen=True, slots=True)
class _Rule:
    intent: Intent
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None = None
    also: re.Pattern[str] | None = None
    check: Callable[[str, "_Context"], bool] | None = None

    def matches(self, norm: str, context: "_Context") -> bool:
        if not self.pattern.search(norm):
            return False
        if self.unless is not None and self.unless.search(norm):
            return False
        if self.also is not None and not self.also.search(norm):
            return False
        return self.check is None or self.check(norm, context)


@dataclass(slots=True)
class _Context:
    staff_name: str | None


def _is_no_show(norm: str, context: _Context) -> bool:
    """A customer missed an appointment, unless it is a staff member who did not come."""
    if _APPOINTMENT_REF.search(norm) or _CUSTOMER_REF.search(norm) or find_times(norm, normalized=True):
        return True
    return context.staff_name is None


_CITA = _re(r"\bcitas?\b")
_MESSAGE_COMMAND = _re(
    r"^(?:si\s+|ok\s+|va\s+|porfa\s+|por\s+favor\s+)?(?:dile|digale|avisale|mandale|enviale|escribele|recuerdale|contestale|respondele)\b"
)
_STAFF_RULES = (
    _Rule(Intent.MESSAGE_CUSTOMER, _MESSAGE_COMMAND),
    _Rule(Intent.MARK_NO_SHOW, _NO_SHOW, check=_is_no_show),
    _Rule(Intent.STAFF_ABSENT, _STAFF_ABSENT),
    _Rule(Intent.STAFF_ABSENT, _NO_SHOW),  # "Pedro no vino hoy": a staff member, no appointment said
    _Rule(Intent.COMPACT_SCHEDULE, _COMPACT),
    _Rule(Intent.MARK_COMPLETED, _COMPLETED),
    _Rule(Intent.WALK_IN, _WALK_IN),
    _Rule(Intent.CUSTOMER_HISTORY, _HISTORY),
    _Rule(Intent.DASHBOARD_LINK, _DASHBOARD),
    _Rule(Intent.ADD_STAFF, _ADD_STAFF),
    _Rule(Intent.REMOVE_STAFF, _REMOVE_STAFF),
    _Rule(Intent.CHANGE_PERMISSIONS, _PERMISSIONS),
    _Rule(Intent.MESSAGE_CUSTOMER, _MESSAGE),
    _Rule(Intent.CHANGE_HOURS, _CHANGE_HOURS, unless=_CITA),
    _Rule(Intent.CHANGE_SERVICE_DURATION, _DURATION_WORD, also=_CHANGE_VERB),
    _Rule(Intent.CHANGE_SERVICE_PRICE, _PRICE_WORD, also=_CHANGE_VERB),
    _Rule(Intent.UNBLOCK_TIME, _UNBLOCK),
    _Rule(Intent.BLOCK_TIME, _BLOCK),
    _Rule(Intent.WHATS_NEXT, _WHATS_NEXT),
    _Rule(Intent.BUSINESS_SCHEDULE, _BUSINESS_SCHEDULE),
    _Rule(Intent.BUSINESS_SCHEDULE, _SCHEDULE_WORD, check=lambda norm, context: context.staff_name is not None),
    _Rule(Intent.BUSINESS_SCHEDULE, _SOMEONES_SCHEDULE),
    _Rule(Intent.MY_SCHEDULE, _MY_SCHEDULE),
    _Rule(Intent.STATS, _STATS),
)
_SHARED_RULES = (
    _Rule(Intent.RESCHEDULE, _RESCHEDULE),
    _Rule(Intent.CANCEL, _CANCEL),
    _Rule(Intent.BOOK, _BOOK),
    _Rule(Intent.VIEW_APPOINTMENTS, _VIEW),
    _Rule(Intent.ASK_PRICES, _ASK_PRICES),
    _Rule(Intent.ASK_HOURS, _ASK_HOURS),
    _Rule(Intent.ASK_LOCATION, _ASK_LOCATION),
    _Rule(Intent.ASK_SERVICES, _ASK_SERVICES),
)
_CLOSING_RULES = (
    _Rule(Intent.THANKS, _THANKS),
    _Rule(Intent.GOODBYE, _GOODBYE),
    _Rule(Intent.GREETING, _GREETING),
)
_HANDOFF_RULE = _Rule(Intent.HANDOFF, _HANDOFF)
_HELP_RULE = _Rule(Intent.HELP, _HELP)

_SERVICE_INTENTS = frozenset({
    Intent.BOOK, Intent.WALK_IN, Intent.ASK_SERVICES, Intent.ASK_PRICES, Intent.RESCHEDULE,
    Intent.CHANGE_SERVICE_DURATION, Intent.CHANGE_SERVICE_PRICE, Intent.UNKNOWN, Intent.GREETING,
})
_CUSTOMER_NAME_INTENTS = frozenset({
    Intent.MESSAGE_CUSTOMER, Intent.MARK_NO_SHOW, Intent.MARK_COMPLETED, Intent.CUSTOMER_HISTORY,
    Intent.WALK_IN, Intent.BOOK, Intent.CANCEL, Intent.RESCHEDULE,
})

# Words that start with a capital only because they start a sentence.
_COMMON_WORDS = frozenset(
    """
    hola oye ya que quiero necesito bloquea bloquear desbloquea el la los las de del un una este esta
    mi mis tu su se no si para por con sin a al en y o pero porque como cuando donde quien cual
    cita citas cliente clienta empleado empleada agrega agregar quita quitar elimina hazlo cambia dile
    avisale mandale manana hoy pasado buenas buenos dias tardes noches gracias ok sale va dale oye
    acaba llego vino viene compacta agenda cuanto cuantos como mandame envia enviale registra dar da
    lunes martes miercoles jueves viernes sabado domingo todos todas nuevo nueva ahora tambien solo
    """.split()
)
_NAME_RE = re.compile(r"\b([A-ZÁÉÍÓÚÑ][a-záéíóúñü]+(?:\s+[A-ZÁÉÍÓÚÑ][a-záéíóúñü]+)*)")
_MESSAGE_TEXT_RE = re.compile(
    r"\b(?:dile|d[ií]gale|av[ií]sale|m[aá]ndale|env[ií]ale|escr[ií]bele|recu[eé]rdale|contr[eé]stale|resp[oó]ndele)\b[^:]*?(?::\s*|\bque\s+)(.+)$",
    re.IGNORECASE | re.DOTALL,
)
_DURATION_RE = re.compile(
    r"\b(\d+(?:\.\d+)?)\s*(min|mins|minutos|hr|hrs|hora|horas|h)\b|\b(hora\s+y\s+media|media\s+hora|una\s+hora|dos\s+horas)\b"
)
_PRICE_RE = re.compile(r"\$\s*(\d[\d,]*(?:\.\d{1,2})?)|\b(\d[\d,]*(?:\.\d{1,2})?)\s*(?:pesos|mxn)\b|\ba\s+(\d{2,5})\b")
_WEEKDAY_RANGE_RE = re.compile(rf"\b(?:de|del)\s+({'|'.join(WEEKDAYS)})\s+(?:a|al)\s+({'|'.join(WEEKDAYS)})\b")
_WEEKDAY_PLURAL_RE = re.compile(r"\blos\s+(lunes|martes|miercoles|jueves|viernes|sabados?|domingos?)\b|\b(sabados|domingos)\b")
_ENTRE_SEMANA_RE = re.compile(r"\bentre\s+semana\b")
_FINES_RE = re.compile(r"\b(?:los\s+)?fines\s+de\s+semana\b")
_TODOS_DIAS_RE = re.compile(r"\btodos\s+los\s+dias\b")
_SOONEST = re.compile(
    r"\b(?:ahorita|ahora\s+mismo|en\s+este\s+momento|lo\s+(?:antes|mas\s+pronto)\s+(?:posible|que\s+se\s+pueda)|cuanto\s+antes"
    r"|(?:el|la)\s+(?:primer|primera)\s+(?:espacio|hora|cita|lugar)\s+(?:libre|disponible)|lo\s+que\s+tengas\s+(?:mas\s+)?pronto|ya\s+mismo)\b"
)
_CLOSING_AT_RE = re.compile(
    r"\b(?:cerramos|cierra|cerrar|cierro|cierran)\s+(?:a\s+las|hasta\s+las|como\s+a\s+las)\s+\d{1,2}\b(?!\s*(?::\d|am\b|pm\b|de\s+la))"
)
_SERVICE_CONNECTORS = frozenset({"de", "del", "y", "e", "con", "para", "sin", "en", "+", "el", "la"})


def _blank(text: str, span: tuple[int, int]) -> str:
    return text[: span[0]] + " " * (span[1] - span[0]) + text[span[1] :]


def _word_pairs(text: str) -> list[tuple[str, str]]:
    """(as written, normal form) per word, so slots can quote the writer's own spelling."""
    pairs = []
    for word in text.split():
        norm = normalize(word)
        if norm:
            pairs.append((word.strip(",.;:!¡?¿\"'()"), norm))
    return pairs


def _is_service_word(norm: str, service_words: frozenset[str]) -> bool:
    stem = norm[:-1] if len(norm) >= 5 and norm.endswith("s") else norm
    return (
        norm in SALON_VOCABULARY or stem in SALON_VOCABULARY or norm in CATEGORIES
        or norm in service_words or stem in service_words
    )


def _service_text(pairs: list[tuple[str, str]], service_words: frozenset[str]) -> str | None:
    start = next((i for i, (_, norm) in enumerate(pairs) if _is_service_word(norm, service_words)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(pairs):
        norm = pairs[end][1]
        if not (norm in _SERVICE_CONNECTORS or norm in QUALIFIERS or _is_service_word(norm, service_words)):
            break
        end += 1
    while end > start + 1 and pairs[end - 1][1] in _SERVICE_CONNECTORS:
        end -= 1
    return " ".join(written for written, _ in pairs[start:end])


def _match_staff(norm: str, staff_names: Sequence[str]) -> str | None:
    words = norm.split()
    for name in staff_names:
        name_words = normalize(name).split()
        if not name_words:
            continue
        first = name_words[0]
        for word in words:
            if word == first or (
                len(first) >= 6 and word[0] == first[0] and Levenshtein.distance(word, first, score_cutoff=1) <= 1
            ):
                return name
    return None


def _capitalised_name(text: str, service_words: frozenset[str]) -> str | None:
    """A capitalised name that is not just a sentence-initial common or service word."""
    for match in _NAME_RE.finditer(text):
        words = match.group(1).split()
        while words and (
            normalize(words[0]) in _COMMON_WORDS or _is_service_word(normalize(words[0]), service_words)
        ):
            words.pop(0)
        if words:
            return " ".join(words)
    return None


def _duration(norm: str) -> int | None:
    match = _DURATION_RE.search(norm)
    if not match:
        return None
    if match.group(3):
        return {"hora y media": 90, "media hora": 30, "una hora": 60, "dos horas": 120}[
            re.sub(r"\s+", " ", match.group(3))
        ]
    amount = float(match.group(1))
    return round(amount if match.group(2).startswith("m") else amount * 60)


def _price(norm: str) -> int | None:
    match = _PRICE_RE.search(norm)
    if not match:
        return None
    raw = next(group for group in match.groups() if group)
    return round(float(raw.replace(",", "")) * 100)


def _weekdays(norm: str) -> tuple[int, ...]:
    if match := _WEEKDAY_RANGE_RE.search(norm):
        first, last = WEEKDAYS.index(match.group(1)), WEEKDAYS.index(match.group(2))
        return tuple(range(first, last + 1)) if first <= last else tuple(range(first, 7)) + tuple(range(0, last + 1))
    if _TODOS_DIAS_RE.search(norm):
        return tuple(range(7))
    found: list[int] = []
    if _ENTRE_SEMANA_RE.search(norm):
        found.extend(range(5))
    if _FINES_RE.search(norm):
        found.extend((5, 6))
    for match in _WEEKDAY_PLURAL_RE.finditer(norm):
        word = match.group(1) or match.group(2)
        singular = word if word in WEEKDAYS else word[:-1]  # "sábados" -> "sábado"; "lunes" is both
        found.append(WEEKDAYS.index(singular))
    return tuple(sorted(set(found)))


def _services_pairs(services: Mapping[Hashable, str] | Iterable[tuple[Hashable, str]] | None):
    if services is None:
        return None
    return tuple(services.items()) if isinstance(services, Mapping) else tuple(services)


def detect_intent(
    text: str,
    *,
    today: date,
    audience: Audience = Audience.CUSTOMER,
    services: Mapping[Hashable, str] | Iterable[tuple[Hashable, str]] | None = None,
    staff_names: Sequence[str] = (),
) -> Understanding:
    """Read one message: intent (by the module's precedence) and the details it carries.

    ``today`` is the business's local date. ``services`` (``{id: name}``) lets the result
    carry a :class:`ServiceMatch`; ``staff_names`` lets names be recognised reliably.
    """
    service_pairs = _services_pairs(services)
    norm = normalize(text)

    # Slots first: the rules use some of them (a staff name, an appointment time).
    phone = None
    rest_text = text
    if found_phone := find_phone(text):
        phone = found_phone[1]
        rest_text = _blank(text, found_phone[0])
    rest = normalize(rest_text)
    date_expression = None
    if found_date := find_date(rest, today, normalized=True):
        date_expression = found_date[1]
        rest = _blank(rest, found_date[0])
    appointment_time = None
    if found_ref := _APPOINTMENT_REF.search(rest):
        ref_times = find_times(found_ref.group(), normalized=True)
        if ref_times:
            appointment_time = ref_times[0][1]
            rest = _blank(rest, found_ref.span())
    time_range = None
    if found_range := find_time_range(rest, normalized=True):
        time_range = found_range[1]
        rest = _blank(rest, found_range[0])
    times = find_times(rest, normalized=True)
    single_time = times[0][1] if times else None
    part_of_day = (date_expression.part_of_day if date_expression else None) or parse_part_of_day(norm, normalized=True)

    staff_name = _match_staff(norm, staff_names) if staff_names else None
    context = _Context(staff_name)

    intent = Intent.UNKNOWN
    rules = (_HANDOFF_RULE, _HELP_RULE) + (_STAFF_RULES if audience is Audience.STAFF else ()) + _SHARED_RULES
    for rule in rules:
        if rule.matches(norm, context):
            intent = rule.intent
            break

    pairs = _word_pairs(rest_text)
    service_words: frozenset[str] = frozenset()
    if service_pairs:
        service_words = frozenset(
            word for _, name in service_pairs for word in normalize(name).split()
            if len(word) >= 3 and word not in FILLER
        )
    service_text = _service_text(pairs, service_words)
    service_match = None
    if service_pairs is not None and intent in _SERVICE_INTENTS:
        service_match = match_service(norm, service_pairs)
    if intent is Intent.UNKNOWN:
        named_service = service_match is not None and service_match.kind is not MatchKind.NONE
        if named_service or (service_text is not None and service_pairs is None):
            intent = Intent.BOOK
    if intent is Intent.UNKNOWN:
        for rule in _CLOSING_RULES:
            if rule.matches(norm, context):
                intent = rule.intent
                break
    if intent not in _SERVICE_INTENTS or (
        service_match is not None and service_match.kind is MatchKind.NONE and not service_match.unmatched_terms
    ):
        service_match = None

    all_times = tuple(found for _, found in times)
    if intent is Intent.RESCHEDULE and appointment_time is None and len(all_times) >= 2:
        # "no puedo llegar a las 4, ¿me la cambias para las 6?": from the first to the last
        appointment_time, single_time = all_times[0], all_times[-1]
    if intent is Intent.CHANGE_HOURS and single_time is not None and 8 <= single_time.hour <= 11:
        if _CLOSING_AT_RE.search(norm):  # "cerramos a las 8" is 8 PM: nobody closes at breakfast
            single_time = time(single_time.hour + 12, single_time.minute)
    if intent in (Intent.MARK_NO_SHOW, Intent.MARK_COMPLETED) and appointment_time is None and single_time is not None:
        appointment_time, single_time = single_time, None  # "no llegó el cliente a las 5"
    if intent in (Intent.BLOCK_TIME, Intent.UNBLOCK_TIME) and time_range is None and single_time is not None:
        time_range = TimeRange(RangeKind.AT, single_time, None)
    if intent in (Intent.BLOCK_TIME, Intent.UNBLOCK_TIME) and time_range is None and appointment_time is not None:
        time_range = TimeRange(RangeKind.AT, appointment_time, None)

    if staff_name is None and audience is Audience.STAFF and (
        intent is Intent.ADD_STAFF  # a new employee is not on the staff list yet
        or (
            not staff_names
            and intent in (Intent.STAFF_ABSENT, Intent.REMOVE_STAFF, Intent.CHANGE_PERMISSIONS, Intent.BUSINESS_SCHEDULE)
        )
    ):
        staff_name = _capitalised_name(rest_text, service_words)
    customer_name = None
    if audience is Audience.STAFF and intent in _CUSTOMER_NAME_INTENTS:
        candidate = _capitalised_name(rest_text, service_words)
        if candidate is not None and candidate != staff_name:
            customer_name = candidate

    message_text = None
    if intent is Intent.MESSAGE_CUSTOMER:
        if found_message := _MESSAGE_TEXT_RE.search(text):
            message_text = re.sub(r"^que\s+", "", found_message.group(1).strip(), flags=re.IGNORECASE)

    slots = Slots(
        date=date_expression,
        time=single_time,
        soonest=bool(_SOONEST.search(norm)),
        times=all_times,
        time_range=time_range,
        part_of_day=part_of_day,
        appointment_time=appointment_time,
        service_text=service_text if intent in _SERVICE_INTENTS else None,
        service=service_match,
        phone=phone,
        staff_name=staff_name,
        customer_name=customer_name,
        duration_minutes=_duration(rest) if intent is Intent.CHANGE_SERVICE_DURATION else None,
        price_centavos=_price(norm) if intent is Intent.CHANGE_SERVICE_PRICE else None,
        weekdays=_weekdays(norm) if intent in (Intent.CHANGE_HOURS, Intent.BLOCK_TIME) else (),
        weekly_hours=parse_weekly_hours(norm) if intent is Intent.CHANGE_HOURS else (),
        message_text=message_text,
    )
    return Understanding(
        intent=intent,
        slots=slots,
        greeted=bool(_GREETING.search(norm)),
        thanked=bool(_THANKS.search(norm)),
    )
