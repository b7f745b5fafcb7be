"""Every screen at a laptop's 1280 px and a phone's 390 px: Spanish only, nothing wider than
the screen, every control labelled; screenshots kept in artifacts/screenshots/."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.dashboard.conftest import ADMIN_PASSWORD, DESKTOP, FRIDAY_MORNING, PHONE, close_page, open_page, screenshot
from tests.dashboard.salon import add_conversation, magic_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: Words that would mean a screen leaked English (or a programming value) to a salon owner.
ENGLISH = re.compile(
    r"\b(the|and|loading|submit|cancel|save|delete|edit|login|logout|sign in|settings|schedule|appointments?|"
    r"staff|services?|unexpected|undefined|null|NaN|Invalid Date|object Object|error)\b", re.IGNORECASE)

OWNER_SCREENS = [
    ("agenda-dia", "#/agenda", "Viernes 16 de enero"),
    ("agenda-semana", "#/agenda?vista=semana", "Semana del lunes 12 de enero"),
    ("agenda-lista", "#/agenda?vista=lista", "Viernes 16 de enero"),
    ("nueva-cita", "#/cita/nueva?fecha=2026-01-16", "Nueva cita"),
    ("sin-cita", "#/cita/sin-cita", "Cliente sin cita"),
    ("bloqueos", "#/bloqueos", "Bloquear horario"),
    ("clientes", "#/clientes", "Clientes"),
    ("ajustes-negocio", "#/ajustes/negocio", "Ajustes"),
    ("ajustes-sucursales", "#/ajustes/sucursales", "Ajustes"),
    ("ajustes-servicios", "#/ajustes/servicios", "Ajustes"),
    ("ajustes-equipo", "#/ajustes/personal", "Ajustes"),
    ("ajustes-lugares", "#/ajustes/lugares", "Ajustes"),
]
ADMIN_SCREENS = [
    ("admin-resumen", "#/admin", "Resumen de la plataforma"),
    ("admin-organizaciones", "#/admin/organizaciones", "Organizaciones"),
    ("admin-conversaciones", "#/admin/conversaciones", "Conversaciones"),
    ("admin-actividad", "#/admin/actividad", "Actividad reciente"),
]


async def check_screen(page, name: str, route: str, heading: str) -> None:
    await page.goto(f"/{route}")
    await expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
    await expect(page.locator("main[aria-busy=false]").or_(page.locator("main.entrada"))).to_be_visible()
    await page.wait_for_load_state("networkidle")
    text = await page.locator("body").inner_text()
    leaked = ENGLISH.findall(text)
    assert not leaked, f"{name}: English or raw values on screen: {leaked}"
    width = page.viewport_size["width"]
    overflow = await page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width, f"{name} is {overflow}px wide on a {width}px screen"
    unlabelled = await page.evaluate("""() => [...document.querySelectorAll('input, select, textarea, button, a[href]')]
        .filter(el => el.offsetParent !== null && el.type !== 'hidden')
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.textContent.trim())
        .map(el => el.outerHTML.slice(0, 80))""")
    assert unlabelled == [], f"{name}: controls without a name: {unlabelled}"
    await screenshot(page, name)


@pytest.mark.parametrize("width", [DESKTOP[0], PHONE[0]])
async def test_owner_screens_are_spanish_labelled_and_fit(browser, live_server, demo, db, width):
    page = await open_page(browser, live_server, width=width)
    try:
        await page.goto(await magic_link(db, live_server.url, now=FRIDAY_MORNING))
        await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
        for name, route, heading in OWNER_SCREENS:
            await check_screen(page, name, route, heading)
        first = page.locator("a.bloque.cita").first
        await page.goto("/#/agenda")
        await first.click()
        await expect(page.get_by_role("button", name="Cancelar cita")).to_be_visible()
        await check_screen(page, "cita", page.url.split("/", 3)[3], (await page.locator("h1").inner_text()))
        await page.goto("/#/clientes")
        await page.get_by_role("link", name="Juan Pérez").click()
        await expect(page.get_by_role("heading", name="Historial de citas")).to_be_visible()
        await check_screen(page, "cliente", page.url.split("/", 3)[3], "Juan Pérez")
        assert page.problems == []
    finally:
        await close_page(page, live_server)


@pytest.mark.parametrize("width", [DESKTOP[0], PHONE[0]])
async def test_admin_screens_are_spanish_labelled_and_fit(browser, live_server, demo, db, width):
    await add_conversation(db, demo.id, FRIDAY_MORNING)
    page = await open_page(browser, live_server, width=width)
    try:
        await page.goto("/#/admin/entrar")
        await page.get_by_label("Contraseña").fill(ADMIN_PASSWORD)
        await page.get_by_role("button", name="Entrar").click()
        await expect(page.get_by_role("heading", name="Resumen de la plataforma")).to_be_visible()
        for name, route, heading in ADMIN_SCREENS:
            await check_screen(page, name, route, heading)
        await page.goto("/#/admin/conversaciones")
        await page.get_by_role("link", name="Juan Pérez").click()
        await check_screen(page, "admin-conversacion", page.url.split("/", 3)[3], "Juan Pérez")
        assert page.problems == []
    finally:
        await close_page(page, live_server)


async def test_sign_in_screens_fit_a_phone(phone, demo):
    await check_screen(phone, "entrar", "#/entrar", "Iniciar sesión")
    await check_screen(phone, "entrar-admin", "#/admin/entrar", "Administración")
