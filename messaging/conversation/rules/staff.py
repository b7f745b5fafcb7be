"""Staff, admins and owners on WhatsApp: their day in a few words, and quick changes.

Stateless: my schedule, business schedule, what's next, customer history, stats, the
dashboard link. Flows (spec 8, 9, 10, 11, 14 and example conversations 4-7):
``block`` (collecting_time_range → offering_more), ``mark`` (confirming → offering_message),
``walk_in`` (collecting_service → collecting_customer_phone → collecting_name),
``message`` (confirming), ``add_staff`` (collecting_name → collecting_phone →
collecting_services → offering_welcome), ``hours`` and ``service`` (confirming).
Staff are direct: a fully said block or walk-in is done at once; marking, cancelling,
changing hours/services and messaging a customer are confirmed first.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from messaging.spanish import (
    Audience,
    ChoiceKind,
    Intent,
    MatchKind,
    RangeKind,
    choose,
    detect_intent,
    extract_phone,
    format_phone,
    match_service,
    parse_person_name,
    parse_weekly_hours,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding

from messaging.rebooking_text import AnswerKind, parse_plan_answer
from wording import at_time, bullet_list, capitalize_first, contract, format_duration, format_price, format_service_line, format_time, time_span, time_with_article, with_article

from .base import TurnState, at_hhmm, hhmm, local, numbered, time_words, week_lines

STRONG = frozenset({Intent.MY_SCHEDULE, Intent.BUSINESS_SCHEDULE, Intent.WHATS_NEXT, Intent.BLOCK_TIME,
                    Intent.UNBLOCK_TIME, Intent.MARK_NO_SHOW, Intent.MARK_COMPLETED, Intent.WALK_IN,
                    Intent.CUSTOMER_HISTORY, Intent.ADD_STAFF, Intent.REMOVE_STAFF, Intent.CHANGE_HOURS,
                    Intent.CHANGE_SERVICE_DURATION, Intent.CHANGE_SERVICE_PRICE, Intent.STATS,
                    Intent.DASHBOARD_LINK, Intent.CANCEL, Intent.HELP, Intent.CHANGE_PERMISSIONS,
                    Intent.STAFF_ABSENT, Intent.COMPACT_SCHEDULE})


LEVEL_WORDS = (("solo ver", "viewer"), ("solo lectura", "viewer"), ("administrador", "admin"),
               ("administradora", "admin"), ("admin", "admin"), ("encargad", "admin"), ("dueñ", "owner"),
               ("emplead", "staff"), ("normal", "staff"))
HAND_BACK_WORDS = ("listo con", "ya atendí", "ya atendi", "ya le contesté", "ya le conteste", "regrésale",
                   "regresale", "devuélvele", "devuelvele", "ya puedes contestar", "contéstale tú", "ya quedó con")
REMOVE_WORDS = ("quita a", "da de baja", "dar de baja", "ya no trabaja", "despedí", "despedi", "sácalo", "sacalo")
ACKS = frozenset({"ok", "okay", "oki", "va", "sale", "listo", "perfecto", "👍", "👌", "🙏", "✅", "👍🏼", "👍🏻", "bien"})


def understand(t: TurnState) -> Understanding:
    from dataclasses import replace

    u = detect_intent(t.text, today=t.today, audience=Audience.STAFF,
                      services={str(s.id): s.name for s in t.profile.services},
                      staff_names=[m.name for m in t.profile.team])
    lowered = t.text.lower()
    if u.intent is Intent.UNKNOWN and u.slots.appointment_time and u.slots.time and \
            any(w in lowered for w in ("pasa", "mueve", "recorre", "cambia")):
        return replace(u, intent=Intent.RESCHEDULE)  # "pasa la de las 12 para mañana a las 11"
    if u.slots.staff_name and u.intent not in (Intent.CHANGE_PERMISSIONS, Intent.REMOVE_STAFF):
        if _level_in(lowered) and u.intent in (Intent.RESCHEDULE, Intent.UNKNOWN, Intent.CHANGE_HOURS):
            return replace(u, intent=Intent.CHANGE_PERMISSIONS)
        if any(w in lowered for w in REMOVE_WORDS):
            return replace(u, intent=Intent.REMOVE_STAFF)
    return u


def _level_in(lowered: str) -> str | None:
    return next((level for word, level in LEVEL_WORDS if word in lowered), None)


def is_ack(text: str) -> bool:
    words = text.lower().strip(" .!¡").split()
    return bool(words) and all(w.strip(".,!¡") in ACKS for w in words)


async def handle(t: TurnState) -> None:
    u = understand(t)
    flow = t.flow
    if flow is not None and not (u.intent in STRONG and u.intent is not FLOW_INTENT.get(flow.type)):
        handler = FLOW_HANDLERS.get(flow.type)
        if handler is not None:
            await handler(t, u)
            return
    await start_from_intent(t, u)


def me_first(t: TurnState) -> str:
    return (t.staff_name or "").split()[0] if t.staff_name else ""


def denied(t: TurnState, result) -> bool:
    """Say the resolvers' Spanish refusal and stop, when the tool was refused."""
    if result.ok:
        return False
    t.say(result.message or "No pude hacerlo.")
    t.flow = None
    return True


async def start_from_intent(t: TurnState, u: Understanding) -> None:
    intent = u.intent
    t.flow = None  # each request starts its own flow
    handlers = {
        Intent.MY_SCHEDULE: my_schedule, Intent.BUSINESS_SCHEDULE: business_schedule, Intent.WHATS_NEXT: whats_next,
        Intent.BLOCK_TIME: start_block, Intent.UNBLOCK_TIME: unblock, Intent.MARK_NO_SHOW: start_mark,
        Intent.MARK_COMPLETED: start_mark, Intent.CANCEL: start_mark, Intent.WALK_IN: start_walk_in,
        Intent.CUSTOMER_HISTORY: history, Intent.MESSAGE_CUSTOMER: start_message, Intent.ADD_STAFF: start_add_staff,
        Intent.REMOVE_STAFF: start_remove_staff, Intent.CHANGE_HOURS: start_hours,
        Intent.CHANGE_SERVICE_DURATION: start_service_change, Intent.CHANGE_SERVICE_PRICE: start_service_change,
        Intent.STATS: stats, Intent.DASHBOARD_LINK: dashboard_link, Intent.CHANGE_PERMISSIONS: start_permissions,
        Intent.STAFF_ABSENT: start_rebooking, Intent.COMPACT_SCHEDULE: start_rebooking,
        Intent.BOOK: start_on_behalf, Intent.RESCHEDULE: start_move,
    }
    handler = handlers.get(intent)
    if u.slots.phone and any(w in t.text.lower() for w in HAND_BACK_WORDS):
        await hand_back(t, u)  # "listo con 55 1234 5678": the handed-off customer is Parlo's again
    elif handler is not None:
        await handler(t, u)
    elif intent in (Intent.THANKS, Intent.GOODBYE):
        t.say("¡Con gusto! 👍")
    elif intent is Intent.GREETING:
        t.say(f"¡Hola{', ' + me_first(t) if me_first(t) else ''}! ¿Qué necesitas? Puedo mostrarte tu agenda, "
              "bloquear tiempo o registrar a alguien que llegó.")
    elif is_ack(t.text):
        t.flow = None  # "👍" after a done task needs no answer
    elif parse_yes_no(t.text).answer is False and len(t.text.split()) <= 3:
        t.say("Va, aquí estoy si necesitas algo. 👍")  # "no" to "¿Algo más?"
    elif parse_yes_no(t.text).answer is True and len(t.text.split()) <= 2:
        t.say("¿Qué necesitas?")
    else:
        t.say(help_text(t))


