"""WhatsApp's doors: Twilio's webhooks, and the queue that does the work behind them.

``POST /webhooks/twilio`` checks the signature against the *public* URL, stores the
message once (MessageSid is unique), answers Twilio at once with empty TwiML, and queues
the conversation. ``POST /webhooks/twilio/status`` moves an outbound message's status
forward. With ``PARLO_EMBEDDED_WORKER`` (``parlo serve`` sets it unless REDIS_URL is
configured) the Huey consumer runs inside this process; otherwise ``parlo worker`` does.

Other components reach the queue through :func:`outbox_notifier` (GraphQL passes it as
``Context.outbox_notifier``) and, in tests, through ``services.whatsapp``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from messaging.inbound import InboundMessage, store_inbound
from messaging.runtime import WorkQueue
from messaging.signatures import public_request_url, signature_is_valid
from messaging.status import record_provider_status, tenant_of_callback
from messaging.webhook_input import Refused, clean_form, clean_text
from parlo.components import Component, Services
from parlo.request_body import BodyTooLarge, read_body

log = logging.getLogger("parlo.whatsapp")

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
#: Twilio's own ceiling for a webhook's payload (1 MB); a WhatsApp message's form is a few KB.
WEBHOOK_MAX_BODY = 1024 * 1024


class WhatsAppRuntime:
    """The process's queue (made on first use: creating the app opens nothing) and embedded worker.

    Where a webhook's ring goes: into this process's own worker (embedded), onto Redis for
    the ``parlo worker`` processes, or nowhere when a worker without Redis polls the database.
    """

    def __init__(self, services: Services) -> None:
        self.services = services
        self._tasks = None
        self._queue: WorkQueue | None = None
        self._worker = None

    @property
    def tasks(self):
        if self._tasks is None:
            from parlo.queue import RedisDoorbell, make_huey
            from parlo.tasks import register

            settings = self.services.settings
            doorbell = RedisDoorbell(settings.redis_url) if settings.redis_url else _Polled()
            self._tasks = register(make_huey(settings), settings, self.services.clock, doorbell=doorbell)
        return self._tasks

    @property
    def queue(self) -> WorkQueue:
        if self._queue is not None:
            return self._queue
        if self._worker is not None:
            return self._worker.queue
        return self.tasks.queue

    def use_queue(self, queue: WorkQueue) -> None:
        """Tests and the in-process chat hand the work to their own queue."""
        self._queue = queue

    async def start(self) -> None:
        if self.services.settings.embedded_worker and self._queue is None:
            from parlo.worker import ConversationWorker, WorkerOptions

            self._worker = ConversationWorker(self.services.settings, self.services.clock, db=self.services.db,
                                              options=WorkerOptions(listen=False), name="embedded worker")
            await self._worker.start()
            log.info("WhatsApp work runs inside this process (embedded worker)")

    async def stop(self) -> None:
        if self._worker is not None:
            worker, self._worker = self._worker, None
            await worker.stop()


class _Polled:
    """No Redis and no embedded worker: a ``parlo worker`` polls the database, so rings go nowhere."""

    async def conversation_waiting(self, conversation_id: uuid.UUID, organization_id: uuid.UUID | None = None
                                   ) -> None:
        return None

    async def outbox_waiting(self) -> None:
        return None


def runtime_of(services: Services) -> WhatsAppRuntime:
    runtime = getattr(services, "whatsapp", None)
    if runtime is None:
        runtime = WhatsAppRuntime(services)
        services.whatsapp = runtime  # type: ignore[attr-defined]
    return runtime


def outbox_notifier(services: Services) -> Callable[[], Awaitable[None]]:
    """For ``Context(outbox_notifier=...)``: after a commit that wrote outbox rows, start delivery now."""
    async def notify() -> None:
        try:
            await runtime_of(services).queue.outbox_waiting()
        except Exception:  # noqa: BLE001 - the sweep delivers it within a minute anyway
            log.exception("could not queue outbox delivery; the periodic sweep will send it")
    return notify


def _signed_by_twilio(services: Services, request: Request, form: dict[str, str]) -> bool:
    settings = services.settings
    if settings.twilio_skip_signature and not settings.is_production:
        return True
    token = settings.webhook_auth_token
    if token is None:
        log.error("Twilio webhook refused: TWILIO_AUTH_TOKEN is not configured")
        return False
    url = public_request_url(settings.public_url, request.url.path, request.url.query)
    return signature_is_valid(token, url, form, request.headers.get("X-Twilio-Signature"))


async def _form(request: Request) -> dict[str, str] | Response:
    """Twilio's urlencoded form, read with a ceiling (413 past it, 400 if it is not UTF-8)."""
    try:
        body = await read_body(request.scope, request.receive, WEBHOOK_MAX_BODY)
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except BodyTooLarge:
        return Response("demasiado grande", status_code=413, media_type="text/plain")
    except UnicodeDecodeError:
        return Response("no es UTF-8", status_code=400, media_type="text/plain")


