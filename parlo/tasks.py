"""Messaging's periodic and delayed work as Huey tasks, and the queue the web process hands work to.

Conversations no longer run here: a worker process answers them many at a time on its
event loop (:mod:`parlo.worker`, :mod:`messaging.consumer`), rung through the doorbell
(:class:`HueyWorkQueue` with a ``doorbell``). Huey keeps what it does well: the every-minute
sweep and notifications, and deliveries due later.

Huey has no asyncio and messaging is async, so each Huey worker thread keeps its own
event loop, its own database engine, its own conversation engine and its own Twilio sender
(a pooled database engine or an aiohttp session never crosses event loops), made
on first use and disposed by Huey's shutdown hook in that same thread. When a task runs
in immediate mode from inside a running loop (``asyncio.run`` would fail there), it runs
on a helper thread instead.

Tasks:
* ``parlo.process_conversation(conversation_id)`` — answer a conversation's waiting messages
  (rings enqueued by a web process from before the doorbell, and queues without a consumer);
* ``parlo.deliver_outbox()`` — send what is due; retries come back as delayed tasks;
* ``parlo.whatsapp_sweep`` (every minute, UTC crontab) — recover rows abandoned by dead
  workers, send due rows (reminders queued with ``send_after``, retries), and process
  inbound messages nobody processed, and follow WhatsApp senders awaiting Meta's review;
* ``parlo.notifications`` (every minute, UTC crontab) — what the clock sends
  (``messaging.notifications``: reminders, daily summaries at each salon's local hour,
  rating requests, no-show invitations, stale waitlist offers); each organization's
  local time is computed inside, and re-runs write nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from huey import Huey, crontab
from huey.api import TaskWrapper
from twilio.http import AsyncHttpClient, HttpClient

from parlo.clock import Clock
from parlo.settings import Settings
from storage import Database

log = logging.getLogger("parlo.whatsapp")

#: Tests replace Twilio's HTTP layer here (a fake Twilio), so the real client code runs:
#: the synchronous client (numbers, doctor) and what makes each sender's asynchronous one.
TWILIO_HTTP_CLIENT: HttpClient | None = None
TWILIO_ASYNC_HTTP_CLIENT: Callable[[], AsyncHttpClient] | None = None


def make_sender(settings: Settings):
    """Twilio when configured, else the log. A Twilio sender's aiohttp session belongs to the
    loop that first sends through it: make one per event loop, ``Messaging.close()`` it there."""
    from messaging.senders import LogSender, TwilioSender

    if settings.twilio_configured:
        return TwilioSender(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                            http_client=TWILIO_ASYNC_HTTP_CLIENT() if TWILIO_ASYNC_HTTP_CLIENT is not None else None)
    return LogSender()


def make_numbers(settings: Settings):
    """Twilio's numbers API when configured, else development numbers (messaging.numbers)."""
    from twilio.rest import Client

    from messaging.numbers import DevelopmentNumbers, TwilioNumbers

    if settings.twilio_configured:
        client = Client(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value(),
                        http_client=TWILIO_HTTP_CLIENT)
        return TwilioNumbers(client, public_url=settings.public_url, waba_id=settings.twilio_waba_id)
    return DevelopmentNumbers()


def make_engine(settings: Settings):
    """The conversation engine: OpenAI with the rule engine as fallback, or the rules alone
    (``messaging.conversation``); the plain acknowledgement if that package is absent."""
    try:
        from messaging.conversation.build import build_engine
    except ImportError:
        from messaging.engine import AcknowledgementEngine

        return AcknowledgementEngine()
    return build_engine(settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
                        str(settings.openai_base_url) if settings.openai_base_url else None, settings.openai_model,
                        turn_deadline=settings.turn_budget_seconds, breaker=openai_breaker(settings))


_BREAKERS: dict[tuple, Any] = {}
_BREAKERS_LOCK = threading.Lock()


