"""The owner's day: book through the form, lose a race for a slot, cancel, block time, see the week."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import expect
from sqlalchemy import select

from storage import Appointment, AppointmentStatus, OutboundMessage
from tests.dashboard.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CDMX = ZoneInfo("America/Mexico_City")


def friday(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, 16, hour, minute, tzinfo=CDMX)


async def start_new_appointment(page, *, service: str, staff: str) -> None:
    await page.get_by_role("link", name="Nueva cita").click()
    await expect(page.get_by_role("heading", name="Nueva cita")).to_be_visible()
    await page.get_by_label("Buscar cliente").fill("Juan")
    await page.get_by_role("button", name=re.compile(r"^Juan Pérez")).click()
    await expect(page.get_by_label("Teléfono (WhatsApp)")).to_have_value("+525511110001")
    await page.get_by_label("Servicio", exact=True).select_option(label=service)
    await page.get_by_label("Con quién").select_option(label=staff)


async def test_owner_books_juan_with_pedro_through_the_form(owner_page, db):
    page = owner_page
    await start_new_appointment(page, service="Corte de cabello · 45 min · $150", staff="Pedro Ramírez")
    await page.get_by_role("button", name="11:00 AM con Pedro").click()
    await expect(page.get_by_label("Hora", exact=True)).to_have_value("11:00")
    await screenshot(page, "nueva-cita")
    await page.get_by_role("button", name="Agendar cita").click()

    await expect(page.get_by_text("Cita agendada.")).to_be_visible()
    booked = page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:45 AM, Juan Pérez, Corte de cabello"))
    await expect(booked).to_be_visible()
    async with db.session() as session:
        rows = (await session.scalars(select(Appointment).where(Appointment.starts_at == friday(11)))).all()
    assert [str(r.source) for r in rows] == ["web"]
    assert page.problems == []


async def test_a_slot_taken_meanwhile_shows_the_conflict_in_spanish_with_alternatives(owner_page, api):
    page = owner_page
    await start_new_appointment(page, service="Corte de cabello · 45 min · $150", staff="Pedro Ramírez")
    await page.get_by_role("button", name="1:15 PM con Pedro").click()
    # Someone books that very slot on WhatsApp while the owner is still filling the form.
    await api.book(service="Corte de cabello", staff="Pedro Ramírez", start=friday(13, 15), phone="+525511110002")

    await page.get_by_role("button", name="Agendar cita").click()
    problem = page.get_by_role("alert")
    await expect(problem).to_contain_text("Pedro Ramírez ya tiene cita a esa hora")
    await expect(problem).to_contain_text("Horarios cercanos que sí están libres")
    await screenshot(page, "nueva-cita-conflicto")

    alternative = problem.get_by_role("button").first
    chosen = (await alternative.inner_text()).strip()
    await alternative.click()
    await page.get_by_role("button", name="Agendar cita").click()
    await expect(page.get_by_text("Cita agendada.")).to_be_visible()
    await expect(page.get_by_role("link", name=re.compile(rf"^{re.escape(chosen)} – .*Juan Pérez"))).to_be_visible()


async def test_owner_cancels_an_appointment_and_the_customer_is_told(owner_page, api, db):
    page = owner_page
    appointment_id = await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11),
                                    phone="+525511110003")
    await page.reload()
    await page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez")).click()
    await expect(page.get_by_role("heading", name="Arreglo de barba · Luis Ramírez")).to_be_visible()
    await screenshot(page, "cita")

    await page.get_by_role("button", name="Cancelar cita").click()
    dialog = page.get_by_role("dialog", name="Cancelar cita")
    await dialog.get_by_label("Motivo").fill("Se enfermó el barbero")
    await expect(dialog.get_by_label("Avisar al cliente por WhatsApp")).to_be_checked()
    await dialog.get_by_role("button", name="Cancelar cita").click()

    await expect(page.get_by_text("Cita cancelada. Le avisamos al cliente.")).to_be_visible()
    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
    await expect(page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez"))).to_have_count(0)
    async with db.session() as session:
        appointment = await session.get(Appointment, __import__("uuid").UUID(appointment_id))
        told = await session.scalar(select(OutboundMessage).where(OutboundMessage.appointment_id == appointment.id))
    assert appointment.status is AppointmentStatus.CANCELLED
    assert appointment.cancellation_reason == "Se enfermó el barbero"
    assert told is not None, "cancelling with 'avisar al cliente' queues a WhatsApp message"


async def test_a_visit_is_marked_completed_once_it_has_started(owner_page, api, live_server):
    page = owner_page
    await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11), phone="+525511110003")
    await page.reload()
    await page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez")).click()
    await page.get_by_role("button", name="Marcar como completada").click()
    await expect(page.get_by_role("alert")).to_contain_text("todavía no empieza")

    live_server.clock.set(friday(11, 35))
    await page.get_by_role("button", name="Marcar como completada").click()
    await expect(page.get_by_text("Cita marcada como completada.")).to_be_visible()
    await expect(page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez, Arreglo de barba, Completada"))).to_be_visible()


async def test_after_the_visit_the_owner_notes_what_was_done_and_can_clear_it(owner_page, api, live_server, db):
    page = owner_page
    appointment_id = await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11),
                                    phone="+525511110003")
    live_server.clock.set(friday(11, 35))
    await page.reload()
    await page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez")).click()
    await page.get_by_role("button", name="Marcar como completada").click()
    await expect(page.get_by_text("Cita marcada como completada.")).to_be_visible()
    await page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez")).click()
    await page.get_by_role("button", name="Agregar notas").click()
    dialog = page.get_by_role("dialog", name="Notas de la cita")
    await dialog.get_by_label("Notas").fill("Barba con navaja; pidió aceite sin olor")
    await dialog.get_by_role("button", name="Guardar notas").click()
    await expect(page.get_by_text("Notas guardadas.")).to_be_visible()
    await expect(page.get_by_text("Barba con navaja; pidió aceite sin olor")).to_be_visible()
    async with db.session() as session:
        stored = await session.get(Appointment, __import__("uuid").UUID(appointment_id))
    assert stored.notes == "Barba con navaja; pidió aceite sin olor"

    await page.get_by_role("button", name="Editar notas").click()
    await dialog.get_by_label("Notas").fill("")
    await dialog.get_by_role("button", name="Guardar notas").click()
    await expect(page.get_by_text("Notas borradas.")).to_be_visible()
    await expect(page.get_by_role("button", name="Agregar notas")).to_be_visible()


async def test_owner_blocks_pedros_lunch_sees_it_on_the_day_and_removes_it(owner_page):
    page = owner_page
    await page.get_by_role("link", name="Bloquear horario").click()
    await expect(page.get_by_role("heading", name="Bloquear horario")).to_be_visible()
    await page.get_by_label("Para quién").select_option(label="Pedro Ramírez")
    await page.get_by_label("Desde las").fill("13:30")
    await page.get_by_label("Hasta las").fill("14:30")
    await page.get_by_label("Motivo").fill("Trámite en el banco")
    await page.get_by_role("button", name="Bloquear horario").click()
    await expect(page.get_by_text("Horario bloqueado.")).to_be_visible()
    upcoming = page.get_by_role("region", name="Próximos bloqueos")
    await expect(upcoming.get_by_text("Trámite en el banco")).to_be_visible()
    await screenshot(page, "bloqueos")

    await page.get_by_role("link", name="Volver a la agenda").click()
    block = page.get_by_role("button", name=re.compile(r"^1:30 PM – 2:30 PM, bloqueado: Trámite en el banco"))
    await expect(block).to_be_visible()
    await block.click()
    dialog = page.get_by_role("dialog", name="Quitar bloqueo")
    await dialog.get_by_role("button", name="Quitar bloqueo").click()
    await expect(page.get_by_text("Bloqueo quitado.")).to_be_visible()
    await expect(block).to_have_count(0)


async def test_blocking_the_whole_salon_lists_the_appointments_inside(owner_page):
    page = owner_page
    await page.get_by_role("link", name="Bloquear horario").click()
    await page.get_by_label("Desde las").fill("17:00")
    await page.get_by_label("Hasta las").fill("18:00")
    await page.get_by_label("Motivo").fill("Junta de equipo")
    await page.get_by_role("button", name="Bloquear horario").click()
    await expect(page.get_by_text(re.compile(r"Hay \d+ citas? dentro del bloqueo"))).to_be_visible()
    await page.get_by_role("link", name="Volver a la agenda").click()
    await expect(page.get_by_role("button", name=re.compile(r"bloqueado: Junta de equipo \(todo el negocio\)"))).to_have_count(3)


async def test_week_view_shows_seven_days_and_opens_a_day(owner_page):
    page = owner_page
    await page.get_by_role("button", name="Semana").click()
    await expect(page.get_by_role("heading", name="Semana del lunes 12 de enero")).to_be_visible()
    days = page.locator(".semana-rejilla .columna")
    await expect(days).to_have_count(7)
    await screenshot(page, "agenda-semana")
    await page.get_by_role("button", name="Ver el miércoles 14 de enero").click()
    await expect(page.get_by_role("heading", name="Miércoles 14 de enero")).to_be_visible()
    await page.get_by_role("button", name="Día siguiente").click()
    await expect(page.get_by_role("heading", name="Jueves 15 de enero")).to_be_visible()
    await page.get_by_role("button", name="Hoy").click()
    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()


async def test_filters_narrow_the_list_to_one_stylist_and_status(owner_page):
    page = owner_page
    await page.get_by_role("button", name="Lista").click()
    await page.get_by_text("Filtros", exact=True).click()  # closed until a filter is on
    await page.get_by_label("Equipo").select_option(label="María López")  # maybe before the list is drawn
    await expect(page.get_by_role("button", name="Lista")).to_have_attribute("aria-pressed", "true")
    await expect(page.get_by_label("Equipo")).to_have_value(re.compile(".+"))
    rows = page.locator("table.tabla tbody tr")
    await expect(rows.first).to_be_visible()
    for text in await rows.locator("td:nth-child(4)").all_inner_texts():
        assert text == "María López"
    await page.get_by_label("Estado").select_option(label="Cancelada")
    await expect(page.get_by_text("No hay citas en estos 7 días con esos filtros.")).to_be_visible()


async def test_new_bookings_appear_without_reloading(owner_page, api):
    page = owner_page
    await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11), phone="+525511110005")
    await page.clock.run_for(31_000)
    await expect(page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Roberto García"))).to_be_visible()


async def test_a_filter_chosen_before_the_page_redraws_keeps_the_view_just_chosen(owner_page):
    """A slow phone: "Lista" and then a stylist before the list is drawn (both in one task here)."""
    page = owner_page
    await page.evaluate("""() => {
        const lista = [...document.querySelectorAll("button")].find((b) => b.textContent === "Lista");
        const equipo = [...document.querySelectorAll("label")].find((l) => l.textContent.startsWith("Equipo"));
        const select = equipo.querySelector("select") || document.getElementById(equipo.htmlFor);
        lista.click();
        select.value = [...select.options].find((o) => o.textContent === "María López").value;
        select.dispatchEvent(new Event("change"));
    }""")
    await expect(page.get_by_role("button", name="Lista")).to_have_attribute("aria-pressed", "true")
    await expect(page).to_have_url(re.compile(r"vista=lista.*personal=|personal=.*vista=lista"))
