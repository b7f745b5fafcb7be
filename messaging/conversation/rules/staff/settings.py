"""Business settings by chat: opening hours, a service's duration or price, the dashboard link."""

from __future__ import annotations

from datetime import time
from typing import Any

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
from .common import denied


def _hours_summary(rows: list[dict[str, Any]]) -> str:
    by_day = {r["weekday"]: r for r in rows}
    words = [f"{format_time(time.fromisoformat(by_day[i]['open']))} - {format_time(time.fromisoformat(by_day[i]['close']))}"
             if i in by_day else "cerrado" for i in range(7)]
    return bullet_list(week_lines(words))


async def start_hours(t: TurnState, u: Understanding) -> None:
    if not u.slots.weekly_hours:
        t.start("hours", "collecting_new_hours")
        t.say("¿Cuál es el nuevo horario? Por ejemplo: «de lunes a viernes de 10 a 7, sábados de 10 a 3, "
              "domingos cerrado».")
        return
    _confirm_hours(t, u.slots.weekly_hours)


def _confirm_hours(t: TurnState, weekly) -> None:
    rows = {day: [{"weekday": day, "open": a.strftime("%H:%M"), "close": b.strftime("%H:%M")}]
            for day, ranges in t.profile.hours.items() for a, b in ranges[:1]}
    for h in weekly:
        for day in h.weekdays:
            if h.closed:
                rows.pop(day, None)
            elif h.start and h.end:
                rows[day] = [{"weekday": day, "open": h.start.strftime("%H:%M"), "close": h.end.strftime("%H:%M")}]
    flat = [r for day in sorted(rows) for r in rows[day]]
    t.start("hours", "confirming", hours=flat)
    t.say("Así quedaría el horario:\n" + _hours_summary(flat) + "\n¿Lo cambio?")


async def on_hours(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == "collecting_new_hours":
        weekly = parse_weekly_hours(t.text)
        if not weekly:
            t.say("No entendí el horario. Escríbelo así: «de lunes a sábado de 10 a 8».")
            return
        _confirm_hours(t, weekly)
        return
    answer = parse_yes_no(t.text)
    if answer.answer is True:
        result = await t.call("change_business_hours", hours=flow.data["hours"])
        if denied(t, result):
            return
        flow.state = "confirmed"
        t.say("Listo, cambié el horario ✓ Las citas que ya estaban agendadas no se movieron.")
    elif answer.answer is False:
        flow.state = "closed"
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
    flow = t.start("service", "selecting_service", duration=u.slots.duration_minutes, price=u.slots.price_centavos,
                   what="duration" if u.intent is Intent.CHANGE_SERVICE_DURATION else "price")
    if service is None:
        t.say("¿De qué servicio?\n" + bullet_list(
            format_service_line(s.name, s.price_cents, s.duration_minutes) for s in t.profile.services))
        return
    flow.data["service_id"] = str(service.id)
    _next_service_step(t)


def _next_service_step(t: TurnState) -> None:
    flow = t.flow
    service = t.profile.service(flow.data["service_id"])
    if flow.data.get("duration") is None and flow.data.get("price") is None:
        flow.state = "collecting_new_value"
        t.say(f"{with_article(service.name, capital=True)} dura {format_duration(service.duration_minutes)} y cuesta "
              f"{format_price(service.price_cents)}. ¿Cuál es " +
              ("la nueva duración?" if flow.data["what"] == "duration" else "el nuevo precio?"))
        return
    flow.state = "confirming"
    changes = []
    if flow.data.get("duration") is not None:
        changes.append(f"duración {format_duration(flow.data['duration'])}")
    if flow.data.get("price") is not None:
        changes.append(f"precio {format_price(flow.data['price'])}")
    t.say(f"¿Cambio {service.name} a {' y '.join(changes)}?")


async def on_service(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == "selecting_service":
        match = match_service(t.text, {str(s.id): s.name for s in t.profile.services})
        if match.kind is not MatchKind.MATCHED:
            t.say("¿Cuál servicio? Escribe su nombre.")
            return
        flow.data["service_id"] = str(match.candidates[0].id)
        flow.data["duration"] = flow.data.get("duration") or u.slots.duration_minutes
        flow.data["price"] = flow.data.get("price") or u.slots.price_centavos
        _next_service_step(t)
    elif flow.state == "collecting_new_value":
        import re

        if flow.data["what"] == "duration":
            minutes = u.slots.duration_minutes
            if minutes is None and (m := re.search(r"\d+", t.text)):
                minutes = int(m.group())
            flow.data["duration"] = minutes
        else:
            price = u.slots.price_centavos
            if price is None and (m := re.search(r"\d+", t.text.replace(",", ""))):
                price = int(m.group()) * 100
            flow.data["price"] = price
        if flow.data.get("duration") is None and flow.data.get("price") is None:
            t.say("¿Cuánto? Por ejemplo «45 minutos» o «$180».")
            return
        _next_service_step(t)
    elif flow.state == "confirming":
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            result = await t.call("update_service", service_id=flow.data["service_id"],
                                  duration_minutes=flow.data.get("duration"), price_cents=flow.data.get("price"))
            if denied(t, result):
                return
            flow.state = "confirmed"
            t.say(f"Listo ✓ {with_article(result.data['name'], capital=True)} ahora dura {format_duration(result.data['duration_minutes'])} "
                  f"y cuesta {format_price(result.data['price_cents'])}. Las citas ya agendadas no cambian.")
        else:
            flow.state = "closed"
            t.say("Va, no cambié nada.")


async def dashboard_link(t: TurnState, u: Understanding) -> None:
    result = await t.call("send_dashboard_link")
    if denied(t, result):
        return
    t.say("Listo, te mandé por WhatsApp la liga para entrar al panel ✓ Vale por 15 minutos y solo funciona una vez.")
