"""A rebooking plan as one WhatsApp message for the owner, and the owner's answer to it.

Both conversation engines use these: the plan comes back as one readable message
("Muevo 5 de 6 citas: 1) … ¿Aplico todo?"), the owner answers "aplica todo", "aplica 1,
3", "sí, todas", "todas menos la 2" or "no", and ``parse_plan_answer`` says which moves to
apply. (The customer notices applying queues, ``appointment_moved_proposal``, and the
waitlist offer, ``waitlist_offer``, are written by ``messaging.templates`` like every notification.)

Times are local to the salon (the plan's zone); days are named relative to the owner's
``today`` ("mañana sábado", "el lunes").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from zoneinfo import ZoneInfo

from messaging.spanish import normalize, parse_yes_no
from resolvers.rebooking import ApplyResult, DisruptionKind, PlannedMove, PlanResult, UnplaceableAppointment
from wording import at_time, capitalize_first, contract, day_reference, format_date, format_duration, format_time

QUESTION_MANY = "¿Aplico todo? Responde «aplica todo», «aplica 1, 3» o «no»."
QUESTION_ONE = "¿Lo aplico? Responde «aplica todo» o «no»."
QUESTION_NONE = "¿Lo aplico? Responde «aplica» o «no»."


def _first_name(name: str | None) -> str:
    return (name or "").split(" ")[0] or "alguien"


def _service(name: str) -> str:
    return name[:1].lower() + name[1:] if name[1:2].islower() or len(name) == 1 else name


def _days(first: date, last: date, today: date) -> str:
    if first == last:
        return day_reference(first, today)
    if first.month == last.month:
        return f"del {format_date(first, weekday=True).rsplit(' de ', 1)[0]} al {format_date(last, today=today)}"
    return f"del {format_date(first, today=today)} al {format_date(last, today=today)}"


def _of(days: str) -> str:
    """"del sábado", "de hoy jueves", and a span already written "del 4 al 8 de enero" as it is."""
    return days if days.startswith("del ") else contract("de", days)


def _headline(plan: PlanResult, today: date) -> str:
    d = plan.disruption
    days = _days(d.first_day, d.last_day, today)
    if d.kind is DisruptionKind.STAFF_OUT:
        return f"{d.staff_name} no viene {days}."
    if d.kind is DisruptionKind.STAFF_BLOCK:
        who = d.staff_name or "El negocio"
        return f"{who} tiene un bloqueo {days}" + (f" ({d.reason})." if d.reason else ".")
    if d.kind is DisruptionKind.SPOT_OUT:
        return f"{d.spot_name} está fuera de servicio {days}."
    if d.kind is DisruptionKind.SHORTENED_HOURS:
        parts = []
        if d.opens_at is not None:
            parts.append(f"abres {at_time(d.opens_at)}")
        if d.closes_at is not None:
            parts.append(f"cierras {at_time(d.closes_at)}")
        return capitalize_first(f"{days} {' y '.join(parts)}.")
    return f"Para compactar la agenda {_of(days)}:"


def _when(instant: datetime, zone: ZoneInfo, today: date, *, with_day: bool) -> str:
    local = instant.astimezone(zone)
    if with_day:
        return f"{day_reference(local.date(), today)} {at_time(local.time())}"
    return format_time(local.time())


def move_line(move: PlannedMove, zone: ZoneInfo, today: date, *, with_day: bool = False) -> str:
    """ "1) Juan Pérez, corte de cabello, 4:00 PM con Pedro → 4:00 PM con María"."""
    before = _when(move.before.starts_at, zone, today, with_day=with_day)
    after = _when(move.after.starts_at, zone, today, with_day=with_day or move.changes_day)
    where = f" con {_first_name(move.after.staff_name)}"
    if move.after.staff_id == move.before.staff_id and move.after.spot_id != move.before.spot_id and move.after.spot_name:
        where += f" en {move.after.spot_name}"
    return (f"{move.id}) {move.customer_name or 'Cliente'}, {_service(move.service_name)}, "
            f"{before} con {_first_name(move.before.staff_name)} → {after}{where}")


def _unplaceable_line(item: UnplaceableAppointment, zone: ZoneInfo, today: date, with_day: bool) -> str:
    when = _when(item.starts_at, zone, today, with_day=with_day)
    return f"• {item.customer_name or 'Cliente'}, {_service(item.service_name)}, {when} con " \
           f"{_first_name(item.staff_name)}: {item.message}"


def plan_message(plan: PlanResult, *, today: date) -> str:
    """The whole plan in one message, ending with the question the owner answers."""
    zone = ZoneInfo(plan.timezone)
    with_day = plan.disruption.first_day != plan.disruption.last_day
    lines = [_headline(plan, today)]
    moves = plan.moves
    if plan.kind is DisruptionKind.COMPACT_DAY:
        if not moves:
            return (f"La agenda {contract('de', day_reference(plan.disruption.first_day, today))} no se puede compactar "
                    "más moviendo solo a clientes que aceptan cambios. No muevo nada.")
        lines.append(f"Muevo {len(moves)} {'cita' if len(moves) == 1 else 'citas'} de clientes que aceptan cambios:")
        lines += [move_line(m, zone, today) for m in moves]
        gained = [b for b in plan.free_blocks if b.after_minutes > b.before_minutes]
        if gained:
            lines.append("Así quedan bloques libres más grandes: " + "; ".join(
                f"{_first_name(b.staff_name)} de {format_duration(b.before_minutes)} a {format_duration(b.after_minutes)}"
                for b in gained) + ".")
    else:
        affected = plan.figures.affected
        kept = sum(1 for m in moves if m.affected)
        if affected == 0:
            return f"{lines[0]} No tiene citas en esas fechas; no hay nada que mover."
        if not moves:
            lines.append(f"No pude mover {'la cita' if affected == 1 else f'ninguna de las {affected} citas'}:")
        else:
            lines.append(f"Muevo {kept} de {affected} {'cita' if affected == 1 else 'citas'}:")
            lines += [move_line(m, zone, today, with_day=with_day) for m in moves]
            nudged = len(moves) - kept
            if nudged:
                lines.append(f"(Para hacer espacio también muevo {nudged} "
                             f"{'cita de un cliente' if nudged == 1 else 'citas de clientes'} que acepta cambios.)")
            if plan.unplaceable:
                count = len(plan.unplaceable)
                lines.append(f"No pude mover {count}:")
        lines += [_unplaceable_line(u, zone, today, with_day) for u in plan.unplaceable]
    if plan.unplaceable:
        lines.append("Al aplicar, a quien no pude mover le escribo con otras opciones (otro día u otra persona) "
                     "o la lista de espera, y su cita queda marcada «necesita nueva hora».")
    if plan.disruption.block_written and plan.kind is not DisruptionKind.COMPACT_DAY:
        lines.append(_outage_note(plan))
    if moves and not plan.optimal:
        lines.append("(Es el mejor plan que encontré en el tiempo que tenía.)")
    lines.append(QUESTION_NONE if not moves else QUESTION_ONE if len(moves) == 1 else QUESTION_MANY)
    return "\n".join(lines)


def _outage_note(plan: PlanResult) -> str:
    d = plan.disruption
    if d.kind is DisruptionKind.STAFF_OUT:
        return f"También bloqueo a {_first_name(d.staff_name)} en tu agenda esos días."
    if d.kind is DisruptionKind.SPOT_OUT:
        return f"También marco {d.spot_name} como fuera de servicio esos días."
    if d.kind is DisruptionKind.SHORTENED_HOURS:
        return "También bloqueo en tu agenda las horas en que no abres."
    return ""


def apply_summary(applied: int, refused: Sequence[tuple[str, str]], *, unplaced_told: int = 0,
                  expired: str | None = None) -> str:
    """What the owner reads after "aplica …" (from the stored plan): moved, told, not moved and why.

    ``refused`` are (move number, reason) pairs; when there are any, the owner is offered a
    fresh plan for just those (``REPLAN_QUESTION``)."""
    if expired:
        return f"{expired} {REPLAN_ALL_QUESTION}"
    lines = []
    if applied:
        lines.append(f"Listo ✓ Moví {applied} {'cita' if applied == 1 else 'citas'} y "
                     + ("le avisé al cliente." if applied == 1 else "les avisé a los clientes."))
    if unplaced_told == 1:
        lines.append("Al cliente sin lugar le escribí con otras opciones; su cita queda como «necesita nueva hora».")
    elif unplaced_told:
        lines.append(f"A los {unplaced_told} clientes sin lugar les escribí con otras opciones; sus citas quedan "
                     "como «necesita nueva hora».")
    if refused:
        lines.append("Estas ya no se pudieron mover, no las toqué:" if applied else "No pude mover ninguna:")
        lines += [f"{number}) {why}" for number, why in refused]
        lines.append(REPLAN_QUESTION)
    return "\n".join(lines) or "Listo ✓ Quedó aplicado."


REPLAN_QUESTION = "¿Te armo un plan nuevo solo para esas? Responde «sí» o «no»."
REPLAN_ALL_QUESTION = "¿Te armo uno nuevo? Responde «sí» o «no»."


class AnswerKind(str, Enum):
    APPLY_ALL = "apply_all"
    APPLY_SOME = "apply_some"
    DECLINE = "decline"
    UNCLEAR = "unclear"


@dataclass(frozen=True, slots=True)
class PlanAnswer:
    """What the owner said: apply all, some (``move_ids``), none, or something else.

    ``unknown`` lists the numbers they gave that the plan does not have (ask again).
    """

    kind: AnswerKind
    move_ids: tuple[str, ...] = ()
    unknown: tuple[int, ...] = ()


_ALL = re.compile(r"\b(?:todo|todos|todas|toda|completo|entero)\b")
_EXCEPT = re.compile(r"\b(?:menos|excepto|salvo|sin)\b(.*)$")
_APPLY = re.compile(r"\b(?:aplica|aplicalo|aplicala|aplicalas|aplicalos|aplicar|aplique|mueve|muevelas|muevelos|"
                    r"solo|nada\s+mas|nomas|la|las|el|los)\b")
_DECLINE = re.compile(r"^(?:no|nel|nop|ninguno|ninguna|nada|cancela|cancelalo|olvidalo|dejalo|mejor\s+no|"
                      r"no\s+apliques|no\s+gracias)\b")
_NUMBER = re.compile(r"\b(\d{1,3})\b")


def parse_plan_answer(text: str, move_ids: Sequence[str]) -> PlanAnswer:
    """Read "aplica todo", "aplica 1, 3", "sí, todas", "todas menos la 2", "solo la 4", "no"."""
    norm = normalize(text)
    valid = [str(i) for i in move_ids]
    if not norm:
        return PlanAnswer(AnswerKind.UNCLEAR)
    if _DECLINE.search(norm) and not _NUMBER.search(norm):
        return PlanAnswer(AnswerKind.DECLINE)
    except_match = _EXCEPT.search(norm)
    head = norm[: except_match.start()] if except_match else norm
    excluded = [int(n) for n in _NUMBER.findall(except_match.group(1))] if except_match else []
    picked = [int(n) for n in _NUMBER.findall(head)]
    unknown = tuple(n for n in dict.fromkeys(picked + excluded) if str(n) not in valid)
    if unknown:
        return PlanAnswer(AnswerKind.UNCLEAR, unknown=unknown)
    yes = parse_yes_no(text).answer
    if _ALL.search(head) or (not picked and (yes is True or re.search(r"\baplica", head))):
        if yes is False:
            return PlanAnswer(AnswerKind.DECLINE)
        chosen = tuple(i for i in valid if int(i) not in excluded)
        if excluded:
            return PlanAnswer(AnswerKind.APPLY_SOME if chosen else AnswerKind.DECLINE, chosen)
        return PlanAnswer(AnswerKind.APPLY_ALL, tuple(valid))
    if picked:
        chosen = tuple(str(n) for n in dict.fromkeys(picked))
        if excluded:
            chosen = tuple(i for i in chosen if int(i) not in excluded)
        return PlanAnswer(AnswerKind.APPLY_SOME, tuple(i for i in valid if i in chosen))
    if yes is False:
        return PlanAnswer(AnswerKind.DECLINE)
    return PlanAnswer(AnswerKind.UNCLEAR)


def applied_message(result: ApplyResult, *, today: date) -> str:
    """What the owner reads after "aplica …": what moved, what did not and why."""
    lines = []
    moved = len(result.applied)
    if moved:
        lines.append(f"Listo: moví {moved} {'cita' if moved == 1 else 'citas'}. "
                     + ("Le pedí al cliente que confirme o elija otro horario." if moved == 1
                        else "Les pedí a los clientes que confirmen o elijan otro horario."))
    if result.refused:
        lines.append("No moví:" if moved else "No pude mover ninguna:")
        lines += [f"{r.move_id}) {r.message}" for r in result.refused]
    return "\n".join(lines) or "No había nada que aplicar."


def declined_message() -> str:
    return "Va, no muevo nada. El plan queda guardado por si cambias de opinión."


def unclear_message(answer: PlanAnswer, move_count: int) -> str:
    if answer.unknown:
        numbers = ", ".join(str(n) for n in answer.unknown)
        return (f"El plan no tiene el {numbers}: van del 1 al {move_count}. "
                "Responde «aplica todo», «aplica 1, 3» o «no».")
    return "No te entendí. Responde «aplica todo», «aplica 1, 3» o «no»."
