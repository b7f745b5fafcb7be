"""Offering real free times for the day asked and reading which one the customer picks."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from messaging.spanish import (
    ChoiceKind,
    Intent,
    choose,
    parse_when,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding
from wording import (
    bullet_list,
    capitalize_first,
)

from ..base import TurnState, at_hhmm, hhmm, local, money, time_words
from . import booking, changes
from .common import MAX_OFFERED, SEARCH_AHEAD_DAYS, owner_first, service_words


async def search_and_offer(t: TurnState, when, *, hello: str = "") -> None:
    """Look up real availability for the day said and offer a few times (or the asked one)."""
    flow = t.flow
    service = t.profile.service(flow.data["service_id"])
    day = when.date.start if when.date is not None else t.today
    part = when.part_of_day.value if when.part_of_day else flow.data.pop("part_of_day", None)
    staff_id = flow.data.get("staff_id")
    result = await t.call("check_availability", service_id=str(service.id), date_from=day.isoformat(),
                          date_to=(when.date.end if when.date is not None else day).isoformat(), staff_id=staff_id)
    if not result.ok:
        flow.state = "collecting_datetime"
        t.say((result.message or "No pude revisar la agenda.") + " ¿Qué otro día te acomoda?")
        return
    slots = [s["start"] for s in result.data["slots"]]
    wanted: time | None = when.time
    if wanted is not None:
        exact = [s for s in slots if local(s).time() == wanted and local(s).date() == day]
        if exact:
            flow.data.update(chosen=exact[0], offered=[exact[0]], available=slots)
            if flow.type == "modify":
                await changes.move_now(t, exact[0])
                return
            flow.state = "confirming_summary"
            t.say(f"{hello}Tengo {t.day_words(day)} {at_hhmm(exact[0])} para {service_words(service.name)} "
                  f"({money(service.price_cents)}). ¿Te la agendo?")
            return
    in_part = [s for s in slots if _in_part(local(s).time(), part)] if part else slots
    shown_day = day
    intro = ""
    if not slots:
        candidates = []
    elif wanted is not None:
        intro = f"{capitalize_first(at_hhmm(datetime.combine(day, wanted).isoformat()))} ya no tengo espacio. "
        near = sorted(_nice(slots),
                      key=lambda s: abs((local(s) - datetime.combine(local(s).date(), wanted)).total_seconds()))
        candidates = sorted(near[:MAX_OFFERED])
    elif in_part:
        candidates = spread(in_part)
    elif slots:
        intro = f"{capitalize_first(t.day_words(day))} en la {part} ya no tengo espacio, pero sí tengo otros horarios. " \
            if part else ""
        candidates = spread(slots)
    if not slots:
        later = await t.call("check_availability", service_id=str(service.id),
                             date_from=(day + timedelta(days=1)).isoformat(),
                             date_to=(day + timedelta(days=SEARCH_AHEAD_DAYS)).isoformat(), staff_id=staff_id)
        upcoming = [s["start"] for s in later.data.get("slots", [])] if later.ok else []
        if not upcoming:
            flow.state = "collecting_datetime"
            t.say(f"Uy, {t.day_words(day)} y los días siguientes ya no tengo espacio para "
                  f"{service_words(service.name)}. ¿Quieres que le pase tu mensaje a {owner_first(t)}?")
            return
        shown_day = local(upcoming[0]).date()
        same_day = [s for s in upcoming if local(s).date() == shown_day]
        preferred = [s for s in same_day if _in_part(local(s).time(), part)] if part else same_day
        if wanted is not None:
            near = sorted(_nice(same_day), key=lambda s: abs(local(s).hour * 60 + local(s).minute
                                                             - wanted.hour * 60 - wanted.minute))
            preferred = sorted(near[:MAX_OFFERED])
        candidates = preferred if wanted is not None else spread(preferred or same_day)
        slots = same_day
        closed = day.weekday() not in t.profile.hours
        intro = f"{capitalize_first(t.day_words(day))} no abrimos. " if closed else \
            f"{capitalize_first(t.day_words(day))} ya no tengo espacio. "
    flow.data.update(offered=candidates, available=slots, day=shown_day.isoformat())
    flow.state = "choosing_slot"
    price = f" para {service_words(service.name)} ({money(service.price_cents)})" if flow.type == "book" else ""
    if staff_id and t.profile.member(staff_id):
        price += f" con {t.profile.member(staff_id).name.split()[0]}"
    lead = hello + (intro or ("" if hello else "Perfecto. "))
    t.say(f"{lead}{capitalize_first(t.day_words(shown_day))} tengo disponibles estos horarios{price}:\n"
          + bullet_list(hhmm(s) for s in candidates) + "\n¿Cuál te funciona mejor?")


def _in_part(t: time, part: str | None) -> bool:
    bounds = {"manana": (0, 12), "mediodia": (12, 15), "tarde": (12, 19), "noche": (19, 24)}.get(part or "")
    return bounds is None or bounds[0] <= t.hour < bounds[1]


def _nice(slots: list[str]) -> list[str]:
    """O'clock and half-hour starts, when there are any: easier to read and to say."""
    return [s for s in slots if local(s).minute in (0, 30)] or slots


