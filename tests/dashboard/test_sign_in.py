"""Signing in: the owner asks for a link, opens it from WhatsApp, stays in, signs out."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.dashboard.conftest import FRIDAY_MORNING, screenshot
from tests.dashboard.salon import OWNER_PHONE_AS_TYPED, link_sent_by_whatsapp, magic_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def test_owner_asks_for_a_link_opens_it_and_lands_on_todays_agenda(page, demo, db, live_server):
    await page.goto("/")
    await expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    await screenshot(page, "entrar")
    await page.get_by_label("Tu número de WhatsApp").fill(OWNER_PHONE_AS_TYPED)
    await page.get_by_role("button", name="Enviarme la liga").click()
    await expect(page.get_by_role("status").filter(has_text="te enviamos una liga")).to_be_visible()

    link = await link_sent_by_whatsapp(db, live_server.settings)
    assert link.startswith(f"{live_server.url}/entrar?token=")
    await page.goto(link)

    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
    assert "token" not in page.url, "the link's token must leave the address bar at once"
    await expect(page.get_by_role("list", name=re.compile(r"^Agenda de Carlos Mendoza"))).to_be_visible()
    await expect(page.get_by_role("list", name=re.compile(r"^Agenda de María López"))).to_be_visible()
    await expect(page.get_by_role("list", name=re.compile(r"^Agenda de Pedro Ramírez"))).to_be_visible()
    await expect(page.get_by_text("Barbería Don Carlos · Carlos Mendoza")).to_be_visible()
    assert page.problems == []


async def test_a_link_works_once_and_a_spent_link_explains_itself_in_spanish(page, demo, db, live_server):
    link = await magic_link(db, live_server.url, now=FRIDAY_MORNING)
    await page.goto(link)
    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()

    await page.get_by_role("button", name="Cerrar sesión").click()
    await expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()

    await page.goto(link)
    await expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    await expect(page.get_by_text("Esa liga ya no sirve")).to_be_visible()


async def test_the_session_survives_a_reload_and_a_new_tab(page, demo, db, live_server):
    await page.goto(await magic_link(db, live_server.url, now=FRIDAY_MORNING))
    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
    await page.reload()
    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
    other = await page.context.new_page()
    await other.clock.set_fixed_time(FRIDAY_MORNING)
    await other.goto("/#/clientes")
    await expect(other.get_by_role("heading", name="Clientes")).to_be_visible()


async def test_an_expired_session_sends_you_back_to_sign_in(page, demo, db, live_server):
    await page.goto(await magic_link(db, live_server.url, now=FRIDAY_MORNING))
    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
    await page.evaluate("localStorage.setItem('parlo.sesion', JSON.stringify({token: 'caducado', tipo: 'personal'}))")
    await page.reload()
    await expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    await expect(page.get_by_text("Tu sesión terminó. Vuelve a iniciar sesión.")).to_be_visible()
