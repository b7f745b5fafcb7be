"""WhatsApp webhooks and outbox delivery (issue 5 fills this: ``/webhooks/twilio``)."""

from __future__ import annotations

from parlo.components import Component, Services


def whatsapp_component(services: Services) -> Component:
    return Component()
