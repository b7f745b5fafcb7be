"""The phrasings behind a request frame's acts and details, one alternative per line, normal form.

The intents' phrasings (:mod:`intent_phrases`) say what a message is about; these say what
only a whole request frame needs: a move said without "cambiar" ("pásamela al jueves"),
"lo de siempre", "voy tarde", correction words ("mejor", "perdón, quise decir"), "¿y el
sábado?", "¿no tienes otro horario?", a day or hour ruled out ("el viernes no puedo").
Rare phrasings are :class:`~.intent_phrases._Keyed`: searched only when one of their
words is in the message. How they combine is :mod:`parse`'s business.
"""

from __future__ import annotations

from .intent_phrases import _any, _Keyed, _re

MOVE_MORE = _Keyed("pas cambi recorr muev adelant atras otro otra", _any(  # "pásamela al jueves", "me la recorres", "cámbiame la hora"
    # "¿me cambias la cita a las 6?", "¿me recorres la cita?", "¿adelantas mi cita?": a verb of moving on "la cita"
    r"\b(?:cambias|cambies|recorres|recorras|mueves|muevas|pasas|pases|adelantas|adelantes|atrasas|atrases)"
    r"\s+(?:la|mi|tu)\s+(?:cita|hora|reservacion)\b",
    r"\b(?:pasamela|pasarla|pasala|pasarmela|pasarmelo|pasalo|me\s+la\s+(?:pasas|puedes\s+pasar|cambias|recorres|mueves))\b",
    r"\bla\s+(?:puedo|puedes|podemos|podrias)\s+(?:pasar|mover|cambiar|recorrer|adelantar|atrasar)\b",
    r"\bpasa(?:me|r)?\s+(?:la|mi)\s+cita\b",
    r"\b(?:cambiame|cambia)\s+(?:la|mi)\s+(?:hora|fecha|dia|cita)\b",
    r"\b(?:otro\s+dia|otra\s+hora|otro\s+horario)\s+para\s+mi\s+cita\b",
))
SAME_AS_LAST = _Keyed("siempre mismo vez usual acostumbrado", _any(
    r"\blo\s+de\s+siempre\b",
    r"\blo\s+(?:mismo|de)\s+(?:que\s+)?(?:la|el)\s+(?:otra|ultima|pasada|anterior)\s+vez\b",
    r"\blo\s+mismo\s+(?:que\s+)?(?:de\s+)?(?:siempre|la\s+vez\s+pasada|la\s+ultima|la\s+otra)\b",
    r"\b(?:como|igual\s+que)\s+(?:la|el)\s+(?:otra|ultima|pasada)\s+vez\b",
    r"\b(?:como|igual\s+que|lo\s+de|lo\s+mismo\s+de)\s+la\s+vez\s+pasada\b",
    r"\b(?:el|la)\s+mism[oa]\s+(?:de|que)\s+(?:la|el)\s+(?:otra|ultima|pasada|anterior)\s+vez\b",
    r"\b(?:el|la)\s+mism[oa]\s+(?:de|que)\s+siempre\b",
    r"\blo\s+(?:usual|acostumbrado|normal\s+de\s+siempre)\b",
    r"\blo\s+que\s+(?:me\s+hice|me\s+hicieron|pedi|siempre\s+me\s+hago)\s+(?:la|el)\s+(?:otra|ultima|pasada)\s+(?:vez|cita)\b",
    r"^(?:\S+\s+){0,3}?lo\s+mismo\b(?!\s+(?:da|es))",
))
NOT_SAME = _re(r"\b(?:me\s+da|da|es|seria)\s+lo\s+mismo\b")
RUNNING_LATE = _Keyed("tarde retrasad atrasad camino llegando llego retraso trafico", _any(
    r"\b(?:voy|llego|llegare|voy\s+a\s+llegar|vamos|ando|vengo|va|van)\s+(?:a\s+llegar\s+)?(?:un\s+(?:poco|poquito)\s+|como\s+|unos\s+)?"
    r"(?:\d+\s*(?:min\w*)\s+)?(?:tarde|retrasad[oa]s?|atrasad[oa]s?)\b",
    r"\bse\s+me\s+(?:hizo|hace)\s+tarde\b",
    r"\bvoy\s+(?:en\s+camino|para\s+alla|llegando)\b",
    r"\bllego\s+en\s+(?:\d+|cinco|diez|quince|veinte)\s*(?:min\w*)?\b",
    r"\btengo\s+(?:un\s+)?(?:retraso|trafico)\b",
))
CORRECTION = _Keyed("mejor bien perdon disculpa sorry decir equivoque corrijo vez lugar siempre pero", _any(  # "no, mejor a las 6", "perdón, quise decir el sábado"
    r"\bmejor\b(?!\s+no\b)",
    r"\bmas\s+bien\b",
    r"\bperdon\b|\bperdona\b|\bdisculpa\b|\bsorry\b",
    r"\bquise\s+decir\b|\bquiero\s+decir\b|\bme\s+equivoque\b|\bcorrijo\b",
    r"\ben\s+(?:vez|lugar)\s+de\b",
    r"^\s*(?:no\s+)?(?:siempre\s+no)\b.+",
    r"\bsi\s+pero\b|\bpero\s+(?:mejor|a\s+las|el|en\s+la|para)\b",
))
FOLLOW_UP = _re(r"^\s*(?:y|e|que\s+tal|y\s+que\s+tal|y\s+si|y\s+para|y\s+el|y\s+la|y\s+en|y\s+a|what\s+about|how\s+about)\b")
OTHER_OPTIONS = _Keyed("otr mas ningun no algo", _any(
    r"\b(?:otro\s+dia|otra\s+fecha|otro\s+horario|otros\s+horarios|otra\s+hora|otras\s+horas|otras\s+opciones|otra\s+opcion|otro\s+momento|mas\s+opciones)\b",
    r"\bno\s+(?:tienes|tienen|hay|habra)\s+(?:otr[oa]s?|mas|algo\s+mas|nada\s+mas)\b",
    r"\b(?:ninguno|ninguna)\s+(?:me\s+)?(?:sirve|queda|acomoda|funciona|conviene)n?\b",
    r"\bno\s+me\s+(?:sirve|queda|acomoda|funciona|conviene)n?\s+(?:ningun[oa]?|esos|esas)\b",
    r"\balgo\s+mas\b(?!\s+(?:tarde|temprano|tempranito|tardecito|pronto))",
))
ASK_DURATION = _Keyed("cuanto duracion tanto", _any(
    r"\bcuanto\s+(?:tiempo\s+)?(?:dura|duran|tarda|tardan|se\s+tarda|se\s+tardan|tardas|tardarian|se\s+lleva)\b",
    r"\bcuanto\s+tiempo\b",
    r"\b(?:duracion|que\s+tanto\s+(?:dura|tarda))\b",
))
AVAILABILITY = _Keyed("horario algo libre disponible", _any(  # "¿qué horarios tienes el sábado?": free times, not opening hours
    r"\b(?:que|cuales|cual)\s+horarios?\s+(?:tienes|tienen|hay|quedan|te\s+quedan|les\s+quedan|tendras|tendrias|manejas|disponibles|libres)\b",
    r"\bhorarios?\s+(?:disponibles|libres)\b",
    r"\b(?:tienes|tienen|hay|quedan|te\s+quedan)\s+(?:algun\s+)?horarios?\b",
    r"\b(?:tienes|tienen|hay|estas|estan|tendras|tendran)\s+(?:algo\s+|algun\s+(?:dia|hueco)\s+)?(?:libres?|disponibles?)\b",
    r"\b(?:tienes|tienen|hay|habra|tendras|tendran)\s+algo\b(?!\s+(?:de|para)\s+(?:el|la|las|los)?\s*(?:pelo|cabello|unas|barba|piel|caspa))",
))
OPENING_HOURS = _re(r"\b(?:abren|abres|abre|cierran|cierras|cierra|abierto|abiertos|horario\s+de\s+(?:atencion|servicio))\b")
ANY_STAFF = _Keyed("con igual importa", _re(
    r"\bcon\s+(?:quien\s+sea|cualquiera|cualquier\s+(?:persona|estilista|chica|chico|barbero)|quien\s+este\s+(?:libre|disponible)"
    r"|el\s+que\s+(?:sea|este|tengas)|la\s+que\s+(?:sea|este|tengas)|quien\s+tenga\s+(?:espacio|tiempo))\b"
    r"|\b(?:me\s+da\s+igual|no\s+importa|da\s+igual)\s+(?:con\s+)?quien\b"
))
NOT_A_NO = _re(  # "no puedo el martes": a statement, not an answer
    r"^\s*no\s+(?:puedo|podre|voy|vamos|tengo|tienes|tienen|hay|habra|alcanzo|llego|llegare|me|se|te|le|lo|la|les|nos"
    r"|creo\s+que\s+(?:pueda|llegue)|estoy|estare|sirve|queda)\b"
    r"|^\s*(?:que\s+)?(?:no|nunca)\s+(?:antes|despues|mas\s+tarde|mas\s+temprano|pase|pasen)\s+(?:de|que|a|las?)\b"  # a bound: "no antes de las 6"
)
CHOICE_POINTER = _Keyed("esa ese quedo", _re(
    r"\b(?:esa|ese|esa\s+hora|ese\s+horario|esa\s+opcion|ese\s+espacio)\s*(?:me\s+)?(?:sirve|queda|esta\s+bien|va|perfect[oa]|por\s+favor|porfa|$)"
    r"|\bme\s+quedo\s+con\b|\b(?:dame|apartame|agendame|quiero)\s+(?:esa|ese)\b|^\s*(?:esa|ese)\s*$"
))
RULED_OUT_BEFORE = _re(
    r"\b(?:no\s+(?:puedo|podre|voy\s+a\s+poder|me\s+queda|me\s+sirve|me\s+acomoda|alcanzo|llego)|ya\s+no\s+puedo)"
    r"\s+(?:ir\s+|llegar\s+|asistir\s+)?(?:el\s+|para\s+el\s+|a\s+las?\s+|en\s+la\s+|de\s+las?\s+)?$"
)
RULED_OUT_AFTER = _re(
    r"\s*(?:no(?:\s+(?:puedo|podre|me\s+queda|me\s+sirve|me\s+acomoda|alcanzo|voy|mejor|gracias)\b|\s*$|\s+(?:el|la|para|a|en|pero)\b)"
    r"|ya\s+no\s+(?:puedo|alcanzo|llego|me\s+queda|me\s+da\s+tiempo)\b)"
)
SERVICES_LIST = _re(r"\b(?:servicios|que\s+(?:hacen|ofrecen)|catalogo|menu|lista\s+de\s+precios)\b")
NEGATIVE_WORD = _re(r"\b(?:no|nel|nop|nah|negativo|nunca|olvidalo|dejalo|para\s+nada|ni\s+madres)\b")
