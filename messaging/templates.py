"""Every notification Parlo sends, in one place: its name, its variables, its Spanish text.

Use cases queue notifications as raw facts (``resolvers.outbox.enqueue(template_name=...,
variables={...})``): ISO instants, the organization's IANA zone, names, centavos. Here
those facts become words, at delivery time:

* inside WhatsApp's 24-hour session window the text is sent as a plain session message;
* outside it WhatsApp only accepts a template approved by Meta, so the row goes out as
  Twilio ``content_sid`` + ``content_variables`` (numbered ``{"1": …}``), with the same
  formatted pieces the session text uses. Content SIDs are configured per template name
  (``PARLO_TWILIO_CONTENT_SIDS``).

Variables per template (required first, ``?`` = optional):

========================  ===========================================================
appointment_confirmation  business_name, service_name, starts_at, timezone, staff_name?, price_cents?, address?, customer_name?
appointment_reminder      business_name, service_name, starts_at, timezone, staff_name?, address?, customer_name?
appointment_cancelled     business_name, service_name, starts_at, timezone, reason?, customer_name?
appointment_rescheduled   business_name, service_name, previous_starts_at, starts_at, timezone, staff_name?
new_booking               service_name, starts_at, timezone, customer_name?, customer_phone?, staff_name?   (to staff)
customer_cancelled        service_name, starts_at, timezone, customer_name?, customer_phone?, staff_name?   (to staff)
customer_rescheduled      service_name, previous_starts_at, starts_at, timezone, customer_name?, customer_phone?, staff_name?   (to staff)
employee_welcome          business_name, staff_name, business_number?
magic_link                url, business_name?, minutes_valid?
plan_limit                business_name, limit, used?
plan_limit_reached        business_name, limit, used?, month?, plan?                   (to the owner)
waitlist_offer            business_name, service_name, starts_at, timezone, staff_name?
appointment_moved_proposal business_name, service_name, previous_starts_at, starts_at, timezone, staff_name?, previous_staff_name?, staff_changed?, already_moved?
appointment_needs_new_time business_name, service_name, starts_at, timezone, staff_name?, customer_name?, options? [{starts_at, staff_name}], service_names?
appointment_reminder_2h   business_name, service_name, starts_at, timezone, staff_name?, address?
daily_summary             business_name, timezone, date?, appointment_count?, appointments?, staff_name?, needs_new_time?   (to the owner)
review_request            business_name, service_name, customer_name?, staff_name?
no_show_rebook            business_name, service_name, starts_at, timezone, customer_name?
staff_onboarding_completed business_name, staff_name, services?                      (to the owner)
handoff_request           reason?, customer_name?, customer_phone?                   (to the owner)
========================  ===========================================================

:data:`SAMPLES` holds example variables for every template (``parlo templates`` prints
them with their Spanish text, for submission to Twilio/Meta).

Aliases accepted (:data:`ALIASES`): ``start`` for ``starts_at``, ``previous_start`` for
``previous_starts_at``, ``organization_name`` for ``business_name``, ``bookings_used`` for
``used``. ``service_names`` (a list) names a visit of several services. A missing customer
name is written as "Un cliente (55 1234 5678)" from ``customer_phone``.

An unknown template name or a missing variable raises :class:`TemplateError`; delivery
records it on the row as a permanent failure instead of crashing the worker.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from messaging.spanish.phones import format_phone, format_phone_international
from wording import at_time, capitalize_first, contract, day_reference, format_date, format_price, format_time

#: WhatsApp's customer-care window: free-form messages only within 24 h of the customer's last message.
SESSION_WINDOW = timedelta(hours=24)


class TemplateError(ValueError):
    """A notification that cannot be written: unknown template or missing/invalid variables."""


@dataclass(frozen=True, slots=True)
class Rendered:
    """A notification in words: the session text and the numbered template variables."""

    body: str
    content_variables: dict[str, str]


#: Other names the use cases give the same fact (``resolvers/scheduling/notices.py`` writes
#: ``start`` and ``organization_name``); either is accepted.
ALIASES: dict[str, tuple[str, ...]] = {
    "starts_at": ("start",),
    "previous_starts_at": ("previous_start",),
    "business_name": ("organization_name",),
    "used": ("bookings_used",),
}


def fact(variables: Mapping[str, Any], name: str) -> Any:
    for key in (name, *ALIASES.get(name, ())):
        value = variables.get(key)
        if value not in (None, ""):
            return value
    return None


@dataclass(frozen=True, slots=True)
class _Facts:
    """Variables with the common ones already turned into words."""

    raw: Mapping[str, Any]
    now: datetime

    def text(self, name: str) -> str:
        value = fact(self.raw, name)
        if value is None or str(value).strip() == "":
            raise TemplateError(f"falta la variable {name!r}")
        return str(value).strip()

    def optional(self, name: str) -> str | None:
        value = fact(self.raw, name)
        return str(value).strip() if value not in (None, "") else None

    def service(self) -> str:
        """"Corte de cabello", or "Corte de cabello y Arreglo de barba" for a visit of several."""
        names = [str(n) for n in (self.raw.get("service_names") or []) if n]
        if len(names) > 1:
            return ", ".join(names[:-1]) + " y " + names[-1]
        return self.text("service_name")

    def customer(self) -> str:
        """The customer's name, or their phone while Parlo has not learned the name yet."""
        name = self.optional("customer_name")
        if name:
            return name
        phone = self.optional("customer_phone")
        return f"Un cliente ({format_phone(phone)})" if phone else "Un cliente"

    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.raw.get("timezone") or "America/Mexico_City")
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise TemplateError(f"zona horaria inválida: {self.raw.get('timezone')!r}") from exc

    def instant(self, name: str) -> datetime:
        try:
            moment = datetime.fromisoformat(self.text(name).replace("Z", "+00:00"))
        except ValueError as exc:
            raise TemplateError(f"{name} no es un instante ISO-8601") from exc
        if moment.tzinfo is None:
            raise TemplateError(f"{name} necesita zona horaria (UTC)")
        return moment.astimezone(self.zone())

    def day(self, name: str) -> str:
        """"mañana viernes", "el lunes", "el viernes 22 de enero" — relative to now, locally."""
        return day_reference(self.instant(name).date(), self.now.astimezone(self.zone()).date())

    def time(self, name: str) -> str:
        return format_time(self.instant(name).time())

    def at(self, name: str) -> str:
        """"a las 3:00 PM", "a la 1:00 PM"."""
        return at_time(self.instant(name).time())

    def price(self, name: str) -> str | None:
        value = self.raw.get(name)
        if value is None:
            return None
        try:
            return format_price(int(value))
        except (TypeError, ValueError) as exc:
            raise TemplateError(f"{name} debe ser un entero en centavos") from exc


