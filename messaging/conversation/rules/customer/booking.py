"""A new visit: which services (one or several, one visit), when, then the booking and the name.

What the customer already said is never asked again: the services from a price question,
"lo de siempre" (the last completed visit: its services and stylist), a stylist named,
and every part of the time constraint. Offers follow :mod:`.offers`. Picking an offered
time is the consent (spec examples 1 and 2); a time the customer proposes is confirmed
first, and a new customer is asked their name in that same question, so the booking —
and the owner's notice — carries it.
"""

from __future__ import annotations

from messaging.spanish import Act, ServiceMention, choose, normalize, parse_yes_no
from messaging.spanish.intents import Understanding
from wording import bullet_list, capitalize_first, format_date, format_service_line, format_time

from ..base import TurnState, local, money, numbered
from . import inquiry, offers, router
from .common import (
    begin,
    confirm,
    frame,
    greeting,
    memory,
    name_in_reply,
    offer_alternatives,
    owner_first,
    step,
    visit_price,
    visit_words,
    yes_no,
)
from .state import Memory, Step


def _apply(t: TurnState, mem: Memory) -> None:
    """Merge this message's frame into what the booking knows."""
    f = frame(t)
    mentions = _combined(t, list(f.services))
    named = [str(m.id) for m in mentions if m.id is not None]
    unclear = next((m for m in mentions if m.is_ambiguous), None)
    if named:
        mem.services = list(dict.fromkeys(named))
        mem.candidates = [str(i) for i in unclear.ids] if unclear else []
    elif unclear is not None:
        mem.candidates = [str(i) for i in unclear.ids]
    if len(t.profile.services) == 1 and not mem.services:
        mem.services = [str(t.profile.services[0].id)]
    if f.staff:
        mem.staff_id = str(f.staff[0].id)
    elif f.any_staff:
        mem.staff_id = None
    if not f.when.is_empty:
        when = f.when
        if when.is_relative:
            anchor = mem.chosen or (mem.offered[0] if mem.offered else None)
            when = when.relative_to(local(anchor)) if anchor else when
        mem.when = when.over(mem.when)


def _words(t: TurnState, service_id) -> set[str]:
    service = t.profile.service(str(service_id))
    return {w for w in normalize(service.name).split() if len(w) >= 4} if service else set()


def _covers(t: TurnState, combined, other: ServiceMention) -> bool:
    """Whether one service's name also names another mention ("Mani + Pedi" covers "pies": Pedicure)."""
    mine = _words(t, combined)
    return any(any(a.startswith(b) or b.startswith(a) for a in mine for b in _words(t, other_id))
               for other_id in other.ids)


def _combined(t: TurnState, mentions: list[ServiceMention]) -> list[ServiceMention]:
    """"uñas de manos y pies": when one candidate of an unclear mention is a service that covers the
    other mentions too, that service is the visit."""
    for mention in mentions:
        if not mention.is_ambiguous:
            continue
        others = [m for m in mentions if m is not mention]
        covering = [c for c in mention.candidates if others and all(_covers(t, c.id, o) for o in others)]
        if len(covering) == 1:
            return [ServiceMention(mention.said, (covering[0],))]
    return mentions


def _trusted_name(t: TurnState) -> str | None:
    customer = t.customer
    return customer.name if customer and customer.name and customer.name_is_trusted(t.now) else None


async def start_booking(t: TurnState, u: Understanding, *, remembered: Memory | None = None) -> None:
    carried = remembered or Memory()
    mem = begin(t, "book", Step.SERVICE, Memory(services=carried.services, staff_id=carried.staff_id,
                                                 when=carried.when))
    _apply(t, mem)
    if frame(t).has(Act.SAME_AS_LAST) and not frame(t).services:
        await _same_as_last(t, mem)
    await advance(t, hello=greeting(t) + " " if u.greeted else "")


async def _same_as_last(t: TurnState, mem: Memory) -> None:
    result = await t.call("get_my_last_visit")
    if result.ok and result.value.service_ids:
        mem.services = [s for s in result.value.service_ids if t.profile.service(s)]
        mem.staff_id = mem.staff_id or result.value.staff_id


