"""Who actually puts a message on WhatsApp: Twilio, or (in development) the log.

Twilio's client runs on the event loop that delivers (its ``*_async`` calls over aiohttp):
no thread per send, and as many sends at once as delivery asks for. Its aiohttp session
belongs to that loop: it is made on first use there and closed there (``aclose``), so a
sender is never shared between loops (each Huey thread has its own; see parlo.tasks).
Errors are sorted once, here: 429, 5xx, timeouts and connection errors are *transient*
(retry with backoff); any other 4xx is *permanent* (recorded, not retried). Tests inject a
fake at twilio's ``http_client`` boundary (an ``AsyncHttpClient``), so this code and
twilio's request building, auth and error mapping run for real.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import aiohttp
from twilio.base.exceptions import TwilioRestException
from twilio.http import AsyncHttpClient
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

log = logging.getLogger("parlo.whatsapp")

#: A Twilio call that takes longer than this is treated as a transient failure.
TWILIO_TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One outbox row, ready for the wire."""

    outbox_id: str
    to: str  # whatsapp:+52…, exactly as the customer wrote from
    from_: str  # whatsapp:+52…, the business's (or Parlo's central) number
    body: str  # the Spanish text (also kept for templates: it is what the dev log shows)
    content_sid: str | None = None
    content_variables: dict[str, str] | None = None
    status_callback: str | None = None

    @property
    def is_template(self) -> bool:
        return self.content_sid is not None


@dataclass(frozen=True, slots=True)
class Sent:
    provider_message_id: str
    status: str  # Twilio's status word: queued, sent, …


class SendFailed(Exception):
    """Twilio did not take the message. ``permanent`` failures are never retried."""

    def __init__(self, detail: str, *, permanent: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.permanent = permanent


class Sender(Protocol):
    async def send(self, message: Outgoing) -> Sent: ...

    async def find_sent(self, message: Outgoing, *, since: datetime) -> list[str]:
        """Provider ids of messages Twilio already took that may be this row's (see delivery)."""
        ...


def classify(exc: BaseException) -> SendFailed:
    if isinstance(exc, SendFailed):
        return exc
    if isinstance(exc, TwilioRestException):
        transient = exc.status == 429 or exc.status >= 500
        code = f" (código {exc.code})" if exc.code else ""
        return SendFailed(f"Twilio {exc.status}{code}: {exc.msg}", permanent=not transient)
    # aiohttp's timeouts and connection errors, socket errors, and twilio's own transport errors
    return SendFailed(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, permanent=False)


class WrongLoop(RuntimeError):
    """A sender used from a loop other than its session's: a wiring bug, not a Twilio failure."""


class LoopBoundTwilioHttpClient(AsyncTwilioHttpClient):
    """twilio's aiohttp client, made safe to build anywhere and bounded in time.

    twilio's own opens its ``ClientSession`` in the constructor, which needs a running loop
    (and binds the session to it), and never applies its ``timeout`` (twilio-python #925:
    aiohttp is handed ``timeout=None``, which means no limit). Here the session is opened on
    the first request, on the loop making it, with ``timeout`` as its total limit; a request
    from another loop is a bug and says so; ``close`` gives the session back on its loop.
    Credentials go as an ``Authorization`` header (aiohttp deprecates ``auth=``).
    """

    def __init__(self, *, timeout: float) -> None:
        super().__init__(pool_connections=False, timeout=timeout)
        self.session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                      allow_redirects=False) -> Response:
        loop = asyncio.get_running_loop()
        if self.session is None or self.session.closed:
            self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
            self._loop = loop
        elif self._loop is not loop:
            raise WrongLoop("a Twilio sender's HTTP session belongs to the event loop that opened it")
        if auth is not None:  # as a header: aiohttp warns on every request given ``auth`` (gone in aiohttp 4)
            basic = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode("ascii")
            headers = {**(headers or {}), "Authorization": f"Basic {basic}"}
        return await super().request(method, url, params=params, data=data, headers=headers, auth=None,
                                     timeout=timeout if timeout is not None else self.timeout,
                                     allow_redirects=allow_redirects)

    async def close(self) -> None:
        session, self.session, self._loop = self.session, None, None
        if session is not None and not session.closed:
            await session.close()


class TwilioSender:
    """Sends through twilio's REST client on the running loop; ``http_client`` is the seam tests replace.

    One per event loop: ``aclose()`` on that loop when done with it.
    """

    def __init__(self, account_sid: str, auth_token: str, *, http_client: AsyncHttpClient | None = None) -> None:
        self.http_client = http_client or LoopBoundTwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS)
        self.client = Client(account_sid, auth_token, http_client=self.http_client)

    async def aclose(self) -> None:
        close = getattr(self.http_client, "close", None)
        if close is not None:
            await close()

    async def send(self, m: Outgoing) -> Sent:
        kwargs: dict = {"to": m.to, "from_": m.from_}
        if m.content_sid:
            kwargs["content_sid"] = m.content_sid
            kwargs["content_variables"] = json.dumps(m.content_variables or {}, ensure_ascii=False)
        else:
            kwargs["body"] = m.body
        if m.status_callback:
            kwargs["status_callback"] = m.status_callback
        try:
            created = await self.client.messages.create_async(**kwargs)
        except WrongLoop:
            raise
        except Exception as exc:  # noqa: BLE001 - sorted into transient/permanent by classify
            raise classify(exc) from exc
        return Sent(provider_message_id=created.sid, status=str(created.status or "queued"))

    async def find_sent(self, m: Outgoing, *, since: datetime) -> list[str]:
        """Twilio has no idempotency key on Messages: look for ours among the recent ones.

        Candidates are messages to the same recipient, from the same sender, created after
        our claim (less a minute of clock skew) and, for session messages, with the same
        text; oldest first. A template's text is Meta's, not ours, so it cannot be compared;
        it is safe without: a person's rows go out one after another, oldest first, and only
        rows claimed together with this one can have been sent since its claim; recovery
        takes the stuck rows oldest first, each the oldest message no other row has recorded.
        """
        after = since - timedelta(minutes=1)
        try:
            recent = await self.client.messages.list_async(to=m.to, from_=m.from_, date_sent_after=after, limit=100)
        except WrongLoop:
            raise
        except Exception as exc:  # noqa: BLE001 - any failure means "cannot tell yet"
            raise classify(exc) from exc
        found = [
            (message.date_created or after, message.sid) for message in recent
            if (m.is_template or (message.body or "").strip() == m.body.strip())
            and (message.date_created is None or message.date_created >= after)
        ]
        return [sid for _, sid in sorted(found)]


class LogSender:
    """Development: no Twilio. The message goes to the log and stays in the database as sent."""

    def __init__(self) -> None:
        self.sent: deque[Outgoing] = deque(maxlen=200)  # the latest few, for tests and debugging

    async def send(self, message: Outgoing) -> Sent:
        self.sent.append(message)
        label = f" [plantilla {message.content_sid}]" if message.content_sid else ""
        log.info("WhatsApp (sin Twilio) %s → %s%s: %s", message.from_, message.to, label, message.body)
        return Sent(provider_message_id=f"DEV{message.outbox_id.replace('-', '')}", status="sent")

    async def find_sent(self, message: Outgoing, *, since: datetime) -> list[str]:
        return []
