"""Parlo's log lines: one format for the CLI, every uvicorn worker and every Huey worker.

Why a module of its own: ``parlo serve --workers N`` runs the app in processes uvicorn
spawns, which never see what the parent configured; uvicorn applies the ``log_config``
it is given in each of them, so the whole set-up is one ``dictConfig`` (:func:`logging_config`)
that any process can apply.

Each line carries what it is about — the HTTP request (``request``) or Huey task
(``task``) being served and the organization it touches — from the context variables in
:mod:`resolvers.log_context`. ``PARLO_LOG_FORMAT=json`` writes one JSON object per line
for log collectors; the default is text for people. ``PARLO_LOG_LEVEL`` sets the level.

Secrets never reach a line: the configured secret values (Twilio's auth token, the OpenAI
key, the JWT secret, the admin password, database and Redis passwords) and anything shaped
like a credential (``Bearer …``, a JWT, ``token=…`` in a URL such as a magic link, a
password inside a URL) are replaced by ``***`` after formatting, exception text included.
"""

from __future__ import annotations

import json
import logging
import logging.config
import re
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from resolvers import log_context

LOG_FORMATS = ("text", "json")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MASK = "***"

_CREDENTIAL_SHAPES = [
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]+"), r"\1 " + MASK),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+"), MASK),  # a JWT
    (re.compile(r"(?i)([?&;](?:token|password|secret|api_key|apikey|key|signature|code)=)[^&\s\"'#]+"), r"\1" + MASK),
    (re.compile(r"(?i)(\b[a-z][a-z0-9+.-]*://[^:/\s@]+:)[^@\s/]+@"), r"\1" + MASK + "@"),  # scheme://user:pass@
    (re.compile(r"\bsk-[A-Za-z0-9_-]{16,}"), MASK),  # an OpenAI key
]
_secrets: tuple[str, ...] = ()


def remember_secrets(values: Iterable[str | None]) -> None:
    """The exact values no line may show (kept per process; longest first so none is half-masked)."""
    global _secrets
    _secrets = tuple(sorted({v for v in values if v and len(v) >= 6}, key=len, reverse=True))


def secrets_of(settings: Any) -> list[str | None]:
    """Every secret a :class:`parlo.settings.Settings` holds, as plain strings."""
    from sqlalchemy.engine import make_url

    values: list[str | None] = []
    for name in ("twilio_auth_token", "openai_api_key", "jwt_secret", "admin_password"):
        secret = getattr(settings, name, None)
        values.append(secret.get_secret_value() if secret is not None else None)
    for url in (settings.database_url, settings.redis_url):
        if url:
            try:
                values.append(make_url(url).password)
            except Exception:  # noqa: BLE001 - not a URL SQLAlchemy reads: nothing to take from it
                pass
    return values


def redact(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    for shape, replacement in _CREDENTIAL_SHAPES:
        text = shape.sub(replacement, text)
    return text


class ContextFilter(logging.Filter):
    """Stamps each record with the request, task and organization of the code that logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = log_context.request_id.get()
        record.task_id = log_context.task_id.get()
        record.organization_id = log_context.organization_id.get()
        return True


def _exception_text(formatter: logging.Formatter, record: logging.LogRecord) -> str | None:
    if record.exc_info:
        return formatter.formatException(record.exc_info)
    return record.exc_text or None


class TextFormatter(logging.Formatter):
    """``2026-01-15 10:00:00,123 INFO parlo.whatsapp request=… organization=…: message``."""

    def format(self, record: logging.LogRecord) -> str:
        about = "".join(f" {label}={value}" for label, value in (
            ("request", getattr(record, "request_id", None)), ("task", getattr(record, "task_id", None)),
            ("organization", getattr(record, "organization_id", None))) if value)
        line = f"{self.formatTime(record)} {record.levelname} {record.name}{about}: {record.getMessage()}"
        if (trace := _exception_text(self, record)) is not None:
            line += "\n" + trace
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return redact(line)


class JsonFormatter(logging.Formatter):
    """One JSON object per line, keys stable for log collectors; absent facts are null."""

    def format(self, record: logging.LogRecord) -> str:
        body: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None),
            "task_id": getattr(record, "task_id", None),
            "organization_id": getattr(record, "organization_id", None),
            "process": record.process,
        }
        if (trace := _exception_text(self, record)) is not None:
            body["exception"] = redact(trace)
        return json.dumps(body, ensure_ascii=False)


def logging_config(level: str = "INFO", fmt: str = "text") -> dict[str, Any]:
    """The whole set-up as a ``logging.config.dictConfig`` dictionary (uvicorn's ``log_config``)."""
    level = level.upper()
    formatter = "parlo.logs.JsonFormatter" if fmt == "json" else "parlo.logs.TextFormatter"
    quiet = {"DEBUG": "INFO", "INFO": "WARNING"}.get(level, level)
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "parlo.logs.ContextFilter"}},
        "formatters": {"parlo": {"()": formatter}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr",
                                "formatter": "parlo", "filters": ["context"]}},
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            # uvicorn's loggers bring their own handlers by default: here they go through ours.
            "uvicorn": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.error": {"level": level, "handlers": [], "propagate": True},
            "uvicorn.access": {"level": level, "handlers": [], "propagate": True},
            # Chatty libraries: their INFO lines are per statement or per HTTP call.
            "alembic": {"level": quiet},
            "httpx": {"level": quiet},
            "httpcore": {"level": quiet},
            # openai ≥ 3's HTTP stack: an INFO line per OpenAI request (~18 µs of a worker's CPU each).
            "httpx2": {"level": quiet},
            "httpcore2": {"level": quiet},
            # twilio's HTTP clients: eleven INFO lines per request (headers and all), so per WhatsApp message sent.
            "twilio": {"level": quiet},
            "sqlalchemy": {"level": "WARNING"},
        },
    }


def configure_logging(settings: Any) -> None:
    """Apply Parlo's logging in this process and remember the settings' secrets."""
    remember_secrets(secrets_of(settings))
    logging.config.dictConfig(logging_config(settings.log_level, settings.log_format))


class RequestContext:
    """ASGI middleware: each HTTP request gets an id (the proxy's ``X-Request-ID`` when it is a
    sane one, else a new one), echoed in the response, on every line logged while serving it."""

    _SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = next((v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-request-id"), "")
        request = incoming if self._SANE.fullmatch(incoming) else uuid.uuid4().hex[:16]
        request_token = log_context.request_id.set(request)
        organization_token = log_context.organization_id.set(None)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log_context.organization_id.reset(organization_token)
            log_context.request_id.reset(request_token)


def track_tasks(huey: Any) -> None:
    """Huey hooks: while a task runs, lines logged by its worker thread carry the task's id."""

    def started(task: Any) -> None:
        log_context.task_id.set(str(task.id))
        log_context.organization_id.set(None)

    def finished(task: Any, value: Any, exception: BaseException | None) -> None:
        log_context.task_id.set(None)
        log_context.organization_id.set(None)

    huey.pre_execute(name="parlo.log_task")(started)
    huey.post_execute(name="parlo.log_task")(finished)