def openai_breaker(settings: Settings):
    """The process's one OpenAI circuit breaker (every engine and Huey thread of it shares it:
    an outage seen by one turn spares the others)."""
    import time

    from messaging.breaker import BreakerPolicy, CircuitBreaker

    policy = BreakerPolicy(failures=settings.llm_breaker_failures, window=settings.llm_breaker_window_seconds,
                           cooldown=settings.llm_breaker_cooldown_seconds)
    key = (str(settings.openai_base_url), policy)
    with _BREAKERS_LOCK:
        if key not in _BREAKERS:
            _BREAKERS[key] = CircuitBreaker(policy, clock=time.monotonic)
        return _BREAKERS[key]


def make_voice(settings: Settings):
    """Voice notes heard through Twilio's media and OpenAI's transcription, or None (asked to write)."""
    from messaging.conversation.build import build_voice_notes

    return build_voice_notes(
        openai_api_key=settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
        openai_base_url=str(settings.openai_base_url) if settings.openai_base_url else None,
        transcription_model=settings.openai_transcription_model, twilio_account_sid=settings.twilio_account_sid,
        twilio_auth_token=settings.twilio_auth_token.get_secret_value() if settings.twilio_auth_token else None,
        twilio_api_base=settings.twilio_api_base_url, breaker=openai_breaker(settings))


def messaging_config(settings: Settings):
    from messaging.runtime import MessagingConfig
    from resolvers.context import ResolverConfig

    return MessagingConfig(
        central_number=settings.central_number, public_url=settings.public_url,
        turn_budget=settings.turn_budget_seconds,
        content_sids=dict(settings.twilio_content_sids),
        resolver=ResolverConfig(
            jwt_secret=settings.jwt_secret.get_secret_value(), public_url=settings.public_url,
            admin_password=settings.admin_password.get_secret_value() if settings.admin_password else None,
            free_monthly_bookings=settings.free_monthly_bookings, central_number=settings.central_number,
        ),
    )


class Doorbell(Protocol):
    """Where a ring goes when a consumer of conversations exists (:mod:`parlo.queue`, :mod:`messaging.consumer`)."""

    async def conversation_waiting(self, conversation_id: uuid.UUID, organization_id: uuid.UUID | None = None
                                   ) -> None: ...

    async def outbox_waiting(self) -> None: ...


class HueyWorkQueue:
    """messaging's :class:`WorkQueue` for the web process and Huey's threads.

    With a doorbell (always, outside tests of Huey itself) conversations and due deliveries
    ring it: a Redis ``LPUSH`` or a call into the consumer of this process. Deliveries due
    later are a Huey task with a delay; without a doorbell everything is a Huey task,
    enqueued off the event loop.
    """

    def __init__(self, tasks: "Tasks", clock: Clock, doorbell: Doorbell | None = None) -> None:
        self.tasks = tasks
        self.clock = clock
        self.doorbell = doorbell

    async def conversation_waiting(self, conversation_id: uuid.UUID, organization_id: uuid.UUID | None = None
                                   ) -> None:
        if self.doorbell is not None:
            await self.doorbell.conversation_waiting(conversation_id, organization_id)
        else:
            await asyncio.to_thread(self.tasks.process_conversation, str(conversation_id),
                                    str(organization_id) if organization_id is not None else None)

    async def outbox_waiting(self, *, at: datetime | None = None) -> None:
        # A delay, not an ETA: the service's clock may be frozen (demos), Huey's is not.
        delay = (at - self.clock()).total_seconds() if at is not None else 0
        if delay > 0:
            await asyncio.to_thread(self.tasks.deliver_outbox.schedule, delay=delay)
        elif self.doorbell is not None:
            await self.doorbell.outbox_waiting()
        else:
            await asyncio.to_thread(self.tasks.deliver_outbox)


@dataclass
class Tasks:
    huey: Huey
    process_conversation: TaskWrapper
    deliver_outbox: TaskWrapper
    sweep: TaskWrapper
    queue: HueyWorkQueue
    notifications: TaskWrapper | None = None


class _ThreadRuntime(threading.local):
    loop: asyncio.AbstractEventLoop | None = None
    db: Database | None = None
    messaging: Any = None


