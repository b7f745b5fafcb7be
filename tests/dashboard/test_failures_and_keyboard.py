"""Nothing fails silently, and the keyboard alone is enough."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_a_lost_connection_is_explained_in_spanish_where_the_owner_acted(owner_page):
    page = owner_page
    await page.get_by_role("link", name="Bloquear horario").click()
    await expect(page.get_by_role("heading", name="Bloquear horario")).to_be_visible()
    await page.route("**/graphql", lambda route: route.abort("internetdisconnected"))
    await page.get_by_role("button", name="Bloquear horario").click()
    await expect(page.get_by_role("form", name="Bloquear horario").get_by_role("alert")).to_have_text(
        "No pudimos conectar con Parlo. Revisa tu conexión e inténtalo de nuevo.")


async def test_a_server_failure_says_so_in_spanish(owner_page):
    page = owner_page
    await page.route("**/graphql", lambda route: route.fulfill(status=500, body="Internal Server Error"))
    await page.get_by_role("button", name="Semana").click()
    await expect(page.get_by_role("alert")).to_have_text("Algo salió mal de nuestro lado. Inténtalo de nuevo en un momento.")


async def test_the_agenda_is_usable_with_the_keyboard(owner_page):
    page = owner_page
    new = page.get_by_role("link", name="Nueva cita")
    await new.focus()
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Nueva cita")).to_be_visible()
    await expect(page.get_by_label("Teléfono (WhatsApp)")).to_be_focused()
    await page.go_back()
    appointment = page.locator("a.bloque.cita").first
    await appointment.focus()
    await page.keyboard.press("Enter")
    await page.get_by_role("button", name="Cancelar cita").focus()
    await page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Cancelar cita")
    await expect(dialog).to_be_visible()
    await expect(dialog.get_by_label("Motivo")).to_be_focused()
    await page.keyboard.press("Escape")
    await expect(dialog).to_have_count(0)


async def test_owner_reschedules_from_the_appointment(owner_page, api):
    from tests.dashboard.test_agenda import friday

    page = owner_page
    await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11), phone="+525511110003")
    await page.reload()
    await page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez")).click()
    await page.get_by_role("button", name="Reprogramar").click()
    dialog = page.get_by_role("dialog", name="Reprogramar cita")
    await dialog.get_by_role("button", name="1:45 PM").click()
    await expect(dialog.get_by_label("Hora", exact=True)).to_have_value("13:45")
    await dialog.get_by_role("button", name="Guardar cambio").click()
    await expect(page.get_by_text("Cita reprogramada.")).to_be_visible()
    await expect(page.get_by_text("viernes 16 de enero, 1:45 PM – 2:15 PM")).to_be_visible()


async def test_a_reschedule_onto_a_busy_time_is_refused_in_the_dialog(owner_page, api):
    from tests.dashboard.test_agenda import friday

    page = owner_page
    await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11), phone="+525511110003")
    await page.reload()
    await page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez")).click()
    await page.get_by_role("button", name="Reprogramar").click()
    dialog = page.get_by_role("dialog", name="Reprogramar cita")
    await dialog.get_by_label("Hora", exact=True).fill("12:00")  # Pedro is with Roberto García at noon
    await dialog.get_by_role("button", name="Guardar cambio").click()
    await expect(dialog.get_by_role("alert")).to_contain_text("Pedro Ramírez")


async def test_what_customers_type_is_shown_as_text_never_as_markup(owner_page, api):
    from tests.dashboard.test_agenda import friday

    page = owner_page
    name = '<img src=x onerror="window.hackeado=1">Beto'
    await api.book(service="Arreglo de barba", staff="Pedro Ramírez", start=friday(11), phone="+525522223333", name=name)
    await page.reload()
    booked = page.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, <img"))
    await expect(booked).to_contain_text(name)
    assert await page.locator("main img").count() == 0
    assert await page.evaluate("window.hackeado") is None
