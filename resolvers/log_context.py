"""What a log line is about: the request or task being served and the organization it touches.

Context variables, so each asyncio task and each Huey worker thread carries its own; set
where the fact becomes known (the HTTP middleware and the Huey hooks in ``parlo.logs``,
the GraphQL endpoint once it knows the caller, messaging once a turn or a delivery knows
its organization) and read by ``parlo.logs`` for every line. Stdlib only, and here, low in
the layers, so messaging, schema and parlo may all set them.
"""

from __future__ import annotations

import uuid
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("parlo_request_id", default=None)
task_id: ContextVar[str | None] = ContextVar("parlo_task_id", default=None)
organization_id: ContextVar[str | None] = ContextVar("parlo_organization_id", default=None)


def bind_organization(value: uuid.UUID | str | None) -> None:
    """From here on (in this task or thread), log lines name this organization."""
    organization_id.set(str(value) if value else None)
