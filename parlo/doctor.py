"""``parlo doctor``: is this installation ready to answer a salon's WhatsApp?

Each check says ``ok``, ``aviso`` (works, but something is worth knowing) or ``problema``
(something will not work) with the fix in Spanish; any problem makes the command exit 1,
so a deploy script or a monitor can run it. It reads what a running Parlo would read
(the settings, the database, Redis, the workers' heartbeats) and asks Twilio and OpenAI
with the configured credentials, without sending any message.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from parlo.explain import database_error, redis_error
from parlo.settings import Settings

OK, WARNING, PROBLEM = "ok", "aviso", "problema"
TWILIO_SANDBOX_NUMBER = "+14155238886"
NETWORK_TIMEOUT = 10.0


@dataclass(frozen=True)
class Check:
    name: str
    status: str
    detail: str
    fix: str | None = None


def _local_host(host: str) -> bool:
    if host in ("localhost", "") or host.endswith(".local") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified


def check_public_url(settings: Settings) -> Check:
    url = settings.public_url
    parts = urlsplit(url)
    name = "URL pública"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return Check(name, PROBLEM, f"PARLO_PUBLIC_URL=«{url}» no es una URL completa.",
                     "Pon la dirección con la que Twilio y el navegador llegan a Parlo, p. ej. https://citas.tusalon.mx")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return Check(name, PROBLEM, f"PARLO_PUBLIC_URL=«{url}» trae ruta o parámetros.",
                     f"Deja solo el origen: {parts.scheme}://{parts.netloc}")
    local = _local_host(parts.hostname)
    if settings.is_production and (parts.scheme != "https" or local):
        return Check(name, PROBLEM, f"{url} no es una dirección pública con https.",
                     "En producción PARLO_PUBLIC_URL debe ser https:// con tu dominio (docs/deploy.md).")
    if settings.twilio_configured and local:
        return Check(name, PROBLEM, f"Twilio no puede llegar a {url}.",
                     "Usa tu dirección pública en PARLO_PUBLIC_URL (para pruebas, un túnel como ngrok o cloudflared; "
                     "docs/twilio.md).")
    return Check(name, OK, f"{url} · webhook {url}/webhooks/twilio · estado {url}/webhooks/twilio/status")


async def check_database(settings: Settings) -> Check:
    from storage.migrations import current_revision, head_revision

    name = "Base de datos"
    try:
        current = await asyncio.to_thread(current_revision, settings.database_url)
    except Exception as exc:  # noqa: BLE001 - any failure is the answer
        return Check(name, PROBLEM, database_error(exc, settings.database_url) or f"no responde ({exc}).",
                     "Revisa DATABASE_URL y que el servidor de base de datos esté encendido.")
    head = head_revision()
    if current != head:
        return Check(name, PROBLEM, f"{settings.backend_name}: revisión {current or 'vacía'}, el código espera {head}.",
                     "Corre `parlo migrate`.")
    return Check(name, OK, f"{settings.backend_name}, migrada (revisión {head}).")


async def check_queue(settings: Settings) -> Check:
    from parlo.queue import queue_file_for

    name = "Cola"
    if not settings.redis_url:
        return Check(name, OK, f"archivo SQLite {queue_file_for(settings.database_url)} (una sola máquina; en "
                               "producción usa REDIS_URL).")

    def ping() -> None:
        import redis

        client = redis.Redis.from_url(settings.redis_url, socket_timeout=NETWORK_TIMEOUT,
                                      socket_connect_timeout=NETWORK_TIMEOUT)
        try:
            client.ping()
        finally:
            client.close()

    try:
        await asyncio.to_thread(ping)
    except Exception as exc:  # noqa: BLE001
        return Check(name, PROBLEM, redis_error(exc, settings.redis_url) or f"Redis no responde ({exc}).",
                     "Enciende Redis o corrige REDIS_URL.")
    return Check(name, OK, "Redis responde.")


async def check_worker(settings: Settings) -> Check:
    from parlo.heartbeat import read_heartbeats

    name = "Worker"
    where = "`parlo worker`" if settings.redis_url else "`parlo serve` (sin REDIS_URL trae el worker incluido) o " \
                                                        "`parlo worker`"
    try:
        beats = await asyncio.to_thread(read_heartbeats, settings)
    except Exception as exc:  # noqa: BLE001
        return Check(name, PROBLEM, f"no pude leer los latidos de los workers ({type(exc).__name__}).",
                     "Revisa la cola (REDIS_URL) y vuelve a intentar.")
    alive = [b for b in beats if b.alive]
    if not alive:
        last = min((b.age() for b in beats), default=None)
        seen = f" (el último latido fue hace {_ago(last)})" if last is not None else ""
        return Check(name, PROBLEM, f"ningún worker está vivo{seen}: los mensajes se guardan pero nadie los contesta "
                                    "ni los envía.", f"Arranca {where}.")
    hosts = ", ".join(f"{b.role or 'worker'} en {b.host} (pid {b.pid}, {b.in_flight} en curso)" for b in alive)
    return Check(name, OK, f"{len(alive)} vivo(s): {hosts}.")


def _ago(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.0f} h"


def _twilio_client(settings: Settings):
    from twilio.rest import Client

    from parlo.tasks import TWILIO_HTTP_CLIENT

    return Client(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                  http_client=TWILIO_HTTP_CLIENT)


async def _organization_numbers(settings: Settings) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from storage import Database, Organization, OrganizationStatus

    db = Database.connect(settings.database_url)
    try:
        async with db.session() as session:
            rows = (await session.execute(select(Organization.name, Organization.whatsapp_number).where(
                Organization.whatsapp_number.is_not(None),
                Organization.status.in_((OrganizationStatus.ACTIVE, OrganizationStatus.ONBOARDING))))).all()
    finally:
        await db.dispose()
    return [(name, number) for name, number in rows]


async def check_twilio(settings: Settings, numbers: list[tuple[str, str]]) -> list[Check]:
    name = "Twilio"
    if not settings.twilio_configured:
        status = PROBLEM if settings.is_production else WARNING
        return [Check(name, status, "sin credenciales: los mensajes se guardan y se registran, no se envían.",
                      "Pon TWILIO_ACCOUNT_SID y TWILIO_AUTH_TOKEN (docs/twilio.md).")]
    from twilio.base.exceptions import TwilioException, TwilioRestException

    def look() -> tuple[Any, dict[str, str], dict[str, str]]:
        client = _twilio_client(settings)
        account = client.api.v2010.accounts(settings.twilio_account_sid).fetch()
        incoming = {n.phone_number: n.sms_url or "" for n in client.incoming_phone_numbers.list(limit=1000)}
        try:
            senders = {str(s.sender_id or "").removeprefix("whatsapp:"): str((s.webhook or {}).get("callback_url", ""))
                       for s in client.messaging.v2.channels_senders.list(channel="whatsapp", limit=1000)}
        except TwilioRestException:
            senders = {}  # accounts without the Senders API: numbers and the sandbox still count
        return account, incoming, senders

    try:
        account, incoming, senders = await asyncio.wait_for(asyncio.to_thread(look), NETWORK_TIMEOUT * 3)
    except TwilioRestException as exc:
        if exc.status in (401, 403):
            return [Check(name, PROBLEM, "Twilio rechazó las credenciales.",
                          "Copia de nuevo TWILIO_ACCOUNT_SID (AC…) y TWILIO_AUTH_TOKEN de la consola de Twilio.")]
        return [Check(name, PROBLEM, f"Twilio respondió {exc.status}: {exc.msg}", "Revisa tu cuenta en la consola de "
                                                                                  "Twilio.")]
    except (TwilioException, OSError, asyncio.TimeoutError) as exc:
        return [Check(name, PROBLEM, f"no pude hablar con Twilio ({type(exc).__name__}).",
                      "Revisa la conexión a internet de este servidor.")]
    checks = []
    if str(account.status or "active") != "active":
        checks.append(Check(name, PROBLEM, f"la cuenta de Twilio está «{account.status}».",
                            "Reactívala en la consola de Twilio."))
    else:
        checks.append(Check(name, OK, f"credenciales válidas (cuenta {account.friendly_name or account.sid})."))
    webhook = f"{settings.public_url}/webhooks/twilio"
    for business, number in [*numbers, ("número central de Parlo", settings.central_number)]:
        label = f"WhatsApp de {business}"
        if number == TWILIO_SANDBOX_NUMBER:
            checks.append(Check(label, OK, f"{number} es el sandbox de Twilio: en la consola, «When a message comes "
                                           f"in» debe ser {webhook}."))
            continue
        configured = incoming.get(number, senders.get(number))
        if configured is None:
            status = PROBLEM if business != "número central de Parlo" else WARNING
            checks.append(Check(label, status, f"{number} no es un número ni un remitente de WhatsApp de esta cuenta "
                                               "de Twilio.",
                                "Regístralo como remitente de WhatsApp (docs/twilio.md) o corrige el número "
                                "(`parlo init --whatsapp`, PARLO_CENTRAL_NUMBER)."))
        elif configured and configured.rstrip("/") != webhook:
            checks.append(Check(label, PROBLEM, f"{number} manda los mensajes a {configured}.",
                                f"En Twilio, pon {webhook} como webhook de mensajes entrantes."))
        else:
            checks.append(Check(label, OK, f"{number} está en tu cuenta de Twilio."))
    return checks


def check_templates(settings: Settings) -> Check:
    from messaging.templates import TEMPLATES

    name = "Plantillas de WhatsApp"
    unknown = sorted(set(settings.twilio_content_sids) - set(TEMPLATES))
    malformed = sorted(k for k, v in settings.twilio_content_sids.items() if not str(v).startswith("HX"))
    if unknown or malformed:
        parts = ([f"no existen: {', '.join(unknown)}"] if unknown else []) + \
                ([f"no parecen Content SID (HX…): {', '.join(malformed)}"] if malformed else [])
        return Check(name, PROBLEM, "PARLO_TWILIO_CONTENT_SIDS: " + "; ".join(parts) + ".",
                     "Usa los nombres de `parlo templates` y los SID HX… aprobados en Twilio.")
    missing = sorted(set(TEMPLATES) - set(settings.twilio_content_sids))
    if settings.twilio_configured and missing:
        return Check(name, WARNING, f"{len(missing)} de {len(TEMPLATES)} sin aprobar ({', '.join(missing)}): fuera de "
                                    "la ventana de 24 horas esos avisos no salen.",
                     "Envíalas a aprobación (`parlo templates --json`) y pon sus SID en PARLO_TWILIO_CONTENT_SIDS.")
    return Check(name, OK, f"{len(TEMPLATES) - len(missing)} de {len(TEMPLATES)} con Content SID.")


async def check_openai(settings: Settings) -> Check:
    name = "OpenAI"
    if not settings.openai_configured:
        return Check(name, OK, "sin OPENAI_API_KEY: contesta el motor de reglas en español.")
    import openai

    def look() -> None:
        client = openai.OpenAI(api_key=settings.openai_api_key.get_secret_value(),
                               base_url=str(settings.openai_base_url) if settings.openai_base_url else None,
                               timeout=NETWORK_TIMEOUT, max_retries=0)
        try:
            client.models.retrieve(settings.openai_model)
        finally:
            client.close()

    try:
        await asyncio.to_thread(look)
    except openai.AuthenticationError:
        return Check(name, PROBLEM, "OpenAI rechazó OPENAI_API_KEY.", "Crea una clave nueva y ponla en OPENAI_API_KEY.")
    except openai.NotFoundError:
        return Check(name, PROBLEM, f"el modelo «{settings.openai_model}» no existe para esa clave.",
                     "Cambia OPENAI_MODEL (p. ej. gpt-4.1).")
    except openai.APIError as exc:
        return Check(name, PROBLEM, f"no pude hablar con OpenAI ({type(exc).__name__}); mientras, contesta el motor "
                                    "de reglas.", "Revisa la conexión, OPENAI_BASE_URL y tu saldo en OpenAI.")
    return Check(name, OK, f"clave válida, modelo {settings.openai_model}.")


async def diagnose(settings: Settings | None, settings_problem: str | None = None) -> list[Check]:
    if settings is None:  # one check per refused setting
        return [Check("Configuración", PROBLEM, line, "Corrige la variable en el entorno o en .env y vuelve a correr "
                                                      "`parlo doctor`.")
                for line in (settings_problem or "no pude leer la configuración.").splitlines()]
    checks = [Check("Configuración", OK, f"PARLO_ENV={settings.env.value}, base de datos {settings.backend_name}, "
                                         f"cola {'Redis' if settings.redis_url else 'SQLite'}."),
              check_public_url(settings)]
    database = await check_database(settings)
    checks.append(database)
    checks.append(await check_queue(settings))
    checks.append(await check_worker(settings))
    numbers = await _organization_numbers(settings) if database.status == OK else []
    checks.extend(await check_twilio(settings, numbers))
    checks.append(check_templates(settings))
    checks.append(await check_openai(settings))
    return checks


def render(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = []
    for check in checks:
        lines.append(f"  {check.status:<8}  {check.name:<{width}}  {check.detail}")
        if check.fix and check.status != OK:
            lines.append(f"  {'':<8}  {'':<{width}}  → {check.fix}")
    problems = sum(c.status == PROBLEM for c in checks)
    warnings = sum(c.status == WARNING for c in checks)
    verdict = "todo en orden." if not problems else f"{problems} problema{'s' if problems != 1 else ''} por arreglar."
    if warnings:
        verdict += f" {warnings} aviso{'s' if warnings != 1 else ''}."
    return "\n".join(["parlo doctor", *lines, f"Resultado: {verdict}"])


async def run_doctor(settings: Settings | None, *, settings_problem: str | None = None,
                     as_json: bool = False) -> bool:
    """Print the checks; True when there is no problem."""
    checks = await diagnose(settings, settings_problem)
    if as_json:
        print(json.dumps([asdict(c) for c in checks], ensure_ascii=False, indent=2))
    else:
        print(render(checks))
    return not any(c.status == PROBLEM for c in checks)
