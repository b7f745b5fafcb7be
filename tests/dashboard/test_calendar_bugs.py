"""Issue 22's list of what broke, one test per bug, each named after it (both databases)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect
from sqlalchemy import select, update

from storage import Appointment, AppointmentStatus, Organization, OrganizationStatus
from storage.ids import new_id
from tests.dashboard.conftest import FRIDAY_MORNING, screenshot
from tests.dashboard.salon import OWNER_PHONE_AS_TYPED, magic_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CDMX = ZoneInfo("America/Mexico_City")
PROBLEM = "__typename ... on Problem { message }"


def friday(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, 16, hour, minute, tzinfo=CDMX)


def clock_label(text: str) -> int:
    """ "9:00 AM" → minutes of the day."""
    hour, minute, half = re.match(r"(\d+):(\d\d) (AM|PM)", text).groups()
    return (int(hour) % 12 + (12 if half == "PM" else 0)) * 60 + int(minute)


async def test_a_clock_days_ahead_of_real_time_keeps_the_session_after_sign_in(page, demo, db, live_server):
    # The server runs with PARLO_CLOCK three days ahead of the real clock (a demo, a test rig):
    # the link is spent, and the next calls must not answer "Tu sesión terminó".
    ahead = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=3)
    live_server.clock.set(ahead)
    await page.clock.set_fixed_time(ahead)
    await page.goto(await magic_link(db, live_server.url, now=ahead))
    await expect(page.get_by_role("link", name="Nueva cita")).to_be_visible()
    await page.get_by_role("link", name="Clientes").click()
    await expect(page.get_by_role("heading", name="Clientes")).to_be_visible()
    await page.reload()
    await expect(page.get_by_role("heading", name="Clientes")).to_be_visible()
    await expect(page.get_by_role("heading", name="Iniciar sesión")).to_have_count(0)
    await expect(page.get_by_text("Tu sesión terminó")).to_have_count(0)
    assert page.problems == []


async def test_a_whole_day_block_does_not_stretch_the_day_grid(owner_page, api, db):
    page = owner_page
    _, staff = await api.ids()
    blocked = await api.run(f"""mutation($input: BlockTimeInput!) {{ blockTime(input: $input) {{ {PROBLEM} }} }}""",
                            input={"staffId": staff["Pedro Ramírez"], "start": friday(0).isoformat(),
                                   "end": (friday(0) + timedelta(days=1)).isoformat(), "reason": "Vacaciones"})
    assert blocked["blockTime"]["__typename"] != "ValidationError", blocked
    # …and an appointment after closing (8:00 PM), put there by hand: the grid must reach it.
    async with db.transaction(write=True) as session:
        model = await session.scalar(select(Appointment).where(Appointment.starts_at >= friday(11))
                                     .order_by(Appointment.starts_at, Appointment.id).limit(1))
        late = Appointment(**{c.key: getattr(model, c.key) for c in Appointment.__table__.columns
                              if c.key not in ("id", "starts_at", "ends_at")},
                           id=new_id(), starts_at=friday(20, 15), ends_at=friday(21))
        late.status = AppointmentStatus.CONFIRMED
        session.add(late)
    await page.reload()
    await expect(page.get_by_role("list", name=re.compile(r"^Agenda de Pedro Ramírez"))).to_be_visible()
    hours = [clock_label(t) for t in await page.locator(".dia-rejilla .horas div").all_inner_texts()]
    assert hours[0] == 9 * 60, f"the grid starts at {hours[0] / 60}:00, not at opening (9 AM)"
    assert hours[-1] == 20 * 60, "the grid must reach the 8:15 PM appointment, and stop there"
    await expect(page.get_by_role("button", name=re.compile(r"bloqueado: Vacaciones"))).to_be_visible()
    await screenshot(page, "agenda-bloqueo-todo-el-dia")


async def test_a_new_staff_member_has_no_services_or_hours_until_the_owner_picks_them(owner_page, api):
    page = owner_page
    await page.goto("/#/ajustes/personal")
    await page.get_by_role("button", name="Agregar persona").click()
    dialog = page.get_by_role("dialog", name="Agregar persona")
    await expect(dialog.get_by_role("note")).to_contain_text("Nadie le podrá agendar hasta que tenga servicios y horario")
    boxes = dialog.get_by_role("group", name="Servicios que hace").get_by_role("checkbox")
    assert await boxes.count() >= 4
    for box in await boxes.all():
        await expect(box).not_to_be_checked()
    await expect(dialog.get_by_label("Lo elijo después (mientras, no se le puede agendar)")).to_be_checked()
    await dialog.get_by_label("Nombre").fill("Rosa Díaz")
    await dialog.get_by_label("WhatsApp").fill("55 1234 9999")
    await screenshot(page, "agregar-persona")
    await dialog.get_by_role("button", name="Guardar").click()
    await expect(page.get_by_text("Persona agregada.")).to_be_visible()
    rosa = page.get_by_role("listitem").filter(has_text="Rosa Díaz")
    await expect(rosa).to_contain_text("Todavía no se le puede agendar: elige sus servicios y su horario.")
    await expect(rosa).to_contain_text("Horario: sin elegir")

    services, staff = await api.ids()
    rosa_id = staff["Rosa Díaz"]
    slots_query = """query($s: [ID!]!, $t: ID, $from: DateTime!, $to: DateTime!) {
        availableSlots(serviceIds: $s, staffId: $t, from: $from, to: $to, limit: 5) { start } }"""
    window = {"from": friday(12).isoformat(), "to": friday(19).isoformat()}
    # Not bookable, even for a service she gets, until she has hours.
    await api.run("""mutation($id: ID!, $s: [ID!]) { updateStaffMember(id: $id, input: {serviceIds: $s}) { __typename } }""",
                  id=rosa_id, s=[services["Corte de cabello"]])
    assert (await api.run(slots_query, s=[services["Corte de cabello"]], t=rosa_id, **window))["availableSlots"] == []
    day = await api.run("""query { schedule(date: "2026-01-16") { ... on DaySchedule {
        staff { staff { name } workingHours { startsAt } } } } }""")
    assert [s["workingHours"] for s in day["schedule"]["staff"] if s["staff"]["name"] == "Rosa Díaz"] == [[]]

    await page.reload()
    rosa = page.get_by_role("listitem").filter(has_text="Rosa Díaz")
    await expect(rosa).to_contain_text("Todavía no se le puede agendar: elige su horario.")
    await rosa.get_by_role("button", name="Horario de Rosa Díaz").click()
    hours = page.get_by_role("dialog", name="Horario de Rosa Díaz")
    await expect(hours).to_contain_text("Todavía no tiene horario")
    await hours.get_by_role("button", name="Igual que el negocio").click()
    await expect(page.get_by_text("Rosa Díaz trabaja igual que el negocio.")).to_be_visible()
    await expect(rosa).to_contain_text("Horario: igual que el negocio")
    await expect(rosa).not_to_contain_text("Todavía no se le puede agendar")
    assert (await api.run(slots_query, s=[services["Corte de cabello"]], t=rosa_id, **window))["availableSlots"]
    assert page.problems == []


async def test_a_no_show_has_no_free_gap_over_it_and_past_gaps_are_not_offered(owner_page, api, live_server):
    page = owner_page
    live_server.clock.set(friday(12))
    await page.clock.set_fixed_time(friday(12))
    day = await api.run("""query { schedule(date: "2026-01-16") { ... on DaySchedule { staff { staff { name }
        entries { kind startsAt endsAt appointment { id status } } } } } }""")
    stylist, past = next((s, e) for s in day["schedule"]["staff"] for e in s["entries"] if e["kind"] == "APPOINTMENT"
                        and e["appointment"]["status"] != "NO_SHOW" and datetime.fromisoformat(e["endsAt"]) <= friday(12))
    marked = await api.run(f"""mutation($id: ID!) {{ markAppointment(id: $id, status: NO_SHOW) {{ {PROBLEM} }} }}""",
                           id=past["appointment"]["id"])
    assert marked["markAppointment"]["__typename"] == "Appointment", marked

    day = await api.run("""query { schedule(date: "2026-01-16") { ... on DaySchedule { staff { staff { name }
        entries { kind startsAt endsAt appointment { status } } } } } }""")
    for member in day["schedule"]["staff"]:
        shown = [(datetime.fromisoformat(e["startsAt"]), datetime.fromisoformat(e["endsAt"]))
                 for e in member["entries"] if e["kind"] == "APPOINTMENT"]
        for gap in (e for e in member["entries"] if e["kind"] == "FREE"):
            start, end = datetime.fromisoformat(gap["startsAt"]), datetime.fromisoformat(gap["endsAt"])
            assert start >= friday(12), f"a past gap is offered to {member['staff']['name']}: {gap}"
            assert all(end <= a or start >= b for a, b in shown), f"a gap over an appointment: {gap}"

    await page.reload()
    column = page.get_by_role("list", name=re.compile(rf"^Agenda de {stylist['staff']['name']}"))
    no_shows = column.locator("a.bloque.cita.no_show")
    await expect(no_shows.first).to_be_visible()
    boxes = [await n.bounding_box() for n in await no_shows.all()]
    for free in await column.locator("a.bloque.libre").all():
        other = await free.bounding_box()
        for box in boxes:
            assert other["y"] >= box["y"] + box["height"] - 1 or other["y"] + other["height"] <= box["y"] + 1, \
                "a «Libre» is drawn over the no-show"
        label = await free.get_attribute("aria-label")
        assert clock_label(re.search(r"Libre de (\d+:\d\d [AP]M)", label).group(1)) >= 12 * 60, label
    await screenshot(page, "agenda-no-asistio")


async def test_the_move_dialog_shows_proposed_times_when_the_target_is_busy(owner_page, api):
    page = owner_page
    luis = await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11), phone="+525511110003")
    await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11, 30), phone="+525511110004")
    await page.goto(f"/#/cita/{luis}")
    await page.get_by_role("button", name="Reprogramar").click()
    dialog = page.get_by_role("dialog", name="Reprogramar cita")
    await dialog.get_by_label("Con quién").select_option(label="Pedro Ramírez")
    await dialog.get_by_label("Hora", exact=True).fill("11:30")
    await dialog.get_by_role("button", name="Guardar cambio").click()
    problem = dialog.get_by_role("alert")
    await expect(problem).to_contain_text("Horarios cercanos que sí están libres")
    proposed = problem.get_by_role("group", name="Horarios propuestos").get_by_role("button")
    await expect(proposed.first).to_be_visible()
    await screenshot(page, "reprogramar-ocupado")
    chosen = (await proposed.first.inner_text()).strip()
    await proposed.first.click()
    await expect(dialog.get_by_label("Hora", exact=True)).not_to_have_value("11:30")
    await dialog.get_by_role("button", name="Guardar cambio").click()
    await expect(page.get_by_text("Cita reprogramada.")).to_be_visible()
    await expect(page.get_by_text(re.compile(rf"{re.escape(chosen)} –"))).to_be_visible()


async def test_toasts_do_not_pile_up_over_the_calendar(owner_page):
    page = owner_page
    await page.goto("/#/ajustes/sucursales")
    save = page.get_by_role("form", name="Horario de Sucursal Roma").get_by_role("button", name="Guardar horario")
    for _ in range(3):
        await save.click()
        await expect(page.locator("#avisos .aviso")).to_have_count(1)
    await expect(page.locator("#avisos .aviso")).to_have_text("Horario de Sucursal Roma guardado.")


async def test_the_login_page_drops_the_old_warning_once_a_new_link_is_sent(page, demo):
    await page.goto("/#/entrar?aviso=Tu%20sesi%C3%B3n%20termin%C3%B3.%20Vuelve%20a%20iniciar%20sesi%C3%B3n.")
    await expect(page.get_by_text("Tu sesión terminó.")).to_be_visible()
    await page.get_by_label("Tu número de WhatsApp").fill(OWNER_PHONE_AS_TYPED)
    await page.get_by_role("button", name="Enviarme la liga").click()
    await expect(page.get_by_role("status").filter(has_text="te enviamos una liga")).to_be_visible()
    await expect(page.get_by_text("Tu sesión terminó.")).to_have_count(0)


async def test_a_suspended_account_is_told_whom_to_write_to(page, demo, db, live_server):
    link = await magic_link(db, live_server.url, now=FRIDAY_MORNING)
    async with db.transaction(write=True) as session:
        await session.execute(update(Organization).where(Organization.id == demo.id)
                              .values(status=OrganizationStatus.SUSPENDED))
    await page.goto(link)
    message = page.get_by_text("Esta cuenta está suspendida")
    await expect(message).to_be_visible()
    await expect(message).to_contain_text("escríbele a Parlo por WhatsApp al 55 0000 0000")


async def test_the_demo_salon_is_within_its_plan_so_booking_toasts_carry_no_upsell(owner_page, api):
    page = owner_page
    usage = await api.run("{ organization { ... on Organization { plan usage { message } } } }")
    assert usage["organization"]["usage"]["message"] is None, usage
    await page.get_by_role("link", name="Nueva cita").click()
    await page.get_by_label("Buscar cliente").fill("Juan")
    await page.get_by_role("button", name=re.compile(r"^Juan Pérez")).click()
    await page.get_by_label("Servicio", exact=True).select_option(label="Corte de cabello · 45 min · $150")
    await page.get_by_label("Con quién").select_option(label="Pedro Ramírez")
    await page.get_by_role("button", name="11:00 AM con Pedro").click()
    await page.get_by_role("button", name="Agendar cita").click()
    await expect(page.locator("#avisos .aviso")).to_have_text("Cita agendada.")


async def test_the_admin_activity_feed_reads_as_spanish_sentences(page, demo, db, api, live_server):
    from tests.dashboard.test_admin import sign_in_as_admin

    live_server.clock.set(friday(12))
    day = await api.run("""query { schedule(date: "2026-01-16") { ... on DaySchedule { staff {
        entries { kind endsAt appointment { id customer { name } } } } } } }""")
    past = next(e for s in day["schedule"]["staff"] for e in s["entries"]
                if e["kind"] == "APPOINTMENT" and datetime.fromisoformat(e["endsAt"]) <= friday(12))
    await api.run(f"""mutation($id: ID!) {{ markAppointment(id: $id, status: NO_SHOW) {{ {PROBLEM} }} }}""",
                  id=past["appointment"]["id"])
    live_server.clock.set(friday(14, 30))
    await page.clock.set_fixed_time(friday(14, 30))
    await sign_in_as_admin(page)
    await page.get_by_role("link", name="Organizaciones").click()
    salon = page.get_by_role("listitem", name="Barbería Don Carlos")
    await salon.get_by_role("button", name="Suspender").click()
    await page.get_by_role("dialog").get_by_role("button", name="Suspender").click()
    await expect(salon.locator(".estado")).to_have_text("Suspendido")

    await page.get_by_role("link", name="Actividad").click()
    feed = page.get_by_role("list", name="Actividad")
    await expect(feed).to_contain_text(
        "Un administrador de Parlo suspendió Barbería Don Carlos el viernes 16 de enero, 2:30 PM.")
    customer = past["appointment"]["customer"]["name"]
    await expect(feed).to_contain_text(re.compile(
        rf"{re.escape(customer)} no llegó a su cita de .+ del viernes 16 de enero, \d+:\d\d AM\."))
    text = await feed.inner_text()
    assert "→" not in text and "suspended" not in text and "active" not in text
    assert not re.search(r"\d{4}-\d\d-\d\d|\d\d:\d\d\b(?! [AP]M)", text), text
    assert not re.search(r"\b1 citas\b", text)
    await screenshot(page, "admin-actividad-frases")
