"""The English that Mexican customers mix into Spanish, turned into the Spanish our rules read.

"un haircut tomorrow", "can I book a manicure el viernes", "cancel mi cita", "after 5
please": the Spanish words stay, the common English ones become their Spanish
equivalent in the normal form, so every rule of this package reads them without knowing
English. Only words that are not also Spanish words are listed ("me", "no", "a", "sale",
"once", "come", "son" mean something else in Spanish and stay as they are); English
filler with no Spanish role ("the", "on", "do", "you") is dropped.

Phrases run first (on the accent-free lowercase text), then single words (as WhatsApp
shorthand does, in :mod:`normal_form`).
"""

from __future__ import annotations

import re

__all__ = ["ENGLISH_WORDS", "translate_phrases"]

_PHRASES: dict[str, str] = {
    "as soon as possible": "lo mas pronto posible",
    "same as last time": "lo mismo que la otra vez",
    "the usual": "lo de siempre",
    "day after tomorrow": "pasado manana",
    "tomorrow morning": "manana en la manana",
    "tomorrow afternoon": "manana en la tarde",
    "tomorrow evening": "manana en la noche",
    "tomorrow night": "manana en la noche",
    "this morning": "hoy en la manana",
    "this afternoon": "hoy en la tarde",
    "this evening": "hoy en la noche",
    "in the morning": "en la manana",
    "in the afternoon": "en la tarde",
    "in the evening": "en la noche",
    "at night": "en la noche",
    "next week": "la proxima semana",
    "this week": "esta semana",
    "this weekend": "este fin de semana",
    "next weekend": "el proximo fin de semana",
    "on weekdays": "entre semana",
    "during the week": "entre semana",
    "how much": "cuanto cuesta",
    "what time do you open": "a que hora abren",
    "what time do you close": "a que hora cierran",
    "opening hours": "horario",
    "business hours": "horario",
    "your hours": "su horario",
    "where are you": "donde estan",
    "where is it": "donde esta",
    "talk to a person": "hablar con una persona",
    "talk to someone": "hablar con alguien",
    "talk to a human": "hablar con un humano",
    "can i book": "quiero agendar",
    "can i get": "quiero",
    "can i have": "quiero",
    "i want to book": "quiero agendar",
    "i would like": "quisiera",
    "i'd like": "quisiera",
    "id like": "quisiera",
    "i want": "quiero",
    "i need": "necesito",
    "my appointment": "mi cita",
    "an appointment": "una cita",
    "the first one": "la primera",
    "the second one": "la segunda",
    "the third one": "la tercera",
    "the last one": "la ultima",
    "another day": "otro dia",
    "other day": "otro dia",
    "another time": "otra hora",
    "any time": "cualquier hora",
    "right now": "ahorita",
    "hair cut": "corte",
    "blow dry": "peinado",
    "hair color": "tinte",
    "thank you": "gracias",
    "or later": "o despues",
    "or earlier": "o antes",
    "in an hour": "en una hora",
    "in a while": "en un rato",
    "o clock": "",
    "oclock": "",
}
_AT_HOUR_RE = re.compile(r"\b(?:at|around|by)\s+(?=\d)")
_PHRASE_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(_PHRASES, key=len, reverse=True)) + r")\b")

#: Single English words -> Spanish (an empty string drops the word).
ENGLISH_WORDS: dict[str, str] = {
    # scheduling
    "book": "agendar", "booking": "cita", "schedule": "agendar", "appointment": "cita", "appt": "cita",
    "reservation": "reservacion", "cancel": "cancelar", "reschedule": "reagendar", "move": "mover",
    "change": "cambiar", "available": "disponible", "availability": "disponibilidad", "slot": "espacio",
    "today": "hoy", "tomorrow": "manana", "tonight": "hoy en la noche", "now": "ahorita", "later": "mas tarde",
    "earlier": "mas temprano", "early": "temprano", "late": "tarde", "noon": "mediodia", "midday": "mediodia",
    "morning": "en la manana", "afternoon": "en la tarde", "evening": "en la noche", "night": "en la noche",
    "after": "despues de", "before": "antes de", "between": "entre", "until": "hasta", "till": "hasta",
    "from": "desde", "weekend": "fin de semana", "weekdays": "entre semana", "week": "semana", "next": "proximo",
    "asap": "lo mas pronto posible", "anytime": "cualquier hora", "soon": "pronto",
    "monday": "lunes", "tuesday": "martes", "wednesday": "miercoles", "thursday": "jueves", "friday": "viernes",
    "saturday": "sabado", "sunday": "domingo",
    "january": "enero", "february": "febrero", "march": "marzo", "april": "abril", "june": "junio",
    "july": "julio", "august": "agosto", "september": "septiembre", "october": "octubre",
    "november": "noviembre", "december": "diciembre",
    # services
    "haircut": "corte", "cut": "corte", "trim": "corte", "beard": "barba", "shave": "rasurado", "nails": "unas",
    "nail": "unas", "eyebrows": "cejas", "brows": "cejas", "lashes": "pestanas", "eyelashes": "pestanas",
    "wax": "depilacion", "waxing": "depilacion", "dye": "tinte", "blowout": "peinado", "makeup": "maquillaje",
    "massage": "masaje", "keratin": "keratina", "straightening": "alaciado",
    # questions and answers
    "price": "precio", "prices": "precios", "cost": "precio", "where": "donde", "when": "cuando",
    "address": "direccion", "location": "ubicacion", "hours": "horario", "open": "abren", "close": "cierran",
    "yeah": "si", "yep": "si", "yup": "si", "sure": "si", "nope": "no", "nah": "no",
    "thanks": "gracias", "ty": "gracias", "hi": "hola", "hello": "hola", "please": "por favor",
    "first": "primera", "second": "segunda", "third": "tercera", "last": "ultima", "another": "otra",
    "with": "con", "and": "y", "or": "o", "for": "para", "my": "mi", "help": "ayuda",
    # English filler with no Spanish role
    "the": "", "on": "", "in": "", "an": "", "is": "", "it": "", "i": "y", "can": "", "do": "", "you": "",
    "have": "", "any": "", "some": "", "to": "a", "of": "", "get": "", "want": "", "would": "", "like": "",
    "need": "", "are": "", "there": "", "something": "algo", "anything": "algo",
}


def translate_phrases(text: str) -> str:
    """English phrases in an accent-free lowercase message, in Spanish ("at 5" → "a las 5")."""
    text = _AT_HOUR_RE.sub("a las ", text)
    return _PHRASE_RE.sub(lambda m: _PHRASES[m.group()], text)
