"""``parlo chat``: a WhatsApp conversation in the terminal, through Parlo's real webhook path.

What you type is posted as Twilio would post it (form fields, ``X-Twilio-Signature``
signed with the configured auth token, or the development token when Twilio is not
configured) to ``/webhooks/twilio``; Parlo's replies are printed as they leave the outbox.

* In-process (default): the app runs inside this command on ``DATABASE_URL`` and the
  chat delivers its own replies (only the ones addressed to ``--as``), so nothing else
  has to run. Messages are not sent to WhatsApp: the terminal is the phone.
* ``--url http://127.0.0.1:8000``: against a running ``parlo serve``; replies are read
  from the same database as its worker delivers them.
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
from sqlalchemy import select

from parlo.settings import Settings

PROMPT = "tú › "


@dataclass
class ChatSession:
    """One simulated phone writing to one Parlo number."""

    http: httpx.AsyncClient
    settings: Settings
    db: object  # storage.Database
    sender_address: str  # whatsapp:+521…, as WhatsApp delivers it
    to_address: str
    profile_name: str
    settle: Callable[[], "asyncio.Future | object"] | None = None
    url: str | None = None  # a running server (--url), or None in-process
    printed: set[uuid.UUID] = field(default_factory=set)
    _sids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def form(self, text: str) -> dict[str, str]:
        sid = f"SMchat{uuid.uuid4().hex[:26]}"
        return {"MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid, "AccountSid": self.settings.twilio_account_sid
                or "ACparlochat", "From": self.sender_address, "To": self.to_address, "Body": text, "NumMedia": "0",
                **({"ProfileName": self.profile_name} if self.profile_name else {}), "WaId": self.sender_address.removeprefix("whatsapp:+"),
                "SmsStatus": "received", "NumSegments": "1", "ApiVersion": "2010-04-01"}

    async def send(self, text: str) -> str:
        """Post the message as Twilio would; returns its MessageSid."""
        from messaging.signatures import public_request_url, sign

        form = self.form(text)
        headers = {}
        token = self.settings.webhook_auth_token
        if token is not None:
            headers["X-Twilio-Signature"] = sign(token, public_request_url(self.public_url, "/webhooks/twilio"), form)
        response = await self.http.post("/webhooks/twilio", data=form, headers=headers)
        if response.status_code != 200:
            print(f"  (Parlo no aceptó el mensaje: HTTP {response.status_code} {response.text.strip()})", flush=True)
        return form["MessageSid"]

    @property
    def public_url(self) -> str:
        """The URL the server checks signatures against: its PARLO_PUBLIC_URL, or the --url it is reached at
        when none is configured (``parlo serve`` then uses where it listens)."""
        if self.url is not None and "public_url" not in self.settings.model_fields_set:
            return self.url.rstrip("/")
        return self.settings.public_url

    async def why_silent(self, sid: str) -> str | None:
        """After a wait without replies from a running server: say why, when we can tell."""
        from storage import Message

        async with self.db.session() as session:  # type: ignore[attr-defined]
            processed = (await session.execute(select(Message.processed_at).where(
                Message.provider_message_id == sid))).first()
        if processed is None:
            return ("(no veo tu mensaje en la base de datos de este comando: `parlo chat --url` lee las respuestas de "
                    "la misma base que el servidor; córrelo en la misma carpeta o con el mismo DATABASE_URL)")
        if processed[0] is None:
            worker = "`parlo worker`" if self.settings.redis_url else "`parlo serve` con su cola (sin --no-worker)"
            return (f"(Parlo guardó tu mensaje pero nadie lo ha procesado: ¿está corriendo {worker}? "
                    "`parlo doctor` lo revisa)")
        return None

    async def replies(self) -> list[tuple[str, str | None]]:
        """Replies to this phone that left the outbox since the chat began, not printed yet."""
        from storage import DeliveryStatus, OutboundMessage

        async with self.db.session() as session:  # type: ignore[attr-defined]
            rows = (await session.scalars(
                select(OutboundMessage).where(OutboundMessage.to_number.in_(addresses_of(self.sender_address)),
                                              OutboundMessage.status != DeliveryStatus.PENDING,
                                              OutboundMessage.status != DeliveryStatus.SENDING)
                .order_by(OutboundMessage.created_at, OutboundMessage.id)
            )).all()
        fresh = [r for r in rows if r.id not in self.printed]
        self.printed.update(r.id for r in fresh)
        return [(r.body or f"[plantilla {r.template_name}]", r.last_error if r.status is DeliveryStatus.FAILED else None)
                for r in fresh]

    async def skip_earlier(self) -> None:
        """Messages to this phone from before the chat began are not shown (by id: the server's
        clock may be frozen at another instant than this command's)."""
        from storage import OutboundMessage

        async with self.db.session() as session:  # type: ignore[attr-defined]
            self.printed.update((await session.scalars(select(OutboundMessage.id).where(
                OutboundMessage.to_number.in_(addresses_of(self.sender_address))))).all())

    async def print_replies(self) -> int:
        shown = 0
        for body, error in await self.replies():
            if error:
                print(f"  (no se pudo enviar: {error})", flush=True)
                continue
            for line in body.splitlines() or [""]:
                print(f"parlo › {line}", flush=True)
            shown += 1
        return shown

    async def wait_for_replies(self, *, seconds: float) -> int:
        """Print replies until some arrived and things went quiet, or ``seconds`` passed; how many."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        got = 0
        quiet_since = None
        while loop.time() < deadline:
            if self.settle is not None:
                await self.settle()
            new = await self.print_replies()
            got += new
            if new:
                quiet_since = loop.time()
            if got and quiet_since is not None and loop.time() - quiet_since > 0.6:
                return got
            await asyncio.sleep(0.2)
        return got

    async def exchange(self, text: str, *, wait: float) -> None:
        sid = await self.send(text)
        if not await self.wait_for_replies(seconds=wait) and self.url is not None:
            if (reason := await self.why_silent(sid)) is not None:
                print(f"  {reason}", flush=True)


def addresses_of(address: str) -> tuple[str, ...]:
    """Both ways a Mexican mobile is addressed: as WhatsApp writes it (+521…) and canonically (+52…)."""
    from messaging.inbound import phone_of

    return tuple(dict.fromkeys([address, "whatsapp:" + phone_of(address)]))


@asynccontextmanager
async def in_process(settings: Settings, sender_address: str) -> AsyncIterator[tuple[httpx.AsyncClient, object, Callable]]:
    """The app inside this command; replies to ``sender_address`` are delivered right here."""
    from messaging.runtime import InlineWorkQueue, Messaging
    from messaging.senders import LogSender
    from parlo.app import create_app
    from parlo.clock import clock_from
    from parlo.tasks import make_engine, make_numbers, make_voice, messaging_config
    from parlo.whatsapp_app import runtime_of

    settings = settings.model_copy(update={"embedded_worker": False})
    clock = clock_from(settings.clock)
    app = create_app(settings, clock=clock, migrate=settings.is_sqlite)
    services = app.state.services
    queue = InlineWorkQueue(only_to=addresses_of(sender_address))
    messaging = Messaging(db=services.db, clock=clock, sender=LogSender(), engine=make_engine(settings), queue=queue,
                          config=messaging_config(settings), numbers=make_numbers(settings), voice=make_voice(settings))
    queue.bind(messaging)
    runtime_of(services).use_queue(queue)
    try:
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://parlo.local") as http:
                yield http, services.db, queue.drain
    finally:
        await messaging.close()  # the OpenAI client's aiohttp session


@asynccontextmanager
async def remote(settings: Settings, url: str) -> AsyncIterator[tuple[httpx.AsyncClient, object, None]]:
    from storage import Database

    db = Database.connect(settings.database_url)
    try:
        async with httpx.AsyncClient(base_url=url.rstrip("/"), timeout=20) as http:
            yield http, db, None
    finally:
        await db.dispose()


async def chat(settings: Settings, *, sender: str, to: str, url: str | None, messages: list[str],
               name: str, wait: float = 15.0) -> None:
    from messaging.inbound import phone_of

    sender_phone = phone_of(sender)
    # WhatsApp writes Mexican mobiles as +521…; keep what the user typed if they gave that form.
    typed = "".join(sender.split())
    sender_address = "whatsapp:" + (typed if typed.startswith("+521") else sender_phone)
    to_address = "whatsapp:" + phone_of(to)
    opener = remote(settings, url) if url else in_process(settings, sender_address)
    async with opener as (http, db, settle):
        session = ChatSession(http=http, settings=settings, db=db, sender_address=sender_address,
                              to_address=to_address, profile_name=name, settle=settle, url=url)
        await session.skip_earlier()
        where = url or "Parlo en este proceso"
        print(f"Chat de WhatsApp simulado: {sender_address.removeprefix('whatsapp:')} → "
              f"{to_address.removeprefix('whatsapp:')} ({where}). Ctrl-D para salir.", flush=True)
        if messages:
            for text in messages:
                print(f"{PROMPT}{text}", flush=True)
                await session.exchange(text, wait=wait)
            return
        interactive = sys.stdin.isatty()
        while True:
            try:
                text = await asyncio.to_thread(input, PROMPT if interactive else "")
            except EOFError:
                break
            if not text.strip():
                continue
            if not interactive:
                print(f"{PROMPT}{text}", flush=True)
            await session.exchange(text, wait=wait)
        await session.wait_for_replies(seconds=1.0)


def default_business_number(settings: Settings) -> str:
    """The demo salon's number when it is loaded (``parlo demo``), else Parlo's central number."""
    from parlo.demo import DEMO_NUMBER
    from storage import Database, Organization

    async def find() -> str | None:
        db = Database.connect(settings.database_url)
        try:
            async with db.session() as session:
                return await session.scalar(select(Organization.whatsapp_number)
                                            .where(Organization.whatsapp_number == DEMO_NUMBER))
        except Exception:  # noqa: BLE001 - no database yet: talk to the central number
            return None
        finally:
            await db.dispose()

    return asyncio.run(find()) or settings.central_number
