"""Voice notes: many Mexican customers talk rather than type, so Parlo listens.

An audio message arrives from Twilio as a media URL (``MediaUrl0``) and a type
(``MediaContentType0``, ``audio/ogg`` for a WhatsApp voice note). Before the turn runs,
:class:`VoiceNotes` downloads it from Twilio *with the account's credentials* and has
OpenAI's audio transcription API write it down in Spanish; the text is stored on the
message (its ``body``, the content type stays ``audio``) and the same turn handles it as if
it had been typed. Stored means heard once: a turn run again after a crash reads the text
instead of transcribing twice.

What may go wrong is a value (:class:`NotHeard`) with the short Spanish answer the person
gets instead: no key or no Twilio credentials, a download or transcription failure, media
over WhatsApp's 16 MB ceiling, media that is not audio, a silent note. The owner is not
bothered with any of it (no handoff, no notice): the person is simply asked to write.

Credentials go to Twilio only: a media URL must be HTTPS on a ``twilio.com`` host (where
Twilio hosts media) and is fetched through ``api_base`` (``https://api.twilio.com``;
tests point it at a fake). Twilio answers with a redirect to its storage, which httpx
follows without the ``Authorization`` header (another host).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from messaging.breaker import CircuitBreaker

log = logging.getLogger("parlo.whatsapp")

#: WhatsApp's own ceiling for media; a longer note is refused without reading the rest.
MAX_MEDIA_BYTES = 16 * 1024 * 1024
TWILIO_API = "https://api.twilio.com"

WRITE_IT = "¿Me lo escribes, por favor?"
CANNOT_LISTEN = f"Todavía no puedo escuchar notas de voz 🙏 {WRITE_IT}"
NOT_HEARD = f"No pude escuchar bien tu nota de voz 🙏 {WRITE_IT}"
SILENT = f"No alcancé a escuchar nada en tu nota de voz 🙏 {WRITE_IT}"
TOO_LARGE = "Tu nota de voz es demasiado larga para mí (hasta 16 MB) 🙏 ¿Me lo escribes o me mandas una más corta?"
NOT_AUDIO = "Por ahora solo leo mensajes de texto y escucho notas de voz; no puedo abrir fotos, videos ni archivos 🙏"
NOT_AUDIO_NOTHING_ELSE = f"{NOT_AUDIO} {WRITE_IT}"

#: What the transcription API is told the file is, by media type (WhatsApp sends ogg/opus,
#: some phones mpeg, mp4/aac or amr; OpenAI names the format by the file's extension).
_EXTENSIONS = {"ogg": "ogg", "opus": "ogg", "mpeg": "mp3", "mp3": "mp3", "mp4": "m4a", "m4a": "m4a", "x-m4a": "m4a",
               "aac": "aac", "wav": "wav", "x-wav": "wav", "webm": "webm", "amr": "amr", "flac": "flac"}


@dataclass(frozen=True, slots=True)
class Heard:
    text: str


@dataclass(frozen=True, slots=True)
class NotHeard:
    """Why a note was not understood, and what the person is told instead."""

    reason: str
    reply: str


class MediaProblem(Exception):
    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def is_audio(mime: str | None) -> bool:
    return (mime or "").split("/", 1)[0].strip().lower() == "audio"


def file_name(mime: str | None) -> str:
    subtype = (mime or "").split("/", 1)[-1].split(";", 1)[0].strip().lower()
    return f"nota-de-voz.{_EXTENSIONS.get(subtype, 'ogg')}"


def understood(text: str, *, limit: int = 300) -> str:
    """The line that tells the person what Parlo heard: ``Entendí: «…»``."""
    said = " ".join(text.split())
    if len(said) > limit:
        said = said[:limit].rsplit(" ", 1)[0] + "…"
    return f"Entendí: «{said}»"


class TwilioMedia:
    """Downloads a message's media from Twilio with the account's credentials."""

    def __init__(self, account_sid: str, auth_token: str, *, api_base: str = TWILIO_API, timeout: float = 8.0,
                 max_bytes: int = MAX_MEDIA_BYTES, http_client: httpx.AsyncClient | None = None) -> None:
        self.auth = httpx.BasicAuth(account_sid, auth_token)
        self.api_base = api_base.rstrip("/")
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.http_client = http_client

    def fetch_url(self, media_url: str) -> str:
        """The URL actually fetched: the media's path on ``api_base``; refused unless Twilio's."""
        parts = urlsplit(media_url)
        host = (parts.hostname or "").lower()
        if parts.scheme != "https" or not (host == "twilio.com" or host.endswith(".twilio.com")):
            raise MediaProblem("foreign_url", media_url[:120])
        return self.api_base + parts.path + (f"?{parts.query}" if parts.query else "")

    async def download(self, media_url: str) -> bytes:
        url = self.fetch_url(media_url)
        if self.http_client is not None:
            return await self._read(self.http_client, url)
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            return await self._read(client, url)

    async def _read(self, client: httpx.AsyncClient, url: str) -> bytes:
        try:
            async with client.stream("GET", url, auth=self.auth, follow_redirects=True, timeout=self.timeout) as r:
                if r.status_code != 200:
                    raise MediaProblem("download_failed", f"HTTP {r.status_code}")
                declared = r.headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise MediaProblem("too_large", f"{declared} bytes")
                chunks, size = [], 0
                async for chunk in r.aiter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise MediaProblem("too_large", f"more than {self.max_bytes} bytes")
                    chunks.append(chunk)
                return b"".join(chunks)
        except httpx.HTTPError as exc:
            raise MediaProblem("download_failed", f"{type(exc).__name__}: {exc}") from exc


class Transcriber(Protocol):
    async def transcribe(self, audio: bytes, mime: str | None) -> str: ...


class OpenAITranscriber:
    """OpenAI's audio transcription API, in Spanish, with a configurable model."""

    def __init__(self, client: Any, model: str, *, timeout: float = 10.0) -> None:
        self.client = client
        self.model = model
        self.timeout = timeout

    async def transcribe(self, audio: bytes, mime: str | None) -> str:
        kind = (mime or "audio/ogg").split(";", 1)[0].strip()
        result = await self.client.audio.transcriptions.create(
            model=self.model, file=(file_name(mime), audio, kind), language="es", timeout=self.timeout)
        return (getattr(result, "text", None) if not isinstance(result, str) else result) or ""


