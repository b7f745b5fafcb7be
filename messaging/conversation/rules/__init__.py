"""The rule engine: one module per flow family (customer, staff and owners, onboarding)."""

from .engine import RuleEngine

__all__ = ["RuleEngine"]
