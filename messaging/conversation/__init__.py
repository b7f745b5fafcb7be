"""Conversation engines: what Parlo answers customers, staff and owners on WhatsApp.

Both engines drive the same tool layer (:mod:`.tools`): every tool is a named GraphQL
operation (or, where the schema has none yet, a use case behind the same interface),
run in-process with the *sender* as the actor, so permissions are the resolvers' and
identical for the rule engine, the LLM and the dashboard. Which tools a sender gets
depends on who they are (customer, staff level, onboarding), never on what a model says.

- :mod:`.rules` — the deterministic engine (state machines in ``FlowSession``).
- :mod:`.llm` — OpenAI tool calling; :mod:`.fallback` answers with the rules when it fails.
- :func:`.build.build_engine` — LLM + fallback when a key is set, rules otherwise.
"""
