"""Pick the engine from settings: OpenAI with the rule engine as fallback, or the rules alone; and the ears."""

from __future__ import annotations

from typing import Any

from messaging.breaker import BreakerPolicy, CircuitBreaker
from messaging.engine import ConversationEngine
from messaging.voice import TWILIO_API, OpenAITranscriber, TwilioMedia, VoiceNotes

from .fallback import FallbackEngine
from .llm import LLMEngine
from .rules import RuleEngine


def build_engine(openai_api_key: str | None, openai_base_url: str | None = None, openai_model: str = "gpt-4.1", *,
                 request_timeout: float = 10.0, max_retries: int = 1, turn_deadline: float = 12.0,
                 max_iterations: int = 6, http_client: Any = None,
                 breaker: CircuitBreaker | None = None) -> ConversationEngine:
    """``RuleEngine()`` without a key; otherwise ``FallbackEngine(LLMEngine(AsyncOpenAI…), RuleEngine())``.

    ``http_client`` (an ``httpx2.AsyncClient``, the interface openai ≥ 3 speaks) is for tests
    that serve a fake OpenAI in-process; without one the requests go over aiohttp
    (:func:`chat_http_client`). ``breaker``: the process's OpenAI circuit breaker
    (:mod:`messaging.breaker`); None, a breaker of this engine's own with the defaults.
    ``turn_deadline`` caps the LLM even for a turn without a budget of its own. The engine
    holds a connection pool: ``await engine.aclose()`` on the loop that used it.
    """
    rules = RuleEngine()
    warm_tools()
    if not openai_api_key:
        return rules
    llm = LLMEngine(openai_client(openai_api_key, openai_base_url, request_timeout=request_timeout,
                                  max_retries=max_retries,
                                  http_client=http_client if http_client is not None else chat_http_client()),
                    openai_model, max_iterations=max_iterations, request_timeout=request_timeout)
    return FallbackEngine(llm, rules, deadline=turn_deadline,
                          breaker=breaker if breaker is not None else CircuitBreaker(BreakerPolicy()))


def warm_tools() -> None:
    """Build what every tool call needs once per process, now rather than in the first turn:
    the in-process GraphQL schema (importing and building it took ~1.5 s of CPU, during which a
    worker's event loop, with up to 64 turns in flight, stood still), the tools' operations
    parsed and validated, and the tool registry."""
    from .tools import registry
    from .tools.documents import prepare_all

    prepare_all()
    registry()


def chat_http_client() -> Any:
    """The chat engine's HTTP client: openai's ``DefaultAioHttpClient`` (its httpx2 interface,
    aiohttp underneath; the ``openai[aiohttp]`` extra). A worker has ~100+ requests in flight;
    through httpx2's own transport (httpcore on anyio: a cancel scope per socket write, h11)
    each cost ~0.8 ms of the worker's CPU, through aiohttp ~0.4 ms (``bench/llm_transport.py``).
    Retries, timeouts and the API's error types stay the library's: the adapter maps aiohttp's
    failures to httpx2's (a read timeout to ``ReadTimeout``, a refused connection to
    ``ConnectError``), which openai turns into its own. Its aiohttp session is made on the
    first request, on that request's loop, and must be closed there (``LLMEngine.aclose``)."""
    from openai import DefaultAioHttpClient

    return DefaultAioHttpClient()


def openai_client(api_key: str, base_url: str | None = None, *, request_timeout: float = 10.0, max_retries: int = 1,
                  http_client: Any = None) -> Any:
    from openai import AsyncOpenAI

    return AsyncOpenAI(api_key=api_key, base_url=base_url or None, timeout=request_timeout, max_retries=max_retries,
                       **({"http_client": http_client} if http_client is not None else {}))


def build_voice_notes(*, openai_api_key: str | None, openai_base_url: str | None = None,
                      transcription_model: str = "gpt-4o-mini-transcribe", twilio_account_sid: str | None = None,
                      twilio_auth_token: str | None = None, twilio_api_base: str = TWILIO_API,
                      breaker: CircuitBreaker | None = None, openai_http_client: Any = None,
                      media_http_client: Any = None) -> VoiceNotes | None:
    """Voice notes heard with Twilio's media and OpenAI's transcription; None without either
    (the sender is then asked to write, :data:`messaging.voice.CANNOT_LISTEN`)."""
    if not (openai_api_key and twilio_account_sid and twilio_auth_token):
        return None
    media = TwilioMedia(twilio_account_sid, twilio_auth_token, api_base=twilio_api_base, http_client=media_http_client)
    client = openai_client(openai_api_key, openai_base_url, request_timeout=10.0, max_retries=0,
                           http_client=openai_http_client)
    return VoiceNotes(media, OpenAITranscriber(client, transcription_model), breaker=breaker)
