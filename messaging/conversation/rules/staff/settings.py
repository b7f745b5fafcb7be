"""Business settings by chat: opening hours, a service's duration or price, the dashboard link."""

from __future__ import annotations

from datetime import time

from messaging.spanish import (
    Intent,
    MatchKind,
    match_service,
    parse_weekly_hours,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding
from wording import (
    bullet_list,
    format_duration,
    format_price,
    format_service_line,
    format_time,
    with_article,
)

from ..base import TurnState, week_lines
from .common import denied, restart
from .state import HoursRow, HoursState, ServiceField, ServiceState, Step, begin, encode, kept


def _hours_summary(rows: list[HoursRow]) -> str:
    by_day = {r.weekday: r for r in rows}
    words = [f"{format_time(time.fromisoformat(by_day[i].open))} - {format_time(time.fromisoformat(by_day[i].close))}"
             if i in by_day else "cerrado" for i in range(7)]
    return bullet_list(week_lines(words))


async def start_hours(t: TurnState, u: Understanding) -> None:
    if not u.slots.weekly_hours:
        begin(t, HoursState(), Step.NEW_HOURS)
        t.say("¿Cuál es el nuevo horario? Por ejemplo: «de lunes a viernes de 10 a 7, sábados de 10 a 3, "
              "domingos cerrado».")
        return
    _confirm_hours(t, u.slots.weekly_hours)


def _confirm_hours(t: TurnState, weekly) -> None:
    rows = {day: [HoursRow(day, a.strftime("%H:%M"), b.strftime("%H:%M"))]
            for day, ranges in t.profile.hours.items() for a, b in ranges[:1]}
    for h in weekly:
        for day in h.weekdays:
            if h.closed:
                rows.pop(day, None)
            elif h.start and h.end:
                rows[day] = [HoursRow(day, h.start.strftime("%H:%M"), h.end.strftime("%H:%M"))]
    flat = [r for day in sorted(rows) for r in rows[day]]
    begin(t, HoursState(flat), Step.CONFIRMING)
    t.say("Así quedaría el horario:\n" + _hours_summary(flat) + "\n¿Lo cambio?")


async def on_hours(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == Step.NEW_HOURS:
        weekly = parse_weekly_hours(t.text)
        if not weekly:
            t.say("No entendí el horario. Escríbelo así: «de lunes a sábado de 10 a 8».")
            return
        _confirm_hours(t, weekly)
        return
    answer = parse_yes_no(t.text)
    if answer.answer is True:
        result = await t.call("change_business_hours", hours=[encode(r) for r in kept(t, HoursState).hours])
        if denied(t, result):
            return
        flow.state = Step.CONFIRMED
        t.say("Listo, cambié el horario ✓ Las citas que ya estaban agendadas no se movieron.")
    elif answer.answer is False:
        flow.state = Step.CLOSED
        t.say("Va, dejé el horario como estaba.")
    else:
        weekly = parse_weekly_hours(t.text)
        if weekly:
            _confirm_hours(t, weekly)
        else:
            t.say("¿Lo cambio así? Dime «sí» o «no».")


async def start_service_change(t: TurnState, u: Understanding) -> None:
    match = u.slots.service
    service = t.profile.service(match.candidates[0].id) if match and match.kind is MatchKind.MATCHED else None
    change = ServiceState(duration=u.slots.duration_minutes, price=u.slots.price_centavos,
                          what=ServiceField.DURATION if u.intent is Intent.CHANGE_SERVICE_DURATION else ServiceField.PRICE)
    begin(t, change, Step.SELECTING_SERVICE)
    if service is None:
        t.say("¿De qué servicio?\n" + bullet_list(
            format_service_line(s.name, s.price_cents, s.duration_minutes) for s in t.profile.services))
        return
    change.service_id = str(service.id)
    _next_service_step(t)


def _next_service_step(t: TurnState) -> None:
    flow, change = t.flow, kept(t, ServiceState)
    service = t.profile.service(change.service_id)
    if change.duration is None and change.price is None:
        flow.state = Step.NEW_VALUE
        t.say(f"{with_article(service.name, capital=True)} dura {format_duration(service.duration_minutes)} y cuesta "
              f"{format_price(service.price_cents)}. ¿Cuál es " +
              ("la nueva duración?" if change.what is ServiceField.DURATION else "el nuevo precio?"))
        return
    flow.state = Step.CONFIRMING
    changes = []
    if change.duration is not None:
        changes.append(f"duración {format_duration(change.duration)}")
    if change.price is not None:
        changes.append(f"precio {format_price(change.price)}")
    t.say(f"¿Cambio {service.name} a {' y '.join(changes)}?")


async def on_service(t: TurnState, u: Understanding) -> None:
    flow, change = t.flow, kept(t, ServiceState)
    if flow.state == Step.SELECTING_SERVICE:
        match = match_service(t.text, {str(s.id): s.name for s in t.profile.services})
        if match.kind is not MatchKind.MATCHED:
            t.say("¿Cuál servicio? Escribe su nombre.")
            return
        change.service_id = str(match.candidates[0].id)
        change.duration = change.duration or u.slots.duration_minutes
        change.price = change.price or u.slots.price_centavos
        _next_service_step(t)
    elif flow.state == Step.NEW_VALUE and change.service_id:
        import re

        if change.what is ServiceField.DURATION:
            minutes = u.slots.duration_minutes
            if minutes is None and (m := re.search(r"\d+", t.text)):
                minutes = int(m.group())
            change.duration = minutes
        else:
            price = u.slots.price_centavos
            if price is None and (m := re.search(r"\d+", t.text.replace(",", ""))):
                price = int(m.group()) * 100
            change.price = price
        if change.duration is None and change.price is None:
            t.say("¿Cuánto? Por ejemplo «45 minutos» o «$180».")
            return
        _next_service_step(t)
    elif flow.state == Step.CONFIRMING and change.service_id:
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            result = await t.call("update_service", service_id=change.service_id,
                                  duration_minutes=change.duration, price_cents=change.price)
            if denied(t, result):
                return
            flow.state = Step.CONFIRMED
            t.say(f"Listo ✓ {with_article(result.value.name, capital=True)} ahora dura {format_duration(result.value.duration_minutes)} "
                  f"y cuesta {format_price(result.value.price_cents)}. Las citas ya agendadas no cambian.")
        else:
            flow.state = Step.CLOSED
            t.say("Va, no cambié nada.")
    else:
        await restart(t, u)


async def dashboard_link(t: TurnState, u: Understanding) -> None:
    result = await t.call("send_dashboard_link")
    if denied(t, result):
        return
    t.say("Listo, te mandé por WhatsApp la liga para entrar al panel ✓ Vale por 15 minutos y solo funciona una vez.")