Writer = Callable[[_Facts], Rendered]


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    write: Writer = field(repr=False)


def _with(*parts: str | None) -> str:
    return "".join(p for p in parts if p)


def _confirmation(f: _Facts) -> Rendered:
    day, hour, service, business = f.day("starts_at"), f.time("starts_at"), f.service(), f.text("business_name")
    staff, price, address = f.optional("staff_name"), f.price("price_cents"), f.optional("address")
    body = _with(
        f"¡Listo! Tu cita de {service} en {business} quedó para {day} {f.at('starts_at')}",
        f" con {staff}" if staff else None, ".",
        f"\nPrecio: {price}" if price else None,
        f"\n📍 {address}" if address else None,
        "\nSi necesitas cambiarla o cancelarla, solo escríbeme por aquí.",
    )
    return Rendered(body, {"1": service, "2": capitalize_first(day), "3": hour, "4": business, "5": staff or ""})


def _reminder(f: _Facts) -> Rendered:
    day, hour, service, business = f.day("starts_at"), f.time("starts_at"), f.service(), f.text("business_name")
    staff, address = f.optional("staff_name"), f.optional("address")
    body = _with(
        f"¡Hola! Te recuerdo tu cita de {service} en {business} {day} {f.at('starts_at')}",
        f" con {staff}" if staff else None, ".",
        f"\n📍 {address}" if address else None,
        "\n¿Nos confirmas que vienes? Si no puedes, avísame y la cambiamos.",
    )
    return Rendered(body, {"1": service, "2": day, "3": hour, "4": business})


