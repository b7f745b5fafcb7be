"""The tool layer: every action either engine takes, by name, with the sender as the actor.

- :mod:`.base` — what a tool is (:class:`Tool`, :class:`ToolContext`, :class:`ToolResult`),
  argument validation (local times, days, ids).
- :mod:`.results` — the frozen dataclass each runner returns, and its one conversion to the
  JSON the model reads (``to_json``).
- :mod:`.documents` — the named GraphQL operations run in-process, problems → results.
- :mod:`.customer`, :mod:`.staff`, :mod:`.owners` — runners by who asks.
- :mod:`.handoff` — use cases the schema has no operation for yet (names, ratings, handoff,
  messages to customers, staff welcome, stats); :mod:`.onboarding` — create_business,
  save_my_profile.
- :mod:`.registry` — which tools a sender gets (:func:`offer_for`, cached per kind of sender),
  and :func:`call_tool` (permission, trace).

Lower modules never import :mod:`.registry`, so there is no import circle.
"""

from .base import (
    Audience,
    InvalidArguments,
    Runner,
    Tool,
    ToolContext,
    ToolResult,
    _schema_of,
    day_bounds,
    iso_local,
    local_day,
    local_instant,
)
from .documents import DOCUMENTS, NOT_IN_SCHEMA_YET, OperationFailed, _schema, appointment_facts, run_operation
from .registry import Offer, audience_of, call_tool, offer_for, registry, tools_for

__all__ = [
    "DOCUMENTS", "NOT_IN_SCHEMA_YET", "Audience", "InvalidArguments", "Offer", "OperationFailed", "Runner", "Tool",
    "ToolContext", "ToolResult", "_schema", "_schema_of", "appointment_facts", "audience_of", "call_tool",
    "day_bounds", "iso_local", "local_day", "local_instant", "offer_for", "registry", "run_operation", "tools_for",
]