async def advance(t: TurnState, *, hello: str = "") -> None:
    """Ask for what is missing (services, then the day), or search and offer."""
    mem = memory(t)
    if not mem.services:
        options = [s for s in t.profile.services if str(s.id) in mem.candidates] or list(t.profile.services)
        mem.candidates = [str(s.id) for s in options]
        step(t, Step.SERVICE)
        t.say(f"{hello}¡Claro! ¿Qué servicio te gustaría?\n" + bullet_list(
            format_service_line(s.name, s.price_cents, s.duration_minutes) for s in options))
        return
    when = mem.when
    if not when.says_day and not when.times and when.lean is None:
        step(t, Step.DAY)
        if when.says_clock:
            t.say(f"{hello}¿Y qué día? Por ejemplo: mañana, el sábado o el 20.")
        else:
            t.say(f"{hello}¡Claro! ¿Para qué día te gustaría agendar tu {visit_words(t, mem.services)}?")
        return
    await search_book(t, when, hello=hello)


async def search_book(t: TurnState, when, *, hello: str = "") -> None:
    mem = memory(t)
    mem.when = when
    found = await offers.search(t, services=mem.services, when=when, default_day=t.today, staff_id=mem.staff_id)
    what = f" para {visit_words(t, mem.services)} ({money(visit_price(t, mem.services))})"
    if mem.staff_id and t.profile.member(mem.staff_id):
        what += f" con {t.profile.member(mem.staff_id).name.split()[0]}"
    if found.error:
        step(t, Step.DAY)
        t.say("Ese día ya pasó. ¿Qué otro día te acomoda?" if found.error == "past" else
              f"{found.error} ¿Qué otro día te acomoda?" if found.error != "none" else
              "¿Qué día te acomoda? Por ejemplo: mañana en la tarde, el sábado o el 20.")
        return
    if found.exact is not None:
        mem.chosen = offers.iso(found.exact)
        name = "" if _trusted_name(t) else " ¿Y a nombre de quién la dejo?"
        confirm(t, f"{hello}Tengo {offers.at_words(t, found.exact)}{what}. ¿Te la agendo?{name}")
        return
    if found.nothing:
        step(t, Step.DAY)
        t.say(f"Uy, {offers.when_words(t, found.asked_day or t.today, when)} y los días siguientes ya no tengo espacio "
              f"para {visit_words(t, mem.services)}. ¿Quieres que le pase tu mensaje a {owner_first(t)}?")
        return
    mem.offered = [offers.iso(s) for s in found.offered]
    mem.available = [offers.iso(s) for s in found.available]
    mem.day = (found.day or found.asked_day).isoformat()
    step(t, Step.CHOOSING)
    t.say(offers.offer_text(t, found, when, lead=hello + ("" if hello else "Perfecto. "), what=what))


async def on_book(t: TurnState, u: Understanding) -> None:
    mem, f, state = memory(t), frame(t), t.flow.state
    if state == Step.SERVICE:
        options = [s for s in t.profile.services if str(s.id) in mem.candidates] or list(t.profile.services)
        index = numbered(t.text, len(options))
        if index is None and not f.services:
            index = choose(t.text, [s.name for s in options]).index
        if index is not None:
            mem.services = [str(options[index].id)]
        _apply(t, mem)
        if not mem.services:
            if u.suggests_handoff:
                await inquiry.handoff(t, u)
                return
            mem.tries += 1
            if mem.tries >= 3:
                t.flow = None
                t.say(f"Perdón, no logro entender qué servicio buscas 🙏 ¿Quieres que le avise a {owner_first(t)} "
                      "para que te escriba?")
                begin(t, "inquiry", Step.OFFERED_HANDOFF)
                return
            t.say("¿Cuál de estos servicios te gustaría?\n" + bullet_list(s.name for s in options))
            return
        if mem.when.is_empty:
            step(t, Step.DAY)
            t.say(f"Perfecto. ¿Para qué día te gustaría agendar tu {visit_words(t, mem.services)}?")
            return
        await advance(t)
    elif state == Step.DAY:
        _apply(t, mem)
        if mem.when.is_empty:
            t.say("¿Qué día te acomoda? Por ejemplo: mañana en la tarde, el sábado o el 20.")
            return
        await advance(t)
    elif state == Step.CHOOSING:
        picked, _ = offers.picked(t)
        if picked is not None:
            await book_now(t, offers.iso(picked))
            return
        if f.services and f.service_ids and [str(i) for i in f.service_ids] != mem.services:
            _apply(t, mem)
            await search_book(t, mem.when)
            return
        given = None if _trusted_name(t) else name_in_reply(t, single_word=False)
        if given:
            mem.name = given  # "¿y a nombre de quién?" answered before the time: kept, never asked again
            t.say(f"Gracias, {given.split()[0]}. ¿Cuál horario te funciona?\n"
                  + bullet_list(offers.at_words(t, local(s)) for s in mem.offered))
            return
        await offers.not_picked(t, u, research=search_book)
    elif state == Step.CONFIRMING:
        await _on_confirming(t, u)
    elif state == Step.NAME:
        await take_name(t)
    else:
        await router.start_from_intent(t, u)


