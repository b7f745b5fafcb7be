"""Managing the salon through the API: CRUD with deactivation, the data-integrity rules, Spanish validation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.graphql.helpers import admin_token, data, full_salon, gql, staff_token

PROBLEM = "__typename ... on Problem { message } ... on ValidationError { field }"
GONE = "__typename ... on Problem { message }"  # a delete never answers ValidationError: its union does not list it


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


@pytest.fixture
def owner(salon, clock):
    return staff_token(salon.salon, salon.salon.ana, clock())


async def call(client, query, variables=None, token=None):
    return data(await gql(client, query, variables, token=token))


async def test_a_service_with_appointments_is_deactivated_not_deleted(client, salon, owner):
    corte = str(salon.salon.corte.id)
    body = await call(client, f"mutation($id: ID!) {{ deleteService(id: $id) {{ {GONE} }} }}", {"id": corte}, owner)
    assert body["deleteService"]["__typename"] == "Conflict" and "desactívalo" in body["deleteService"]["message"]
    await call(client, "mutation($id: ID!) { updateService(id: $id, input: {isActive: false}) { __typename } }",
               {"id": corte}, owner)
    names = [s["name"] for s in (await call(client, "{ services { name } }", token=owner))["services"]]
    assert "Corte" not in names
    every = await call(client, "{ services(includeInactive: true) { name isActive } }", token=owner)
    assert {"name": "Corte", "isActive": False} in every["services"]
    created = await call(client, "mutation { createService(input: {name: \"Cejas\", durationMinutes: 20, priceCents: 8000}) { ... on Service { id } } }",
                         token=owner)
    gone = await call(client, "mutation($id: ID!) { deleteService(id: $id) { __typename ... on Deleted { id } } }",
                      {"id": created["createService"]["id"]}, owner)
    assert gone["deleteService"] == {"__typename": "Deleted", "id": created["createService"]["id"]}


async def test_service_numbers_are_checked_in_spanish(client, owner):
    body = await call(client, f"""mutation {{ createService(input: {{name: "Tinte", durationMinutes: 60, priceCents: 1000,
        processingOffsetMinutes: 50, processingMinutes: 30}}) {{ {PROBLEM} }} }}""", token=owner)
    assert body["createService"]["__typename"] == "ValidationError"
    assert body["createService"]["message"] == "El tiempo de espera debe quedar dentro del servicio."
    body = await call(client, f"mutation {{ createService(input: {{name: \" \", durationMinutes: 0, priceCents: 1}}) {{ {PROBLEM} }} }}",
                      token=owner)
    assert body["createService"] == {"__typename": "ValidationError", "message": "Escribe el nombre del servicio.",
                                     "field": "name"}


async def test_spots_host_their_services_and_one_in_use_cannot_be_deleted(client, salon, owner):
    body = await call(client, f"""mutation($s: [ID!]!) {{ createSpot(input: {{name: "Camilla", serviceIds: $s}}) {{ {PROBLEM}
        ... on Spot {{ id name services {{ name }} location {{ name }} }} }} }}""",
                      {"s": [str(salon.salon.tinte.id), str(salon.salon.barba.id)]}, owner)
    spot = body["createSpot"]
    assert spot["services"] == [{"name": "Barba"}, {"name": "Tinte"}] and spot["location"] == {"name": "Centro"}
    used = await call(client, f"mutation($id: ID!) {{ deleteSpot(id: $id) {{ {GONE} }} }}", {"id": str(salon.salon.silla1.id)}, owner)
    assert used["deleteSpot"]["__typename"] == "Conflict"
    free = await call(client, "mutation($id: ID!) { deleteSpot(id: $id) { __typename } }", {"id": spot["id"]}, owner)
    assert free["deleteSpot"]["__typename"] == "Deleted"


async def test_staff_with_their_services_and_default_spot_and_a_phone_in_any_mexican_form(client, salon, owner):
    body = await call(client, f"""mutation($s: [ID!]!, $p: ID!) {{ createStaffMember(input: {{name: "Nico", phone: "044 55 1234 7777",
        serviceIds: $s, defaultSpotId: $p}}) {{ {PROBLEM} ... on StaffMember {{ phone phoneDisplay services {{ name }} defaultSpot {{ name }} permissionLevel }} }} }}""",
                      {"s": [str(salon.salon.corte.id)], "p": str(salon.salon.silla2.id)}, owner)
    assert body["createStaffMember"] == {"__typename": "StaffMember", "phone": "+525512347777", "phoneDisplay": "55 1234 7777",
                                         "services": [{"name": "Corte"}], "defaultSpot": {"name": "Silla 2"},
                                         "permissionLevel": "STAFF"}
    again = await call(client, f"mutation {{ createStaffMember(input: {{name: \"Otro\", phone: \"+5215512347777\"}}) {{ {PROBLEM} }} }}",
                       token=owner)
    assert again["createStaffMember"]["__typename"] == "Conflict"
    bad = await call(client, f"mutation {{ createStaffMember(input: {{name: \"Otro\", phone: \"12\"}}) {{ {PROBLEM} }} }}", token=owner)
    assert bad["createStaffMember"]["__typename"] == "ValidationError" and "No reconozco el número" in bad["createStaffMember"]["message"]


async def test_the_last_owner_stays_and_someone_with_appointments_is_deactivated_not_deleted(client, salon, owner):
    body = await call(client, f"mutation($id: ID!) {{ updateStaffMember(id: $id, input: {{permissionLevel: STAFF}}) {{ {PROBLEM} }} }}",
                      {"id": str(salon.salon.ana.id)}, owner)
    assert body["updateStaffMember"] == {"__typename": "Conflict", "message": "El negocio necesita al menos un dueño activo."}
    body = await call(client, f"mutation($id: ID!) {{ deleteStaffMember(id: $id) {{ {GONE} }} }}", {"id": str(salon.salon.beto.id)}, owner)
    assert body["deleteStaffMember"]["__typename"] == "Conflict"
    body = await call(client, "mutation($id: ID!) { updateStaffMember(id: $id, input: {isActive: false}) { ... on StaffMember { isActive } } }",
                      {"id": str(salon.salon.beto.id)}, owner)
    assert body["updateStaffMember"] == {"isActive": False}
    team = await call(client, "{ staff { name } }", token=owner)
    assert "Beto" not in [m["name"] for m in team["staff"]]


async def test_the_only_location_cannot_be_deleted(client, salon, owner):
    body = await call(client, f"mutation($id: ID!) {{ deleteLocation(id: $id) {{ {GONE} }} }}", {"id": str(salon.salon.location.id)}, owner)
    assert body["deleteLocation"] == {"__typename": "Conflict", "message": "No puedes borrar la única sucursal del negocio."}
    created = await call(client, "mutation { createLocation(input: {name: \"Norte\", address: \"Av. Juárez 1\"}) { ... on Location { id isPrimary } } }",
                         token=owner)
    assert created["createLocation"]["isPrimary"] is False
    gone = await call(client, "mutation($id: ID!) { deleteLocation(id: $id) { __typename } }", {"id": created["createLocation"]["id"]}, owner)
    assert gone["deleteLocation"]["__typename"] == "Deleted"


async def test_customers_are_found_by_name_or_phone_page_by_page_with_their_history(client, salon, owner):
    for n in range(4):
        await call(client, "mutation($p: String!, $n: String!) { createCustomer(input: {phone: $p, name: $n}) { __typename } }",
                   {"p": f"55 8888 000{n}", "n": f"Zoe {n}"}, owner)
    page = await call(client, "{ customers(search: \"zoe\", first: 3) { nodes { name } pageInfo { hasNextPage endCursor } } }", token=owner)
    assert [c["name"] for c in page["customers"]["nodes"]] == ["Zoe 0", "Zoe 1", "Zoe 2"]
    assert page["customers"]["pageInfo"]["hasNextPage"] is True
    rest = await call(client, "query($a: String) { customers(search: \"zoe\", first: 3, after: $a) { nodes { name } pageInfo { hasNextPage } } }",
                      {"a": page["customers"]["pageInfo"]["endCursor"]}, owner)
    assert [c["name"] for c in rest["customers"]["nodes"]] == ["Zoe 3"] and not rest["customers"]["pageInfo"]["hasNextPage"]
    by_phone = await call(client, "{ customers(search: \"5512345001\") { nodes { name } } }", token=owner)
    assert [c["name"] for c in by_phone["customers"]["nodes"]] == ["Lupe"]
    lupe = await call(client, """query($id: ID!) { customer(id: $id) { ... on Customer { name appointments { status service { name }
        staff { name } localDate localStart } } } }""", {"id": str(salon.salon.lupe.id)}, owner)
    assert lupe["customer"]["appointments"] == [{"status": "CONFIRMED", "service": {"name": "Corte"}, "staff": {"name": "Beto"},
                                                 "localDate": "2026-01-17", "localStart": "11:00:00"}]
    notes = await call(client, "mutation($id: ID!) { updateCustomer(id: $id, input: {name: \"Lupe Ríos\", notes: \"Prefiere a Beto\"}) { ... on Customer { name notes } } }",
                       {"id": str(salon.salon.lupe.id)}, owner)
    assert notes["updateCustomer"] == {"name": "Lupe Ríos", "notes": "Prefiere a Beto"}
    kept = await call(client, f"mutation($id: ID!) {{ deleteCustomer(id: $id) {{ {GONE} }} }}", {"id": str(salon.salon.lupe.id)}, owner)
    assert kept["deleteCustomer"]["__typename"] == "Conflict"


async def test_the_owner_edits_name_timezone_and_settings_and_sees_plan_usage(client, owner):
    body = await call(client, f"""mutation {{ updateOrganization(input: {{name: "Lupita Spa", timezone: "America/Tijuana",
        settings: {{slotGranularityMinutes: 30}}}}) {{ {PROBLEM} ... on Organization {{ name timezone
        settings {{ slotGranularityMinutes }} usage {{ plan limit bookingsUsed remaining overLimit }} whatsappStatus whatsappConnected }} }} }}""", token=owner)
    org = body["updateOrganization"]
    assert (org["name"], org["timezone"], org["settings"]) == ("Lupita Spa", "America/Tijuana", {"slotGranularityMinutes": 30})
    assert org["usage"]["limit"] == 50 and org["usage"]["overLimit"] is False
    assert org["whatsappStatus"] == "NOT_CONNECTED" and org["whatsappConnected"] is False
    bad = await call(client, f"mutation {{ updateOrganization(input: {{timezone: \"Mars/Base\"}}) {{ {PROBLEM} }} }}", token=owner)
    assert bad["updateOrganization"]["__typename"] == "ValidationError" and "zona horaria" in bad["updateOrganization"]["message"]
    bad = await call(client, f"mutation {{ updateOrganization(input: {{settings: {{slotGranularityMinutes: 7}}}}) {{ {PROBLEM} }} }}",
                     token=owner)
    assert bad["updateOrganization"]["__typename"] == "ValidationError"


async def test_the_owner_chooses_the_automatic_messages(client, owner):
    body = await call(client, f"""mutation {{ updateOrganization(input: {{settings: {{dailySummaryHour: 9,
        reviewRequests: true, secondReminder: true, secondReminderHoursBefore: 3}}}}) {{ {PROBLEM}
        ... on Organization {{ settings {{ dailySummaryHour reviewRequests secondReminder secondReminderHoursBefore }} }} }} }}""",
                      token=owner)
    assert body["updateOrganization"]["settings"] == {"dailySummaryHour": 9, "reviewRequests": True,
                                                      "secondReminder": True, "secondReminderHoursBefore": 3}
    late = await call(client, f"mutation {{ updateOrganization(input: {{settings: {{dailySummaryHour: 25}}}}) {{ {PROBLEM} }} }}",
                      token=owner)
    assert late["updateOrganization"]["__typename"] == "ValidationError"
    assert "resumen diario" in late["updateOrganization"]["message"]
    vague = await gql(client, "mutation { updateOrganization(input: {settings: {reviewRequests: \"sí\"}}) { __typename } }",
                      token=owner)
    assert vague["data"] is None and "Boolean" in vague["errors"][0]["message"]  # the schema itself refuses it


async def test_conversations_show_both_directions_in_order(client, salon, owner):
    body = await call(client, """{ conversations { nodes { phone customer { name } messages { body direction senderType } } } }""",
                      token=owner)
    [conversation] = body["conversations"]["nodes"]
    assert conversation["customer"] == {"name": "Lupe"}
    assert conversation["messages"] == [
        {"body": "Hola, quiero un corte", "direction": "INBOUND", "senderType": "CUSTOMER"},
        {"body": "¡Claro! ¿Qué día?", "direction": "OUTBOUND", "senderType": "AI"}]
    by_phone = await call(client, "{ conversations(phone: \"+521 55 1234 5001\") { nodes { id } } }", token=owner)
    assert len(by_phone["conversations"]["nodes"]) == 1


async def test_admins_see_the_platform_and_every_organizations_conversations(client, db, salon, clock):
    other = await full_salon(db, clock(), name="Barbería Enfrente", phone_prefix="+52559876")
    admin = admin_token(clock())
    stats = await call(client, "{ platformStats { ... on PlatformStats { organizations appointments customers messages organizationsByStatus { status count } } } }",
                       token=admin)
    assert stats["platformStats"]["organizations"] == 2 and stats["platformStats"]["messages"] == 4
    orgs = await call(client, "{ organizations(search: \"enfrente\") { nodes { name staffCount customerCount appointmentCount locations { name } } totalCount } }",
                      token=admin)
    assert orgs["organizations"] == {"nodes": [{"name": "Barbería Enfrente", "staffCount": 4, "customerCount": 2,
                                                "appointmentCount": 1, "locations": [{"name": "Centro"}]}], "totalCount": 1}
    everything = await call(client, "{ conversations { nodes { organizationId } } }", token=admin)
    assert {c["organizationId"] for c in everything["conversations"]["nodes"]} == {str(salon.org_id), str(other.org_id)}
    one = await call(client, "query($o: ID) { conversations(organizationId: $o) { nodes { organizationId } } }",
                     {"o": str(other.org_id)}, admin)
    assert {c["organizationId"] for c in one["conversations"]["nodes"]} == {str(other.org_id)}
    suspended = await call(client, "{ organizations(status: SUSPENDED) { nodes { name } totalCount } }", token=admin)
    assert suspended["organizations"] == {"nodes": [], "totalCount": 0}


async def test_an_admin_creates_an_organization_the_way_onboarding_does(client, clock):
    admin = admin_token(clock())
    body = await call(client, f"""mutation {{ createOrganization(input: {{name: "Uñas Bonitas", ownerName: "Paty",
        ownerPhone: "55 4444 3333", businessType: "uñas"}}) {{ {PROBLEM} ... on OrganizationCreated {{
        organization {{ name status timezone }} owner {{ name permissionLevel role }} location {{ name isPrimary }} }} }} }}""", token=admin)
    assert body["createOrganization"]["organization"] == {"name": "Uñas Bonitas", "status": "ONBOARDING",
                                                          "timezone": "America/Mexico_City"}
    assert body["createOrganization"]["owner"] == {"name": "Paty", "permissionLevel": "OWNER", "role": "OWNER"}
    feed = await call(client, "{ activity { kind summary organization { name } } }", token=admin)
    assert feed["activity"][0] == {"kind": "organization_created", "summary": "Nuevo negocio: Uñas Bonitas",
                                   "organization": {"name": "Uñas Bonitas"}}


async def test_concurrent_edits_all_get_an_answer(client, salon, owner):
    import asyncio

    async def edit(n: int) -> dict:
        if n % 2:
            return await gql(client, "mutation($p: String!) { createCustomer(input: {phone: $p}) { __typename } }",
                             {"p": f"55 7777 {n:04d}"}, token=owner)
        return await gql(client, "mutation($id: ID!, $c: Int!) { updateService(id: $id, input: {priceCents: $c}) { __typename } }",
                         {"id": str(salon.salon.barba.id), "c": 10000 + n}, token=owner)

    answers = await asyncio.gather(*(edit(n) for n in range(20)))
    assert all(not a.get("errors") for a in answers), [a for a in answers if a.get("errors")][:2]


async def test_the_owner_reads_back_the_closed_days_she_set_and_past_ones_drop_off(client, salon, owner, clock):
    week = "[" + ", ".join(f'{{weekday: {d}, start: "10:00", end: "19:00"}}' for d in range(6)) + "]"
    closed = await call(client, f"""mutation {{ setBusinessHours(hours: {week}, closedDays: ["2026-01-19", "2026-02-02",
        "2026-01-19"]) {{ ... on Location {{ closedDays businessHours {{ weekday closed }} }} }} }}""", token=owner)
    location = closed["setBusinessHours"]
    assert location["closedDays"] == ["2026-01-19", "2026-02-02"]
    assert [d["closed"] for d in location["businessHours"]] == [False] * 6 + [True]
    clock.advance(timedelta(days=4))  # Tuesday the 20th: the 19th has passed
    listed = await call(client, "{ locations { closedDays } }",
                        token=staff_token(salon.salon, salon.salon.ana, clock()))
    assert listed["locations"] == [{"closedDays": ["2026-02-02"]}]
    cleared = await call(client, f"mutation {{ setBusinessHours(hours: {week}, closedDays: []) {{ ... on Location {{ closedDays }} }} }}",
                         token=staff_token(salon.salon, salon.salon.ana, clock()))
    assert cleared["setBusinessHours"] == {"closedDays": []}
