"""Numbers for owners and staff: the number first, for the period and the person asked.

"¿Cuántas citas hay mañana en total?" → "Mañana sábado hay 5 citas en total." The figures
come from ``get_stats`` (resolvers/stats, the dashboard's resolver); the period from
:func:`~messaging.spanish.periods.parse_period`; which figures and whose from
:func:`~messaging.spanish.figures.read_figures` and the team's names. Without a period a
count means today, and a summary, new customers or the busiest day this month.
Whose: a named colleague; "tengo"/"mis" the sender; "en total"/"vendimos" the business;
unsaid, the business for owners and admins and the sender for everyone else (the resolver
enforces it either way).
"""

from __future__ import annotations

import calendar
import re
from datetime import date, time

from messaging.spanish import normalize
from messaging.spanish.figures import Figure, FiguresAsked, Scope, read_figures
from messaging.spanish.intents import Understanding
from storage import PermissionLevel
from wording import capitalize_first, contract, counted, format_date, format_price, format_time, period_reference

from ...tools.results import Figures, StaffFigures
from ..base import TurnState, hhmm
from .asked import FIGURES, Asked, member_id, mentioned_member, period_of, remember
from .common import denied, short_service

#: Figures that mean little for one day: without a period they are this month's.
_MONTHLY = frozenset({Figure.SUMMARY, Figure.NEW_CUSTOMERS, Figure.BUSIEST_DAY, Figure.BUSIEST_HOUR})
_MANAGERS = frozenset({PermissionLevel.OWNER, PermissionLevel.ADMIN})


def sees_business(t: TurnState) -> bool:
    member = t.profile.member(t.staff_id)
    return member is not None and member.level in _MANAGERS


def figures_question(t: TurnState, u: Understanding) -> Asked:
    """The figures question a message asks: which figures, which days, whose."""
    read = read_figures(t.text) or FiguresAsked((Figure.SUMMARY,))
    figures = read.figures or (Figure.SUMMARY,)
    period = period_of(normalize(t.text), t.today)
    if period is not None:
        first, last = period
    elif set(figures) <= _MONTHLY:
        first = t.today.replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
    else:
        first = last = t.today
    member = mentioned_member(t, u)
    if member is not None and str(member.id) != str(t.staff_id):
        whose = dict(staff_id=str(member.id), staff_name=member.name, mine=False)
    elif member is not None or read.scope is Scope.MINE or (read.scope is None and not sees_business(t)):
        whose = dict(staff_id=str(t.staff_id), staff_name=t.staff_name, mine=True)
    else:
        whose = dict(staff_id=None, staff_name=None, mine=False)
    return Asked(kind=FIGURES, first=first, last=last, figures=tuple(f.value for f in figures), **whose)


async def stats(t: TurnState, u: Understanding) -> None:
    await answer_figures(t, figures_question(t, u))


async def answer_figures(t: TurnState, asked: Asked) -> None:
    note = ""
    if asked.staff_id is None and not sees_business(t):
        # staff asking for the whole business get their own numbers, and are told why
        asked = Asked(kind=asked.kind, first=asked.first, last=asked.last, figures=asked.figures,
                      staff_id=str(t.staff_id), staff_name=t.staff_name, mine=True)
        note = "\n(Los números de todo el negocio solo los ven el dueño y los administradores.)"
    result = await t.call("get_stats", first_day=asked.first.isoformat(), last_day=asked.last.isoformat(),
                          staff_id=asked.staff_id)
    if denied(t, result):
        return
    d = result.value
    if asked.staff_id is None and _RANKING.search(normalize(t.text)) and d.by_staff:
        t.say(_ranking(t, asked, d))  # "¿quién vendió más este mes?"
        remember(t, asked)
        return
    lines = [_sentence(t, asked, Figure(f), d) for f in asked.figures]
    text = "\n".join(line for line in lines if line)
    if asked.first == asked.last and asked.first >= t.today and d.appointments and \
            asked.figures == (Figure.APPOINTMENTS.value,):
        text += await _day_detail(t, asked, d)
    t.say(text + note)
    remember(t, asked)


