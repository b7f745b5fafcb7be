"""A fake OpenAI that takes its time: every chat completion answers a short text after ``--delay`` seconds.

A real HTTP server (uvicorn), so a ``parlo worker`` in another process talks to it with
the real ``openai`` client: the SIGTERM test and ``bench/load.py`` (turns when the model
takes a second) use it.

    python -m tests.fakes.openai_server --port 18850 --delay 1.0
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

ANSWER = "¡Claro! Con gusto te ayudo. ¿Para qué servicio y qué día te gustaría tu cita?"


def make_app(delay: float) -> Starlette:
    ids = itertools.count(1)
    state = {"requests": 0, "answered": 0, "in_flight": 0, "max_in_flight": 0}

    async def completions(request: Request) -> JSONResponse:
        await request.body()
        state["requests"] += 1
        state["in_flight"] += 1
        state["max_in_flight"] = max(state["max_in_flight"], state["in_flight"])
        try:
            await asyncio.sleep(delay)
        finally:
            state["in_flight"] -= 1
        state["answered"] += 1
        return JSONResponse({
            "id": f"chatcmpl-{next(ids)}", "object": "chat.completion", "created": int(time.time()), "model": "fake",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": ANSWER}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        })

    async def stats(request: Request) -> JSONResponse:
        return JSONResponse(state)

    return Starlette(routes=[Route("/v1/chat/completions", completions, methods=["POST"]),
                             Route("/stats", stats, methods=["GET"])])


def main() -> None:
    import uvicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay", type=float, default=1.0)
    args = parser.parse_args()
    uvicorn.run(make_app(args.delay), host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