def _cancelled(f: _Facts) -> Rendered:
    day, hour, service, business = f.day("starts_at"), f.time("starts_at"), f.service(), f.text("business_name")
    reason = f.optional("reason")
    body = _with(
        f"Tu cita de {service} en {business} {contract('de', day)} {f.at('starts_at')} quedó cancelada.",
        f" Motivo: {reason}." if reason else None,
        " Si quieres agendar otra, aquí estoy.",
    )
    return Rendered(body, {"1": service, "2": day, "3": hour, "4": business})


def _rescheduled(f: _Facts) -> Rendered:
    before_day, before_hour = f.day("previous_starts_at"), f.time("previous_starts_at")
    day, hour, service, business = f.day("starts_at"), f.time("starts_at"), f.service(), f.text("business_name")
    staff = f.optional("staff_name")
    body = _with(
        f"Movimos tu cita de {service} en {business}: ya no es {before_day} {f.at('previous_starts_at')}, "
        f"ahora es {day} {f.at('starts_at')}",
        f" con {staff}" if staff else None, ".",
        " Si no te queda, escríbeme y buscamos otro horario.",
    )
    return Rendered(body, {"1": service, "2": day, "3": hour, "4": business, "5": before_day, "6": before_hour})


def _new_booking(f: _Facts) -> Rendered:
    day, hour, service, customer = f.day("starts_at"), f.time("starts_at"), f.service(), f.customer()
    staff = f.optional("staff_name")
    body = _with(f"📅 Nueva cita: {customer}, {service}, {day} {f.at('starts_at')}", f" con {staff}" if staff else None, ".")
    return Rendered(body, {"1": customer, "2": service, "3": day, "4": hour})


def _customer_cancelled(f: _Facts) -> Rendered:
    day, hour, service, customer = f.day("starts_at"), f.time("starts_at"), f.service(), f.customer()
    staff = f.optional("staff_name")
    body = _with(f"❌ {customer} canceló su cita de {service} {contract('de', day)} {f.at('starts_at')}",
                 f" con {staff}" if staff else None, ". Ese espacio quedó libre.")
    return Rendered(body, {"1": customer, "2": service, "3": day, "4": hour})


def _customer_rescheduled(f: _Facts) -> Rendered:
    day, hour, service, customer = f.day("starts_at"), f.time("starts_at"), f.service(), f.customer()
    before_day = f.day("previous_starts_at")
    staff = f.optional("staff_name")
    body = _with(f"🔄 {customer} cambió su cita de {service} {contract('de', before_day)} {f.at('previous_starts_at')} "
                 f"a {day} {f.at('starts_at')}", f" con {staff}" if staff else None, ".")
    return Rendered(body, {"1": customer, "2": service, "3": before_day, "4": day, "5": hour})


def _employee_welcome(f: _Facts) -> Rendered:
    business, staff = f.text("business_name"), f.text("staff_name")
    number = f.optional("business_number")
    body = _with(
        f"¡Hola, {staff}! {business} te agregó a Parlo para manejar tu agenda por WhatsApp.",
        f" Escríbele al {format_phone(number)} cuando quieras ver tus citas o bloquear un horario." if number
        else " Contéstame este mensaje para empezar.",
        "\nPuedes preguntarme cosas como «¿qué tengo hoy?», «bloquea de 2 a 3 para mi comida», "
        "«agenda a Juan mañana a las 5» o «el de las 11 no llegó».",
    )
    return Rendered(body, {"1": staff, "2": business, "3": format_phone(number) if number else ""})


def _magic_link(f: _Facts) -> Rendered:
    url = f.text("url")
    business = f.optional("business_name")
    minutes = f.optional("minutes_valid") or "15"
    body = _with(
        "Aquí está tu enlace para entrar al panel",
        f" de {business}" if business else None,
        f": {url}\nFunciona una sola vez y vence en {minutes} minutos. Si no lo pediste tú, ignóralo.",
    )
    return Rendered(body, {"1": url, "2": minutes})


def _plan_limit(f: _Facts) -> Rendered:
    business, limit = f.text("business_name"), f.text("limit")
    body = (f"{business} llegó a las {limit} citas de este mes del plan gratuito. Las citas nuevas por WhatsApp "
            "quedan en pausa hasta el próximo mes; si quieres seguir sin límite, cambia de plan desde tu panel.")
    return Rendered(body, {"1": business, "2": limit})


