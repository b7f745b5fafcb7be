"""Sending WhatsApp messages through Twilio: a thread per send (requests) against the loop (aiohttp).

Outbox delivery sends ``SENDS_AT_ONCE`` messages at once on the worker's event loop. This
sends ``--messages`` of them, ``--at-once`` at a time, to the tests' fake Twilio served
over HTTP in another process (``tests/fakes/twilio_server.py``, answering after
``--delay``), through each sender in the same run, rounds interleaved A B B A (the machine
is shared and its speed drifts):

- **thread+requests** — the sender as it was: twilio's ``TwilioHttpClient`` (requests) with
  ``messages.create`` under ``asyncio.to_thread`` (the loop's default pool: min(32, cores+4) threads);
- **aiohttp** — ``messaging.senders.TwilioSender``: ``messages.create_async`` over
  ``LoopBoundTwilioHttpClient`` on the loop.

Both run twilio's own request building and response parsing; only the host is swapped for
the fake's. ``--logs``: with Parlo's logging at INFO (written to /dev/null), plus a third
sender, **aiohttp+twilio INFO**: the same with twilio's eleven INFO lines per request let
through (as they were before ``parlo.logs`` quieted the ``twilio`` logger). Figures: CPU of this (client) process per message (``time.process_time``, every
thread) and wall per round. The loop is uvloop's, as a worker's.

    .venv/bin/python bench/twilio_send.py [--messages 1000] [--at-once 16] [--rounds 3] [--delay 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import logging.config
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from twilio.http.http_client import TwilioHttpClient  # noqa: E402
from twilio.rest import Client  # noqa: E402

from bench.api import free_port  # noqa: E402
from bench.machine import machine_speed  # noqa: E402
from messaging.delivery import SENDS_AT_ONCE  # noqa: E402
from messaging.senders import TWILIO_TIMEOUT_SECONDS, Outgoing, Sent, TwilioSender, classify  # noqa: E402
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN  # noqa: E402
from tests.fakes.twilio_server import to_server  # noqa: E402


class ThreadSender:
    """The sender before: twilio's synchronous client in a thread per send."""

    def __init__(self, base_url: str) -> None:
        class ToServer(TwilioHttpClient):
            def request(self, method, url, *args, **kwargs):
                parts = urlsplit(url)
                return super().request(method, f"{base_url}{parts.path}", *args, **kwargs)

        self.client = Client(ACCOUNT_SID, AUTH_TOKEN, http_client=ToServer(timeout=TWILIO_TIMEOUT_SECONDS))

    def _create(self, m: Outgoing) -> Sent:
        created = self.client.messages.create(to=m.to, from_=m.from_, body=m.body, status_callback=m.status_callback)
        return Sent(provider_message_id=created.sid, status=str(created.status or "queued"))

    async def send(self, message: Outgoing) -> Sent:
        try:
            return await asyncio.to_thread(self._create, message)
        except Exception as exc:  # noqa: BLE001
            raise classify(exc) from exc

    async def aclose(self) -> None:
        pass


async def one_round(sender, count: int, at_once: int) -> tuple[float, float]:
    remaining = count

    async def one_at_a_time(worker: int) -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            sent = await sender.send(Outgoing(
                outbox_id=str(remaining), to=f"whatsapp:+52155{worker:04d}{remaining:04d}",
                from_="whatsapp:+525587654321", body=f"¡Hola! Te recordamos tu cita de mañana a las 10:00 AM ({remaining}).",
                status_callback="https://parlo.example/webhooks/twilio/status"))
            assert sent.provider_message_id.startswith("SM")

    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(one_at_a_time(w) for w in range(at_once)))
    return (time.process_time() - cpu) * 1000 / count, time.perf_counter() - wall


class AtTwilioLogLevel:
    """A sender that sends with the ``twilio`` logger at ``level`` (set at its first send of a round)."""

    def __init__(self, sender, level: int) -> None:
        self.sender = sender
        self.level = level

    async def send(self, message: Outgoing) -> Sent:
        twilio_log = logging.getLogger("twilio")
        if twilio_log.level != self.level:
            twilio_log.setLevel(self.level)
        return await self.sender.send(message)

    async def aclose(self) -> None:
        await self.sender.aclose()


async def run(args, base_url: str) -> None:
    senders = {"thread+requests": ThreadSender(base_url),
               "aiohttp": TwilioSender(ACCOUNT_SID, AUTH_TOKEN,
                                       http_client=to_server(base_url, timeout=TWILIO_TIMEOUT_SECONDS))}
    if args.logs:
        from parlo.logs import logging_config

        logging.config.dictConfig(logging_config("INFO"))
        for handler in logging.getLogger().handlers:
            handler.setStream(open(os.devnull, "w"))  # noqa: SIM115 - for the process's life
        quiet = logging.getLogger("twilio").level  # as parlo.logs sets it
        senders = {name: AtTwilioLogLevel(sender, quiet) for name, sender in senders.items()}
        senders["aiohttp+twilio INFO"] = AtTwilioLogLevel(TwilioSender(
            ACCOUNT_SID, AUTH_TOKEN, http_client=to_server(base_url, timeout=TWILIO_TIMEOUT_SECONDS)), logging.INFO)
    print(machine_speed())
    print(f"{args.messages} messages per round, {args.at_once} at once, fake Twilio answers after {args.delay:g} s"
          f"{'; Parlo logging at INFO' if args.logs else ''}")
    for sender in senders.values():
        await one_round(sender, 4 * args.at_once, args.at_once)  # warm-up: connections open, code paths hot
    names = list(senders)
    cpu: dict[str, list[float]] = {n: [] for n in names}
    wall: dict[str, list[float]] = {n: [] for n in names}
    for i in range(args.rounds):
        # A B B A, then B A A B (with three: A B C C B A, then C B A A B C)
        for name in (names + names[::-1] if i % 2 == 0 else names[::-1] + names):
            ms, seconds = await one_round(senders[name], args.messages, args.at_once)
            cpu[name].append(ms)
            wall[name].append(seconds)
    base = statistics.median(cpu[names[0]])
    for name in names:
        median, seconds = statistics.median(cpu[name]), statistics.median(wall[name])
        print(f"{name:20s} {median:6.3f} ms CPU per message (rounds {min(cpu[name]):.3f}-{max(cpu[name]):.3f}; "
              f"{(median - base) / base * 100:+5.1f}%)  wall {seconds:5.2f} s per {args.messages} "
              f"({args.messages / seconds:.0f}/s)")
    print(machine_speed())
    for sender in senders.values():
        await sender.aclose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000, help="messages per round")
    parser.add_argument("--at-once", type=int, default=SENDS_AT_ONCE, help="sends under way at once")
    parser.add_argument("--rounds", type=int, default=3, help="A B B A rounds (each sender twice per round)")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds the fake Twilio takes to answer")
    parser.add_argument("--logs", action="store_true", help="Parlo's logging at INFO; a sender with twilio's lines")
    args = parser.parse_args()

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tests.fakes.twilio_server", "--port", str(port),
                               "--delay", str(args.delay)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                await asyncio.sleep(0.1)
        await run(args, f"http://127.0.0.1:{port}")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