def register(huey: Huey, settings: Settings, clock: Clock, *, doorbell: Doorbell | None = None) -> Tasks:
    """Put messaging's tasks on ``huey``. The same function serves ``parlo worker`` and the embedded consumer.

    ``doorbell``: where conversations found waiting (by the sweep, or by the web process's
    webhooks through ``tasks.queue``) are rung; see :class:`HueyWorkQueue`.
    """
    from messaging.delivery import deliver_due, recover_abandoned
    from messaging.numbers import provision_finished_onboardings, sync_pending_senders
    from messaging.processing import process_conversation, waiting_turns
    from messaging.runtime import Messaging

    local = _ThreadRuntime()
    config = messaging_config(settings)
    numbers = make_numbers(settings)  # a synchronous client: safe to share between threads

    def messaging_here() -> Messaging:
        if local.messaging is None:
            local.db = Database.connect(settings.database_url, pool=True)
            # The engine (OpenAI) and the sender (Twilio) hold aiohttp sessions: like the pool, one per loop.
            local.messaging = Messaging(db=local.db, clock=clock, sender=make_sender(settings),
                                        engine=make_engine(settings),
                                        queue=tasks.queue, config=config, numbers=numbers, voice=make_voice(settings))
        return local.messaging

    def run(work: Callable[[Messaging], Awaitable[Any]]) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:  # immediate mode called from async code: use a thread with its own loop
            box: dict[str, Any] = {}

            def helper() -> None:
                try:
                    box["result"] = run(work)
                except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                    box["error"] = exc
                finally:
                    close_thread_runtime()

            thread = threading.Thread(target=helper, name="parlo-task")
            thread.start()
            thread.join()
            if "error" in box:
                raise box["error"]
            return box.get("result")
        if local.loop is None or local.loop.is_closed():
            local.loop = asyncio.new_event_loop()
        return local.loop.run_until_complete(work(messaging_here()))

    def close_thread_runtime() -> None:
        if local.loop is not None and not local.loop.is_closed():
            if local.messaging is not None:  # the engine's and the sender's HTTP sessions belong to this loop
                local.loop.run_until_complete(local.messaging.close())
            if local.db is not None:
                local.loop.run_until_complete(local.db.dispose())
            local.loop.close()
        local.loop, local.db, local.messaging = None, None, None

    # Tasks return nothing: Huey runs with results off, and a value would be stored for nobody.
    @huey.task(name="parlo.process_conversation", retries=3, retry_delay=5)
    def process_conversation_task(conversation_id: str, organization_id: str | None = None) -> None:
        """Rings enqueued before the doorbell (a rolling deploy) and queues without a consumer
        (``organization_id``: absent from tasks enqueued before it was carried)."""
        run(lambda m: process_conversation(m, uuid.UUID(conversation_id),
                                           uuid.UUID(organization_id) if organization_id else None))

    @huey.task(name="parlo.deliver_outbox", retries=3, retry_delay=5)
    def deliver_outbox_task() -> None:
        async def work(m: Messaging) -> None:
            await deliver_due(m)
        run(work)

    @huey.periodic_task(crontab(minute="*"), name="parlo.whatsapp_sweep")
    def sweep_task() -> None:
        async def work(m: Messaging) -> None:
            await recover_abandoned(m)
            await deliver_due(m)
            for conversation_id, organization_id in await waiting_turns(m):
                await m.queue.conversation_waiting(conversation_id, organization_id)
            if m.numbers is not None:
                await provision_finished_onboardings(m.db, m.numbers, now=m.now(),
                                                     central_number=m.config.central_number)
                await sync_pending_senders(m.db, m.numbers, now=m.now())
        run(work)

    @huey.periodic_task(crontab(minute="*"), name="parlo.notifications")
    def notifications_task() -> None:
        from messaging.notifications import dispatch_due

        async def work(m: Messaging) -> None:
            await dispatch_due(m.db, now=m.now(), config=m.config.resolver, outbox_written=m.queue.outbox_waiting)
        run(work)

    huey.on_shutdown(name="parlo.close_thread_runtime")(close_thread_runtime)
    tasks = Tasks(huey=huey, process_conversation=process_conversation_task, deliver_outbox=deliver_outbox_task,
                  sweep=sweep_task, queue=None, notifications=notifications_task)  # type: ignore[arg-type]
    tasks.queue = HueyWorkQueue(tasks, clock, doorbell)
    return tasks
