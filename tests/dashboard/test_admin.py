"""The Parlo admin: password sign-in, platform figures, organizations, "entrar como",
conversations across organizations, and the activity feed."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.dashboard.conftest import ADMIN_PASSWORD, FRIDAY_MORNING, screenshot
from tests.dashboard.salon import add_conversation

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def sign_in_as_admin(page) -> None:
    await page.goto("/#/admin/entrar")
    await expect(page.get_by_role("heading", name="Administración")).to_be_visible()
    await page.get_by_label("Contraseña").fill(ADMIN_PASSWORD)
    await page.get_by_role("button", name="Entrar").click()
    await expect(page.get_by_role("heading", name="Resumen de la plataforma")).to_be_visible()


async def test_a_wrong_password_is_refused_in_spanish(page, demo):
    await page.goto("/#/admin/entrar")
    await page.get_by_label("Contraseña").fill("no-es")
    await page.get_by_role("button", name="Entrar").click()
    await expect(page.get_by_role("alert")).to_have_text("Contraseña incorrecta.")


async def test_admin_sees_the_platform_suspends_and_reactivates_and_enters_as_the_salon(page, demo, db):
    await add_conversation(db, demo.id, FRIDAY_MORNING)
    await sign_in_as_admin(page)
    figures = page.locator(".cifras")
    await expect(figures).to_contain_text("1Negocios")
    await screenshot(page, "admin-resumen")

    await page.get_by_role("link", name="Organizaciones").click()
    await page.get_by_label("Buscar").fill("Don Carlos")
    salon = page.get_by_role("listitem", name="Barbería Don Carlos")
    await expect(salon).to_contain_text("3 en el equipo · 12 clientes")
    await expect(salon).to_contain_text("Sucursal Roma")
    await screenshot(page, "admin-organizaciones")

    await salon.get_by_role("button", name="Suspender").click()
    await page.get_by_role("dialog").get_by_role("button", name="Suspender").click()
    await expect(page.get_by_text("Se suspendió Barbería Don Carlos.")).to_be_visible()
    await expect(salon.locator(".estado")).to_have_text("Suspendido")
    await salon.get_by_role("button", name="Reactivar").click()
    await page.get_by_role("dialog").get_by_role("button", name="Reactivar").click()
    await expect(salon.locator(".estado")).to_have_text("Activo")

    async with page.context.expect_page() as opened:
        await salon.get_by_role("button", name="Entrar como Barbería Don Carlos").click()
    salon_tab = await opened.value
    await salon_tab.clock.set_fixed_time(FRIDAY_MORNING)
    await expect(salon_tab.get_by_role("note")).to_contain_text("como administrador de Parlo")
    await expect(salon_tab.get_by_role("list", name=re.compile(r"^Agenda de Pedro Ramírez"))).to_be_visible()
    await salon_tab.close()
    # The admin's own tab is still the admin's.
    await page.get_by_role("link", name="Resumen").click()
    await expect(page.get_by_role("heading", name="Resumen de la plataforma")).to_be_visible()

    await page.get_by_role("link", name="Conversaciones").click()
    await page.get_by_label("Organización").select_option(label="Barbería Don Carlos")
    await page.get_by_role("link", name="Juan Pérez").click()
    messages = page.get_by_role("list", name="Mensajes")
    await expect(messages).to_contain_text("Cliente · 10:00 AM")
    await expect(messages).to_contain_text("Parlo (IA)")
    await expect(messages).to_contain_text("jueves 15 de enero")
    await screenshot(page, "admin-conversacion")

    await page.get_by_role("link", name="Actividad").click()
    await expect(page.get_by_role("heading", name="Actividad reciente")).to_be_visible()
    assert page.problems == []
