"""The Twilio sender over its real aiohttp client, against a fake Twilio served on 127.0.0.1.

The delivery tests fake Twilio at twilio's ``http_client`` seam; here the sender's own
HTTP client runs too: its session on the running loop, its time limit, Basic auth on the wire.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from datetime import datetime, timezone

import pytest

from messaging.senders import TWILIO_TIMEOUT_SECONDS, Outgoing, SendFailed, TwilioSender
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN, FakeTwilio
from tests.fakes.twilio_server import FakeTwilioServer, to_server

CALLBACK = "https://parlo.test/webhooks/twilio/status"


def outgoing(to: str = "whatsapp:+525512345678", **kwargs) -> Outgoing:
    return Outgoing(outbox_id="row-1", to=to, from_="whatsapp:+525587654321", body=kwargs.pop("body", "Tu cita es mañana"),
                    **kwargs)


@pytest.fixture
async def twilio() -> FakeTwilioServer:
    async with FakeTwilioServer(FakeTwilio(credentials=(ACCOUNT_SID, AUTH_TOKEN))) as server:
        yield server


def sender_for(server: FakeTwilioServer, *, timeout: float = TWILIO_TIMEOUT_SECONDS,
               token: str = AUTH_TOKEN) -> TwilioSender:
    return TwilioSender(ACCOUNT_SID, token, http_client=to_server(server.url, timeout=timeout))


async def test_a_message_goes_out_on_the_loop_with_its_status_callback(twilio):
    sender = sender_for(twilio)
    threads = set()
    real_request = type(sender.http_client).request

    async def noting_the_thread(self, *args, **kwargs):
        threads.add(threading.get_ident())
        return await real_request(self, *args, **kwargs)

    sender.http_client.request = noting_the_thread.__get__(sender.http_client)
    try:
        sent = await asyncio.gather(*(sender.send(outgoing(f"whatsapp:+5255123456{i:02d}", status_callback=CALLBACK))
                                      for i in range(16)))
    finally:
        await sender.aclose()
    assert threads == {threading.get_ident()}  # no thread per send: the loop's own
    assert sorted(s.provider_message_id for s in sent) == sorted(m.sid for m in twilio.account.messages)
    assert {s.status for s in sent} == {"queued"}
    assert {(m.body, m.status_callback) for m in twilio.account.messages} == {("Tu cita es mañana", CALLBACK)}


async def test_a_template_goes_as_its_content_sid_and_variables(twilio):
    sender = sender_for(twilio)
    try:
        await sender.send(outgoing(content_sid="HXreminder", content_variables={"1": "Peña", "2": "3:00 PM"}))
    finally:
        await sender.aclose()
    [message] = twilio.account.messages
    assert message.content_sid == "HXreminder" and message.content_variables == {"1": "Peña", "2": "3:00 PM"}


@pytest.mark.parametrize(("answer", "permanent"), [(429, False), (500, False), (503, False)])
async def test_twilio_busy_or_broken_is_retried(twilio, answer, permanent):
    twilio.account.fail_next(answer)
    sender = sender_for(twilio)
    try:
        with pytest.raises(SendFailed) as failed:
            await sender.send(outgoing())
        assert failed.value.permanent is permanent and f"Twilio {answer}" in failed.value.detail
        assert (await sender.send(outgoing())).provider_message_id  # the session is still good
    finally:
        await sender.aclose()


async def test_a_number_twilio_refuses_is_a_permanent_failure_with_its_code(twilio):
    sender = sender_for(twilio)
    try:
        with pytest.raises(SendFailed) as failed:
            await sender.send(outgoing("whatsapp:+520000000001"))
    finally:
        await sender.aclose()
    assert failed.value.permanent and "21211" in failed.value.detail


async def test_wrong_credentials_are_a_permanent_failure(twilio):
    sender = sender_for(twilio, token="not-the-token")
    try:
        with pytest.raises(SendFailed) as failed:
            await sender.send(outgoing())
    finally:
        await sender.aclose()
    assert failed.value.permanent and "401" in failed.value.detail and twilio.account.messages == []


async def test_a_slow_twilio_is_given_up_on_at_the_time_limit_and_retried():
    """twilio's own aiohttp client never applies its timeout (twilio-python #925): ours does."""
    async with FakeTwilioServer(delay=1.5) as slow:
        sender = sender_for(slow, timeout=0.2)
        started = time.perf_counter()
        try:
            with pytest.raises(SendFailed) as failed:
                await sender.send(outgoing())
            waited = time.perf_counter() - started
        finally:
            await sender.aclose()
    assert waited < 1
    assert not failed.value.permanent and "Timeout" in failed.value.detail


async def test_no_twilio_at_all_is_a_transient_failure(twilio):
    url = twilio.url
    await twilio.stop()
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, http_client=to_server(url, timeout=2))
    try:
        with pytest.raises(SendFailed) as failed:
            await sender.send(outgoing())
    finally:
        await sender.aclose()
    assert not failed.value.permanent


async def test_finding_what_twilio_already_took(twilio):
    sender = sender_for(twilio)
    since = datetime.now(timezone.utc)
    try:
        sent = await sender.send(outgoing())
        assert await sender.find_sent(outgoing(), since=since) == [sent.provider_message_id]
        assert await sender.find_sent(outgoing(body="otro texto"), since=since) == []
    finally:
        await sender.aclose()


async def test_the_session_is_opened_on_first_use_and_closed_on_its_loop(twilio):
    client = to_server(twilio.url, timeout=5)  # built with no loop involved: nothing opened yet
    assert client.session is None
    sender = TwilioSender(ACCOUNT_SID, AUTH_TOKEN, http_client=client)
    await sender.send(outgoing())
    session = client.session
    assert session is not None and not session.closed
    await sender.aclose()
    assert session.closed and client.session is None


async def test_a_sender_used_from_a_second_loop_says_so(twilio):
    sender = sender_for(twilio)
    await sender.send(outgoing())
    try:
        with pytest.raises(RuntimeError, match="event loop"):
            await asyncio.to_thread(asyncio.run, sender.send(outgoing()))
    finally:
        await sender.aclose()
    assert len(twilio.account.messages) == 1


async def test_a_send_writes_no_line_of_twilios_at_info(twilio, caplog):
    """twilio's client logs each request at INFO, headers and all: Parlo's logging quiets it."""
    from parlo.logs import logging_config

    twilio_log = logging.getLogger("twilio")
    before = twilio_log.level
    twilio_log.setLevel(logging_config("INFO")["loggers"]["twilio"]["level"])
    caplog.set_level(logging.INFO)
    sender = sender_for(twilio)
    try:
        await sender.send(outgoing())
    finally:
        await sender.aclose()
        twilio_log.setLevel(before)
    assert [r for r in caplog.records if r.name.startswith("twilio")] == []
