"""Blocking and unblocking time: "bloquea de 2 a 3 para mi comida", "quita el bloqueo de las 4"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from messaging.spanish import (
    RangeKind,
    choose,
    parse_yes_no,
)
from messaging.spanish.intents import Understanding
from wording import join_words, time_span, time_with_article

from ..base import TurnState, at_hhmm, hhmm, local, numbered, time_words
from .common import asked_day, denied, restart
from .state import Block, BlockState, Step, UnblockState, begin, kept


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
    close = closing_time(t, day)
    if kind is RangeKind.ALL_DAY:
        return datetime.combine(day, time(0), zone), datetime.combine(day + timedelta(days=1), time(0), zone)
    if kind is RangeKind.FROM or (kind is RangeKind.AT and r_end is None and False):
        return datetime.combine(day, r_start, zone), datetime.combine(day, close, zone)
    if kind is RangeKind.UNTIL:
        return datetime.combine(day, opening_time(t, day), zone), datetime.combine(day, r_end or r_start, zone)
    if r_end is None:  # "bloquea las 4": that hour
        start = datetime.combine(day, r_start, zone)
        return start, start + timedelta(hours=1)
    return datetime.combine(day, r_start, zone), datetime.combine(day, r_end, zone)


def closing_time(t: TurnState, day: date) -> time:
    ranges = t.profile.hours.get(day.weekday())
    end = ranges[-1][1] if ranges else time(21, 0)
    return end if end != time(0) else time(23, 59)


def opening_time(t: TurnState, day: date) -> time:
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
    day = asked_day(t, u)
    span = _range_from(t, u, day)
    block = BlockState(day=day, reason=_reason(t.text),
                       leaving_early="temprano" in t.text.lower() or "salir" in t.text.lower())
    begin(t, block, Step.TIME_RANGE)
    if span is None:
        t.say(f"¿De qué hora a qué hora bloqueo {t.day_words(day)}?")
        return
    block.single = _single(u)
    await _block_checked(t, *span, all_day=_all_day(u))


def _all_day(u: Understanding) -> bool:
    return u.slots.time_range is not None and u.slots.time_range.kind is RangeKind.ALL_DAY


async def _block_checked(t: TurnState, start: datetime, end: datetime, *, all_day: bool = False) -> None:
    """Block, unless it falls outside the person's hours: then say so and ask first."""
    outside = await _outside_hours(t, start, end, all_day=all_day)
    if outside is None:
        await _block(t, start, end)
        return
    block = kept(t, BlockState)
    t.flow.state = Step.OUTSIDE_HOURS
    block.start, block.end = _minutes(start), _minutes(end)
    what = "todo el día" if all_day else time_span(start.time(), end.time())
    t.say(f"Ojo: {outside}. ¿Bloqueo {what} {t.day_words(start.date())} de todos modos?")


async def _outside_hours(t: TurnState, start: datetime, end: datetime, *, all_day: bool) -> str | None:
    """Why the span is outside the sender's working hours that day ("el sábado no trabajas"), or None."""
    day = start.date()
    result = await t.call("get_my_schedule", date=day.isoformat())
    if not result.ok:
        return None  # the block itself will say what is wrong
    when = t.day_words(day)  # after "Ojo:", lowercase
    if result.value.closed:
        return f"{when} el negocio está cerrado"
    working = [(time.fromisoformat(a), time.fromisoformat(b)) for p in result.value.staff for a, b in p.working]
    if not working:
        return f"{when} no trabajas según tu horario"
    if all_day:
        return None
    local_end = (end - timedelta(minutes=1)).time() if end.date() != day else end.time()
    if any(a <= start.time() and (local_end <= b or b == time(0)) for a, b in working):
        return None
    hours = join_words(time_span(a, b) for a, b in working)
    return f"{when} tu horario es {hours}"


def _single(u: Understanding) -> bool:
    """"Bloquea las 4": one time said, not a range."""
    r = u.slots.time_range
    return r is None or (r.kind is RangeKind.AT and r.end is None)


def _minutes(moment: datetime) -> datetime:
    """A local moment as kept: naive, to the minute."""
    return moment.replace(tzinfo=None, second=0, microsecond=0)


