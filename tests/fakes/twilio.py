"""A fake Twilio at the HTTP boundary: twilio's real client builds and parses every request.

Pass ``FakeTwilio()`` as ``Client(http_client=...)`` (or ``parlo.tasks.TWILIO_HTTP_CLIENT``) for
the synchronous calls (numbers, doctor), and ``fake.async_client()`` as the sender's
``http_client`` (or ``fake.async_client`` as ``parlo.tasks.TWILIO_ASYNC_HTTP_CLIENT``): the
same fake account behind twilio's ``*_async`` calls.
It keeps the messages it accepted and answers what Parlo uses of the REST API: Messages
(create, list), AvailablePhoneNumbers, IncomingPhoneNumbers, the Account (fetch) and
Messaging v2 Channels Senders (create, fetch, list); with ``credentials`` set, other
credentials get 401 like Twilio's. ``fail_next(503, 503)`` makes the next calls fail, like Twilio having a bad minute.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlparse

from twilio.http import AsyncHttpClient, HttpClient
from twilio.http.response import Response

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "fake-twilio-auth-token"


@dataclass
class FakeMessage:
    sid: str
    to: str
    from_: str
    body: str
    content_sid: str | None
    content_variables: dict[str, str] | None
    status_callback: str | None
    created: datetime


@dataclass
class FakeTwilio(HttpClient):
    messages: list[FakeMessage] = field(default_factory=list)
    numbers: list[dict[str, Any]] = field(default_factory=list)
    senders: list[dict[str, Any]] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)
    #: Bodies of WhatsApp templates by content SID, as Twilio would render them (for ``list``).
    available: list[str] = field(default_factory=lambda: ["+525522334455", "+525522334466"])
    #: The credentials this account accepts (``auth=(sid, token)`` of each request); None accepts any.
    credentials: tuple[str, str] | None = None
    account_status: str = "active"

    def __post_init__(self) -> None:
        super().__init__(logger=None, is_async=False)  # type: ignore[arg-type]
        self._lock = threading.Lock()
        self._failures: list[int | BaseException] = []
        self._ids = itertools.count(1)

    # --- test controls ---------------------------------------------------------------
    def fail_next(self, *answers: int | BaseException) -> None:
        """The next calls answer these HTTP statuses (or raise these exceptions), in order."""
        with self._lock:
            self._failures.extend(answers)

    def set_sender_status(self, sid: str, status: str) -> None:
        next(s for s in self.senders if s["sid"] == sid)["status"] = status

    def sent_to(self, to: str) -> list[FakeMessage]:
        return [m for m in self.messages if m.to == to]

    def async_client(self, *, delay: float = 0.0) -> "FakeAsyncTwilio":
        """This account behind twilio's asynchronous client (``*_async`` calls); each answer after ``delay`` s."""
        return FakeAsyncTwilio(self, delay)

    # --- HttpClient -------------------------------------------------------------------
    def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                allow_redirects=False) -> Response:
        path = urlparse(url).path
        with self._lock:
            self.requests.append((method, path))
            if self.credentials is not None and tuple(auth or ()) != self.credentials:
                return self._error(401, "Authenticate", code=20003)
            if self._failures:
                failure = self._failures.pop(0)
                if isinstance(failure, BaseException):
                    raise failure
                return self._error(failure, "Service Unavailable" if failure >= 500 else "Too Many Requests")
            return self._route(method, path, params or {}, data or {})

    def _route(self, method: str, path: str, params: dict, data: dict) -> Response:
        if path.endswith("/Messages.json") and method == "POST":
            return self._create_message(data)
        if path.endswith("/Messages.json") and method == "GET":
            return self._list_messages(params)
        if "/AvailablePhoneNumbers/" in path:
            return self._json(200, {"available_phone_numbers": [
                {"phone_number": n, "friendly_name": n, "iso_country": "MX", "capabilities": {"sms": True}}
                for n in self.available]})
        if path.endswith("/IncomingPhoneNumbers.json") and method == "GET":
            found = [n for n in self.numbers if not params.get("FriendlyName") or n["friendly_name"] == params["FriendlyName"]]
            return self._json(200, {"incoming_phone_numbers": found, "next_page_uri": None, "page": 0,
                                    "page_size": 50, "uri": path, "first_page_uri": path,
                                    "previous_page_uri": None, "start": 0, "end": len(found)})
        if path.endswith("/IncomingPhoneNumbers.json") and method == "POST":
            number = {"sid": f"PN{next(self._ids):032d}", "phone_number": data.get("PhoneNumber"),
                      "friendly_name": data.get("FriendlyName"), "sms_url": data.get("SmsUrl"),
                      "account_sid": ACCOUNT_SID}
            self.numbers.append(number)
            if number["phone_number"] in self.available:
                self.available.remove(number["phone_number"])
            return self._json(201, number)
        if path.endswith("/Channels/Senders") and method == "POST":
            sender = {**(data if isinstance(data, dict) else {}), "sid": f"XE{next(self._ids):032d}", "status": "CREATING"}
            self.senders.append(sender)
            return self._json(201, sender)
        if path.endswith(f"/Accounts/{ACCOUNT_SID}.json") and method == "GET":
            return self._json(200, {"sid": ACCOUNT_SID, "friendly_name": "Cuenta de prueba",
                                    "status": self.account_status, "type": "Full"})
        if path.endswith("/Channels/Senders") and method == "GET":
            return self._json(200, {"senders": self.senders, "meta": {
                "page": 0, "page_size": 50, "first_page_url": path, "previous_page_url": None, "url": path,
                "next_page_url": None, "key": "senders"}})
        if "/Channels/Senders/" in path and method == "GET":
            sid = path.rsplit("/", 1)[-1]
            found = next((s for s in self.senders if s["sid"] == sid), None)
            return self._json(200, found) if found else self._error(404, "not found", code=20404)
        return self._error(404, f"fake Twilio has no {method} {path}", code=20404)

    def _create_message(self, data: dict) -> Response:
        if not data.get("To") or not data.get("From"):
            return self._error(400, "A 'To' phone number is required.", code=21604)
        if str(data["To"]).endswith("0000000001"):
            return self._error(400, "The 'To' number is not a valid phone number.", code=21211)
        variables = json.loads(data["ContentVariables"]) if data.get("ContentVariables") else None
        body = data.get("Body") or ""
        if data.get("ContentSid") and variables:
            body = " | ".join(f"{k}={v}" for k, v in sorted(variables.items()))
        message = FakeMessage(sid=f"SM{next(self._ids):032d}", to=data["To"], from_=data["From"], body=body,
                              content_sid=data.get("ContentSid"), content_variables=variables,
                              status_callback=data.get("StatusCallback"), created=datetime.now(timezone.utc))
        self.messages.append(message)
        return self._json(201, self._message_json(message, "queued"))

    def _list_messages(self, params: dict) -> Response:
        found = [m for m in self.messages
                 if (not params.get("To") or m.to == params["To"]) and (not params.get("From") or m.from_ == params["From"])]
        return self._json(200, {"messages": [self._message_json(m, "sent") for m in reversed(found)],
                                "next_page_uri": None, "page": 0, "page_size": 100, "uri": "/Messages.json",
                                "first_page_uri": "/Messages.json", "previous_page_uri": None, "start": 0,
                                "end": len(found)})

    @staticmethod
    def _message_json(m: FakeMessage, status: str) -> dict:
        return {"sid": m.sid, "account_sid": ACCOUNT_SID, "to": m.to, "from": m.from_, "body": m.body,
                "status": status, "date_created": format_datetime(m.created, usegmt=True),
                "date_sent": format_datetime(m.created, usegmt=True), "num_segments": "1", "direction": "outbound-api"}

    @staticmethod
    def _json(status: int, payload: dict) -> Response:
        return Response(status, json.dumps(payload), headers={"Content-Type": "application/json"})

    def _error(self, status: int, message: str, code: int | None = None) -> Response:
        return self._json(status, {"code": code or status * 100, "message": message, "more_info": "", "status": status})


class FakeAsyncTwilio(AsyncHttpClient):
    """A :class:`FakeTwilio`'s asynchronous face: twilio's ``*_async`` calls reach the same account."""

    def __init__(self, account: FakeTwilio, delay: float = 0.0) -> None:
        super().__init__(logger=None, is_async=True)  # type: ignore[arg-type]
        self.account = account
        self.delay = delay
        self.closed = False

    @property
    def messages(self) -> list[FakeMessage]:
        return self.account.messages

    async def request(self, method, url, params=None, data=None, headers=None, auth=None, timeout=None,
                      allow_redirects=False) -> Response:
        if self.delay:
            await asyncio.sleep(self.delay)
        return self.account.request(method, url, params=params, data=data, headers=headers, auth=auth,
                                    timeout=timeout, allow_redirects=allow_redirects)

    async def close(self) -> None:
        self.closed = True
