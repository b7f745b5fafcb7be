"""Reading a request body with a ceiling, before anything parses it.

Starlette reads a body whole, however large: a 10 MB JSON document was accepted by
``/graphql`` and parsed before any limit looked at it. Here a declared ``Content-Length``
over the limit is refused before reading, and a body sent without one (chunked) is counted
as it arrives and refused the moment it passes the limit.
"""

from __future__ import annotations

from starlette.types import Message, Receive


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"body over {limit} bytes")
        self.limit = limit


def declared_length(headers: list[tuple[bytes, bytes]]) -> int | None:
    for name, value in headers:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def read_body(scope, receive: Receive, limit: int) -> bytes:
    """The whole body, or :class:`BodyTooLarge` as soon as it is known to pass ``limit`` bytes."""
    declared = declared_length(scope.get("headers", []))
    if declared is not None and declared > limit:
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands the already-read body over once, then waits on the real one."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again


def kilobytes(limit: int) -> str:
    return f"{limit // 1024} KB" if limit < 1024 * 1024 else f"{limit // (1024 * 1024)} MB"
