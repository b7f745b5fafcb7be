"""A salon set up from nothing and run for a day, only through /graphql (spec journeys 1.1–1.8)."""

from __future__ import annotations

from tests.graphql.helpers import data, gql

PROBLEM = "... on Problem { message }"


async def test_a_salon_from_nothing_books_conflicts_moves_cancels_blocks_and_reads_its_day(client):
    async def call(query, variables=None, token=None):
        return data(await gql(client, query, variables, token=token))

    admin = (await call("mutation { adminLogin(password: \"admin-test-password\") { ... on AdminSession { token } } }"))[
        "adminLogin"]["token"]
    created = (await call("""mutation { createOrganization(input: {name: "Estética Rosa", ownerName: "Rosa Díaz",
        ownerPhone: "+521 55 1234 0101", businessType: "estética", status: ACTIVE}) {
        __typename ... on OrganizationCreated { organization { id timezone } owner { id phone permissionLevel } } } }""",
                          token=admin))["createOrganization"]
    assert created["owner"] == {"id": created["owner"]["id"], "phone": "+525512340101", "permissionLevel": "OWNER"}
    org_id, rosa = created["organization"]["id"], created["owner"]["id"]
    owner = (await call("mutation($o: ID!) { impersonate(organizationId: $o) { ... on StaffSession { token } } }",
                        {"o": org_id}, token=admin))["impersonate"]["token"]

    hours = [{"weekday": d, "start": "09:00", "end": "19:00"} for d in range(6)]
    body = await call(f"mutation($h: [WeeklyHoursInput!]!) {{ setBusinessHours(hours: $h) {{ __typename {PROBLEM} }} }}",
                      {"h": hours}, token=owner)
    assert body["setBusinessHours"]["__typename"] == "Location", body
    corte = (await call("""mutation { createService(input: {name: "Corte de dama", durationMinutes: 60,
        priceCents: 25000}) { ... on Service { id } } }""", token=owner))["createService"]["id"]
    silla = (await call("mutation($s: ID!) { createSpot(input: {name: \"Silla 1\", serviceIds: [$s]}) { ... on Spot { id } } }",
                        {"s": corte}, token=owner))["createSpot"]["id"]
    await call("mutation($s: ID!) { createSpot(input: {name: \"Silla 2\", serviceIds: [$s]}) { __typename } }",
               {"s": corte}, token=owner)
    body = await call(f"""mutation($id: ID!, $s: ID!, $p: ID!) {{ updateStaffMember(id: $id, input: {{serviceIds: [$s],
        defaultSpotId: $p}}) {{ __typename {PROBLEM} ... on StaffMember {{ services {{ name }} defaultSpot {{ name }} }} }} }}""",
                      {"id": rosa, "s": corte, "p": silla}, token=owner)
    assert body["updateStaffMember"]["defaultSpot"] == {"name": "Silla 1"}
    tono = (await call("""mutation($s: ID!) { createStaffMember(input: {name: "Toño", phone: "55 1234 0102",
        serviceIds: [$s]}) { ... on StaffMember { id } } }""", {"s": corte}, token=owner))["createStaffMember"]["id"]
    for member in (rosa, tono):
        body = await call(f"""mutation($id: ID!, $h: [WeeklyHoursInput!]!) {{ setRecurringAvailability(staffId: $id, hours: $h)
            {{ __typename {PROBLEM} }} }}""", {"id": member, "h": hours}, token=owner)
        assert body["setRecurringAvailability"]["__typename"] == "RecurringAvailabilitySet", body
    team = await call("{ staff { name weeklyHours { weekday start end } } }", token=owner)
    assert all(m["weeklyHours"] == [{"weekday": d, "start": "09:00", "end": "19:00"} for d in range(6)] for m in team["staff"])

    # Saturday 17 January 2026 (the clock is Friday 10:00 in Mexico City).
    slots = (await call("""query($s: ID!, $t: ID!) { availableSlots(serviceIds: [$s], staffId: $t,
        from: "2026-01-17T15:00:00+00:00", to: "2026-01-18T01:00:00+00:00", limit: 5) { start end staff { name } spot { name } score } }""",
                        {"s": corte, "t": tono}, token=owner))["availableSlots"]
    assert slots and all(s["staff"]["name"] == "Toño" for s in slots)
    book = f"""mutation($i: BookAppointmentInput!) {{ bookAppointment(input: $i) {{ __typename {PROBLEM}
        ... on Booking {{ appointments {{ id startsAt localStart status staff {{ name }} spot {{ name }} }} customer {{ name phone }} usage {{ bookingsUsed }} }}
        ... on SlotTaken {{ alternatives {{ start staff {{ name }} }} }} }} }}"""
    first = (await call(book, {"i": {"serviceIds": [corte], "staffId": tono, "start": "2026-01-17T17:00:00+00:00",
                                     "customerPhone": "+5215598760001", "customerName": "Lucía"}}, token=owner))["bookAppointment"]
    assert first["__typename"] == "Booking", first
    assert first["customer"] == {"name": "Lucía", "phone": "+525598760001"}
    assert first["appointments"][0]["localStart"] == "11:00:00" and first["usage"]["bookingsUsed"] == 1
    appointment = first["appointments"][0]["id"]

    clash = (await call(book, {"i": {"serviceIds": [corte], "staffId": tono, "start": "2026-01-17T17:30:00+00:00",
                                     "customerPhone": "5598760002", "customerName": "Marta"}}, token=owner))["bookAppointment"]
    assert clash["__typename"] == "SlotTaken" and clash["alternatives"], clash
    assert clash["message"]

    moved = (await call(f"""mutation($id: ID!, $start: DateTime!) {{ rescheduleAppointment(id: $id, start: $start) {{
        __typename {PROBLEM} ... on Booking {{ appointments {{ id localStart }} }} }} }}""",
                        {"id": appointment, "start": "2026-01-17T19:00:00+00:00"}, token=owner))["rescheduleAppointment"]
    assert moved["__typename"] == "Booking" and moved["appointments"][0]["localStart"] == "13:00:00", moved
    appointment = moved["appointments"][0]["id"]

    second = (await call(book, {"i": {"serviceIds": [corte], "staffId": tono, "start": "2026-01-17T17:30:00+00:00",
                                      "customerPhone": "5598760002", "customerName": "Marta"}}, token=owner))["bookAppointment"]
    assert second["__typename"] == "Booking", second
    cancelled = (await call(f"""mutation($id: ID!) {{ cancelAppointment(id: $id, reason: "Se le complicó", notifyCustomer: true)
        {{ __typename {PROBLEM} ... on Appointment {{ status cancellationReason }} }} }}""",
                            {"id": second["appointments"][0]["id"]}, token=owner))["cancelAppointment"]
    assert cancelled == {"__typename": "Appointment", "status": "CANCELLED", "cancellationReason": "Se le complicó"}

    blocked = (await call(f"""mutation($t: ID!) {{ blockTime(input: {{staffId: $t, start: "2026-01-17T20:00:00+00:00",
        end: "2026-01-17T21:00:00+00:00", reason: "Comida"}}) {{ __typename {PROBLEM} ... on TimeBlocked {{ block {{ id reason }} }} }} }}""",
                          {"t": tono}, token=owner))["blockTime"]
    assert blocked["__typename"] == "TimeBlocked" and blocked["block"]["reason"] == "Comida"

    day = (await call("""query { schedule(date: "2026-01-17") { __typename ... on DaySchedule { date timezone closed
        staff { staff { name } workingHours { localStart localEnd } appointments { id localStart customer { name } }
                blocks { reason } freeGaps { localStart localEnd } entries { kind localStart localEnd } } } } }""",
                      token=owner))["schedule"]
    assert day["date"] == "2026-01-17" and day["timezone"] == "America/Mexico_City" and not day["closed"]
    agenda = {s["staff"]["name"]: s for s in day["staff"]}
    assert agenda["Toño"]["appointments"] == [{"id": appointment, "localStart": "13:00:00", "customer": {"name": "Lucía"}}]
    assert agenda["Toño"]["blocks"] == [{"reason": "Comida"}]
    assert agenda["Toño"]["workingHours"] == [{"localStart": "09:00:00", "localEnd": "14:00:00"},
                                              {"localStart": "15:00:00", "localEnd": "19:00:00"}]
    assert {"localStart": "09:00:00", "localEnd": "13:00:00"} in agenda["Toño"]["freeGaps"]
    assert agenda["Rosa Díaz"]["appointments"] == []

    organization = (await call("{ organization { ... on Organization { usage { bookingsUsed limit overLimit } whatsappStatus } } }",
                               token=owner))["organization"]
    assert organization["usage"]["limit"] == 50 and organization["usage"]["bookingsUsed"] >= 2