def whatsapp_component(services: Services) -> Component:
    runtime = runtime_of(services)

    async def incoming(request: Request) -> Response:
        started = time.perf_counter()
        form = await _form(request)
        if isinstance(form, Response):
            return form
        if not _signed_by_twilio(services, request, form):
            log.warning("Twilio webhook with a missing or wrong signature refused (%s)", request.client)
            return Response("firma inválida", status_code=403, media_type="text/plain")
        form = clean_form(form)  # messaging/webhook_input.py: every field bounded before the database
        if isinstance(form, Refused):
            log.warning("Twilio webhook refused: %s (%s)", form.reason, request.client)
            return Response(form.reason, status_code=400, media_type="text/plain")
        try:
            inbound = InboundMessage.from_form(form)
        except ValueError as exc:
            return Response(str(exc), status_code=400, media_type="text/plain")
        stored = await store_inbound(services.db, inbound, now=services.clock(),
                                     central_number=services.settings.central_number)
        if not stored.duplicate:
            try:
                await runtime.queue.conversation_waiting(stored.conversation_id, stored.organization_id)
            except Exception:  # noqa: BLE001 - stored is what matters: the sweep picks it up
                log.exception("could not queue conversation %s; the sweep will", stored.conversation_id)
        log.info("WhatsApp %s from %s stored%s in %.1f ms", inbound.message_sid, inbound.sender_phone,
                 " (redelivery ignored)" if stored.duplicate else "", (time.perf_counter() - started) * 1000)
        return Response(EMPTY_TWIML, media_type="application/xml")

    async def status(request: Request) -> Response:
        form = await _form(request)
        if isinstance(form, Response):
            return form
        if not _signed_by_twilio(services, request, form):
            return Response("firma inválida", status_code=403, media_type="text/plain")
        form = {key: clean_text(value, 2000) for key, value in form.items()}
        sid = form.get("MessageSid") or form.get("SmsSid")
        word = form.get("MessageStatus") or form.get("SmsStatus")
        if sid and word:
            try:
                outbox_id = uuid.UUID(request.query_params["outbox"]) if "outbox" in request.query_params else None
            except ValueError:
                outbox_id = None
            error = form.get("ErrorCode")
            await record_provider_status(services.db, provider_message_id=sid, status=word, now=services.clock(),
                                         outbox_id=outbox_id,
                                         organization_id=tenant_of_callback(request.query_params.get("tenant")),
                                         error=f"Twilio {error}: {form.get('ErrorMessage', '')}".strip() if error else None)
        return Response(status_code=204)

    return Component(
        routes=[Route("/webhooks/twilio", incoming, methods=["POST"]),
                Route("/webhooks/twilio/status", status, methods=["POST"])],
        start=runtime.start, stop=runtime.stop,
    )