def help_text(t: TurnState) -> str:
    return ("Esto es lo que puedes pedirme:\n"
            "• «¿Qué tengo hoy?» o «¿qué sigue?»\n"
            "• «Bloquea de 2 a 3 para mi comida»\n"
            "• «El de las 11 no llegó» o «ya terminé con Juan»\n"
            "• «Acaba de llegar alguien para corte»\n"
            "• «¿Este cliente ha venido antes? 55 1234 5678»\n"
            "• «Mándame el link del panel»")


# ---------------------------------------------------------------- schedules


def _day(t: TurnState, u: Understanding) -> date:
    return u.slots.date.start if u.slots.date is not None else t.today


def shortest_service(t: TurnState) -> int:
    """A free gap counts when the shortest service fits in it."""
    return min((s.duration_minutes for s in t.profile.services), default=30)


def agenda_lines(entries: list[dict[str, Any]], *, show_free: bool = True, min_free: int = 30) -> list[str]:
    lines = []
    for e in entries:
        if e["kind"] == "appointment":
            lines.append(f"⏰ {hhmm(e['start'])} - {short_service(e['service'])} - {e['customer'] or 'Cliente'}")
        elif e["kind"] == "block":
            reason = f" ({e['reason']})" if e.get("reason") else ""
            icon = "🍽️" if e.get("reason") and "comida" in e["reason"].lower() else "⛔"
            lines.append(f"{icon} {hhmm(e['start'])} - {hhmm(e['end'])} - Bloqueado{reason}")
        elif e["kind"] == "free" and show_free:
            minutes = (local(e["end"]) - local(e["start"])).total_seconds() / 60
            if minutes >= min_free:
                lines.append(f"⏰ {hhmm(e['start'])} - Disponible" if minutes == 60 else
                             f"⏰ {hhmm(e['start'])} - {hhmm(e['end'])} - Disponible")
    return lines


def short_service(name: str | None) -> str:
    return (name or "Cita").replace(" de cabello", "").replace("Arreglo de barba", "Barba")


async def my_schedule(t: TurnState, u: Understanding) -> None:
    day = _day(t, u)
    result = await t.call("get_my_schedule", date=day.isoformat())
    if denied(t, result):
        return
    entries = [e for p in result.data["staff"] for e in p["entries"]]
    hello = f"Hola {me_first(t)}, " if me_first(t) else ""
    if result.data["closed"]:
        t.say(f"{hello}{t.day_words(day)} el negocio está cerrado. 🙌")
        return
    appointments = [e for e in entries if e["kind"] == "appointment"]
    working = [w for p in result.data["staff"] for w in p.get("working", [])]
    if not appointments and not working:
        t.say(f"{hello}{t.day_words(day)} no trabajas según tu horario, y no tienes citas. 🙌")
        return
    if not appointments:
        free = [e for e in entries if e["kind"] == "free"]
        span = f"; estás libre de {hhmm(free[0]['start'])} a {hhmm(free[-1]['end'])}" if free else ""
        t.say(f"{hello}{t.day_words(day)} no tienes citas{span}.")
        return
    min_free = shortest_service(t)
    free = [e for e in entries if e["kind"] == "free"
            and (local(e["end"]) - local(e["start"])).total_seconds() >= min_free * 60]
    summary = f"Tienes {len(appointments)} cita{'s' if len(appointments) != 1 else ''}"
    if len(free) == 1:
        summary += f" y un espacio libre a {time_words(local(free[0]['start']).time())}."
    elif free:
        summary += f" y {len(free)} espacios libres."
    else:
        summary += " y ningún espacio libre."
    t.say(f"{hello}aquí está tu agenda para {t.day_words(day)}:\n\n" + "\n".join(agenda_lines(entries, min_free=min_free))
          + f"\n\n{summary}")


async def business_schedule(t: TurnState, u: Understanding) -> None:
    day = _day(t, u)
    result = await t.call("get_business_schedule", date=day.isoformat())
    if denied(t, result):
        return
    if result.data["closed"]:
        t.say(f"{capitalize_first(t.day_words(day))} el negocio está cerrado.")
        return
    people = result.data["staff"]
    if u.slots.staff_name:  # "agenda de Pedro"
        named = [p for p in people if p["staff"] == u.slots.staff_name]
        if named:
            person = named[0]
            lines = agenda_lines(person["entries"], min_free=shortest_service(t))
            t.say(f"Agenda de {person['staff']} para {t.day_words(day)}:\n\n" +
                  ("\n".join(lines) if lines else "Sin citas."))
            return
    blocks = []
    total = 0
    for person in people:
        lines = agenda_lines(person["entries"], show_free=False)
        total += sum(1 for e in person["entries"] if e["kind"] == "appointment")
        blocks.append(f"👤 {person['staff']}\n" + ("\n".join(lines) if lines else "Sin citas"))
    t.say(f"Agenda del negocio para {t.day_words(day)}:\n\n" + "\n\n".join(blocks)
          + f"\n\nEn total: {total} cita{'s' if total != 1 else ''}.")


async def whats_next(t: TurnState, u: Understanding) -> None:
    result = await t.call("whats_next")
    if denied(t, result):
        return
    upcoming = result.data["next"]
    if not upcoming:
        t.say("Ya no tienes más citas hoy. 🙌")
        return
    a = upcoming[0]
    text = f"Tu siguiente cita es {at_hhmm(a['start'])}: {a['service']} con {a['customer'] or 'un cliente'}."
    if len(upcoming) > 1:
        b = upcoming[1]
        text += f" Después, {at_hhmm(b['start'])}: {b['service']} con {b['customer'] or 'un cliente'}."
    t.say(text)


