"""Customers: book, see, change and cancel their appointments, ask, or talk to a person.

Flows (spec "State Machine Flows" 3-6): ``book`` (collecting_service → collecting_datetime
→ choosing_slot → collecting_personal_info / confirming_summary → confirmed), ``modify``
(identifying_booking → collecting_new_datetime → choosing_slot → checking_satisfaction),
``cancel`` (identifying_booking → confirming_cancellation → cancelled); inquiries and
handoff are stateless.

Consent: picking one of the times Parlo offered *is* the confirmation (spec examples 1
and 2); a time the customer proposes is confirmed first, and a cancellation always is.
Only times check_availability returned are ever offered or booked.

Modules: :mod:`.router` (which flow a message goes to), :mod:`.booking`, :mod:`.offers`
(free times offered and picked), :mod:`.changes` (see, move, cancel), :mod:`.inquiry`
(prices, hours, ratings, handoff), :mod:`.waitlist` (the "sí"/"no" to a waitlist offer),
:mod:`.common` (shared wording and look-ups).
"""

from .common import STRONG, understand
from .router import handle, resume
from .waitlist import answered_offer

__all__ = ["STRONG", "answered_offer", "handle", "resume", "understand"]
