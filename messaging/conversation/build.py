"""Pick the engine from settings: OpenAI with the rule engine as fallback, or the rules alone."""

from __future__ import annotations

from typing import Any

from messaging.engine import ConversationEngine

from .fallback import FallbackEngine
from .llm import LLMEngine
from .rules import RuleEngine


def build_engine(openai_api_key: str | None, openai_base_url: str | None = None, openai_model: str = "gpt-4.1", *,
                 request_timeout: float = 20.0, max_retries: int = 2, turn_deadline: float = 45.0,
                 max_iterations: int = 6, http_client: Any = None) -> ConversationEngine:
    """``RuleEngine()`` without a key; otherwise ``FallbackEngine(LLMEngine(AsyncOpenAI…), RuleEngine())``.

    ``http_client`` (an ``httpx2.AsyncClient``, the transport openai ≥ 3 uses) is for tests
    that serve a fake OpenAI in-process.
    """
    rules = RuleEngine()
    if not openai_api_key:
        return rules
    from openai import AsyncOpenAI

    client = AsyncOpenAI(api_key=openai_api_key, base_url=openai_base_url or None, timeout=request_timeout,
                         max_retries=max_retries, **({"http_client": http_client} if http_client is not None else {}))
    llm = LLMEngine(client, openai_model, max_iterations=max_iterations, request_timeout=request_timeout)
    return FallbackEngine(llm, rules, deadline=turn_deadline)