# ---------------------------------------------------------------- blocks


def _range_from(t: TurnState, u: Understanding, day: date) -> tuple[datetime, datetime] | None:
    r = u.slots.time_range
    zone = t.profile.zone
    if r is None:
        if u.slots.time is None:
            return None
        r_start, r_end = u.slots.time, None
        kind = RangeKind.AT
    else:
        r_start, r_end, kind = r.start, r.end, r.kind
    close = _closing(t, day)
    if kind is RangeKind.ALL_DAY:
        return datetime.combine(day, time(0), zone), datetime.combine(day + timedelta(days=1), time(0), zone)
    if kind is RangeKind.FROM or (kind is RangeKind.AT and r_end is None and False):
        return datetime.combine(day, r_start, zone), datetime.combine(day, close, zone)
    if kind is RangeKind.UNTIL:
        return datetime.combine(day, _opening(t, day), zone), datetime.combine(day, r_end or r_start, zone)
    if r_end is None:  # "bloquea las 4": that hour
        start = datetime.combine(day, r_start, zone)
        return start, start + timedelta(hours=1)
    return datetime.combine(day, r_start, zone), datetime.combine(day, r_end, zone)


def _closing(t: TurnState, day: date) -> time:
    ranges = t.profile.hours.get(day.weekday())
    end = ranges[-1][1] if ranges else time(21, 0)
    return end if end != time(0) else time(23, 59)


def _opening(t: TurnState, day: date) -> time:
    ranges = t.profile.hours.get(day.weekday())
    return ranges[0][0] if ranges else time(8, 0)


def _reason(text: str) -> str | None:
    lowered = text.lower()
    for word, reason in (("comida", "comida"), ("comer", "comida"), ("doctor", "doctor"), ("médico", "doctor"),
                         ("salir temprano", "salgo temprano"), ("personal", "personal"), ("descanso", "descanso")):
        if word in lowered:
            return reason
    return None


async def start_block(t: TurnState, u: Understanding) -> None:
    day = _day(t, u)
    span = _range_from(t, u, day)
    flow = t.start("block", "collecting_time_range", day=day.isoformat(), reason=_reason(t.text),
                   leaving_early="temprano" in t.text.lower() or "salir" in t.text.lower())
    if span is None:
        t.say(f"¿De qué hora a qué hora bloqueo {t.day_words(day)}?")
        return
    flow.data["single"] = _single(u)
    await _block(t, *span)


def _single(u: Understanding) -> bool:
    """"Bloquea las 4": one time said, not a range."""
    r = u.slots.time_range
    return r is None or (r.kind is RangeKind.AT and r.end is None)


async def _block(t: TurnState, start: datetime, end: datetime) -> None:
    flow = t.flow
    result = await t.call("block_time", start_time=start.replace(tzinfo=None).isoformat(timespec="minutes"),
                          end_time=end.replace(tzinfo=None).isoformat(timespec="minutes"), reason=flow.data.get("reason"))
    if denied(t, result):
        return
    single_hour = end - start == timedelta(hours=1) and flow.data.pop("single", False)
    what = time_with_article(start.time()) if single_hour else time_span(start.time(), end.time())
    day = start.date()
    when = "" if day == t.today else f" {t.day_words(day)}"
    text = f"Listo, bloqueé {what}{when} ✓"
    overlapping = result.data.get("overlapping") or []
    if overlapping:
        text += "\nOjo: " + "; ".join(f"{at_hhmm(a['start'])} tienes a {a['customer'] or 'un cliente'}"
                                      for a in overlapping) + ". Esas citas siguen en pie."
    flow.data.setdefault("blocked", []).append(what)
    close = _closing(t, day)
    if flow.data.get("leaving_early") and end.time() < close and not flow.data.get("offered_more"):
        flow.state = "offering_more"
        flow.data.update(offered_more=True, more_from=end.replace(tzinfo=None).isoformat(timespec="minutes"))
        text += f" ¿Quieres que también bloquee de {time_words(end.time()).split(' ')[1]} en adelante?"
    else:
        flow.state = "confirmed"
        text += " ¿Algo más?"
    t.say(text)


