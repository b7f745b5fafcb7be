"""What a client developer relies on: defaults, typed settings, paging and the problems each operation names."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage import OutboundMessage
from storage.ids import new_id
from tests.graphql.helpers import data, full_salon, gql, staff_token

PROBLEM = "__typename ... on Problem { message }"


@pytest.fixture
async def salon(db, clock):
    return await full_salon(db, clock(), name="Estética Lupita", phone_prefix="+52551234")


@pytest.fixture
def owner(salon, clock):
    return staff_token(salon.salon, salon.salon.ana, clock())


async def call(client, query, variables=None, token=None):
    return data(await gql(client, query, variables, token=token))


async def _sent_to(db, phone: str, template: str) -> list[OutboundMessage]:
    async with db.session() as s:
        rows = (await s.scalars(select(OutboundMessage).where(OutboundMessage.template_name == template))).all()
    return [r for r in rows if r.to_number.removeprefix("whatsapp:") == phone]


async def test_cancelling_tells_the_customer_unless_asked_not_to(client, db, salon, owner):
    lupe = salon.salon.lupe.phone_number
    body = await call(client, f"mutation($id: ID!) {{ cancelAppointment(id: $id) {{ {PROBLEM} ... on Appointment {{ status }} }} }}",
                      {"id": str(salon.appointment.id)}, owner)
    assert body["cancelAppointment"] == {"__typename": "Appointment", "status": "CANCELLED"}
    assert len(await _sent_to(db, lupe, "appointment_cancelled")) == 1


async def test_cancelling_quietly_when_notify_customer_is_false(client, db, salon, owner):
    body = await call(client, f"mutation($id: ID!) {{ cancelAppointment(id: $id, notifyCustomer: false) {{ {PROBLEM} }} }}",
                      {"id": str(salon.appointment.id)}, owner)
    assert body["cancelAppointment"]["__typename"] == "Appointment"
    assert await _sent_to(db, salon.salon.lupe.phone_number, "appointment_cancelled") == []


# ---------------------------------------------------------------- Organization.settings

SETTINGS = """settings { slotGranularityMinutes minNoticeMinutes maxDaysAhead bufferMinutes welcomeMessage
  cancellationPolicy reminderHoursBefore secondReminder secondReminderHoursBefore dailySummary dailySummaryHour
  reviewRequests reviewRequestDelayMinutes noShowRebook notifyAdminIds rebookingShiftWindowMinutes
  rebookingDaysAhead rebookingUnaffectedMoves rebookingTimeLimitSeconds compactionShiftWindowMinutes
  compactionMaxMovedShare }"""

DEFAULTS = {
    "slotGranularityMinutes": 15, "minNoticeMinutes": 0, "maxDaysAhead": 60, "bufferMinutes": 0,
    "welcomeMessage": None, "cancellationPolicy": None, "reminderHoursBefore": 24, "secondReminder": False,
    "secondReminderHoursBefore": 2, "dailySummary": True, "dailySummaryHour": 7, "reviewRequests": False,
    "reviewRequestDelayMinutes": 60, "noShowRebook": True, "notifyAdminIds": [], "rebookingShiftWindowMinutes": 180,
    "rebookingDaysAhead": 2, "rebookingUnaffectedMoves": "ACCEPTING", "rebookingTimeLimitSeconds": 60.0,
    "compactionShiftWindowMinutes": 120, "compactionMaxMovedShare": 0.2,
}


async def test_a_new_salon_shows_every_setting_with_its_default(client, owner):
    body = await call(client, f"{{ organization {{ {PROBLEM} ... on Organization {{ {SETTINGS} }} }} }}", token=owner)
    assert body["organization"]["settings"] == DEFAULTS


async def test_a_changed_setting_shows_its_value_and_null_puts_back_the_default(client, owner):
    changed = await call(client, f"""mutation {{ updateOrganization(input: {{settings: {{reminderHoursBefore: 48,
        bufferMinutes: 10, welcomeMessage: "  ¡Hola! Bienvenida a Lupita  ", noShowRebook: false}}}}) {{ {PROBLEM}
        ... on Organization {{ {SETTINGS} }} }} }}""", token=owner)
    settings = changed["updateOrganization"]["settings"]
    assert settings == {**DEFAULTS, "reminderHoursBefore": 48, "bufferMinutes": 10,
                        "welcomeMessage": "¡Hola! Bienvenida a Lupita", "noShowRebook": False}
    reset = await call(client, f"""mutation {{ updateOrganization(input: {{settings: {{reminderHoursBefore: null}}}}) {{
        {PROBLEM} ... on Organization {{ {SETTINGS} }} }} }}""", token=owner)
    assert reset["updateOrganization"]["settings"] == {**settings, "reminderHoursBefore": 24}


async def test_a_value_its_reader_would_ignore_is_refused_naming_the_field(client, owner):
    body = await call(client, f"""mutation {{ updateOrganization(input: {{settings: {{reminderHoursBefore: 500}}}}) {{
        {PROBLEM} ... on ValidationError {{ field }} }} }}""", token=owner)
    assert body["updateOrganization"] == {"__typename": "ValidationError", "field": "settings.reminderHoursBefore",
                                          "message": "Revisa las horas de anticipación del recordatorio: va de 1 a 168."}


async def test_the_settings_shown_are_the_ones_the_salon_runs_on(client, db, salon, owner):
    """A setting stored by hand with a value its reader cannot use shows the default actually used."""
    from storage import Organization
    async with db.transaction(write=True) as s:
        org = await s.get(Organization, salon.org_id)
        org.settings = {"slot_granularity_minutes": 7, "daily_summary": "no", "rebooking_unaffected_moves": "any",
                        "notify_admin_ids": [str(salon.manager.id)]}
    body = await call(client, f"{{ organization {{ ... on Organization {{ {SETTINGS} }} }} }}", token=owner)
    assert body["organization"]["settings"] == {**DEFAULTS, "dailySummary": False, "rebookingUnaffectedMoves": "ANY",
                                                "notifyAdminIds": [str(salon.manager.id)]}


def test_every_editable_setting_is_in_the_input_and_shown():
    from resolvers.organizations import EDITABLE_SETTINGS
    from schema.schema import build_schema
    schema = build_schema()
    shown = {f.name for f in schema.get_type_by_name("OrganizationSettings").fields}
    editable = {f.name for f in schema.get_type_by_name("OrganizationSettingsInput").fields}
    assert editable <= shown
    assert {f.python_name for f in schema.get_type_by_name("OrganizationSettingsInput").fields} == set(EDITABLE_SETTINGS)


# ---------------------------------------------------------------- paging


def test_every_list_pages_the_same_way():
    """Connections: first: Int! = 50, after, nodes, pageInfo, totalCount. Plain lists: first: Int! = 50. No offsets."""
    from graphql import GraphQLNonNull, is_list_type

    from schema.schema import build_schema
    schema = build_schema()._schema
    connections = 0
    for type_ in schema.type_map.values():
        for name, field in getattr(type_, "fields", {}).items() if hasattr(type_, "interfaces") else ():
            assert "offset" not in field.args, (type_.name, name)
            if "first" in field.args:
                first = field.args["first"]
                assert isinstance(first.type, GraphQLNonNull) and first.default_value == 50, (type_.name, name)
            result = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            if getattr(result, "name", "").endswith("Connection"):
                connections += 1
                assert {"first", "after"} <= set(field.args), (type_.name, name)
                assert {"nodes", "pageInfo", "totalCount"} <= set(result.fields), result.name
            elif is_list_type(result) and "first" not in field.args and type_ is schema.query_type:
                assert name in {"locations", "services", "staff", "spots", "blocks", "availableSlots"}, name
    assert connections == 4  # appointments, customers, conversations, organizations


async def _many_organizations(db, clock, count: int) -> list[str]:
    from datetime import timedelta

    from storage import Organization, OrganizationStatus
    now = clock()
    names = []
    async with db.transaction(write=True) as s:
        for i in range(count):
            name = f"Salón {i:02d}"
            s.add(Organization(id=new_id(), name=name, timezone="America/Mexico_City", plan="free", settings={},
                               status=OrganizationStatus.ACTIVE, created_at=now + timedelta(minutes=i),
                               updated_at=now))
            names.append(name)
    return names[::-1]  # newest first


async def test_admins_page_through_organizations_with_a_cursor(client, db, clock):
    from tests.graphql.helpers import admin_token
    names = await _many_organizations(db, clock, 7)
    admin = admin_token(clock())
    query = """query($after: String) { organizations(search: "salón", first: 3, after: $after) {
        nodes { name } pageInfo { hasNextPage endCursor } totalCount } }"""
    seen, after, pages = [], None, 0
    while True:
        page = (await call(client, query, {"after": after}, admin))["organizations"]
        pages += 1
        assert page["totalCount"] == 7
        seen += [n["name"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == names and pages == 3


async def test_customers_and_conversations_count_every_match_on_every_page(client, salon, owner):
    one = await call(client, "{ customers(first: 1) { nodes { name } pageInfo { hasNextPage } totalCount } }", token=owner)
    assert one["customers"]["totalCount"] == 2 and len(one["customers"]["nodes"]) == 1
    assert one["customers"]["pageInfo"]["hasNextPage"] is True
    found = await call(client, "{ customers(search: \"lupe\") { nodes { name } totalCount } }", token=owner)
    assert found["customers"] == {"nodes": [{"name": "Lupe"}], "totalCount": 1}
    talks = await call(client, "{ conversations(first: 1) { nodes { id } totalCount } }", token=owner)
    assert talks["conversations"]["totalCount"] == 1


@pytest.mark.parametrize("field", ["customers", "conversations", "organizations", "activity", "failedMessages"])
async def test_a_page_of_none_is_refused_in_spanish(client, clock, salon, field):
    from tests.graphql.helpers import admin_token
    body = await gql(client, f"{{ {field}(first: 0) {{ __typename }} }}", token=admin_token(clock()))
    assert body["errors"][0]["message"] == "Pide entre 1 y 200 resultados por página.", body


# ---------------------------------------------------------------- OffGrid and what SlotTaken says is taken

BOOK = """mutation($input: BookAppointmentInput!) { bookAppointment(input: $input) {
  __typename ... on Problem { message }
  ... on OffGrid { granularityMinutes alternatives { start } }
  ... on SlotTaken { taken staffId alternatives { start } }
  ... on Booking { startsAt } } }"""
SATURDAY = "2026-01-17T{}:00-06:00"  # the salon is in Mexico City (UTC-6), open 9:00-19:00


async def _as_customer(db, clock, salon, start: str, **extra):
    from schema.schema import build_schema, execute_as
    from tests.resolvers.factories import as_customer, context
    ctx = context(db, clock, as_customer(salon.salon, salon.salon.lupe))
    result = await execute_as(build_schema(), ctx, BOOK, {"input": {"serviceIds": [str(salon.salon.corte.id)],
                                                                     "start": SATURDAY.format(start), **extra}})
    assert not result.errors, result.errors
    return result.data["bookAppointment"]


async def test_a_customer_start_off_the_grid_says_so_and_offers_the_grid_times_around_it(db, clock, salon):
    answer = await _as_customer(db, clock, salon, "12:22")
    assert answer["__typename"] == "OffGrid" and answer["granularityMinutes"] == 15
    assert answer["message"] == ("Las citas empiezan cada 15 minutos; 12:22 PM no es uno de esos horarios. "
                                 "Lo más cercano que hay: 12:15 PM o 12:30 PM.")
    starts = {a["start"] for a in answer["alternatives"]}
    assert {"2026-01-17T18:15:00+00:00", "2026-01-17T18:30:00+00:00"} <= starts
    on_grid = await _as_customer(db, clock, salon, "12:15")
    assert on_grid["__typename"] == "Booking"


async def test_the_grid_is_the_salons_own(db, clock, salon):
    from storage import Organization
    async with db.transaction(write=True) as s:
        (await s.get(Organization, salon.org_id)).settings = {"slot_granularity_minutes": 20}
    answer = await _as_customer(db, clock, salon, "12:30")
    assert answer["__typename"] == "OffGrid" and answer["granularityMinutes"] == 20
    assert "cada 20 minutos" in answer["message"] and "12:20 PM o 12:40 PM" in answer["message"]
    assert (await _as_customer(db, clock, salon, "12:40"))["__typename"] == "Booking"


async def test_staff_may_still_book_any_minute(client, salon, owner):
    body = await call(client, BOOK, {"input": {"serviceIds": [str(salon.salon.corte.id)], "start": SATURDAY.format("12:22"),
                                               "customerPhone": "55 1234 7777"}}, owner)
    assert body["bookAppointment"]["__typename"] == "Booking"


async def _staff_books(client, owner, salon, staff, phone):
    return (await call(client, BOOK, {"input": {"serviceIds": [str(salon.salon.corte.id)],
                                                "start": SATURDAY.format("15:00"), "customerPhone": phone,
                                                **({"staffId": str(staff.id)} if staff else {})}}, owner))["bookAppointment"]


async def test_when_every_chair_is_busy_it_says_no_chair_is_free_not_that_the_stylist_is_busy(client, salon, owner):
    s = salon.salon
    assert (await _staff_books(client, owner, salon, s.ana, "55 1234 7001"))["__typename"] == "Booking"
    assert (await _staff_books(client, owner, salon, s.beto, "55 1234 7002"))["__typename"] == "Booking"
    vero = await _staff_books(client, owner, salon, s.vero, "55 1234 7003")  # Vero is free; both chairs are not
    assert vero["__typename"] == "SlotTaken" and vero["taken"] == "SPOT" and vero["staffId"] is None
    assert vero["message"].startswith("A esa hora no hay silla libre") and "Vero" not in vero["message"]
    anyone = await _staff_books(client, owner, salon, None, "55 1234 7004")
    assert anyone["taken"] == "SPOT" and "silla" in anyone["message"]


async def test_when_the_stylist_is_busy_it_names_them(client, salon, owner):
    s = salon.salon
    assert (await _staff_books(client, owner, salon, s.ana, "55 1234 7001"))["__typename"] == "Booking"
    again = await _staff_books(client, owner, salon, s.ana, "55 1234 7002")  # a chair is still free
    assert again == {**again, "__typename": "SlotTaken", "taken": "STAFF", "staffId": str(s.ana.id)}
    assert again["message"].startswith("Ana ya tiene cita a esa hora.")


async def test_when_everyone_who_does_it_is_busy_it_says_the_team_is(client, salon, owner):
    s = salon.salon

    async def book(service, staff, phone):
        return (await call(client, BOOK, {"input": {"serviceIds": [str(service.id)], "start": SATURDAY.format("15:00"),
                                                    "customerPhone": phone, **({"staffId": str(staff.id)} if staff else {})}},
                           owner))["bookAppointment"]

    assert (await book(s.tinte, s.ana, "55 1234 7001"))["__typename"] == "Booking"  # the colour chair
    assert (await book(s.corte, s.beto, "55 1234 7002"))["__typename"] == "Booking"  # Silla 1
    barba = await book(s.barba, None, "55 1234 7003")  # Silla 2 is free; Ana and Beto, who do barba, are not
    assert barba["__typename"] == "SlotTaken" and barba["taken"] == "STAFF" and barba["staffId"] is None
    assert barba["message"].startswith("A esa hora todo el equipo que hace ese servicio está ocupado.")


# ---------------------------------------------------------------- each operation names only its own problems


def _union_of(field: str, root: str = "mutation") -> set[str]:
    from schema.schema import build_schema
    schema = build_schema()._schema
    parent = schema.mutation_type if root == "mutation" else schema.query_type
    union = parent.fields[field].type.of_type
    return {t.name for t in union.types}


def test_each_result_union_names_only_what_its_operation_can_return():
    assert _union_of("bookAppointment") == {"Booking", "NotFound", "PermissionDenied", "ValidationError",
                                            "OutsideHours", "SlotTaken", "OffGrid", "Suspended"}
    assert "OffGrid" not in _union_of("bookWalkIn") and "SlotTaken" in _union_of("bookWalkIn")
    assert _union_of("adminLogin") == {"AdminSession", "NotAuthenticated", "PermissionDenied", "TooManyAttempts"}
    assert _union_of("deleteService") == {"Deleted", "NotFound", "PermissionDenied", "Conflict"}
    assert _union_of("schedule", "query") == {"DaySchedule", "NotFound", "PermissionDenied", "ValidationError"}
    assert _union_of("platformStats", "query") == {"PlatformStats", "PermissionDenied"}
    for field, union in (("cancelAppointment", _union_of("cancelAppointment")), ("me", _union_of("me", "query"))):
        assert not {"SlotTaken", "OffGrid", "OutsideHours"} & union, field


async def test_a_fragment_on_a_problem_the_operation_cannot_return_is_refused(client, owner):
    body = await gql(client, "{ schedule(date: \"2026-01-17\") { ... on SlotTaken { message } } }", token=owner)
    assert body["errors"] and "SlotTaken" in body["errors"][0]["message"]


async def test_a_problem_missing_from_its_union_still_reaches_the_client_in_spanish(client, salon, owner, monkeypatch,
                                                                                   caplog):
    """A use case answering a problem its union does not list (a bug) is a coded error, not a failed response."""
    import resolvers.catalog
    from resolvers.errors import OutsideHours

    async def closed(ctx, service_id):
        return OutsideHours("A esa hora el negocio está cerrado.")

    monkeypatch.setattr(resolvers.catalog, "delete_service", closed)
    body = await gql(client, "mutation($id: ID!) { deleteService(id: $id) { __typename } }",
                     {"id": str(salon.salon.corte.id)}, token=owner)
    assert body["errors"][0]["message"] == "A esa hora el negocio está cerrado."
    assert body["errors"][0]["extensions"]["code"] == "OutsideHours"
    assert "DeleteResult" in caplog.text and "OutsideHours" in caplog.text


def test_every_tool_document_selects_alternatives_only_where_they_can_come():
    from messaging.conversation.tools.documents import DOCUMENTS
    with_alternatives = {name for name, text in DOCUMENTS.items() if "alternatives" in text}
    assert with_alternatives == {"BookAppointment", "BookWalkIn", "RescheduleAppointment"}


async def test_a_closed_hour_off_the_grid_says_it_is_closed(db, clock, salon):
    answer = await _as_customer(db, clock, salon, "20:07")
    assert answer["__typename"] == "OutsideHours" and "cerrado" in answer["message"]
