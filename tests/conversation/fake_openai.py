"""A fake OpenAI chat-completions server with scripted answers, served in-process.

The real ``openai`` client talks to it over HTTP (``httpx2.ASGITransport``), so request
building, retries, timeouts and response parsing are the library's own. Each request pops
the next scripted step; a step sees the request (messages, tools) and returns a text
answer, tool calls, or an HTTP error.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

Step = Callable[[dict[str, Any]], dict[str, Any] | tuple[int, dict[str, Any]]]
BASE_URL = "http://fake-openai.test/v1"


def text(content: str) -> Step:
    return lambda request: {"role": "assistant", "content": content}


def call(name: str, arguments: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]]) -> Step:
    def step(request: dict[str, Any]) -> dict[str, Any]:
        args = arguments(request) if callable(arguments) else arguments
        return {"role": "assistant", "content": None,
                "tool_calls": [{"id": f"call_{name}", "type": "function",
                                "function": {"name": name, "arguments": json.dumps(args)}}]}
    return step


def calls(*steps: Step) -> Step:
    """Several tool calls in one answer (what parallel tool calling would produce)."""
    def step(request: dict[str, Any]) -> dict[str, Any]:
        made = [s(request)["tool_calls"][0] for s in steps]
        for i, c in enumerate(made):
            c["id"] = f"{c['id']}_{i}"
        return {"role": "assistant", "content": None, "tool_calls": made}
    return step


def fail(status: int = 500) -> Step:
    return lambda request: (status, {"error": {"message": "boom", "type": "server_error"}})


def slow(seconds: float, then: Step) -> Step:
    async def step(request):  # noqa: ANN001
        await asyncio.sleep(seconds)
        return then(request)
    return step  # type: ignore[return-value]


def last_tool_result(request: dict[str, Any]) -> dict[str, Any]:
    tool_messages = [m for m in request["messages"] if m["role"] == "tool"]
    return json.loads(tool_messages[-1]["content"])


def system_prompt(request: dict[str, Any]) -> str:
    return request["messages"][0]["content"]


@dataclass
class FakeOpenAI:
    script: list[Step] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self.app = Starlette(routes=[Route("/v1/chat/completions", self._complete, methods=["POST"])])

    def then(self, *steps: Step) -> "FakeOpenAI":
        self.script.extend(steps)
        return self

    def http_client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=self.app), base_url=BASE_URL)

    def tool_names(self, index: int = -1) -> list[str]:
        return [t["function"]["name"] for t in self.requests[index].get("tools", [])]

    async def _complete(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        if not self.script:
            return JSONResponse({"error": {"message": "script exhausted"}}, status_code=500)
        answer = self.script.pop(0)(body)
        if asyncio.iscoroutine(answer):
            answer = await answer
        if isinstance(answer, tuple):
            status, payload = answer
            return JSONResponse(payload, status_code=status)
        return JSONResponse({
            "id": f"chatcmpl-{next(self._ids)}", "object": "chat.completion", "created": 1768579200,
            "model": body.get("model", "gpt-4.1"),
            "choices": [{"index": 0, "message": answer,
                         "finish_reason": "tool_calls" if answer.get("tool_calls") else "stop"}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15},
        })