async def on_block(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == "collecting_time_range":
        day = date.fromisoformat(flow.data["day"])
        span = _range_from(t, u, u.slots.date.start if u.slots.date else day)
        if span is None:
            t.say("¿De qué hora a qué hora? Por ejemplo: «de 2 a 3».")
            return
        flow.data["single"] = _single(u)
        await _block(t, *span)
    elif flow.state == "offering_more":
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            start = datetime.fromisoformat(flow.data["more_from"]).replace(tzinfo=t.profile.zone)
            end = datetime.combine(start.date(), _closing(t, start.date()), t.profile.zone)
            flow.data["leaving_early"] = False
            await _block(t, start, end)
        else:
            flow.state = "confirmed"
            blocked = flow.data.get("blocked") or ["ese horario"]
            only = blocked[0]
            t.say(f"Perfecto, solo {only} bloqueada{'s' if only.startswith('las ') else ''}. ¿Algo más?"
                  if only.startswith(("la ", "las ")) else f"Perfecto, solo quedó bloqueado {only}. ¿Algo más?")
    else:
        await start_from_intent(t, u)


async def unblock(t: TurnState, u: Understanding) -> None:
    day = _day(t, u)
    result = await t.call("list_blocks", date=day.isoformat())
    if denied(t, result):
        return
    blocks = result.data["blocks"]
    said = u.slots.time_range.start if u.slots.time_range else u.slots.time
    if said is not None:
        blocks = [b for b in blocks if local(b["start"]).time() <= said < local(b["end"]).time()] or \
            [b for b in blocks if local(b["start"]).time() == said]
    if not blocks:
        t.say(f"No encontré bloqueos {t.day_words(day)}" + (f" a {time_words(said)}" if said else "") + ".")
        return
    if len(blocks) > 1:
        t.start("unblock", "selecting_block", blocks=blocks)
        t.say("¿Cuál bloqueo quito?\n" + "\n".join(
            f"{i}. {hhmm(b['start'])} - {hhmm(b['end'])}" for i, b in enumerate(blocks, 1)))
        return
    await _unblock(t, blocks[0])


async def _unblock(t: TurnState, block: dict[str, Any]) -> None:
    result = await t.call("unblock_time", block_id=block["block_id"])
    if denied(t, result):
        return
    t.flow = None
    t.say(f"Listo, quité el bloqueo de {hhmm(block['start'])} a {hhmm(block['end'])} ✓ Ese tiempo ya está libre.")


async def on_unblock(t: TurnState, u: Understanding) -> None:
    blocks = t.flow.data["blocks"]
    index = numbered(t.text, len(blocks))
    if index is None:
        index = choose(t.text, [local(b["start"]).time() for b in blocks]).index
    if index is None:
        t.say("¿Cuál? Dime el número.")
        return
    await _unblock(t, blocks[index])


# ---------------------------------------------------------------- marking


_MARK = {Intent.MARK_NO_SHOW: "no_show", Intent.MARK_COMPLETED: "completed", Intent.CANCEL: "cancelled"}


async def start_mark(t: TurnState, u: Understanding) -> None:
    status = _MARK[u.intent]
    said = u.slots.appointment_time or u.slots.time
    day = _day(t, u)
    result = await t.call("find_appointments", date=day.isoformat(),
                          time=said.strftime("%H:%M") if said else None)
    if denied(t, result):
        return
    found = result.data["appointments"]
    mine = [a for a in found if a["staff_id"] == str(t.staff_id)]
    if len(found) > 1 and mine:
        found = mine
    if u.slots.customer_name:
        named = [a for a in found if a["customer"] and u.slots.customer_name.lower() in a["customer"].lower()]
        found = named or found
    if said is None and len(found) != 1:
        if status == "completed":
            now = t.local_now.replace(tzinfo=None)
            started = [a for a in found if local(a["start"]) <= now and a["staff_id"] == str(t.staff_id)]
            found = started[-1:] or found
        if len(found) != 1:
            t.start("mark", "asking_time", status=status)
            t.say("¿De qué hora es la cita?")
            return
    if not found:
        t.say(f"No encontré citas activas {t.day_words(day)}" + (f" a {time_words(said)}" if said else "") + ".")
        return
    flow = t.start("mark", "confirming", status=status, options=found)
    if len(found) > 1:
        flow.state = "selecting"
        t.say("¿Cuál de estas?\n" + "\n".join(f"{i}. {hhmm(a['start'])} - {a['customer']} ({a['service']})"
                                              for i, a in enumerate(found, 1)))
        return
    _confirm_mark(t, found[0])


def _confirm_mark(t: TurnState, a: dict[str, Any]) -> None:
    t.flow.data["appointment"] = a
    t.flow.state = "confirming"
    t.say(f"¿Te refieres a la cita de {a['customer'] or 'un cliente'} {at_hhmm(a['start'])} "
          f"({short_service(a['service'])})?")


_DONE = {"no_show": "Marqué la cita como no-show ✓", "completed": "Listo, marqué la cita como completada ✓",
         "cancelled": "Listo, cancelé la cita ✓"}


async def on_mark(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == "asking_time":
        said = u.slots.appointment_time or u.slots.time
        if said is None:
            t.say("¿De qué hora? Por ejemplo: «la de las 3».")
            return
        fake = Understanding(intent={v: k for k, v in _MARK.items()}[flow.data["status"]], slots=u.slots)
        await start_mark(t, fake)
    elif flow.state == "selecting":
        options = flow.data["options"]
        index = numbered(t.text, len(options))
        if index is None:
            index = choose(t.text, [local(a["start"]).time() for a in options]).index
        if index is None:
            t.say("¿Cuál? Dime el número.")
            return
        _confirm_mark(t, options[index])
    elif flow.state == "confirming":
        answer = parse_yes_no(t.text)
        if answer.answer is not True:
            flow.state = "closed"
            t.say("Va, no marqué nada. ¿Cuál era?" if answer.answer is False else "¿Sí es esa? Dime «sí» o «no».")
            if answer.answer is None:
                flow.state = "confirming"
            return
        a = flow.data["appointment"]
        status = flow.data["status"]
        result = await t.call("mark_appointment_status", appointment_id=a["appointment_id"], status=status,
                              notify_customer=True)
        if denied(t, result):
            return
        text = _DONE[status]
        first = (a["customer"] or "").split()[0] if a.get("customer") else None
        if status == "cancelled" and a.get("customer_phone"):
            text += f" Le avisé a {first or 'la persona'} por WhatsApp."
        if status == "no_show" and a.get("customer_phone"):
            flow.state = "offering_message"
            text += f" ¿Quieres que le envíe un mensaje a {first or 'la persona'}?"
        else:
            flow.state = "confirmed"
        t.say(text)
    elif flow.state == "offering_message":
        answer = parse_yes_no(t.text)
        if answer.answer is not True:
            flow.state = "closed"
            t.say("Va, no le mando nada. ¿Algo más?")
            return
        a = flow.data["appointment"]
        first = (a["customer"] or "").split()[0] if a.get("customer") else ""
        message = (f"Hola{' ' + first if first else ''}, notamos que no pudiste llegar a tu cita de hoy. "
                   "Esperamos que todo esté bien. Cuando gustes, escríbenos para reagendar. - " + t.profile.name)
        result = await t.call("send_message_to_customer", customer_phone=a["customer_phone"], message=message)
        if denied(t, result):
            return
        flow.state = "confirmed"
        t.say(f"Enviado ✓ Le mandé: \"{message}\"")
    else:
        await start_from_intent(t, u)


# ---------------------------------------------------------------- walk-ins


def _service_options(t: TurnState, u: Understanding) -> tuple[str | None, list]:
    match = u.slots.service
    if match is not None and match.kind is MatchKind.MATCHED and match.candidates:
        return str(match.candidates[0].id), []
    if match is not None and match.kind is MatchKind.AMBIGUOUS:
        return None, [t.profile.service(c.id) for c in match.candidates if t.profile.service(c.id)]
    if len(t.profile.services) == 1:
        return str(t.profile.services[0].id), []
    return None, list(t.profile.services)


async def start_walk_in(t: TurnState, u: Understanding) -> None:
    service_id, options = _service_options(t, u)
    flow = t.start("walk_in", "collecting_service", phone=u.slots.phone)
    if u.slots.customer_name:
        flow.data["name"] = u.slots.customer_name
    if service_id is None:
        flow.data["options"] = [str(s.id) for s in options]
        t.say("¿Qué servicio quiere? Tenemos:\n" + bullet_list(
            format_service_line(s.name, s.price_cents, s.duration_minutes) for s in options))
        return
    flow.data["service_id"] = service_id
    await _walk_in_next(t)


async def _walk_in_next(t: TurnState) -> None:
    flow = t.flow
    if "phone" not in flow.data or flow.data.get("phone") is None and not flow.data.get("no_phone"):
        flow.state = "collecting_customer_phone"
        t.say("Perfecto. ¿Tienes el teléfono del cliente para registrarlo? Si no, dime «no».")
        return
    if flow.data.get("phone") and not flow.data.get("name") and not flow.data.get("looked_up"):
        flow.data["looked_up"] = True
        known = await t.call("get_customer_history", customer_phone=flow.data["phone"])
        exact = [c for c in (known.data.get("customers", []) if known.ok else [])
                 if c["phone"] == flow.data["phone"] and c["name"]]
        if exact:
            flow.data["name"] = exact[0]["name"]
    if not flow.data.get("name"):
        flow.state = "collecting_name"
        t.say("Registrado. ¿Nombre?" if flow.data.get("phone") else "Va. ¿Nombre?")
        return
    await _book_walk_in(t)


async def _book_walk_in(t: TurnState) -> None:
    flow = t.flow
    service = t.profile.service(flow.data["service_id"])
    result = await t.call("book_walk_in", service_id=str(service.id), customer_phone=flow.data.get("phone"),
                          customer_name=flow.data.get("name"), staff_id=str(t.staff_id) if _performs(t) else None)
    if not result.ok and _performs(t):
        result = await t.call("book_walk_in", service_id=str(service.id), customer_phone=flow.data.get("phone"),
                              customer_name=flow.data.get("name"))
    if denied(t, result):
        return
    a = result.data["appointments"][0]
    who = "contigo" if a["staff_id"] == str(t.staff_id) else f"con {a['staff']}"
    phone = f" ({format_phone(flow.data['phone'])})" if flow.data.get("phone") else ""
    flow.state = "confirmed"
    t.say(f"Listo ✓ Registré a {flow.data['name']}{phone} para {service.name} ahora {at_hhmm(a['start'])} {who}.")


def _performs(t: TurnState) -> bool:
    return True


async def on_walk_in(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == "collecting_service":
        options = [t.profile.service(i) for i in flow.data.get("options", [])] or list(t.profile.services)
        choice = choose(t.text, [s.name for s in options])
        service_id = str(options[choice.index].id) if choice.index is not None else None
        if service_id is None:
            match = match_service(t.text, {str(s.id): s.name for s in options})
            if match.kind is MatchKind.MATCHED and match.candidates:
                service_id = str(match.candidates[0].id)
        if service_id is None:
            t.say("¿Cuál de estos?\n" + bullet_list(s.name for s in options))
            return
        flow.data["service_id"] = service_id
        await _walk_in_next(t)
    elif flow.state == "collecting_customer_phone":
        phone = u.slots.phone or extract_phone(t.text)
        if phone is None:
            if parse_yes_no(t.text).answer is False or "no " in f"{t.text.lower()} ":
                flow.data.update(phone=None, no_phone=True)
                await _walk_in_next(t)
                return
            t.say("No reconocí ese número. Escríbelo a 10 dígitos, por ejemplo 55 1234 5678, o dime «no».")
            return
        flow.data["phone"] = phone
        await _walk_in_next(t)
    elif flow.state == "collecting_name":
        name = parse_person_name(t.text)
        if not name:
            t.say("¿Cómo se llama?")
            return
        flow.data["name"] = name
        await _book_walk_in(t)
    else:
        await start_from_intent(t, u)


async def hand_back(t: TurnState, u: Understanding) -> None:
    result = await t.call("hand_back_conversation", customer_phone=u.slots.phone)
    if denied(t, result):
        return
    t.say(f"Listo ✓ Vuelvo a atender a {format_phone(u.slots.phone)} desde su próximo mensaje.")


# ---------------------------------------------------------------- moving a customer's appointment


async def start_move(t: TurnState, u: Understanding) -> None:
    """"Mueve la cita de las 3 a las 5", "cambia la de Juan de las 4 a las 6": confirmed, customer told."""
    old, new = u.slots.appointment_time, u.slots.time
    r = u.slots.time_range
    if old is None and r is not None and r.kind is RangeKind.BETWEEN and r.end is not None:
        old, new = r.start, r.end
    if old is None or new is None:
        t.say("¿Qué cita muevo y a qué hora? Por ejemplo: «mueve la cita de las 3 a las 5».")
        return
    result = await t.call("find_appointments", date=t.today.isoformat(), time=old.strftime("%H:%M"))
    if denied(t, result):
        return
    found = result.data["appointments"]
    if u.slots.customer_name:
        found = [a for a in found if a["customer"] and u.slots.customer_name.lower() in a["customer"].lower()] or found
    mine = [a for a in found if a["staff_id"] == str(t.staff_id)]
    found = mine if len(found) > 1 and mine else found
    if len(found) != 1:
        t.say(f"No encontré una sola cita hoy a {time_words(old)}." if not found else
              "Hay varias citas a esa hora; dime el nombre del cliente.")
        return
    a = found[0]
    day = u.slots.date.start if u.slots.date else local(a["start"]).date()
    start = datetime.combine(day, new)
    t.start("move", "confirming", appointment_id=a["appointment_id"], start=start.isoformat(timespec="minutes"))
    when = "" if day == local(a["start"]).date() else f" {contract('de', t.day_words(day))}"
    t.say(f"¿Muevo la cita de {a['customer'] or 'el cliente'} ({short_service(a['service'])}) de "
          f"{time_with_article(local(a['start']).time())} {at_time(new)}{when}? Le aviso por WhatsApp.")


async def on_move(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if parse_yes_no(t.text).answer is not True:
        flow.state = "closed"
        t.say("Va, la cita se queda como estaba.")
        return
    result = await t.call("reschedule_appointment", appointment_id=flow.data["appointment_id"],
                          new_start_time=flow.data["start"])
    if not result.ok:
        alternatives = result.data.get("alternatives") or []
        flow.state = "closed"
        t.say((result.message or "No pude moverla.") + (
            " Horarios cercanos: " + ", ".join(hhmm(x) for x in alternatives[:3]) + "." if alternatives else ""))
        return
    a = result.data["appointments"][0]
    flow.state = "confirmed"
    t.say(f"Listo ✓ Moví la cita de {a['customer'] or 'el cliente'} {at_hhmm(a['start'])}"
          f"{'' if local(a['start']).date() == t.today else ' ' + contract('de', t.day_words(local(a['start']).date()))}"
          ". Ya le avisé.")


# ---------------------------------------------------------------- booking for a customer (spec flow 14)


async def start_on_behalf(t: TurnState, u: Understanding) -> None:
    """"Agéndale a Juan 55 1234 5678 un corte mañana a las 4": a booking by phone or in person."""
    match = u.slots.service
    t.start("on_behalf", "collecting_customer_phone", phone=u.slots.phone, name=u.slots.customer_name,
            service_id=str(match.candidates[0].id) if match and match.kind is MatchKind.MATCHED else None,
            day=u.slots.date.start.isoformat() if u.slots.date else None,
            at=u.slots.time.strftime("%H:%M") if u.slots.time else None)
    await _on_behalf_next(t)


async def _on_behalf_next(t: TurnState) -> None:
    flow = t.flow
    d = flow.data
    if not d.get("phone"):
        flow.state = "collecting_customer_phone"
        t.say("¿Cuál es el teléfono del cliente? Le mando la confirmación por WhatsApp.")
        return
    if not d.get("name") and not d.get("looked_up"):
        d["looked_up"] = True
        known = await t.call("get_customer_history", customer_phone=d["phone"])
        exact = [c for c in (known.data.get("customers", []) if known.ok else []) if c["phone"] == d["phone"]]
        if exact and exact[0]["name"]:
            d["name"] = exact[0]["name"]
    if not d.get("name"):
        flow.state = "collecting_name"
        t.say("¿A nombre de quién?")
        return
    if not d.get("service_id"):
        flow.state = "collecting_service"
        t.say("¿Qué servicio?\n" + bullet_list(s.name for s in t.profile.services))
        return
    if not d.get("day") or not d.get("at"):
        flow.state = "collecting_datetime"
        t.say("¿Qué día y a qué hora? Por ejemplo: «mañana a las 4».")
        return
    service = t.profile.service(d["service_id"])
    result = await t.call("check_availability", service_id=d["service_id"], date_from=d["day"])
    if denied(t, result):
        return
    slots = [x["start"] for x in result.data["slots"]]
    wanted = f"{d['day']}T{d['at']}"
    day = date.fromisoformat(d["day"])
    if wanted not in slots:
        nice = [x for x in slots if local(x).minute in (0, 30)] or slots
        near = sorted(sorted(nice, key=lambda x: abs((local(x) - local(wanted)).total_seconds()))[:3])
        d["at"] = None
        if not near:
            t.say(f"{capitalize_first(t.day_words(day))} ya no hay espacio para {service.name}. ¿Qué otro día?")
            d["day"] = None
            flow.state = "collecting_datetime"
            return
        d["offered"] = near
        flow.state = "choosing_slot"
        t.say(f"A {time_words(local(wanted).time())} no hay espacio {t.day_words(day)}. Lo más cercano:\n"
              + bullet_list(hhmm(x) for x in near) + "\n¿Cuál?")
        return
    d["start"] = wanted
    flow.state = "confirming"
    t.say(f"¿Agendo a {d['name']} ({format_phone(d['phone'])}) para {service.name} {t.day_words(day)} "
          f"{at_hhmm(wanted)}?")


async def on_on_behalf(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    d = flow.data
    state = flow.state
    if state == "collecting_customer_phone":
        d["phone"] = u.slots.phone or extract_phone(t.text)
        if not d["phone"]:
            t.say("No reconocí ese número. Escríbelo a 10 dígitos, por ejemplo 55 1234 5678.")
            return
    elif state == "collecting_name":
        d["name"] = parse_person_name(t.text)
        if not d["name"]:
            t.say("¿Cómo se llama?")
            return
    elif state == "collecting_service":
        services = list(t.profile.services)
        index = numbered(t.text, len(services))
        if index is None:
            match = match_service(t.text, {str(x.id): x.name for x in services})
            d["service_id"] = str(match.candidates[0].id) if match.kind is MatchKind.MATCHED else None
        else:
            d["service_id"] = str(services[index].id)
        if not d["service_id"]:
            t.say("¿Cuál de estos?\n" + bullet_list(x.name for x in services))
            return
    elif state == "collecting_datetime":
        if u.slots.date:
            d["day"] = u.slots.date.start.isoformat()
        if u.slots.time:
            d["at"] = u.slots.time.strftime("%H:%M")
            d["day"] = d.get("day") or t.today.isoformat()
    elif state == "choosing_slot":
        offered = d.get("offered") or []
        index = numbered(t.text, len(offered))
        if index is None:
            index = choose(t.text, [local(x).time() for x in offered]).index
        if index is None:
            t.say("¿Cuál? Dime la hora.")
            return
        d["at"] = offered[index][11:16]
    elif state == "confirming":
        answer = parse_yes_no(t.text)
        if answer.answer is not True:
            flow.state = "closed"
            t.say("Va, no agendé nada.")
            return
        result = await t.call("book_appointment", service_id=d["service_id"], start_time=d["start"],
                              customer_phone=d["phone"], customer_name=d["name"])
        if denied(t, result):
            return
        a = result.data["appointments"][0]
        flow.state = "confirmed"
        t.say(f"Listo ✓ Agendé a {d['name']} para {a['service']} {t.day_words(local(a['start']).date())} "
              f"{at_hhmm(a['start'])} con {a['staff'].split()[0] if a.get('staff') else 'el equipo'}. "
              "Le mandé la confirmación por WhatsApp.")
        return
    await _on_behalf_next(t)


# ---------------------------------------------------------------- customers


async def history(t: TurnState, u: Understanding) -> None:
    phone = u.slots.phone
    name = u.slots.customer_name
    if not phone and not name:
        t.start("history", "collecting_customer")
        t.say("¿De qué cliente? Pásame su teléfono o su nombre.")
        return
    result = await t.call("get_customer_history", customer_phone=phone, customer_name=None if phone else name)
    if denied(t, result):
        return
    t.flow = None
    people = result.data["customers"]
    if not people:
        t.say("No lo tengo registrado: sería su primera visita.")
        return
    lines = []
    for c in people[:3]:
        past = [a for a in c["appointments"] if a["status"] in ("completed", "confirmed", "pending")
                and local(a["start"]) <= t.local_now.replace(tzinfo=None)]
        no_shows = sum(1 for a in c["appointments"] if a["status"] == "no_show")
        upcoming = [a for a in c["appointments"] if a["status"] in ("confirmed", "pending")
                    and local(a["start"]) > t.local_now.replace(tzinfo=None)]
        text = f"👤 {c['name'] or 'Sin nombre'} ({format_phone(c['phone'])}): "
        text += f"{len(past)} visita{'s' if len(past) != 1 else ''}"
        if past:
            last = max(past, key=lambda a: a["start"])
            text += f", la última {t.day_words(local(last['start']).date())} ({last['service']})"
        if no_shows:
            text += f", {no_shows} no-show{'s' if no_shows != 1 else ''}"
        if upcoming:
            nxt = min(upcoming, key=lambda a: a["start"])
            text += f". Próxima cita: {t.day_words(local(nxt['start']).date())} {at_hhmm(nxt['start'])}"
        lines.append(text + ".")
    t.say("\n".join(lines))


async def on_history(t: TurnState, u: Understanding) -> None:
    phone = u.slots.phone or extract_phone(t.text)
    name = None if phone else (u.slots.customer_name or parse_person_name(t.text))
    fake = Understanding(intent=Intent.CUSTOMER_HISTORY, slots=type(u.slots)(phone=phone, customer_name=name))
    await history(t, fake)


async def start_message(t: TurnState, u: Understanding) -> None:
    text = u.slots.message_text
    phone = u.slots.phone
    name = u.slots.customer_name
    if not text or not (phone or name):
        t.say("¿A quién le escribo y qué le digo? Por ejemplo: «dile a Ana López que ya está lista».")
        return
    result = await t.call("get_customer_history", customer_phone=phone, customer_name=None if phone else name)
    if denied(t, result):
        return
    people = result.data["customers"]
    if len(people) != 1:
        t.say("No encontré a ese cliente." if not people else
              "Encontré a varios con ese nombre. Pásame su teléfono, por favor.")
        return
    person = people[0]
    first = (person["name"] or "").split()[0]
    body = f"Hola{' ' + first if first else ''}, {text.rstrip('.')}. - {t.profile.name}"
    t.start("message", "confirming", phone=person["phone"], body=body)
    t.say(f"¿Le mando esto a {person['name'] or format_phone(person['phone'])}?\n\"{body}\"")


async def on_message(t: TurnState, u: Understanding) -> None:
    answer = parse_yes_no(t.text)
    flow = t.flow
    if answer.answer is True:
        result = await t.call("send_message_to_customer", customer_phone=flow.data["phone"], message=flow.data["body"])
        if denied(t, result):
            return
        flow.state = "confirmed"
        t.say("Enviado ✓")
    elif answer.answer is False:
        flow.state = "closed"
        t.say("Va, no le mando nada.")
    else:
        await start_from_intent(t, u)


# ---------------------------------------------------------------- owners and admins


async def start_add_staff(t: TurnState, u: Understanding) -> None:
    t.start("add_staff", "collecting_name", phone=u.slots.phone)
    t.say("¡Claro! Necesito algunos datos:\n1. ¿Cómo se llama?")


async def on_add_staff(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    if flow.state == "collecting_name":
        name = parse_person_name(t.text)
        if not name:
            t.say("¿Cómo se llama? Su nombre y apellido, por ejemplo: Pedro Hernández.")
            return
        flow.data["name"] = name
        if flow.data.get("phone"):
            await _ask_services(t)
            return
        flow.state = "collecting_phone"
        t.say("2. ¿Cuál es su número de WhatsApp?")
    elif flow.state == "collecting_phone":
        phone = u.slots.phone or extract_phone(t.text)
        if not phone:
            t.say("No reconocí ese número. Escríbelo a 10 dígitos, por ejemplo 55 1111 2222.")
            return
        flow.data["phone"] = phone
        await _ask_services(t)
    elif flow.state == "collecting_services":
        services = list(t.profile.services)
        choice = choose(t.text, [s.name for s in services])
        if choice.kind is ChoiceKind.ALL:
            picked = services
        elif choice.kind is ChoiceKind.PICKED:
            picked = [services[i] for i in choice.indexes]
        else:
            match = match_service(t.text, {str(s.id): s.name for s in services})
            picked = [t.profile.service(c.id) for c in match.candidates] if match.kind in (
                MatchKind.MATCHED, MatchKind.COMBINATION) else []
        if not picked:
            t.say("¿Cuáles? Puedes decirme «todos» o los nombres.")
            return
        result = await t.call("add_staff", name=flow.data["name"], phone=flow.data["phone"],
                              service_ids=[str(s.id) for s in picked], permission_level="staff")
        if denied(t, result):
            return
        flow.data["staff_id"] = result.data["staff_id"]
        first = flow.data["name"].split()[0]
        flow.state = "offering_welcome"
        t.say(f"Perfecto. Agregué a {flow.data['name']} ({format_phone(flow.data['phone'])}) como empleado ✓\n\n"
              f"Ahora {first} puede escribirme desde su WhatsApp para:\n"
              "- Ver su agenda\n- Bloquear tiempo\n- Marcar citas completadas\n- Registrar walk-ins\n\n"
              f"¿Quieres que le mande un mensaje de bienvenida explicándole cómo usar Parlo?")
    elif flow.state == "offering_welcome":
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            result = await t.call("send_staff_welcome", staff_id=flow.data["staff_id"])
            if denied(t, result):
                return
            flow.state = "confirmed"
            t.say("Enviado ✓")
        else:
            flow.state = "confirmed"
            t.say("Va. Cuando te escriba, yo le explico cómo funciona. ¿Algo más?")
    else:
        await start_from_intent(t, u)


async def _ask_services(t: TurnState) -> None:
    flow = t.flow
    first = flow.data["name"].split()[0]
    flow.state = "collecting_services"
    t.say(f"3. ¿Qué servicios va a ofrecer {first}?\n" + bullet_list(s.name for s in t.profile.services))


async def start_remove_staff(t: TurnState, u: Understanding) -> None:
    name = u.slots.staff_name
    people = [m for m in t.profile.team if name and name.lower() in m.name.lower() and m.id != t.staff_id]
    if len(people) != 1:
        t.say("¿A quién doy de baja? Dime su nombre como aparece en el equipo: " +
              ", ".join(m.name for m in t.profile.team if m.id != t.staff_id) + ".")
        return
    t.start("remove_staff", "confirming_removal", staff_id=str(people[0].id), name=people[0].name)
    t.say(f"¿Seguro que quieres dar de baja a {people[0].name}? Ya no podrá usar Parlo ni recibir citas.")


async def on_remove_staff(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    answer = parse_yes_no(t.text)
    if answer.answer is True:
        result = await t.call("remove_staff", staff_id=flow.data["staff_id"])
        if denied(t, result):
            return
        flow.state = "confirmed"
        t.say(f"Listo, di de baja a {flow.data['name']} ✓")
    else:
        flow.state = "closed"
        t.say("Va, no cambié nada.")


async def start_rebooking(t: TurnState, u: Understanding) -> None:
    """"Pedro se enfermó, no viene mañana": propose where his appointments go, apply on yes."""
    day = _day(t, u)
    if u.intent is Intent.STAFF_ABSENT:
        name = u.slots.staff_name
        people = [m for m in t.profile.team if name and (m.name == name or name.lower() in m.name.lower())]
        if len(people) != 1:
            t.say("¿Quién va a faltar? Dime su nombre.")
            return
        args = {"kind": "staff_out", "staff_id": str(people[0].id), "first_day": day.isoformat(),
                "reason": "No viene"}
        who = people[0].name.split()[0]
    else:
        args = {"kind": "compact_day", "day": day.isoformat()}
        who = None
    result = await t.call("suggest_rebooking", **args)
    if denied(t, result):
        return
    plan = result.data
    moves = [m for m in plan["moves"] if m["affected"] or u.intent is Intent.COMPACT_SCHEDULE]
    if not plan["moves"] and not plan["unplaceable"]:
        t.say(f"{who} no tiene citas {t.day_words(day)}; no hay nada que mover." if who else
              f"La agenda de {t.day_words(day)} ya está compacta; no hay nada que mover.")
        return
    lines = [f"{m['move_id']}) {hhmm(m['before']['start'])} {m['customer'] or 'Cliente'} ({short_service(m['service'])}) → "
             + (f"con {m['after']['staff'].split()[0]}" if m["after"]["staff"] != m["before"]["staff"] else "")
             + ("" if m["after"]["start"] == m["before"]["start"] else
                f"{' ' if m['after']['staff'] != m['before']['staff'] else ''}{at_hhmm(m['after']['start'])}"
                + (f" {contract('de', t.day_words(local(m['after']['start']).date()))}"
                   if local(m['after']['start']).date() != local(m['before']['start']).date() else ""))
             for m in plan["moves"]]
    count = len(moves) + len(plan["unplaceable"])
    text = (f"{who} tiene {count} cita{'s' if count != 1 else ''} {t.day_words(day)}. Te propongo:\n"
            if who else f"Para compactar {t.day_words(day)} te propongo:\n") + "\n".join(lines)
    if plan["unplaceable"]:
        text += "\n\nNo pude acomodar:\n" + "\n".join(
            f"• {hhmm(x['start'])} {x['customer'] or 'Cliente'} ({short_service(x['service'])})"
            for x in plan["unplaceable"])
    text += f"\n\n{APPLY_HINT} Le aviso a cada cliente." if plan["moves"] else \
        "\n\nEsas citas habría que reagendarlas con cada cliente."
    if plan["moves"]:
        t.start("rebook", "confirming", args=args, plan_id=plan["plan_id"],
                move_ids=[m["move_id"] for m in plan["moves"]],
                appointments={m["move_id"]: m["appointment_id"] for m in plan["moves"]})
    t.say(text)


APPLY_HINT = "¿Aplico todo? Responde «aplica todo», «aplica 1, 3» o «no»."


async def on_rebooking(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    answer = parse_plan_answer(t.text, flow.data["move_ids"])
    if answer.kind is AnswerKind.DECLINE:
        flow.state = "closed"
        t.say("Va, no moví nada.")
        return
    if answer.kind is AnswerKind.UNCLEAR:
        missing = ", ".join(str(n) for n in answer.unknown)
        t.say((f"No tengo la {missing} en la lista. " if missing else "") + APPLY_HINT)
        return
    plan_id, move_ids = flow.data["plan_id"], list(answer.move_ids)
    if flow.data["args"].get("kind") == "staff_out":  # now also take the day off their calendar
        fresh = await t.call("suggest_rebooking", **flow.data["args"], write_block=True)
        if fresh.ok and fresh.data["moves"]:
            # The fresh plan numbers its moves anew: keep the owner's choice by appointment.
            chosen = {flow.data.get("appointments", {}).get(i) for i in move_ids}
            plan_id = fresh.data["plan_id"]
            move_ids = [m["move_id"] for m in fresh.data["moves"]
                        if answer.kind is AnswerKind.APPLY_ALL or m["appointment_id"] in chosen]
    result = await t.call("apply_rebooking", plan_id=plan_id, move_ids=move_ids)
    if denied(t, result):
        return
    flow.state = "confirmed"
    done = result.data["applied"]
    text = f"Listo ✓ Moví {done} cita{'s' if done != 1 else ''} y les avisé a los clientes."
    if result.data["refused"]:
        text += f" {result.data['refused']} ya no se pudieron mover; revísalas en el panel."
    t.say(text)


LEVEL_NAMES = {"owner": "dueño", "admin": "administrador", "staff": "empleado", "viewer": "solo lectura"}


async def start_permissions(t: TurnState, u: Understanding) -> None:
    name = u.slots.staff_name
    people = [m for m in t.profile.team if name and (m.name == name or name.lower() in m.name.lower())]
    level = _level_in(t.text.lower())
    if len(people) != 1 or level is None:
        t.say("¿A quién y con qué permiso? Por ejemplo: «hazla administradora a María» o «Pedro solo ver».")
        return
    person = people[0]
    t.start("permissions", "confirming", staff_id=str(person.id), name=person.name, level=level)
    t.say(f"¿Cambio a {person.name} a {LEVEL_NAMES[level]}?")


async def on_permissions(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    answer = parse_yes_no(t.text)
    if answer.answer is True:
        result = await t.call("change_permissions", staff_id=flow.data["staff_id"], permission_level=flow.data["level"])
        if denied(t, result):
            return
        flow.state = "confirmed"
        t.say(f"Listo ✓ {flow.data['name']} ahora es {LEVEL_NAMES[flow.data['level']]}.")
    else:
        flow.state = "closed"
        t.say("Va, no cambié nada.")


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


async def stats(t: TurnState, u: Understanding) -> None:
    result = await t.call("get_stats")
    if denied(t, result):
        return
    d = result.data
    def n(count: int, one: str, many: str) -> str:
        return f"{count} {one if count == 1 else many}"

    t.say(f"Este mes llevas {n(d['appointments'], 'cita', 'citas')}: {n(d['completed'], 'completada', 'completadas')} "
          f"({format_price(d['revenue_cents'])}), {n(d['no_shows'], 'no-show', 'no-shows')} y "
          f"{n(d['cancelled'], 'cancelada', 'canceladas')}. Clientes nuevos: {d['new_customers']}.")


async def dashboard_link(t: TurnState, u: Understanding) -> None:
    result = await t.call("send_dashboard_link")
    if denied(t, result):
        return
    t.say("Listo, te mandé por WhatsApp la liga para entrar al panel ✓ Vale por 15 minutos y solo funciona una vez.")


FLOW_INTENT = {"block": Intent.BLOCK_TIME, "mark": None, "walk_in": Intent.WALK_IN, "add_staff": Intent.ADD_STAFF,
               "hours": Intent.CHANGE_HOURS}
FLOW_HANDLERS = {"block": on_block, "unblock": on_unblock, "mark": on_mark, "walk_in": on_walk_in,
                 "history": on_history, "message": on_message, "add_staff": on_add_staff,
                 "remove_staff": on_remove_staff, "hours": on_hours, "service": on_service,
                 "permissions": on_permissions, "rebook": on_rebooking, "on_behalf": on_on_behalf,
                 "move": on_move}