class VoiceNotes:
    """Turns a voice note into text, or says why not. ``media``/``transcriber`` None = not configured."""

    def __init__(self, media: TwilioMedia | None, transcriber: Transcriber | None, *,
                 breaker: CircuitBreaker | None = None, timeout: float = 6.0) -> None:
        self.media = media
        self.transcriber = transcriber
        self.breaker = breaker
        self.timeout = timeout

    async def hear(self, media_url: str | None, mime: str | None, *, within: float | None = None) -> Heard | NotHeard:
        """``within``: seconds left in the turn's budget (the note may not use all of it)."""
        if not is_audio(mime):
            return NotHeard("not_audio", NOT_AUDIO_NOTHING_ELSE)
        if self.media is None or self.transcriber is None or not media_url:
            return NotHeard("not_configured", CANNOT_LISTEN)
        permit = self.breaker.acquire() if self.breaker is not None else None
        if self.breaker is not None and permit is None:
            return NotHeard("openai_unavailable", NOT_HEARD)  # OpenAI is down: no waiting for it
        budget = self.timeout if within is None else max(0.5, min(self.timeout, within))
        asked_openai = False
        try:
            async with asyncio.timeout(budget):
                audio = await self.media.download(media_url)
                asked_openai = True
                text = (await self.transcriber.transcribe(audio, mime)).strip()
            if permit is not None:
                permit.succeeded()
        except MediaProblem as exc:
            log.warning("voice note not downloaded (%s)", exc)
            return NotHeard(exc.reason, TOO_LARGE if exc.reason == "too_large" else NOT_HEARD)
        except Exception as exc:  # noqa: BLE001 - a timeout or an API error: the person writes instead
            log.warning("voice note not %s (%s: %s)", "transcribed" if asked_openai else "downloaded",
                        type(exc).__name__, exc)
            if permit is not None and asked_openai:
                permit.failed()
            return NotHeard("transcription_failed" if asked_openai else "download_failed", NOT_HEARD)
        finally:
            if permit is not None:
                permit.release()  # no verdict unless one was given above (a download problem)
        if not any(ch.isalnum() for ch in text):
            return NotHeard("silent", SILENT)
        return Heard(text)