#: "¿quién vendió más?", "¿quién tuvo más citas?", "¿quién tiene menos no-shows?"
_RANKING = re.compile(r"\bquien(?:es)?\b.*\b(?:mas|menos)\b|\bpor\s+persona\b|\bcada\s+(?:uno|quien|persona)\b")


def _ranking(t: TurnState, asked: Asked, d: Figures) -> str:
    """Everyone's share, best first, by the figure asked (revenue, completed, no-shows or appointments)."""
    asked_for = {Figure(f) for f in asked.figures}
    key, label = (("revenue_cents", None) if Figure.REVENUE in asked_for else
                  ("no_shows", ("no-show", "no-shows")) if Figure.NO_SHOWS in asked_for else
                  ("completed", ("completada", "completadas")) if Figure.COMPLETED in asked_for else
                  ("appointments", ("cita", "citas")))
    people = sorted(d.by_staff, key=lambda s: (-getattr(s, key), s.name))
    fewest = bool(re.search(r"\bmenos\b", normalize(t.text)))
    if fewest:
        people.reverse()

    def amount(s: StaffFigures) -> str:
        return format_price(getattr(s, key)) if label is None else counted(getattr(s, key), *label)

    when = capitalize_first(period_reference(asked.first, asked.last, t.today))
    top = people[0]
    return f"{when}: " + ", ".join(f"{s.name.split()[0]} {amount(s)}" for s in people) + \
        f". {'Menos' if fewest else 'Más'}: {top.name.split()[0]}."


def _tense(t: TurnState, asked: Asked) -> str:
    if asked.last < t.today:
        return "past"
    return "current" if asked.first <= t.today else "future"


def _subject(asked: Asked) -> str:
    return "me" if asked.mine else "other" if asked.staff_id else "business"


def _first_name(asked: Asked) -> str:
    return (asked.staff_name or "").split()[0] if asked.staff_name else "esa persona"


#: "hubo 3 no-shows", "llevas 3", "Pedro tiene 3": the verb by tense and by whose numbers.
_VERBS = {"business": {"past": "hubo", "current": "llevamos", "future": "hay"},
          "me": {"past": "tuviste", "current": "llevas", "future": "tienes"},
          "other": {"past": "tuvo", "current": "lleva", "future": "tiene"}}


def _verb(t: TurnState, asked: Asked) -> str:
    subject = _subject(asked)
    verb = _VERBS[subject][_tense(t, asked)]
    return f"{_first_name(asked)} {verb}" if subject == "other" else verb


