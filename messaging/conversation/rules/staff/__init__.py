"""Staff, admins and owners on WhatsApp: their day in a few words, and quick changes.

Stateless answers: my schedule, business schedule, what's next, customer history, stats, the
dashboard link. Flows (spec 8, 9, 10, 11, 14 and example conversations 4-7), one module each:
``block`` (collecting_time_range → offering_more), ``mark`` (confirming → offering_message),
``walk_in`` (collecting_service → collecting_customer_phone → collecting_name),
``customers`` (history, message → confirming), ``team`` (add_staff: collecting_name →
collecting_phone → collecting_services → offering_welcome; remove; permissions),
``settings`` (hours and service: confirming), ``booking`` (on behalf, move), ``rebooking``.
``router`` decides which of them a message belongs to. What each flow remembers between messages
is a typed, versioned dataclass (``state``; ``asked.Asked`` for follow-up questions).
Staff are direct: a fully said block or walk-in is done at once; marking, cancelling,
changing hours/services and messaging a customer are confirmed first.
"""

from .common import is_ack
from .router import STRONG, handle, understand

__all__ = ["STRONG", "handle", "is_ack", "understand"]
