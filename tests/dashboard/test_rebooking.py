"""Rebooking suggestions (issue 8) from the owner's side: a before/after list, "Aplicar" per move.

Until the server's schema offers suggestRebooking, the dashboard says so in Spanish; these
tests check whichever is true of the server under test."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from schema.schema import build_schema
from tests.dashboard.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOT_YET = "Esto todavía no está disponible en tu servidor de Parlo."


def rebooking_is_wired() -> bool:
    return "suggestRebooking" in build_schema()._schema.mutation_type.fields


async def test_pedro_is_out_today_and_the_owner_applies_a_suggested_move(owner_page):
    page = owner_page
    await page.get_by_role("link", name="Bloqueos").click()
    absence = page.get_by_role("form", name="Alguien no viene")
    await absence.get_by_label("Quién").select_option(label="Pedro Ramírez")
    await absence.get_by_role("button", name="Ver cómo reacomodar sus citas").click()
    if not rebooking_is_wired():
        await expect(absence.get_by_role("alert")).to_have_text(NOT_YET)
        return
    moves = absence.get_by_role("list", name="Movimientos propuestos")
    await expect(moves).to_be_visible(timeout=60_000)
    first = moves.get_by_role("listitem").first
    await expect(first).to_contain_text("Antes: vie 16 ene")
    await expect(first).to_contain_text("Después:")
    await screenshot(page, "reacomodar")
    await first.get_by_role("button", name=re.compile(r"^Aplicar: mover a ")).click()
    await expect(first).to_contain_text("Aplicado: le pedimos al cliente que confirme.")


async def test_a_block_over_appointments_offers_to_rebook_them(owner_page):
    page = owner_page
    await page.get_by_role("link", name="Bloquear horario").click()
    await page.get_by_label("Para quién").select_option(label="Pedro Ramírez")
    await page.get_by_label("Desde las").fill("12:00")
    await page.get_by_label("Hasta las").fill("13:00")
    await page.get_by_role("button", name="Bloquear horario").click()
    await expect(page.get_by_text("Hay 1 cita dentro del bloqueo")).to_be_visible()
    await page.get_by_role("button", name="Sugerir cómo reacomodar").click()
    if not rebooking_is_wired():
        await expect(page.get_by_role("region", name="Reacomodar citas").get_by_role("alert")).to_have_text(NOT_YET)
        return
    moves = page.get_by_role("list", name="Movimientos propuestos")
    await expect(moves.get_by_role("listitem").first).to_contain_text("Roberto García", timeout=60_000)