async def _block(t: TurnState, start: datetime, end: datetime) -> None:
    flow, block = t.flow, kept(t, BlockState)
    result = await t.call("block_time", start_time=start.replace(tzinfo=None).isoformat(timespec="minutes"),
                          end_time=end.replace(tzinfo=None).isoformat(timespec="minutes"), reason=block.reason)
    if denied(t, result):
        return
    single_hour = False
    if end - start == timedelta(hours=1):
        single_hour, block.single = block.single, False  # said once: a later block is a span
    what = time_with_article(start.time()) if single_hour else time_span(start.time(), end.time())
    day = start.date()
    when = "" if day == t.today else f" {t.day_words(day)}"
    text = f"Listo, bloqueé {what}{when} ✓"
    overlapping = result.value.overlapping
    if overlapping:
        text += "\nOjo: " + "; ".join(f"{at_hhmm(a.start)} tienes a {a.customer or 'un cliente'}"
                                      for a in overlapping) + ". Esas citas siguen en pie."
    block.blocked.append(what)
    close = closing_time(t, day)
    if block.leaving_early and end.time() < close and not block.offered_more:
        flow.state = Step.OFFERING_MORE
        block.offered_more, block.more_from = True, _minutes(end)
        text += f" ¿Quieres que también bloquee de {time_words(end.time()).split(' ')[1]} en adelante?"
    else:
        flow.state = Step.CONFIRMED
        text += " ¿Algo más?"
    t.say(text)


async def on_block(t: TurnState, u: Understanding) -> None:
    flow, block = t.flow, kept(t, BlockState)
    if flow.state == Step.TIME_RANGE:
        span = _range_from(t, u, u.slots.date.start if u.slots.date else block.day)
        if span is None:
            t.say("¿De qué hora a qué hora? Por ejemplo: «de 2 a 3».")
            return
        block.single = _single(u)
        await _block_checked(t, *span, all_day=_all_day(u))
    elif flow.state == Step.OUTSIDE_HOURS and block.start is not None and block.end is not None:
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            zone = t.profile.zone
            await _block(t, block.start.replace(tzinfo=zone), block.end.replace(tzinfo=zone))
        elif answer.answer is False:
            flow.state = Step.CLOSED
            t.say("Va, no bloqueé nada.")
        else:
            await restart(t, u)
    elif flow.state == Step.OFFERING_MORE and block.more_from is not None:
        answer = parse_yes_no(t.text)
        if answer.answer is True:
            start = block.more_from.replace(tzinfo=t.profile.zone)
            end = datetime.combine(start.date(), closing_time(t, start.date()), t.profile.zone)
            block.leaving_early = False
            await _block(t, start, end)
        else:
            flow.state = Step.CONFIRMED
            blocked = block.blocked or ["ese horario"]
            only = blocked[0]
            t.say(f"Perfecto, solo {only} bloqueada{'s' if only.startswith('las ') else ''}. ¿Algo más?"
                  if only.startswith(("la ", "las ")) else f"Perfecto, solo quedó bloqueado {only}. ¿Algo más?")
    else:
        await restart(t, u)


async def unblock(t: TurnState, u: Understanding) -> None:
    day = asked_day(t, u)
    result = await t.call("list_blocks", date=day.isoformat())
    if denied(t, result):
        return
    blocks = list(result.value.blocks)
    said = u.slots.time_range.start if u.slots.time_range else u.slots.time
    if said is not None:
        blocks = [b for b in blocks if local(b.start).time() <= said < local(b.end).time()] or \
            [b for b in blocks if local(b.start).time() == said]
    if not blocks:
        t.say(f"No encontré bloqueos {t.day_words(day)}" + (f" a {time_words(said)}" if said else "") + ".")
        return
    if len(blocks) > 1:
        begin(t, UnblockState([Block(b.block_id, b.start, b.end) for b in blocks]), Step.SELECTING_BLOCK)
        t.say("¿Cuál bloqueo quito?\n" + "\n".join(
            f"{i}. {hhmm(b.start)} - {hhmm(b.end)}" for i, b in enumerate(blocks, 1)))
        return
    await _unblock(t, Block(blocks[0].block_id, blocks[0].start, blocks[0].end))


async def _unblock(t: TurnState, block: Block) -> None:
    result = await t.call("unblock_time", block_id=block.block_id)
    if denied(t, result):
        return
    t.flow = None
    t.say(f"Listo, quité el bloqueo de {hhmm(block.start)} a {hhmm(block.end)} ✓ Ese tiempo ya está libre.")


async def on_unblock(t: TurnState, u: Understanding) -> None:
    blocks = kept(t, UnblockState).blocks
    index = numbered(t.text, len(blocks))
    if index is None:
        index = choose(t.text, [local(b.start).time() for b in blocks]).index
    if index is None:
        t.say("¿Cuál? Dime el número.")
        return
    await _unblock(t, blocks[index])
