"""Settings and customers from the owner's side: hours, services, team, spots, notes, walk-ins."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from storage import Availability, AvailabilityKind, Customer, Location, ServiceType, Spot, Staff

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_owner_closes_on_sundays_and_adds_a_holiday(owner_page, db):
    page = owner_page
    await page.goto("/#/ajustes/sucursales")
    hours = page.get_by_role("form", name="Horario de Sucursal Roma")
    await hours.get_by_label("domingo", exact=True).uncheck()
    await hours.get_by_label("sábado: cierra").fill("15:00")
    await hours.get_by_label("Días cerrados que vienen").fill("2026-02-02")
    await hours.get_by_role("button", name="Guardar horario").click()
    await expect(page.get_by_text("Horario de Sucursal Roma guardado.")).to_be_visible()
    async with db.session() as session:
        location = await session.scalar(select(Location))
        holiday = await session.scalar(select(Availability).where(Availability.kind == AvailabilityKind.EXCEPTION,
                                                                  Availability.staff_id.is_(None)))
    assert "6" not in location.business_hours or location.business_hours["6"] == []
    assert location.business_hours["5"] == [["09:00", "15:00"]]
    assert holiday.exception_date.isoformat() == "2026-02-02" and not holiday.is_available

    await page.reload()  # the holiday she set is there when she comes back, and clearing it reopens the day
    hours = page.get_by_role("form", name="Horario de Sucursal Roma")
    await expect(hours.get_by_label("Días cerrados que vienen")).to_have_value("2026-02-02")
    await hours.get_by_label("Días cerrados que vienen").fill("")
    await hours.get_by_role("button", name="Guardar horario").click()
    await expect(page.get_by_text("Horario de Sucursal Roma guardado.")).to_be_visible()
    await expect(hours.get_by_label("Días cerrados que vienen")).to_have_value("")
    async with db.session() as session:
        assert await session.scalar(select(Availability).where(Availability.kind == AvailabilityKind.EXCEPTION,
                                                               Availability.staff_id.is_(None))) is None


async def test_owner_adds_a_service_changes_its_price_and_hides_it(owner_page, db):
    page = owner_page
    await page.goto("/#/ajustes/servicios")
    await page.get_by_role("button", name="Agregar servicio").click()
    dialog = page.get_by_role("dialog", name="Agregar servicio")
    await dialog.get_by_label("Nombre").fill("Mascarilla facial")
    await dialog.get_by_label("Duración (minutos)").fill("25")
    await dialog.get_by_label("Precio (pesos)").fill("120")
    await dialog.get_by_role("button", name="Guardar").click()
    await expect(page.get_by_text("Servicio guardado.")).to_be_visible()
    await expect(page.get_by_text("25 min · $120")).to_be_visible()

    await page.get_by_role("button", name="Editar Mascarilla facial").click()
    dialog = page.get_by_role("dialog", name="Editar Mascarilla facial")
    await dialog.get_by_label("Precio (pesos)").fill("135.50")
    await dialog.get_by_label("Visible para agendar").uncheck()
    await dialog.get_by_role("button", name="Guardar").click()
    await expect(page.get_by_text("25 min · $135.50")).to_be_visible()
    async with db.session() as session:
        service = await session.scalar(select(ServiceType).where(ServiceType.name == "Mascarilla facial"))
    assert (service.price_cents, service.is_active) == (13550, False)


async def test_a_service_with_appointments_cannot_be_deleted_and_says_why(owner_page):
    page = owner_page
    await page.goto("/#/ajustes/servicios")
    await page.get_by_role("button", name="Borrar Corte de cabello").click()
    await page.get_by_role("dialog").get_by_role("button", name="Sí, continuar").click()
    await expect(page.get_by_role("dialog").get_by_role("alert")).to_be_visible()
    message = await page.get_by_role("dialog").get_by_role("alert").inner_text()
    assert re.search(r"[áéíóúñ]|\bcita", message), message


async def test_owner_deactivates_and_reactivates_pedro_and_sets_his_hours(owner_page, db):
    page = owner_page
    await page.goto("/#/ajustes/personal")
    pedro = page.get_by_role("listitem").filter(has_text="Pedro Ramírez")
    await pedro.get_by_role("button", name="Desactivar").click()
    await page.get_by_role("dialog").get_by_role("button", name="Sí, continuar").click()
    await expect(page.get_by_text("Persona desactivada.")).to_be_visible()
    await expect(pedro).to_contain_text("(desactivado)")
    await pedro.get_by_role("button", name="Reactivar").click()
    await page.get_by_role("dialog").get_by_role("button", name="Sí, continuar").click()
    await expect(page.get_by_text("Persona reactivada.")).to_be_visible()

    await pedro.get_by_role("button", name="Horario de Pedro Ramírez").click()
    dialog = page.get_by_role("dialog", name="Horario de Pedro Ramírez")
    await expect(dialog.get_by_label("martes: entra")).to_have_value("11:00")
    await dialog.get_by_label("lunes", exact=True).check()
    await dialog.get_by_label("lunes: entra").fill("12:00")
    await dialog.get_by_label("lunes: sale").fill("18:00")
    await dialog.get_by_role("button", name="Guardar").click()
    await expect(page.get_by_text("Horario guardado.")).to_be_visible()
    async with db.session() as session:
        staff = await session.scalar(select(Staff).where(Staff.name == "Pedro Ramírez"))
        monday = await session.scalar(select(Availability).where(
            Availability.staff_id == staff.id, Availability.kind == AvailabilityKind.RECURRING,
            Availability.day_of_week == 0))
    assert staff.is_active
    assert (monday.start_time.hour, monday.end_time.hour) == (12, 18)


async def test_owner_adds_a_chair_and_moves_it_first(owner_page, db):
    page = owner_page
    await page.goto("/#/ajustes/lugares")
    await page.get_by_role("button", name="Agregar lugar").click()
    dialog = page.get_by_role("dialog", name="Agregar lugar")
    await dialog.get_by_label("Nombre").fill("Silla 4")
    await dialog.get_by_label("Tinte para caballero").uncheck()
    await dialog.get_by_role("button", name="Guardar").click()
    await expect(page.get_by_text("Lugar guardado.")).to_be_visible()
    spots = page.get_by_role("list", name="Lugares").get_by_role("listitem")
    for position in (3, 2, 1, 0):
        await page.get_by_role("button", name="Subir Silla 4").click()
        await expect(spots.nth(position)).to_contain_text("Silla 4")
    await expect(page.get_by_role("button", name="Subir Silla 4")).to_be_disabled()
    async with db.session() as session:
        spots = (await session.scalars(select(Spot).order_by(Spot.display_order, Spot.name, Spot.id))).all()
    assert spots[0].name == "Silla 4"


async def test_owner_writes_a_note_on_a_customer(owner_page, db):
    page = owner_page
    await page.get_by_role("link", name="Clientes").click()
    await page.get_by_label("Buscar cliente").fill("ana")
    await page.get_by_role("link", name="Ana Torres").click()
    await expect(page.get_by_role("heading", name="Historial de citas")).to_be_visible()
    await page.get_by_label("Notas").fill("Prefiere a Carlos; alérgica al tinte.")
    await page.get_by_role("button", name="Guardar").click()
    await expect(page.get_by_text("Cliente guardado.")).to_be_visible()
    async with db.session() as session:
        ana = await session.scalar(select(Customer).where(Customer.name == "Ana Torres"))
    assert ana.notes == "Prefiere a Carlos; alérgica al tinte."


async def test_a_walk_in_starts_now_with_whoever_is_free(owner_page, live_server):
    page = owner_page
    live_server.clock.set(datetime(2026, 1, 16, 13, 15, tzinfo=ZoneInfo("America/Mexico_City")))  # Pedro is free
    await page.get_by_role("link", name="Cliente sin cita").click()
    await page.get_by_label("Nombre").fill("Don Beto")
    await page.get_by_label("Servicio").select_option(label="Arreglo de barba · 30 min")
    await page.get_by_role("button", name="Registrar ahora").click()
    await expect(page.get_by_text("Listo: con Pedro Ramírez a las 1:15 PM.")).to_be_visible()
    await expect(page.get_by_role("link", name=re.compile(r"^1:15 PM – 1:45 PM, Don Beto, Arreglo de barba"))).to_be_visible()


async def test_when_nobody_is_free_a_walk_in_is_offered_the_soonest_times(owner_page):
    page = owner_page  # 10:00: Carlos and María are busy, Pedro starts at 11
    await page.get_by_role("link", name="Cliente sin cita").click()
    await page.get_by_label("Nombre").fill("Don Beto")
    await page.get_by_label("Teléfono").fill("55 2222 3333")
    await page.get_by_label("Servicio").select_option(label="Arreglo de barba · 30 min")
    await page.get_by_role("button", name="Registrar ahora").click()
    problem = page.get_by_role("alert")
    await expect(problem).to_contain_text("Ahorita no hay quien lo atienda")
    soonest = problem.get_by_role("button").first
    await expect(soonest).to_have_text(re.compile(r"^Agendar a las \d+:\d\d [AP]M con "))
    await soonest.click()
    await expect(page.get_by_text("Cita agendada.")).to_be_visible()
    await expect(page.get_by_role("link", name=re.compile(r"Don Beto, Arreglo de barba"))).to_be_visible()


async def test_staff_hours_take_several_ranges_a_day_like_business_hours(owner_page, db):
    page = owner_page
    await page.goto("/#/ajustes/personal")
    pedro = page.get_by_role("listitem").filter(has_text="Pedro Ramírez")
    await pedro.get_by_role("button", name="Horario de Pedro Ramírez").click()
    dialog = page.get_by_role("dialog", name="Horario de Pedro Ramírez")
    await dialog.get_by_label("lunes", exact=True).check()
    await dialog.get_by_label("lunes: entra").fill("10:00")
    await dialog.get_by_label("lunes: sale").fill("14:00")
    monday = dialog.locator(".horario-dia", has=page.get_by_label("lunes", exact=True))
    await monday.get_by_role("button", name="+ Turno").click()
    await dialog.get_by_label("lunes: entra").nth(1).fill("16:00")
    await dialog.get_by_label("lunes: sale").nth(1).fill("20:00")
    await dialog.get_by_role("button", name="Guardar").click()
    await expect(page.get_by_text("Horario guardado.")).to_be_visible()
    await expect(pedro).to_contain_text("lun 10:00–14:00 y 16:00–20:00")
    async with db.session() as session:
        staff = await session.scalar(select(Staff).where(Staff.name == "Pedro Ramírez"))
        rows = (await session.scalars(select(Availability).where(
            Availability.staff_id == staff.id, Availability.kind == AvailabilityKind.RECURRING,
            Availability.day_of_week == 0).order_by(Availability.start_time, Availability.id))).all()
    assert [(r.start_time.hour, r.end_time.hour) for r in rows] == [(10, 14), (16, 20)]