def _plan_limit_reached(f: _Facts) -> Rendered:
    business, limit = f.text("business_name"), f.text("limit")
    body = (f"Aviso para {business}: este mes ya pasaron las {limit} citas del plan gratuito. "
            "Tus clientes pueden seguir agendando; para no tener límite, cambia de plan desde tu panel.")
    return Rendered(body, {"1": business, "2": limit})


def _waitlist_offer(f: _Facts) -> Rendered:
    day, hour, service, business = f.day("starts_at"), f.time("starts_at"), f.service(), f.text("business_name")
    staff = f.optional("staff_name")
    body = _with(
        f"¡Buenas noticias! Se liberó un lugar para {service} en {business} {day} {f.at('starts_at')}",
        f" con {staff}" if staff else None,
        ". ¿Lo quieres? Contéstame «sí» y te lo aparto; si no, no te preocupes.",
    )
    return Rendered(body, {"1": service, "2": day, "3": hour, "4": business})


def _needs_new_time(f: _Facts) -> Rendered:
    """A re-plan found no place for the visit (its stylist or chair is out): what the solver did
    find instead, numbered (the reply books one), and the waitlist for that day."""
    day, service, business = f.day("starts_at"), f.service(), f.text("business_name")
    staff = f.optional("staff_name")
    today = f.now.astimezone(f.zone()).date()
    options = []
    for option in list(f.raw.get("options") or [])[:3]:
        try:
            moment = datetime.fromisoformat(str(option["starts_at"]).replace("Z", "+00:00")).astimezone(f.zone())
        except (KeyError, ValueError, TypeError) as exc:
            raise TemplateError("una opción sin hora válida") from exc
        who = str(option.get("staff_name") or "").split(" ")[0]
        options.append(f"{day_reference(moment.date(), today)} {at_time(moment.time())}" + (f" con {who}" if who else ""))
    name = (f.optional("customer_name") or "").split(" ")[0]
    body = _with(
        f"Hola{' ' + name if name else ''}, te escribimos de {business}. Lo sentimos: tu cita de {service} "
        f"{day} {f.at('starts_at')}", f" con {staff}" if staff else None,
        " ya no se puede hacer y no encontramos otro lugar ese día.",
    )
    if options:
        body += "\nTe podemos ofrecer:\n" + "\n".join(f"{n}. {text}" for n, text in enumerate(options, 1))
        body += (f"\nContéstame con el número para apartarlo, o «lista de espera» y te aviso si se libera un "
                 f"lugar {day}.")
    else:
        body += (f"\nContéstame «lista de espera» y te aviso si se libera un lugar {day}, o dime qué otro día "
                 "te acomoda.")
    return Rendered(body, {"1": service, "2": day, "3": f.time("starts_at"), "4": business,
                           "5": "; ".join(options) or "-"})


def _moved_proposal(f: _Facts) -> Rendered:
    """Sent after a rebooking plan is applied (``already_moved``): the visit *is* at the new time,
    so the customer confirms it or asks for another; without the flag it is a question."""
    before_day, before_hour = f.day("previous_starts_at"), f.time("previous_starts_at")
    day, hour, service, business = f.day("starts_at"), f.time("starts_at"), f.service(), f.text("business_name")
    staff, before_staff = f.optional("staff_name"), f.optional("previous_staff_name")
    changed = bool(f.raw.get("staff_changed")) and staff and before_staff and staff != before_staff
    with_whom = f", ahora con {staff} en lugar de {before_staff}" if changed else (f" con {staff}" if staff else None)
    if f.raw.get("already_moved"):
        body = _with(
            f"Hola, te escribimos de {business}. Tuvimos que mover tu cita de {service} {contract('de', before_day)} "
            f"{f.at('previous_starts_at')} {contract('a', day)} {f.at('starts_at')}", with_whom,
            ". ¿Te queda bien? Contéstame «sí» para confirmarla, o dime qué otro horario te acomoda y te lo busco.",
        )
    else:
        body = _with(
            f"Hola, te escribimos de {business}. ¿Te podemos mover tu cita de {service} {contract('de', before_day)} "
            f"{f.at('previous_starts_at')} {contract('a', day)} {f.at('starts_at')}", with_whom,
            "? Contéstame «sí» para moverla o «no» para dejarla como está.",
        )
    return Rendered(body, {"1": service, "2": before_day, "3": before_hour, "4": day, "5": hour, "6": business})


