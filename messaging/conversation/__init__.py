"""Conversation engines: what Parlo answers customers, staff and owners on WhatsApp.

Both engines drive the same tool layer (:mod:`.tools`): every tool is a named GraphQL
operation (or, where the schema has none yet, a use case behind the same interface),
run in-process with the *sender* as the actor, so permissions are the resolvers' and
identical for the rule engine, the LLM and the dashboard. Which tools a sender gets
depends on who they are (customer, staff level, onboarding), never on what a model says.

- :func:`.build.build_engine(openai_api_key, openai_base_url, openai_model, ...)` — the
  engine for ``Messaging``: ``RuleEngine()`` without a key, otherwise
  ``FallbackEngine(LLMEngine(AsyncOpenAI(...)), RuleEngine())``.
- :mod:`.tools` — ``Tool``, ``ToolContext``, ``ToolResult`` (a typed ``value`` from
  :mod:`.tools.results`, ``for_model()`` its JSON), ``registry()``, ``offer_for(ctx, route_kind)``
  (cached per kind of sender), ``call_tool(tc, name, args, route_kind=...)`` (traced),
  ``DOCUMENTS`` (the GraphQL operations), ``local_instant`` (model times validated).
- :mod:`.tools.handoff` — tools without a GraphQL operation yet (handoff, own name, message a
  customer, staff welcome, stats); :mod:`.tools.onboarding` — create_business, save_my_profile.
- :mod:`.rules` — ``RuleEngine``: state machines in ``FlowSession`` (customer, staff/owner)
  and ``OnboardingSession`` (staff, business), Spanish from :mod:`messaging.spanish`.
- :mod:`.llm` — ``LLMEngine``: chat completions with tool calling; :mod:`.prompts` the
  Mexican-Spanish system prompts; :mod:`.fallback` — ``FallbackEngine`` (rules on failure;
  onboarding always on rules).
- :mod:`.profile` — the business, team, customer facts read once per turn.
"""
