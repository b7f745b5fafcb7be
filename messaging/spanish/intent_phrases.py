"""The phrasings behind each intent: one alternative per line, in the normal form.

To teach the rule engine a new way of saying something, add a line to the intent's
pattern here. Which intent wins when several match is decided in :mod:`intents`.
Patterns run on :func:`~.normal_form.normalize` output: lowercase, no accents, "ñ" as
"n", WhatsApp shorthand already expanded.
"""

from __future__ import annotations

import re


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


class _Keyed:
    """A pattern searched only when one of its keywords is in the message: most messages have
    none of a rare phrasing's words, and a substring test is far cheaper than a regex search."""

    __slots__ = ("keywords", "pattern")

    def __init__(self, keywords: str, pattern: re.Pattern[str]) -> None:
        self.keywords = tuple(keywords.split())
        self.pattern = pattern

    def search(self, text: str) -> re.Match[str] | None:
        if any(keyword in text for keyword in self.keywords):
            return self.pattern.search(text)
        return None

    def finditer(self, text: str):
        if any(keyword in text for keyword in self.keywords):
            return self.pattern.finditer(text)
        return iter(())


def _any(*alternatives: str) -> re.Pattern[str]:
    """One pattern matching any of the alternatives (one phrasing per line, easy to extend)."""
    return re.compile("|".join(alternatives))


STAFF_WORD = "(?:" + "|".join((  # words for an employee
    r"emplead[oa]s?", r"estilistas?", r"barber[oa]s?", r"manicuristas?", r"trabajador(?:a|es|as)?",
    r"colaborador(?:a|es|as)?", r"staff", r"personal", r"chic[oa]s?", r"chav[oa]s?", r"ayudantes?",
    r"maquillistas?", r"cosmetologas?",
)) + ")"
APPOINTMENT_REF = _re(
    r"\b(?:el|la|al|los|las|su|mi|tu)\s+(?:cliente\s+|clienta\s+|cita\s+|senor\s+|senora\s+|chavo\s+|chava\s+|nino\s+|nina\s+|muchacho\s+|muchacha\s+)?de\s+(?:las?|la)\s+\S+(?:\s*(?::\d\d|y\s+media|y\s+cuarto|am|pm|de\s+la\s+(?:manana|tarde|noche)))?"
)
CUSTOMER_REF = _re(r"\b(?:cliente|clienta|cita|senor|senora)\b")