def _reminder_soon(f: _Facts) -> Rendered:
    day, hour, service, business = f.day("starts_at"), f.time("starts_at"), f.service(), f.text("business_name")
    staff, address = f.optional("staff_name"), f.optional("address")
    body = _with(
        f"¡Te esperamos {day} {f.at('starts_at')} para tu {service} en {business}",
        f" con {staff}" if staff else None, "!",
        f"\n📍 {address}" if address else None,
        "\nSi se te complica llegar, avísame por aquí.",
    )
    return Rendered(body, {"1": service, "2": day, "3": hour, "4": business})


def _daily_summary(f: _Facts) -> Rendered:
    """The owner's morning: the day's count and the first appointments, one per line."""
    business, staff = f.text("business_name"), f.optional("staff_name")
    items = list(f.raw.get("appointments") or [])
    try:
        day = format_date(datetime.fromisoformat(f.optional("date")).date() if f.optional("date")
                          else f.now.astimezone(f.zone()).date())
    except ValueError as exc:
        raise TemplateError("date debe ser una fecha ISO (AAAA-MM-DD)") from exc
    try:
        count = int(f.optional("appointment_count") or len(items))
    except ValueError as exc:
        raise TemplateError("appointment_count debe ser un número") from exc
    hello = f"Buenos días, {staff}." if staff else "Buenos días."
    try:
        waiting = int(f.raw.get("needs_new_time") or 0)
    except (TypeError, ValueError) as exc:
        raise TemplateError("needs_new_time debe ser un número") from exc
    pending = (f"\n⚠️ {'1 cita espera' if waiting == 1 else f'{waiting} citas esperan'} nueva hora: "
               "no cupieron al reorganizar y a sus clientes ya les ofrecí otras opciones." if waiting else None)
    if count == 0:
        return Rendered(_with(f"{hello} Hoy {day} no hay citas agendadas en {business}. ¡Buen día!", pending),
                        {"1": staff or "", "2": day, "3": "0", "4": business, "5": ""})
    lines = []
    for item in items:
        moment = _Facts({**item, "timezone": f.raw.get("timezone")}, f.now)
        who = moment.customer()
        with_staff = f" con {item['staff_name']}" if item.get("staff_name") else ""
        lines.append(f"• {moment.time('starts_at')} {item.get('service_name') or 'Cita'} — {who}{with_staff}")
    more = count - len(lines)
    citas = "1 cita" if count == 1 else f"{count} citas"
    body = _with(f"{hello} Hoy {day} tienes {citas} en {business}:",
                 "\n" + "\n".join(lines) if lines else None,
                 f"\n…y {more} más. Ve la agenda completa en tu panel." if more > 0 and lines else None, pending)
    first = lines[0].split(" ", 3)[1:3] if lines else []
    return Rendered(body, {"1": staff or "", "2": day, "3": str(count), "4": business, "5": " ".join(first)})


def _review_request(f: _Facts) -> Rendered:
    business, service = f.text("business_name"), f.service()
    name, staff = f.optional("customer_name"), f.optional("staff_name")
    first_name = name.split()[0] if name else None
    body = _with(
        f"¡Hola, {first_name}!" if first_name else "¡Hola!",
        f" Gracias por tu visita a {business}. ¿Cómo te fue con tu {service}",
        f" con {staff}" if staff else None,
        "? Califícanos del 1 al 5 contestando con un número; tu opinión nos ayuda mucho.",
    )
    return Rendered(body, {"1": first_name or "", "2": business, "3": service})


def _no_show_rebook(f: _Facts) -> Rendered:
    day, hour, service, business = f.day("starts_at"), f.time("starts_at"), f.service(), f.text("business_name")
    name = f.optional("customer_name")
    first_name = name.split()[0] if name else None
    body = _with(
        f"Hola, {first_name}," if first_name else "Hola,",
        f" notamos que no pudiste llegar a tu cita de {service} {contract('de', day)} {f.at('starts_at')} en {business}. "
        "Esperamos que todo esté bien. Cuando quieras, escríbeme y te busco otro horario.",
    )
    return Rendered(body, {"1": first_name or "", "2": service, "3": day, "4": hour, "5": business})


