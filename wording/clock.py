"""Clock times as Parlo writes them: "3:00 PM", "a las 3:00 PM", "a la 1:00 PM".

The spec writes a 12-hour clock with "AM"/"PM" (Babel's ``es_MX`` short time is "3:00
p.m." with a narrow no-break space, so this is written by hand). In a sentence a time
takes the feminine article of "la hora": "la 1:00 PM" (one o'clock, singular) and "las
2:00 PM", "las 12:30 PM" — never "a las 1:45 PM".
"""

from __future__ import annotations

from datetime import time

__all__ = ["at_time", "format_time", "format_time_range", "hour_words", "time_span", "time_with_article"]


def format_time(moment: time) -> str:
    """12-hour clock with AM/PM as the spec shows it: "3:00 PM", "11:30 AM", "12:00 PM"."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'AM' if moment.hour < 12 else 'PM'}"


def time_with_article(moment: time) -> str:
    """"la 1:00 PM", "la 1:45 AM", "las 2:00 PM": one o'clock is singular."""
    return f"{'la' if moment.hour % 12 == 1 else 'las'} {format_time(moment)}"


def at_time(moment: time) -> str:
    """"a la 1:00 PM", "a las 3:00 PM"."""
    return f"a {time_with_article(moment)}"


def format_time_range(start: time, end: time) -> str:
    """"2:00 PM - 3:00 PM", as in a day's agenda or a list of hours."""
    return f"{format_time(start)} - {format_time(end)}"


def time_span(start: time, end: time) -> str:
    """"de 2:00 PM a 3:00 PM", "de la 1:00 PM a las 3:00 PM", in a sentence."""
    return f"de {time_with_article(start)} a {time_with_article(end)}"


def hour_words(moment: time) -> str:
    """"las 4", "la 1", "las 4:30": a time as people say it, without AM/PM, when the part of day is clear."""
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{'la' if hour == 1 else 'las'} {hour}{minutes}"
