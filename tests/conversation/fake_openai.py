"""A fake OpenAI chat-completions server with scripted answers, served in-process.

The real ``openai`` client talks to it over HTTP (``httpx2.ASGITransport``), so request
building, retries, timeouts and response parsing are the library's own. Each request pops
the next scripted step; a step sees the request (messages, tools) and returns a text
answer, tool calls, or an HTTP error.

It also answers ``/v1/audio/transcriptions`` (voice notes): each request pops the next
scripted transcript (:meth:`FakeOpenAI.hears`) after checking that what was uploaded is
a real Ogg/Opus file (it is decoded with ``opusdec``), and keeps the upload for asserts.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import tempfile
import wave
from pathlib import Path
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
class Upload:
    """One transcription request as the fake received it."""

    model: str
    language: str | None
    filename: str
    content_type: str
    audio: bytes
    seconds: float  # the decoded length of the audio


def decoded_seconds(audio: bytes) -> float:
    """Decode Ogg/Opus with opusdec (Debian's opus-tools): raises unless it is a real file."""
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder, "in.ogg"), Path(folder, "out.wav")
        source.write_bytes(audio)
        subprocess.run(["opusdec", "--quiet", str(source), str(target)], check=True, capture_output=True, timeout=30)
        with wave.open(str(target)) as decoded:
            return decoded.getnframes() / decoded.getframerate()


@dataclass
class FakeOpenAI:
    script: list[Step] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    #: Scripted transcription answers: a text, or an HTTP status to fail with.
    transcripts: list[str | int] = field(default_factory=list)
    uploads: list[Upload] = field(default_factory=list)
    #: Seconds every request waits before answering (an overloaded OpenAI).
    latency: float = 0.0

    def __post_init__(self) -> None:
        self._ids = itertools.count(1)
        self.app = Starlette(routes=[Route("/v1/chat/completions", self._complete, methods=["POST"]),
                                     Route("/v1/audio/transcriptions", self._transcribe, methods=["POST"])])

    def then(self, *steps: Step) -> "FakeOpenAI":
        self.script.extend(steps)
        return self

    def hears(self, *answers: str | int) -> "FakeOpenAI":
        self.transcripts.extend(answers)
        return self

    async def _transcribe(self, request: Request) -> JSONResponse:
        if self.latency:
            await asyncio.sleep(self.latency)
        form = await request.form()
        upload = form["file"]
        audio = await upload.read()
        seconds = await asyncio.to_thread(decoded_seconds, audio)
        self.uploads.append(Upload(model=str(form["model"]), language=form.get("language"),
                                   filename=upload.filename or "", content_type=upload.content_type or "",
                                   audio=audio, seconds=seconds))
        if not self.transcripts:
            return JSONResponse({"error": {"message": "no transcript scripted"}}, status_code=500)
        answer = self.transcripts.pop(0)
        if isinstance(answer, int):
            return JSONResponse({"error": {"message": "boom", "type": "server_error"}}, status_code=answer)
        return JSONResponse({"text": answer})

    def http_client(self) -> httpx2.AsyncClient:
        return httpx2.AsyncClient(transport=httpx2.ASGITransport(app=self.app), base_url=BASE_URL)

    def tool_names(self, index: int = -1) -> list[str]:
        return [t["function"]["name"] for t in self.requests[index].get("tools", [])]

    async def _complete(self, request: Request) -> JSONResponse:
        if self.latency:
            await asyncio.sleep(self.latency)
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