HANDOFF = _any(
    r"\b(?:hablar|platicar|comunicar(?:me)?|contactar|atender(?:me)?)\s+(?:con\s+)?(?:alguien|una\s+persona|un\s+humano|humano|persona|el\s+dueno|la\s+duena|el\s+encargado|la\s+encargada|el\s+gerente|la\s+gerente|un\s+asesor|un\s+agente)",
    r"\b(?:me\s+comunicas|pasame|comunicame|me\s+pasas)\s+con\b",
    r"\b(?:eres|es)\s+(?:un\s+)?(?:robot|bot|maquina)\b",
    r"\bpersona\s+real\b",
    r"\bun\s+humano\b",
)
HELP = _any(
    r"^(?:\S+\s+){0,2}?ayuda\b",
    r"\bnecesito\s+ayuda\b",
    r"\bque\s+(?:puedes|sabes)\s+hacer\b",
    r"\bcomo\s+(?:funciona|funcionas|te\s+uso|se\s+usa)\b",
    r"\binstrucciones\b",
    r"\bcomandos\b",
    r"\bque\s+(?:te\s+)?puedo\s+(?:pedir|decir)\b",
    r"\bpara\s+que\s+sirves\b",
)
NO_SHOW = _any(
    r"\bno\s+(?:llego|vino|se\s+presento|aparecio|ha\s+llegado|ha\s+venido|llegaron|vinieron|se\s+aparecio)\b",
    r"\bme\s+(?:dejo\s+plantad|planto)",
    r"\bno\s*-?\s*show\b",
    r"\bfalto\s+(?:el|la)\s+(?:cliente|clienta|de\s+las)",
)
STAFF_ABSENT = _any(
    r"\bse\s+(?:enfermo|reporto\s+enferm|siente\s+mal|accidento|lastimo|incapacito)",
    r"\b(?:esta|anda|amanecio)\s+enferm",
    r"\bno\s+(?:viene|va\s+a\s+venir|puede\s+venir|vendra|podra\s+venir|va\s+a\s+poder\s+venir|va\s+a\s+trabajar|trabaja\s+(?:hoy|manana)|llega\s+(?:hoy|manana)|va\s+a\s+estar|estara)\b",
    r"\bfalta(?:ra)?\s+(?:hoy|manana)",
    r"\btiene\s+(?:una\s+)?(?:emergencia|permiso|incapacidad)",
    r"\breagend\w*\s+(?:todas\s+)?(?:las\s+)?citas\s+de\b",
    r"\breacomod\w*\s+(?:las\s+)?citas\s+de\b",
    r"\breasign\w*",
)
COMPACT = _any(
    r"\bcompact\w*",
    r"\bjunta(?:r)?\s+(?:las\s+)?citas",
    r"\bquita(?:r)?\s+(?:los\s+)?huecos",
    r"\bsin\s+huecos",
    r"\bacomoda(?:r)?\s+(?:la\s+)?agenda",
    r"\boptimiz\w*\s+(?:la\s+)?agenda",
)
COMPLETED = _any(
    r"\b(?:ya\s+)?(?:termine|terminamos|acabe|acabamos)\s+(?:con|de\s+atender)\b",
    r"\bya\s+(?:quedo|quedamos|se\s+fue|termino|acabo|esta\s+list[oa])\b",
    r"\bmarca\w*\s+(?:la\s+cita\s+)?(?:de\s+\S+\s+)?(?:como\s+)?(?:completad|terminad|hech|atendid|lista)",
    r"\bya\s+(?:lo\s+|la\s+)?atendi\b",
    r"\bya\s+pago\b",
)
WALK_IN = _any(
    r"\bacaba\s+de\s+(?:llegar|entrar)",
    r"\b(?:llego|vino|esta\s+aqui|aqui\s+esta|tengo\s+aqui|entro)\s+(?:alguien|un\s+cliente|una\s+clienta|una\s+senora|un\s+senor|un\s+chavo|una\s+chava|un\s+nino|una\s+nina|una\s+persona|un\s+muchacho|una\s+muchacha)",
    r"\bwalk\s*-?\s*in\b",
    r"\bsin\s+cita\b",
    r"\bde\s+paso\b",
)
HISTORY = _any(
    r"\b(?:ha|habia|a)\s+venido\b",
    r"\bya\s+(?:ha\s+)?vino\s+antes",
    r"\bhistorial\b",
    r"\bcuantas\s+veces\s+(?:ha\s+venido|vino|viene)",
    r"\bes\s+(?:cliente|clienta)\s+(?:nuev|frecuente|de\s+antes)",
    r"\b(?:ultima|ultimas)\s+(?:vez|visita|visitas|citas)\b",
    r"\bque\s+se\s+(?:ha\s+hecho|hizo)\b",
    r"\bconoces\s+a\s+(?:este|esta)\b",
)
DASHBOARD = _any(
    r"\b(?:link|liga|enlace|url)\b",
    r"\bpanel\b",
    r"\bdashboard\b",
    r"\bpagina\s+(?:web|de\s+administracion)",
    r"\b(?:entrar|acceso|acceder)\s+a\s+la\s+(?:pagina|app|aplicacion|web|plataforma)",
)
MESSAGE = _any(
    r"\b(?:dile|digale|avisale|mandale|enviale|escribele|recuerdale|contestale|respondele)\b",
    r"\b(?:manda|envia|escribe)(?:le)?\s+un\s+(?:mensaje|whats|recado)\b",
    r"\bmensaje\s+a\b",
)
ADD_STAFF = _any(
    rf"\b(?:agrega\w*|anad\w*|registra\w*|dar\s+de\s+alta|da\s+de\s+alta|dale\s+de\s+alta|suma\w*|mete\w*|contrat\w*|invita\w*|nuev[oa])\b.*\b{STAFF_WORD}\b",
)
REMOVE_STAFF = _any(
    rf"\b(?:quita\w*|elimina\w*|borra\w*|saca\w*|dar\s+de\s+baja|da\s+de\s+baja|dale\s+de\s+baja|despedi\w*|desactiva\w*)\b.*\b{STAFF_WORD}\b",
    r"\bya\s+no\s+trabaja\b",
    r"\brenuncio\b",
    r"\bse\s+fue\s+del\s+(?:negocio|salon|trabajo|equipo)",
    r"\bdar\s+de\s+baja\s+a\b",
    r"\bda\s+de\s+baja\s+a\b",
)
PERMISSIONS = _any(
    r"\bpermisos?\b",
    r"\b(?:hazl[oa]|hacerl[oa]|ponl[oa]|ponerl[oa]|convierte(?:l[oa])?|hacer|subir(?:l[oa])?|sube(?:l[oa])?)\s+(?:como\s+|a\s+)?(?:admin|administrador|administradora|encargad[oa])\b",
    r"\b(?:cambia\w*|modifica\w*)\s+(?:el\s+|su\s+)?(?:rol|nivel|acceso)\b",
    r"\bque\s+(?:pueda|no\s+pueda)\s+ver\b",
)
CHANGE_HOURS = _any(
    r"\b(?:cambia\w*|modifica\w*|ajusta\w*|actualiza\w*|mueve|nuev[oa]s?)\s+(?:el\s+|los\s+|mi\s+|nuestro\s+|de\s+)?horarios?\b",
    r"\bhorarios?\s+(?:nuevos?|de\s+apertura|del\s+negocio|del\s+salon)\b",
    r"\b(?:ahora|ya|a\s+partir\s+de\s+\S+)\s+(?:\S+\s+)?(?:abrimos|cerramos|abre|cierra)\b",
    r"\bvamos\s+a\s+(?:abrir|cerrar)\b",
    r"\bno\s+(?:abrimos|abre|trabajamos|vamos\s+a\s+abrir)\b",
    r"\b(?:esta|estamos|estara|estaremos)\s+cerrad[oa]s?\b",
    r"\b(?:abrimos|cerramos)\s+(?:a\s+las|de|hasta|desde|mas|el|los|todo|temprano|tarde)\b",
)
DURATION_WORD = _re(r"\b(?:duracion|dura|duran|dure|duren|tarda|tardan|tarde\s+\d)\b")
PRICE_WORD = _re(r"\b(?:precio|precios|cuesta|cueste|cuestan|cobrar|cobramos|cobra|cobro|costo|costar|vale|valga)\b")
CHANGE_VERB = _any(
    r"\b(?:cambia\w*|modifica\w*|ajusta\w*|actualiza\w*|sube|subir|subele|baja|bajar|bajale|aumenta\w*|ahora|pon|ponle|ponerle|que\s+dure|que\s+cueste|de\s+ahora\s+en\s+adelante)\b",
    r"\$\s*\d",
    r"\b\d+\s*(?:pesos|min|minutos|hr|hrs|horas?)\b",
    r"\ba\s+\d+\b",
    r"\bmedia\s+hora\b",
    r"\bhora\s+y\s+media\b",
)
UNBLOCK = _any(
    r"\bdesbloque\w*",
    r"\bquita\w*\s+(?:el\s+|los\s+)?bloqueos?\b",
    r"\blibera\w*",
    r"\bya\s+no\s+(?:voy\s+a\s+salir|me\s+voy|tengo\s+que\s+salir|salgo)",
    r"\babre\s+(?:el\s+|ese\s+)?espacio",
    r"\bya\s+puedo\s+(?:atender|trabajar)\b",
    r"\bcancela\w*\s+(?:el\s+)?bloqueo",
)
BLOCK = _any(
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
WHATS_NEXT = _any(
    r"\bque\s+sigue\b",
    r"\bquien\s+sigue\b",
    r"\b(?:siguiente|proxim[oa])\s+(?:cita|cliente|clienta)\b",
    r"\bquien\s+viene\b",
    r"\ba\s+quien\s+(?:le\s+)?toca\b",
    r"\bcual\s+es\s+(?:mi\s+)?(?:siguiente|proxima)\b",
    r"\bque\s+me\s+toca\s+ahora\b",
)
BUSINESS_SCHEDULE = _any(
    r"\b(?:agenda|citas|horarios?)\s+(?:de\s+|del\s+)?(?:todos|todas|todo\s+el\s+mundo|general|completa|negocio|salon|local|equipo|la\s+barberia|la\s+estetica)\b",
    r"\btodas\s+las\s+citas\b",
    r"\bquien(?:es)?\s+(?:tiene|tienen|trabaja|trabajan)\s+(?:citas?|hoy|manana)\b",
    r"\bcomo\s+esta\s+(?:el\s+dia|la\s+agenda\s+(?:de\s+)?(?:hoy|manana)|hoy)\b",
    r"\bagenda\s+(?:de\s+)?(?:hoy|manana)\s+de\s+todos\b",
)
SOMEONES_SCHEDULE = _re(  # "agenda de Pedro", when the staff list was not given
    r"\b(?:agenda|citas|horario)\s+de\s+(?!(?:hoy|manana|pasado|la|las|el|los|esta|este|mi|mis|tu|su|todos|todas|ayer|semana|lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b)[a-z]{3,}\b"
)
SCHEDULE_WORD = _re(r"\b(?:agenda|citas|horario|que\s+tiene)\b")
MY_SCHEDULE = _any(
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
STATS = _any(
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
RESCHEDULE = _any(
    r"\b(?:cambiar|cambia|cambio|cambiame|cambiarla|cambiarlo|cambiala|cambialo|mover|mueve|muevela|muevelo|moverla|moverlo|reagendar|reagenda|reagendame|reagendarla|reprogramar|reprograma|reprogramarla|recorrer|recorrerla|recorre|recorreme|recorrela|posponer|pospon|adelantar|adelanta|adelantarla|atrasar|atrasa|atrasarla)\b",
    r"\bmejor\s+(?:otro\s+dia|otra\s+hora|otro\s+horario|otra\s+fecha)\b",
    r"\breagend\w*|\breprogram\w*",
    r"\b(?:cambiamos|movemos|recorremos|pasamos)\s+(?:la\s+cita|la\s+hora|mi\s+cita|para|al|a\s+las?)\b",
)
CANCEL = _any(
    r"\bcancel\w*",
    r"\banul\w*",
    r"\bdesagend\w*",
    r"\bya\s+no\s+(?:voy|puedo|podre|podemos|vamos|quiero|voy\s+a\s+poder)\s+(?:a\s+)?(?:ir|asistir|llegar|la\s+cita|mi\s+cita)\b",
    r"\bno\s+(?:voy\s+a\s+poder|podre|puedo)\s+(?:ir|asistir|llegar)\b",
    r"\bno\s+(?:voy\s+a\s+poder|podre)\s*(?:$|una\s+disculpa|disculpa|lo\s+siento|perdon|se\s+me\s+complico|me\s+salio)",
    r"\bsiempre\s+no\b",
    r"\b(?:quita|borra)(?:me|r)?\s+(?:mi\s+|la\s+)?cita\b",
    r"\bya\s+no\s+(?:la\s+)?necesito\b",
)
BOOK = _any(
    r"\b(?:agendar|agendame|agendarme|agendo|agenda\s+(?:me|una|un|para|a)|reservar|reservame|reserva\s+(?:una|un|para)|apartar|apartame|aparta\s+(?:una|un|para)|sacar\s+(?:una\s+)?cita|hacer\s+(?:una\s+)?cita|programar\s+(?:una\s+)?cita)\b",
    r"\b(?:quiero|quisiera|queria|necesito|ocupo|me\s+gustaria|busco|me\s+das|me\s+puedes\s+dar|dame)\s+(?:una\s+|un\s+|otra\s+|la\s+)?(?:cita|turno|lugar|espacio|reservacion)\b",
    r"\b(?:quiero|quisiera|queria|necesito|ocupo|me\s+gustaria|vengo|voy)\s+(?:a\s+)?(?:ir|pasar|cortarme|hacerme|arreglarme|pintarme)\b",
    r"\bme\s+(?:quiero|quisiera|queria|gustaria|voy\s+a)\s+(?:cortar|pintar|hacer|arreglar|rasurar|depilar|peinar)\b",
    r"\bcita\s+para\b",
    r"\b(?:hay|tienes|tienen|tendras|tendran|habra)\s+(?:algun\s+)?(?:espacio|lugar|disponib\w*|chance|cupo|citas?|algo\s+(?:para|hoy|manana|ahorita|libre|disponible|el|la|a))\b",
    r"\bdisponibilidad\b",
    r"\bme\s+(?:puedes|puede|podrias|podria|pueden)\s+(?:atender|agendar|apartar)\b",
    r"\b(?:anota|anotale|apunta|apuntale|ponle|ponme|metele|registrale)\s+(?:a\s+|una\s+cita\b|un\s+)",
    r"\bpuedo\s+(?:ir|pasar|llegar)\b",
    # "cancela mi cita y dame una el lunes", "¿me das otra para el jueves?": one more visit asked for
    r"\b(?:dame|ponme|me\s+das|me\s+pones|me\s+apartas|me\s+agendas)\s+(?:una|otra)\s+"
    r"(?:para|el|la|a\s+las|manana|hoy|pasado|en\s+la|entre|despues|antes)\b",
)
VIEW = _any(
    r"\bmis\s+citas\b",
    r"\bmi\s+(?:cita|reservacion|turno)\b",
    r"\btengo\s+(?:alguna\s+)?cita\b",
    r"\bque\s+citas?\s+tengo\b",
    r"\bcuando\s+(?:es|era|tengo)\b",
    r"\ba\s+que\s+hora\s+(?:es|era|tengo|quedo|quede|quedamos|me\s+toca)\b",
    r"\bsigue\s+en\s+pie\b",
    r"\bconfirmar\s+(?:mi\s+)?cita\b",
)
ASK_PRICES = _any(
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
ASK_HOURS = _any(
    r"\bhorarios?\b",
    r"\ba\s+que\s+hora\s+(?:abren|cierran|abres|cierras|habren|empiezan|terminan)\b",
    r"\b(?:abren|cierran|abierto|abiertos|atienden|trabajan)\b",
    r"\bque\s+dias\b",
    r"\bhasta\s+que\s+hora\b",
)
ASK_LOCATION = _any(
    r"\bdonde\s+(?:estan|quedan|se\s+ubican|es|esta|los\s+encuentro)\b",
    r"\bdireccion\b",
    r"\bubicacion\b",
    r"\bcomo\s+llego\b",
    r"\bmaps?\b",
    r"\bestacionamiento\b",
)
ASK_SERVICES = _any(
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
THANKS = _any(
    r"\bgracias\b",
    r"\bmuy\s+amable\b",
    r"\bte\s+lo\s+agradezco\b",
    r"\bque\s+amable\b",
    r"\bagradecid[oa]\b",
)
GOODBYE = _any(
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
GREETING = _re(
    r"^(?:\S+\s+){0,2}?(?:hola|ola|holi|buenas|buenos\s+dias|buen\s+dia|buenas\s+tardes|buenas\s+noches|que\s+tal|hey|saludos|que\s+onda|alo)\b"
)


CITA = _re(r"\bcitas?\b")
MESSAGE_COMMAND = _re(
    r"^(?:si\s+|ok\s+|va\s+|porfa\s+|por\s+favor\s+)?(?:dile|digale|avisale|mandale|enviale|escribele|recuerdale|contestale|respondele)\b"
)


SOONEST = _Keyed("ahor momento mismo antes pronto primer rapido urgente volada", _any(  # "lo más pronto posible", "ahorita": the first free time
    r"\b(?:ahorita|ahora\s+mismo|en\s+este\s+momento|ya\s+mismo)\b",
    r"\blo\s+(?:antes|mas\s+pronto)\s+(?:posible|que\s+(?:se\s+pueda|puedas|tengas))\b|\blo\s+mas\s+pronto\b|\bcuanto\s+antes\b",
    r"\b(?:el|la)\s+(?:primer|primera)\s+(?:espacio|hora|cita|lugar|horario)(?:\s+(?:libre|disponible|que\s+tengas))?\b",
    r"\blo\s+(?:que\s+tengas|primero\s+que\s+tengas)\s+(?:mas\s+)?pronto\b|\blo\s+mas\s+rapido(?:\s+posible)?\b",
    r"\burgente\b|\bde\s+volada\b",
))
