"""CPU per LLM round spent on the tool definitions: before, and as the engine sends them now.

Each LLM round sends up to ~30 tool JSON schemas (an owner gets 28). Before, every round
filtered the registry by the sender's permissions, rebuilt every definition dict and passed
them as ``tools=``, which makes the ``openai`` library walk each schema against its
TypedDicts (``async_maybe_transform``) on every request. Now
:func:`messaging.conversation.tools.offer_for` hands out one :class:`Offer` per kind of sender,
built once per process, and the engine sends its plain-JSON definitions in ``extra_body``.

Three variants, interleaved block by block in one process (the machine is shared), each a
real ``openai`` client building, encoding and sending the request to an in-process transport
that answers a canned completion at once (parsing included): the client-side CPU of a round.

- **before** — definitions built per round, ``tools=``;
- **cached, tools=** — the cached definitions, still through ``tools=``;
- **extra_body** — the cached definitions in ``extra_body`` through ``chat.completions.create``
  (the engine until the third session: the library still walks every *message* against its
  TypedDicts and builds pydantic models of the answer);
- **now** — what ``LLMEngine._complete`` does: the body serialised with orjson (the
  definitions spliced in, serialised once per process), the client's low-level ``post``, the
  answer read from the bytes.

The conversation sent has a system prompt and ``--history`` earlier messages, as a real turn.

    .venv/bin/python bench/llm_tools.py [--rounds 200] [--blocks 9] [--sender owner|customer] [--history 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx2  # noqa: E402

from messaging.conversation.build import openai_client  # noqa: E402
from messaging.conversation.llm import LLMEngine  # noqa: E402
from messaging.conversation.tools import Audience, offer_for, registry  # noqa: E402
from messaging.conversation.tools.registry import audience_of  # noqa: E402
from resolvers.context import Actor, Context, ResolverConfig  # noqa: E402
from resolvers.permissions import allows  # noqa: E402
from storage import PermissionLevel  # noqa: E402

ANSWER = json.dumps({"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "gpt-4.1",
                     "choices": [{"index": 0, "finish_reason": "stop",
                                  "message": {"role": "assistant", "content": "Listo ✓"}}],
                     "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}).encode()


def before(ctx: Context, route_kind: str) -> list[dict]:
    """The engine's old per-round work: filter the registry, build every definition."""
    audience = audience_of(ctx, route_kind)
    tools = [t for t in registry().values() if audience in t.audiences
             and (t.permission is None or audience is not Audience.STAFF or allows(ctx.actor, t.permission))]
    return [t.openai_schema() for t in tools]


def now_(ctx: Context, route_kind: str) -> list[dict]:
    return offer_for(ctx, route_kind).openai


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="rounds per block")
    parser.add_argument("--blocks", type=int, default=9, help="A/B blocks, interleaved")
    parser.add_argument("--sender", choices=("owner", "customer"), default="owner")
    parser.add_argument("--history", type=int, default=16, help="earlier messages in the conversation")
    args = parser.parse_args()
    org = uuid.uuid4()
    actor = Actor.staff(organization_id=org, staff_id=uuid.uuid4(), level=PermissionLevel.OWNER) \
        if args.sender == "owner" else Actor.customer(organization_id=org, customer_id=uuid.uuid4(), phone="+5215512345678")
    route = "management" if args.sender == "owner" else "customer"
    ctx = Context(db=None, now=lambda: datetime.now(timezone.utc), actor=actor, config=ResolverConfig(jwt_secret="x" * 40))
    client = openai_client("sk-bench", "http://fake-openai.test/v1", http_client=httpx2.AsyncClient(
        transport=httpx2.MockTransport(lambda request: httpx2.Response(
            200, content=ANSWER, headers={"content-type": "application/json"}))))
    engine = LLMEngine(client, "gpt-4.1")
    history = [{"role": ("user", "assistant")[i % 2], "content": f"Mensaje {i}: ¿tienes lugar mañana a las 5?"}
               for i in range(args.history)]
    messages = [{"role": "system", "content": "Eres Parlo. " * 200}, *history,
                {"role": "user", "content": "¿qué tengo hoy?"}]
    assert before(ctx, route) == now_(ctx, route)
    print(f"{args.sender} gets {len(now_(ctx, route))} tools, {len(json.dumps(now_(ctx, route)))} bytes of JSON")

    async def rounds(variant: str) -> float:
        started = time.process_time()
        for _ in range(args.rounds):
            if variant == "now":
                await engine._complete(messages, offer_for(ctx, route))
                continue
            if variant == "before":
                extra = {"tools": before(ctx, route)}
            elif variant == "cached, tools=":
                extra = {"tools": now_(ctx, route)}
            else:
                extra = {"extra_body": {"tools": now_(ctx, route)}}
            await client.chat.completions.create(model="gpt-4.1", messages=messages, tool_choice="auto",
                                                 parallel_tool_calls=False, **extra)
        return (time.process_time() - started) * 1e6 / args.rounds  # µs per round

    variants = ("before", "cached, tools=", "extra_body", "now")
    for variant in variants:
        await rounds(variant)  # warm-up
    spent: dict[str, list[float]] = {v: [] for v in variants}
    for block in range(args.blocks):
        for variant in variants[block % len(variants):] + variants[:block % len(variants)]:  # rotate the order
            spent[variant].append(await rounds(variant))
    base = statistics.median(spent["before"])
    for variant in variants:
        median = statistics.median(spent[variant])
        print(f"{variant:16s} {median:8.1f} µs CPU per round (spread {min(spent[variant]):.0f}-"
              f"{max(spent[variant]):.0f}; {base - median:+8.1f} µs saved vs before)")
    print(f"median of {args.blocks} blocks × {args.rounds} rounds")


if __name__ == "__main__":
    asyncio.run(main())
