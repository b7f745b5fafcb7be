"""Who actually puts a message on WhatsApp: Twilio, or (in development) the log.

The twilio client is synchronous (requests); calls go to a thread so the event loop keeps
answering webhooks. Errors are sorted once, here: 429, 5xx, timeouts and connection
errors are *transient* (retry with backoff); any other 4xx is *permanent* (recorded, not
retried). Tests inject a fake at twilio's ``http_client`` boundary, so this code runs for real.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from twilio.base.exceptions import TwilioRestException
from twilio.http import HttpClient
from twilio.http.http_client import TwilioHttpClient
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
    # requests' Timeout/ConnectionError, socket errors, and twilio's own transport errors
    return SendFailed(f"{type(exc).__name__}: {exc}", permanent=False)


class TwilioSender:
    """Sends through twilio's REST client; ``http_client`` is the seam tests replace."""

    def __init__(self, account_sid: str, auth_token: str, *, http_client: HttpClient | None = None) -> None:
        self.client = Client(account_sid, auth_token,
                             http_client=http_client or TwilioHttpClient(timeout=TWILIO_TIMEOUT_SECONDS))

    def _create(self, m: Outgoing) -> Sent:
        kwargs: dict = {"to": m.to, "from_": m.from_}
        if m.content_sid:
            kwargs["content_sid"] = m.content_sid
            kwargs["content_variables"] = json.dumps(m.content_variables or {}, ensure_ascii=False)
        else:
            kwargs["body"] = m.body
        if m.status_callback:
            kwargs["status_callback"] = m.status_callback
        created = self.client.messages.create(**kwargs)
        return Sent(provider_message_id=created.sid, status=str(created.status or "queued"))

    async def send(self, message: Outgoing) -> Sent:
        try:
            return await asyncio.to_thread(self._create, message)
        except Exception as exc:  # noqa: BLE001 - sorted into transient/permanent by classify
            raise classify(exc) from exc

    def _find(self, m: Outgoing, since: datetime) -> list[str]:
        """Twilio has no idempotency key on Messages: look for ours among the recent ones.

        Candidates are messages to the same recipient, from the same sender, created after
        our claim (less a minute of clock skew) and, for session messages, with the same
        text; oldest first. A template's text is Meta's, not ours, so it cannot be compared;
        it is safe without: a person's rows go out one after another, oldest first, and only
        rows claimed together with this one can have been sent since its claim; recovery
        takes the stuck rows oldest first, each the oldest message no other row has recorded.
        """
        after = since - timedelta(minutes=1)
        recent = self.client.messages.list(to=m.to, from_=m.from_, date_sent_after=after, limit=100)
        found = [
            (message.date_created or after, message.sid) for message in recent
            if (m.is_template or (message.body or "").strip() == m.body.strip())
            and (message.date_created is None or message.date_created >= after)
        ]
        return [sid for _, sid in sorted(found)]

    async def find_sent(self, message: Outgoing, *, since: datetime) -> list[str]:
        try:
            return await asyncio.to_thread(self._find, message, since)
        except Exception as exc:  # noqa: BLE001 - any failure means "cannot tell yet"
            raise classify(exc) from exc


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