def spread(slots: list[str], count: int = MAX_OFFERED) -> list[str]:
    """A few times spread over the span, preferring o'clock and half-hour starts."""
    nice = [s for s in slots if local(s).minute in (0, 30)] or slots
    if len(nice) <= count:
        return nice
    step = (len(nice) - 1) / (count - 1)
    return sorted({nice[round(i * step)] for i in range(count)})


_CLOCK_TIME = re.compile(r"\b(a\s+la|a\s+las|las|la\s+una)\s+\d|\d\s*:\s*\d\d|\d\s*(y\s+media|y\s+cuarto|pm|am|p\.\s*m|a\.\s*m)"
                         r"|\bmedio\s*d[ií]a\b", re.IGNORECASE)


def names_a_clock_time(text: str) -> bool:
    """True when the words state a time of day ("a las 4", "4:30"), not a position ("la 2", "2")."""
    return bool(_CLOCK_TIME.search(text))


async def pick_slot(t: TurnState, u: Understanding) -> None:
    flow = t.flow
    offered: list[str] = flow.data.get("offered", [])
    available: list[str] = flow.data.get("available", offered)
    when = parse_when(t.text, t.today, bare_time=True)
    exact = [s for s in offered + available if when.time is not None and local(s).time() == when.time
             and (when.date is None or when.date.start == local(s).date())]
    choice = choose(t.text, [local(s).time() for s in offered])
    index = choice.index
    if index is not None and when.time is not None and names_a_clock_time(t.text) \
            and local(offered[index]).time() != when.time:
        # "A las 4" when 4:30 was offered: a different time is the customer's choice to make, not ours.
        index = None
    picked: str | None = exact[0] if exact else offered[index] if index is not None else None
    if picked is None and when.time is not None and (when.date is None or
                                                     when.date.start.isoformat() == flow.data.get("day")):
        same = [s for s in available if local(s).time() == when.time]
        picked = same[0] if same else None
        if picked is None:
            when_day = date.fromisoformat(flow.data["day"]) if flow.data.get("day") else t.today
            near = sorted(_nice(available), key=lambda s: abs(local(s).hour * 60 + local(s).minute
                                                              - when.time.hour * 60 - when.time.minute))[:3]
            flow.data["offered"] = sorted(near)
            t.say(f"A {time_words(when.time)} ya no tengo espacio {t.day_words(when_day)}. Lo más cercano es:\n"
                  + bullet_list(hhmm(s) for s in sorted(near)) + "\n¿Te sirve alguno?")
            return
    if picked is None and u.slots.soonest and (offered or available):
        picked = sorted(offered or available)[0]  # "ahorita", "lo antes posible"
    if picked is None:
        yes_no = parse_yes_no(t.text)
        if when.date is not None:
            await search_and_offer(t, when)
            return
        if u.intent in (Intent.THANKS, Intent.GOODBYE):
            t.flow = None
            t.say("¡Con gusto! Si más tarde quieres agendar, aquí estoy. 👋")
            return
        tries = flow.data["tries"] = flow.data.get("tries", 0) + 1
        if tries >= 3:
            t.flow = None
            t.say(f"Perdón, no logro entender qué horario prefieres 🙏 ¿Quieres que le avise a {owner_first(t)} "
                  "para que te escriba?")
            t.start("inquiry", "offered_handoff")
            return
        if yes_no.wants_other_day or choice.kind in (ChoiceKind.OTHER, ChoiceKind.NONE) or yes_no.answer is False:
            flow.state = "collecting_datetime"
            t.say("Va, ¿qué otro día te acomoda?")
            return
        if choice.kind is ChoiceKind.AMBIGUOUS:
            t.say("¿Cuál de esos horarios? Dime la hora exacta, por ejemplo «" + hhmm(offered[0]) + "».")
            return
        t.say("¿Cuál horario te funciona? Dime la hora, por ejemplo «" + hhmm(offered[0]) + "»." if offered else
              "¿Qué día y a qué hora te acomoda?")
        return
    if flow.type == "modify":
        await changes.move_now(t, picked)
        return
    customer = t.customer
    if customer and customer.name_is_trusted(t.now):
        await booking.book_now(t, picked, confirmed_name=True)
    else:
        await booking.book_now(t, picked, confirmed_name=False)