def _staff_onboarding_completed(f: _Facts) -> Rendered:
    staff, business = f.text("staff_name"), f.text("business_name")
    services = [str(s) for s in (f.raw.get("services") or []) if s]
    body = _with(
        f"✅ {staff} terminó su registro y ya maneja su agenda de {business} por WhatsApp",
        f" ({', '.join(services)})" if services else None, ".",
    )
    return Rendered(body, {"1": staff, "2": business})


def _handoff_request(f: _Facts) -> Rendered:
    """The spec's handoff notice: who, what they asked, their number, and how to hand them back."""
    name = f.optional("customer_name") or "Un cliente"
    reason = f.optional("reason") or "quiere hablar con alguien del equipo"
    phone = f.optional("customer_phone")
    body = _with(
        f"🙋 {name} pregunta: {reason}.",
        f" Teléfono: {format_phone_international(phone)}." if phone else None,
        " Contéstale directo por WhatsApp; yo no le respondo en las próximas 24 horas.",
        f" Cuando termines, escríbeme «listo con {format_phone(phone)}» y vuelvo a atenderle." if phone else None,
    )
    return Rendered(body, {"1": name, "2": reason, "3": format_phone_international(phone) if phone else ""})


TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        Template("appointment_confirmation", ("business_name", "service_name", "starts_at", "timezone"),
                 ("staff_name", "price_cents", "address", "customer_name"), _confirmation),
        Template("appointment_reminder", ("business_name", "service_name", "starts_at", "timezone"),
                 ("staff_name", "address", "customer_name"), _reminder),
        Template("appointment_cancelled", ("business_name", "service_name", "starts_at", "timezone"),
                 ("reason", "customer_name"), _cancelled),
        Template("appointment_rescheduled", ("business_name", "service_name", "previous_starts_at", "starts_at",
                                             "timezone"), ("staff_name",), _rescheduled),
        Template("new_booking", ("service_name", "starts_at", "timezone"), ("customer_name", "customer_phone",
                                                                            "staff_name"), _new_booking),
        Template("customer_cancelled", ("service_name", "starts_at", "timezone"), ("customer_name", "customer_phone",
                                                                                  "staff_name"), _customer_cancelled),
        Template("customer_rescheduled", ("service_name", "previous_starts_at", "starts_at", "timezone"),
                 ("customer_name", "customer_phone", "staff_name"), _customer_rescheduled),
        Template("employee_welcome", ("business_name", "staff_name"), ("business_number",), _employee_welcome),
        Template("magic_link", ("url",), ("business_name", "minutes_valid"), _magic_link),
        Template("plan_limit", ("business_name", "limit"), ("used",), _plan_limit),
        Template("plan_limit_reached", ("business_name", "limit"), ("used", "month", "plan"), _plan_limit_reached),
        Template("waitlist_offer", ("business_name", "service_name", "starts_at", "timezone"),
                 ("staff_name", "location_name", "customer_name"), _waitlist_offer),
        Template("appointment_moved_proposal", ("business_name", "service_name", "previous_starts_at", "starts_at",
                                                "timezone"),
                 ("staff_name", "previous_staff_name", "staff_changed", "already_moved"), _moved_proposal),
        Template("appointment_needs_new_time", ("business_name", "service_name", "starts_at", "timezone"),
                 ("staff_name", "customer_name", "options", "service_names"), _needs_new_time),
        Template("appointment_reminder_2h", ("business_name", "service_name", "starts_at", "timezone"),
                 ("staff_name", "address"), _reminder_soon),
        Template("daily_summary", ("business_name", "timezone"), ("date", "appointment_count", "appointments",
                                                                  "staff_name", "needs_new_time"), _daily_summary),
        Template("review_request", ("business_name", "service_name"), ("customer_name", "staff_name"),
                 _review_request),
        Template("no_show_rebook", ("business_name", "service_name", "starts_at", "timezone"), ("customer_name",),
                 _no_show_rebook),
        Template("staff_onboarding_completed", ("business_name", "staff_name"), ("services",),
                 _staff_onboarding_completed),
        Template("handoff_request", (), ("reason", "customer_name", "customer_phone"), _handoff_request),
    )
}

