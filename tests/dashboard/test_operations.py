"""Every GraphQL operation the dashboard can send is valid against the server's schema,
so a renamed field breaks this test instead of a salon owner's morning."""

from __future__ import annotations

import graphql
import pytest

from schema.schema import build_schema

pytestmark = [pytest.mark.browser]


async def test_every_dashboard_operation_validates_against_the_schema(page, live_server):
    await page.goto("/")
    operations = await page.evaluate("""async () => {
        const app = document.querySelector('script[type=module]').src;
        const q = await import(app.replace(/app\\.js$/, 'consultas.js'));
        const out = {};
        for (const [name, value] of Object.entries(q)) {
            out[name] = typeof value === 'function' ? value(['2026-01-19', '2026-01-20', '2026-01-21']) : value;
        }
        return out;
    }""")
    assert len(operations) > 30
    schema = build_schema()._schema
    # Rebooking (issue 8) may not be wired into the schema yet; the dashboard then says
    # "todavía no está disponible". Once it is, its operations are checked like the rest.
    later = set() if "suggestRebooking" in schema.mutation_type.fields else {"SUGERIR_REBOOKING", "APLICAR_REBOOKING"}
    invalid = {}
    for name, text in operations.items():
        errors = graphql.validate(schema, graphql.parse(text))
        if errors and name not in later:
            invalid[name] = [e.message for e in errors]
    assert invalid == {}