def _sentence(t: TurnState, asked: Asked, figure: Figure, d: Figures) -> str:
    when = period_reference(asked.first, asked.last, t.today)
    cap = capitalize_first(when)
    subject, tense = _subject(asked), _tense(t, asked)
    who = f"{_first_name(asked)} " if subject == "other" else ""
    if figure is Figure.APPOINTMENTS:
        verb = {"business": {"past": "hubo"}, "me": {"past": "tuviste"}, "other": {"past": "tuvo"}}[subject].get(
            tense, {"business": "hay", "me": "tienes", "other": "tiene"}[subject])
        total = " en total" if subject == "business" else ""
        text = f"{cap} {who}{verb} {counted(d.appointments, 'cita', 'citas')}{total}."
        if asked.first != asked.last and subject == "business" and len(d.by_staff) > 1:
            text += " " + ", ".join(f"{s.name.split()[0]}: {s.appointments}" for s in d.by_staff) + "."
        return text
    if figure is Figure.REVENUE:
        money = format_price(d.revenue_cents)
        done = counted(d.completed, "cita completada", "citas completadas")
        if tense == "future":
            return (f"{cap} todavía no hay ventas: {who}{_VERBS[subject]['future']} "
                    f"{counted(d.appointments, 'cita agendada', 'citas agendadas')} por "
                    f"{format_price(d.expected_revenue_cents)}.")
        verb = {"business": {"past": "se vendieron", "current": "llevamos"}, "me": {"past": "vendiste",
                "current": "llevas"}, "other": {"past": "vendió", "current": "lleva"}}[subject][tense]
        text = f"{cap} {who}{verb} {money}" + (" vendidos" if tense == "current" else "") + f" en {done}."
        if tense == "current" and d.scheduled:
            coming = "la cita pendiente" if d.scheduled == 1 else f"las {d.scheduled} citas pendientes"
            text += f" Si {'llega' if d.scheduled == 1 else 'llegan'} {coming}, serían " \
                    f"{format_price(d.expected_revenue_cents)}."
        return text
    if figure is Figure.COMPLETED:
        return f"{cap} {_verb(t, asked)} {counted(d.completed, 'cita completada', 'citas completadas')}."
    if figure is Figure.CANCELLED:
        return f"{cap} {_verb(t, asked)} {counted(d.cancelled, 'cancelación', 'cancelaciones')}."
    if figure is Figure.NO_SHOWS:
        return f"{cap} {_verb(t, asked)} {counted(d.no_shows, 'no-show', 'no-shows')} (no llegaron)."
    if figure is Figure.NEW_CUSTOMERS:
        return f"{cap} {_verb(t, asked)} {counted(d.new_customers, 'cliente nuevo', 'clientes nuevos')}."
    if figure is Figure.BUSIEST_DAY:
        if not d.busiest_day:
            return f"{cap} no hay citas."
        day = date.fromisoformat(d.busiest_day)
        return (f"El día más lleno {when} {'fue' if day < t.today else 'es'} el {format_date(day, today=t.today)}, "
                f"con {counted(d.busiest_day_appointments, 'cita', 'citas')}.")
    if figure is Figure.BUSIEST_HOUR:
        if d.busiest_hour is None:
            return f"{cap} no hay citas."
        hour = int(d.busiest_hour)
        return (f"La hora más llena {when} {'fue' if tense == 'past' else 'es'} de {format_time(time(hour))} a "
                f"{format_time(time((hour + 1) % 24))}, con {counted(d.busiest_hour_appointments, 'cita', 'citas')}.")
    head = (f"Tus números {contract('de', when)}" if subject == "me" else
            f"{cap}, {_first_name(asked)}" if subject == "other" else cap)
    return (f"{head}: {counted(d.appointments, 'cita', 'citas')}, {d.completed} completadas "
            f"({format_price(d.revenue_cents)}), {counted(d.no_shows, 'no-show', 'no-shows')}, "
            f"{counted(d.cancelled, 'cancelada', 'canceladas')} y "
            f"{counted(d.new_customers, 'cliente nuevo', 'clientes nuevos')}.")


async def _day_detail(t: TurnState, asked: Asked, d: Figures) -> str:
    """After "mañana tienes 3 citas": which ones (one day, a person's own agenda or the team's split)."""
    if asked.staff_id is None:
        people = [f"{s.name.split()[0]}: {s.appointments}" for s in d.by_staff]
        return ("\n" + ", ".join(people) + ".") if len(people) > 1 else ""
    result = await t.call("get_business_schedule" if not asked.mine else "get_my_schedule",
                          date=asked.first.isoformat())
    if not result.ok:
        return ""
    wanted = member_id(asked.staff_id)
    entries = [e for p in result.value.staff if asked.mine or p.staff_id == str(wanted) for e in p.entries
               if e.kind == "appointment" and e.status != "cancelled"]
    if not entries:
        return ""
    return "\n\n" + "\n".join(f"⏰ {hhmm(e.start)} - {short_service(e.service)} - {e.customer or 'Cliente'}"
                              for e in entries)