_VISIT = {"business_name": "Barbería Don Carlos", "service_name": "Corte de cabello",
          "starts_at": "2026-01-17T21:00:00Z", "timezone": "America/Mexico_City", "staff_name": "Carlos",
          "customer_name": "Juan Pérez"}

#: Example variables per template: what ``parlo templates`` renders for submission to Twilio.
SAMPLES: dict[str, dict[str, Any]] = {
    "appointment_confirmation": {**_VISIT, "price_cents": 15000, "address": "Av. Juárez 123, Centro"},
    "appointment_reminder": {**_VISIT, "address": "Av. Juárez 123, Centro"},
    "appointment_cancelled": {**_VISIT, "reason": "Carlos se enfermó"},
    "appointment_rescheduled": {**_VISIT, "previous_starts_at": "2026-01-17T19:00:00Z"},
    "new_booking": {**_VISIT, "customer_phone": "+525512345678"},
    "customer_cancelled": {**_VISIT, "customer_phone": "+525512345678"},
    "customer_rescheduled": {**_VISIT, "previous_starts_at": "2026-01-17T19:00:00Z", "customer_phone": "+525512345678"},
    "employee_welcome": {"business_name": "Barbería Don Carlos", "staff_name": "Pedro",
                         "business_number": "+525587654321"},
    "magic_link": {"url": "https://parlo.mx/entrar?token=abc123", "business_name": "Barbería Don Carlos",
                   "minutes_valid": 15},
    "plan_limit": {"business_name": "Barbería Don Carlos", "limit": 50, "used": 50},
    "plan_limit_reached": {"business_name": "Barbería Don Carlos", "limit": 50, "used": 51, "month": "2026-01"},
    "waitlist_offer": _VISIT,
    "appointment_moved_proposal": {**_VISIT, "previous_starts_at": "2026-01-17T19:00:00Z", "staff_name": "Ana",
                                   "previous_staff_name": "Carlos", "staff_changed": True, "already_moved": True},
    "appointment_needs_new_time": {**_VISIT, "options": [
        {"starts_at": "2026-01-17T22:00:00Z", "staff_name": "Ana"},
        {"starts_at": "2026-01-19T21:00:00Z", "staff_name": "Carlos"}]},
    "appointment_reminder_2h": {**_VISIT, "starts_at": "2026-01-16T18:00:00Z", "address": "Av. Juárez 123, Centro"},
    "daily_summary": {"business_name": "Barbería Don Carlos", "date": "2026-01-16", "timezone": "America/Mexico_City",
                      "staff_name": "Carlos", "appointment_count": 2, "appointments": [
                          {"starts_at": "2026-01-16T16:00:00Z", "service_name": "Corte de cabello",
                           "customer_name": "Juan Pérez", "staff_name": "Carlos"},
                          {"starts_at": "2026-01-16T17:30:00Z", "service_name": "Arreglo de barba",
                           "customer_phone": "+525512345678", "staff_name": "Pedro"}]},
    "review_request": _VISIT,
    "no_show_rebook": {**_VISIT, "starts_at": "2026-01-16T15:00:00Z"},
    "staff_onboarding_completed": {"business_name": "Barbería Don Carlos", "staff_name": "Pedro",
                                   "services": ["Corte de cabello", "Arreglo de barba"]},
    "handoff_request": {"reason": "si hacen tinte de cabello", "customer_name": "Juan Pérez",
                        "customer_phone": "+525512345678"},
}


def render(template_name: str, variables: Mapping[str, Any], *, now: datetime) -> Rendered:
    """The notification in Spanish, relative to ``now`` ("mañana viernes"). Raises TemplateError."""
    template = TEMPLATES.get(template_name)
    if template is None:
        raise TemplateError(f"plantilla desconocida: {template_name!r}")
    missing = [name for name in template.required if fact(variables, name) is None]
    if missing:
        raise TemplateError(f"a la plantilla {template_name} le faltan: {', '.join(missing)}")
    return template.write(_Facts(variables, now))


def inside_session_window(last_inbound_at: datetime | None, now: datetime) -> bool:
    """True while a free-form (session) message is allowed to this recipient."""
    return last_inbound_at is not None and now - last_inbound_at < SESSION_WINDOW
