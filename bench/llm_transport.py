"""Client CPU per OpenAI request, by HTTP transport: httpx2 (openai's default) against aiohttp.

A worker carries ~100+ turns at once on one event loop; each LLM round is one
``AsyncOpenAI.post`` (``LLMEngine._complete``). A profile of a worker under load put ~21% of
its CPU in that path, much of it in httpcore/anyio (a cancel scope per socket write) and h11.
This runs the engine's own ``_complete`` (the owner's tools, a system prompt and history:
a real turn's body) against the tests' fake OpenAI (``tests/fakes/openai_server.py``, a real
uvicorn server in another process, answering after ``--delay``), ``--in-flight`` requests at
once, through each transport in the same run, blocks interleaved with the order rotated
(A B C, B C A, …): the machine is shared and its speed drifts.

- **httpx2** — ``AsyncOpenAI``'s own client (its defaults: 100 kept-alive connections);
- **httpx2 keep-alive** — the same with every in-flight connection kept (``Limits``), to
  tell connection churn apart from per-request cost;
- **aiohttp** — ``openai.DefaultAioHttpClient`` (the library's vendored httpx2→aiohttp adapter).

Figures: CPU of this (client) process per request (``time.process_time``) and wall per
block. The event loop is uvloop's, as a worker's.

    .venv/bin/python bench/llm_transport.py [--in-flight 128] [--requests 1024] [--blocks 6] [--delay 0.05]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402

from bench.api import free_port  # noqa: E402
from bench.machine import machine_speed  # noqa: E402
from messaging.conversation.build import openai_client  # noqa: E402
from messaging.conversation.llm import LLMEngine  # noqa: E402
from messaging.conversation.tools import offer_for  # noqa: E402
from resolvers.context import Actor, Context, ResolverConfig  # noqa: E402
from storage import PermissionLevel  # noqa: E402


def clients(base_url: str, in_flight: int) -> dict:
    import httpx2
    from openai import DefaultAioHttpClient, DefaultAsyncHttpxClient

    return {
        "httpx2": openai_client("sk-bench", base_url),
        "httpx2 keep-alive": openai_client("sk-bench", base_url, http_client=DefaultAsyncHttpxClient(
            limits=httpx2.Limits(max_connections=1000, max_keepalive_connections=2 * in_flight))),
        "aiohttp": openai_client("sk-bench", base_url, http_client=DefaultAioHttpClient()),
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--in-flight", type=int, default=128, help="requests under way at once")
    parser.add_argument("--requests", type=int, default=1024, help="requests per block")
    parser.add_argument("--blocks", type=int, default=6, help="blocks per transport, interleaved")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds the fake model takes")
    parser.add_argument("--history", type=int, default=8, help="earlier messages in each request")
    args = parser.parse_args()

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "tests.fakes.openai_server", "--port", str(port),
                               "--delay", str(args.delay)], cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base) as probe:
            for _ in range(100):
                try:
                    await probe.get("/stats")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
        await run(args, f"{base}/v1")
    finally:
        server.terminate()
        server.wait()


async def run(args, base_url: str) -> None:
    ctx = Context(db=None, now=lambda: datetime.now(timezone.utc),
                  actor=Actor.staff(organization_id=uuid.uuid4(), staff_id=uuid.uuid4(), level=PermissionLevel.OWNER),
                  config=ResolverConfig(jwt_secret="x" * 40))
    offer = offer_for(ctx, "management")
    history = [{"role": ("user", "assistant")[i % 2], "content": f"Mensaje {i}: ¿tienes lugar mañana a las 5?"}
               for i in range(args.history)]
    messages = [{"role": "system", "content": "Eres Parlo, el asistente del salón. " * 60}, *history,
                {"role": "user", "content": "¿qué tengo hoy?"}]
    engines = {name: LLMEngine(client, "gpt-4.1") for name, client in clients(base_url, args.in_flight).items()}

    async def block(engine: LLMEngine, count: int) -> tuple[float, float]:
        remaining = count

        async def one_at_a_time() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                answer = await engine._complete(messages, offer)
                assert answer is not None and answer.content

        cpu, wall = time.process_time(), time.perf_counter()
        await asyncio.gather(*(one_at_a_time() for _ in range(args.in_flight)))
        return (time.process_time() - cpu) * 1000 / count, time.perf_counter() - wall

    print(machine_speed())
    print(f"{args.in_flight} requests in flight, {args.requests} per block, fake model {args.delay:g} s, "
          f"request body ~{len(offer.openai_json) // 1024 + 4} KB")
    for engine in engines.values():
        await block(engine, 2 * args.in_flight)  # warm-up: connections opened, code paths hot
    names = list(engines)
    cpu: dict[str, list[float]] = {n: [] for n in names}
    wall: dict[str, list[float]] = {n: [] for n in names}
    for i in range(args.blocks):
        for name in names[i % len(names):] + names[:i % len(names)]:  # rotate: A B C, B C A, C A B, ...
            ms, seconds = await block(engines[name], args.requests)
            cpu[name].append(ms)
            wall[name].append(seconds)
    base = statistics.median(cpu["httpx2"])
    for name in names:
        median = statistics.median(cpu[name])
        print(f"{name:18s} {median:6.3f} ms CPU per request (blocks {min(cpu[name]):.3f}-{max(cpu[name]):.3f}; "
              f"{(median - base) / base * 100:+5.1f}% vs httpx2)  wall {statistics.median(wall[name]):5.2f} s "
              f"per {args.requests} ({args.requests / statistics.median(wall[name]):.0f}/s)")
    print(machine_speed())
    for engine in engines.values():
        await engine.client.close()


if __name__ == "__main__":
    import uvloop

    uvloop.run(main())