async def _on_confirming(t: TurnState, u: Understanding) -> None:
    mem, f = memory(t), frame(t)
    answer = yes_no(t)
    name = None if _trusted_name(t) or answer is False else name_in_reply(t)  # "sí, soy ana", "ana lópez"
    if not f.when.is_empty and (answer is not True or f.has(Act.CORRECT)):
        _apply(t, mem)  # "no, mejor a las 6": only the time changes
        await search_book(t, mem.when)
    elif f.services and answer is not True:
        _apply(t, mem)
        await search_book(t, mem.when)
    elif answer is True or name:
        await book_now(t, mem.chosen, name=name)
    elif answer is False:
        step(t, Step.DAY)
        t.say("Va, ¿para qué otro día?")
    else:
        t.say("¿Te la agendo? Dime «sí» o «no».")


async def book_now(t: TurnState, start_iso: str, *, name: str | None = None) -> None:
    mem = memory(t)
    name = name or mem.name
    result = await t.call("book_appointment", service_ids=mem.services, start_time=start_iso,
                          staff_id=mem.staff_id, customer_name=name)
    if not result.ok:
        if not offer_alternatives(t, result):
            step(t, Step.DAY)
            t.say((result.message or "No pude agendar ese horario.") + " ¿Qué otro día te acomoda?")
        return
    visit = result.value.appointments
    mem.booked, mem.booked_services = visit[0].start, [a.service_id for a in visit]
    if name:
        await t.call("update_my_name", name=name)
    known = name or _trusted_name(t)
    if known:
        step(t, Step.CONFIRMED)
        t.say(f"¡Listo, {known.split()[0]}! " + confirmation_card(t, visit[0].start, [(a.service, a.price_cents) for a in visit]))
        return
    step(t, Step.NAME)
    what = f"tu {visit_words(t, mem.services)} para {offers.at_words(t, mem.booked)}"
    name_on_file = t.customer.name if t.customer else None
    if name_on_file:
        mem.known_name = name_on_file
        t.say(f"Listo, te agendé {what}. Te tengo registrado como {name_on_file}, ¿es correcto?")
    else:
        t.say(f"Listo, te agendé {what}. ¿Me confirmas tu nombre para la cita?")


def confirmation_card(t: TurnState, first_start: str, services: list[tuple[str | None, int | None]]) -> str:
    """The booked visit: its day and time, then each service (name, price in cents), in order."""
    start = local(first_start)
    reminder = "Te enviaré un recordatorio un día antes." if (start.date() - t.today).days > 1 else \
        "Te enviaré un recordatorio antes de tu cita."
    lines = "\n".join(f"💇 {service} - {money(price)}" for service, price in services)
    return ("Tu cita está confirmada:\n"
            f"📅 {capitalize_first(format_date(start.date()))}\n"
            f"⏰ {format_time(start.time())}\n"
            f"{lines}\n\n"
            f"{reminder} ¡Nos vemos!")


async def take_name(t: TurnState) -> None:
    mem = memory(t)
    known = mem.known_name
    said = parse_yes_no(t.text)
    other = name_in_reply(t)
    name = known if known and said.answer is True and not other else other
    if not name:
        t.say("¿A nombre de quién dejo la cita?")
        return
    await t.call("update_my_name", name=name)
    services = [(t.profile.service(s).name, t.profile.service(s).price_cents) for s in mem.booked_services or mem.services]
    step(t, Step.CONFIRMED)
    t.say(f"¡Perfecto, {name.split()[0]}! " + confirmation_card(t, mem.booked, services))
