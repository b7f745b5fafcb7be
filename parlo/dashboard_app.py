"""The web dashboard, served at ``/`` (issue 9 fills this)."""

from __future__ import annotations

from parlo.components import Component, Services


def dashboard_component(services: Services) -> Component:
    return Component()
