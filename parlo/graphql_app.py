"""The GraphQL endpoint (issue 4 fills this: ``/graphql`` over ``schema.Schema``)."""

from __future__ import annotations

from parlo.components import Component, Services


def graphql_component(services: Services) -> Component:
    return Component()
