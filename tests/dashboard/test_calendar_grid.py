"""Issue 22's calendar: the week as a time grid, colour by service with status and legend,
drag (and keyboard) to move with confirmation, and the print layout."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect

from storage import Appointment
from tests.dashboard.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CDMX = ZoneInfo("America/Mexico_City")
PROBLEM = "__typename ... on Problem { message }"
HOUR_PX_WEEK = 56


def friday(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, 16, hour, minute, tzinfo=CDMX)


async def grid_top_minute(page, selector: str) -> int:
    """The minute of the day at the top of the grid (its first hour label)."""
    first = (await page.locator(f"{selector} .horas div").first.inner_text()).strip()
    hour, half = re.match(r"(\d+):00 (AM|PM)", first).groups()
    return (int(hour) % 12 + (12 if half == "PM" else 0)) * 60


async def test_the_week_grid_puts_each_appointment_in_its_day_column_and_time_row(owner_page, api):
    page = owner_page
    await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=datetime(2026, 1, 17, 12, tzinfo=CDMX),
                   phone="+525511110003")
    await page.goto("/#/agenda?vista=semana&fecha=2026-01-16")
    await expect(page.get_by_role("heading", name="Semana del lunes 12 de enero")).to_be_visible()
    columns = page.locator(".semana-rejilla .columna")
    await expect(columns).to_have_count(7)
    saturday = page.get_by_role("list", name=re.compile(r"^Sábado 17 de enero"))
    block = saturday.get_by_role("link", name=re.compile(r"12:00 PM – 12:30 PM, Luis Ramírez, Arreglo de barba con Pedro"))
    await expect(block).to_be_visible()
    top = await grid_top_minute(page, ".semana-rejilla")
    offset = await block.evaluate("el => el.offsetTop")
    assert abs(offset - (12 * 60 - top) / 60 * HOUR_PX_WEEK) <= 1, (offset, top)
    # Every appointment of the week sits in the column of its day.
    data = await api.run("""query { appointments(from: "2026-01-12T06:00:00Z", to: "2026-01-19T06:00:00Z", first: 200)
        { nodes { id startsAt status } } }""")
    shown = await page.locator(".semana-rejilla a.bloque.cita").evaluate_all(
        "els => els.map(e => [e.getAttribute('href').split('/').pop(), e.closest('.columna').dataset.fecha])")
    expected = {n["id"]: datetime.fromisoformat(n["startsAt"]).astimezone(CDMX).date().isoformat()
                for n in data["appointments"]["nodes"] if n["status"] != "CANCELLED"}
    assert dict(shown) == expected
    await screenshot(page, "agenda-semana-rejilla")


async def test_with_a_stylist_chosen_the_week_is_that_persons_week(owner_page):
    page = owner_page
    await page.goto("/#/agenda?vista=semana&fecha=2026-01-16")
    await page.get_by_text("Filtros", exact=True).click()
    await page.get_by_label("Equipo").select_option(label="María López")
    await expect(page.get_by_text("La semana de María López.")).to_be_visible()
    names = await page.locator(".semana-rejilla a.bloque.cita").evaluate_all(
        "els => els.map(e => e.closest('.columna').dataset.nombre)")
    assert names and set(names) == {"María López"}


async def test_colours_follow_the_service_setting_with_status_and_a_legend(owner_page, api):
    page = owner_page
    services, _ = await api.ids()
    changed = await api.run(f"""mutation($id: ID!) {{ updateService(id: $id, input: {{color: "#DB2777"}}) {{ {PROBLEM} }} }}""",
                            id=services["Corte de cabello"])
    assert changed["updateService"]["__typename"] == "Service", changed
    await page.reload()
    haircut = page.locator("a.bloque.cita", has_text="Corte de cabello").first
    await expect(haircut).to_be_visible()
    assert await haircut.evaluate("el => getComputedStyle(el).borderLeftColor") == "rgb(219, 39, 119)"
    beard = page.locator("a.bloque.cita", has_text="Arreglo de barba").first
    if await beard.count():
        assert await beard.evaluate("el => getComputedStyle(el).borderLeftColor") != "rgb(219, 39, 119)"
    await expect(haircut.locator(".insignia")).to_have_text(re.compile("Confirmada|Completada|No asistió|Por confirmar"))
    legend = page.get_by_role("region", name="Leyenda")
    await expect(legend.get_by_role("list", name="Colores por servicio")).to_contain_text("Corte de cabello")
    await expect(legend.get_by_role("list", name="Estados")).to_contain_text("No asistió")

    # The owner picks the colour in Ajustes.
    await page.goto("/#/ajustes/servicios")
    await page.get_by_role("button", name="Editar Arreglo de barba").click()
    dialog = page.get_by_role("dialog", name="Editar Arreglo de barba")
    await dialog.get_by_label("Color en la agenda").select_option(label="Mostaza")
    await dialog.get_by_role("button", name="Guardar").click()
    await expect(page.get_by_text("Servicio guardado.")).to_be_visible()
    data = await api.run("{ services { name color } }")
    assert {s["name"]: s["color"] for s in data["services"]}["Arreglo de barba"] == "#CA8A04"
    await screenshot(page, "ajustes-servicios-colores")


async def drag(page, block, target_column, minute: int, top_minute: int, hour_px: int) -> None:
    box = await block.bounding_box()
    column = await target_column.bounding_box()
    await page.mouse.move(box["x"] + 10, box["y"] + 5)
    await page.mouse.down()
    y = column["y"] + (minute - top_minute) / 60 * hour_px + 5
    await page.mouse.move(column["x"] + 20, y, steps=6)
    await page.mouse.move(column["x"] + 22, y, steps=2)
    await page.mouse.up()


async def test_dragging_an_appointment_to_a_free_time_moves_it_after_confirmation(owner_page, api, db):
    page = owner_page
    luis = await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11), phone="+525511110003")
    await page.reload()
    block = page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez"))
    await expect(block).to_be_visible()
    top = await grid_top_minute(page, ".dia-rejilla")
    pedro = page.get_by_role("list", name=re.compile(r"^Agenda de Pedro Ramírez"))
    await drag(page, block, pedro, 13 * 60 + 30, top, 64)
    dialog = page.get_by_role("dialog", name="Mover cita")
    await expect(dialog).to_contain_text("¿Mover a Luis Ramírez a las 1:30 PM con Pedro Ramírez?")
    await screenshot(page, "mover-arrastrar")
    await dialog.get_by_role("button", name="Mover", exact=True).click()
    await expect(page.get_by_text("Cita movida.")).to_be_visible()
    await expect(page.get_by_role("link", name=re.compile(r"^1:30 PM – 2:00 PM, Luis Ramírez"))).to_be_visible()
    async with db.session() as session:
        moved = await session.get(Appointment, uuid.UUID(luis))
    assert moved.starts_at == friday(13, 30)


async def test_a_drop_on_a_taken_time_shows_the_error_and_moves_nothing(owner_page, api, db):
    page = owner_page
    luis = await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11), phone="+525511110003")
    await page.reload()
    block = page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez"))
    await expect(block).to_be_visible()
    top = await grid_top_minute(page, ".dia-rejilla")
    pedro = page.get_by_role("list", name=re.compile(r"^Agenda de Pedro Ramírez"))
    await drag(page, block, pedro, 12 * 60, top, 64)  # Roberto's Corte y barba, 12:00–1:15
    dialog = page.get_by_role("dialog", name="Mover cita")
    await dialog.get_by_role("button", name="Mover", exact=True).click()
    await expect(dialog.get_by_role("alert")).to_contain_text("ya tiene cita a esa hora")
    await screenshot(page, "mover-ocupado")
    await dialog.get_by_role("button", name="No mover").click()
    async with db.session() as session:
        still = await session.get(Appointment, uuid.UUID(luis))
    assert still.starts_at == friday(11)
    await expect(block).to_be_visible()


async def test_the_keyboard_moves_an_appointment_too(owner_page, api, db):
    page = owner_page
    luis = await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11), phone="+525511110003")
    await page.reload()
    block = page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez"))
    await block.focus()
    for _ in range(2):
        await page.keyboard.press("Alt+ArrowDown")
    await page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Mover cita")
    await expect(dialog).to_contain_text("¿Mover a Luis Ramírez a las 11:30 AM con Pedro Ramírez?")
    await dialog.get_by_role("button", name="Mover", exact=True).click()
    await expect(page.get_by_text("Cita movida.")).to_be_visible()
    async with db.session() as session:
        moved = await session.get(Appointment, uuid.UUID(luis))
    assert moved.starts_at == friday(11, 30)


async def test_printing_shows_the_whole_day_per_stylist_and_no_navigation(owner_page, api):
    page = owner_page
    await page.emulate_media(media="print")
    await expect(page.locator("header.barra")).to_be_hidden()
    await expect(page.locator("nav")).to_have_count(1)  # the menu is there, and not printed
    await expect(page.locator("nav")).to_be_hidden()
    await expect(page.locator(".dia")).to_be_hidden()
    printed = page.locator(".impresion")
    await expect(printed).to_be_visible()
    day = await api.run("""query { schedule(date: "2026-01-16") { ... on DaySchedule { staff { staff { name }
        entries { kind startsAt appointment { customer { name } } } } } } }""")
    for member in day["schedule"]["staff"]:
        section = printed.locator(".impresion-persona", has=page.get_by_role("heading", name=member["staff"]["name"]))
        rows = [e for e in member["entries"] if e["kind"] in ("APPOINTMENT", "BLOCK")]
        await expect(section.locator("tr")).to_have_count(len(rows))
    # …including the last appointment of the day (the grid on screen scrolls; paper does not).
    await expect(printed).to_contain_text("6:30 PM")
    await page.screenshot(path="artifacts/screenshots/impresion-dia-1280.png", full_page=True)


async def test_the_top_bar_finds_a_customer_by_name_or_phone_and_opens_them(owner_page):
    page = owner_page
    search = page.get_by_role("searchbox", name="Búsqueda rápida de clientes")
    await search.fill("juan")
    found = page.get_by_role("list", name="Clientes encontrados")
    await expect(found.get_by_role("link", name=re.compile(r"^Juan Pérez"))).to_be_visible()
    await search.fill("1111 0005")  # Roberto García's number, as typed
    await expect(found.get_by_role("link", name=re.compile(r"^Roberto García"))).to_be_visible()
    await search.press("Enter")
    await expect(page.get_by_role("heading", name="Roberto García")).to_be_visible()
    await expect(found).to_be_hidden()


async def test_on_a_phone_the_search_folds_into_a_button(phone, demo, db, live_server):
    from tests.dashboard.conftest import FRIDAY_MORNING
    from tests.dashboard.salon import magic_link

    await phone.goto(await magic_link(db, live_server.url, now=FRIDAY_MORNING))
    await expect(phone.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
    search = phone.get_by_role("searchbox", name="Búsqueda rápida de clientes")
    await expect(search).to_be_hidden()
    await phone.get_by_role("button", name="Abrir la búsqueda de clientes").click()
    await search.fill("ana")
    await phone.get_by_role("link", name=re.compile(r"^Ana Torres")).click()
    await expect(phone.get_by_role("heading", name="Ana Torres")).to_be_visible()
    await screenshot(phone, "telefono-cliente-desde-busqueda")


async def test_day_totals_equal_the_figures_graphql_gives_the_owner(owner_page, api):
    page = owner_page
    figures = (await api.run("""query { dayFigures(firstDay: "2026-01-16") { ... on Figures {
        appointments expectedRevenueCents byStaff { name appointments } } } }"""))["dayFigures"]
    totals = page.get_by_role("region", name="Totales del día")
    await expect(totals).to_contain_text(f"{figures['appointments']} citas")
    pesos = figures["expectedRevenueCents"] // 100
    await expect(totals).to_contain_text(f"${pesos:,} esperado")
    per_person = totals.get_by_role("list", name="Citas por persona")
    for member in figures["byStaff"]:
        await expect(per_person).to_contain_text(f"{member['name'].split()[0]}: {member['appointments']}")
    # A booking changes both the same way.
    await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11), phone="+525511110003")
    await page.reload()
    await expect(totals).to_contain_text(f"{figures['appointments'] + 1} citas")
