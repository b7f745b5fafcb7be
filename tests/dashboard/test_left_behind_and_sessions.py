"""Follow-ups of issues 22 and 24 in the dashboard: appointments a rebooking plan left behind
stand out on the grids and in a list the owner works through; the rebooking panel says until
when its plan can be applied; "Cerrar sesión en todos los dispositivos" (signOutEverywhere);
the admin's organization list pages past 200 businesses."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from playwright.async_api import expect
from sqlalchemy import select, update

from storage import Appointment, AppointmentStatus, Organization, OrganizationStatus, Staff
from storage.ids import new_id
from tests.dashboard.conftest import FRIDAY_MORNING, PHONE, screenshot
from tests.dashboard.salon import magic_link, owner_token
from tests.dashboard.test_admin import sign_in_as_admin

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PEDRO_PHONE = "+525512345002"


async def leave_behind(db, org_id) -> Appointment:
    """Mark Pedro's first confirmed appointment after 10:00 today as a plan left it (what applying
    a plan does for a visit it could not place: resolvers/rebooking/left_behind.py)."""
    async with db.transaction(write=True) as s:
        pedro = await s.scalar(select(Staff).where(Staff.organization_id == org_id, Staff.phone_number == PEDRO_PHONE))
        row = await s.scalar(select(Appointment).where(
            Appointment.organization_id == org_id, Appointment.staff_id == pedro.id,
            Appointment.status == AppointmentStatus.CONFIRMED, Appointment.starts_at > FRIDAY_MORNING,
            Appointment.starts_at < FRIDAY_MORNING + timedelta(hours=10)).order_by(Appointment.starts_at))
        assert row is not None, "the demo gives Pedro a visit later today"
        await s.execute(update(Appointment).where(Appointment.organization_id == org_id, Appointment.id == row.id)
                        .values(needs_new_time_at=FRIDAY_MORNING))
    return row


async def test_an_appointment_a_plan_left_behind_stands_out_and_is_listed_to_act_on(page, demo, db, live_server):
    left = await leave_behind(db, demo.id)
    await page.goto(await magic_link(db, live_server.url, now=FRIDAY_MORNING))
    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()

    # On the day grid: its own look and badge, and said so to a screen reader.
    block = page.locator(f'.dia-rejilla a[href="#/cita/{left.id}"]')
    await expect(block).to_have_class(re.compile(r"\bnueva-hora\b"))
    await expect(block.locator(".insignia")).to_have_text("Necesita nueva hora")
    await expect(block).to_have_attribute("aria-label", re.compile(r"necesita nueva hora$"))
    await expect(page.get_by_role("region", name="Leyenda")).to_contain_text("Necesita nueva hora")
    # Only that one: the rest of the day looks as before.
    assert await page.locator(".dia-rejilla .bloque.cita.nueva-hora").count() == 1

    # The list above the grid, folded to one line.
    summary = page.locator("details.por-reacomodar > summary")
    await expect(summary).to_have_text("1 cita necesita nueva hora")
    await screenshot(page, "necesita-nueva-hora")
    await summary.click()
    waiting = page.get_by_role("list", name="Citas que necesitan nueva hora")
    await expect(waiting.get_by_role("listitem")).to_have_count(1)
    await expect(waiting).to_contain_text("con Pedro Ramírez")

    # The week grid marks it too.
    await page.get_by_role("button", name="Semana").click()
    await expect(page.locator(f'.semana-rejilla a[href="#/cita/{left.id}"]')).to_have_class(re.compile(r"\bnueva-hora\b"))
    await page.get_by_role("button", name="Día", exact=True).click()

    # Acting on it: the appointment opens with the reason and its actions; cancelled, it leaves the list.
    await page.locator("details.por-reacomodar > summary").click()
    await page.get_by_role("link", name=re.compile(r"^Mover o cancelar la cita de ")).click()
    await expect(page.get_by_role("note")).to_contain_text("Necesita nueva hora")
    await expect(page.get_by_role("button", name="Reprogramar")).to_be_visible()
    await page.get_by_role("button", name="Cancelar cita").click()
    dialog = page.get_by_role("dialog")
    await dialog.get_by_role("button", name="Cancelar cita", exact=True).click()
    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
    await expect(page.locator("details.por-reacomodar")).to_have_count(0)
    assert page.problems == []


async def test_on_a_phone_the_list_of_left_behind_keeps_the_grid_in_the_top_third(phone, demo, db, live_server):
    await leave_behind(db, demo.id)
    await phone.goto(await magic_link(db, live_server.url, now=FRIDAY_MORNING))
    await expect(phone.locator("details.por-reacomodar > summary")).to_have_text("1 cita necesita nueva hora")
    grid = await phone.locator(".dia").bounding_box()
    assert grid["y"] < PHONE[1] / 3, f"the grid starts at {grid['y']} px on a {PHONE[1]} px screen"
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    await screenshot(phone, "necesita-nueva-hora")


async def test_the_rebooking_panel_says_until_when_the_plan_can_be_applied(page, demo, db, live_server):
    await page.goto(await magic_link(db, live_server.url, now=FRIDAY_MORNING))
    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
    await page.get_by_role("link", name="Bloqueos").click()
    absence = page.get_by_role("form", name="Alguien no viene")
    await absence.get_by_label("Quién").select_option(label="Pedro Ramírez")
    await absence.get_by_role("button", name="Ver cómo reacomodar sus citas").click()
    moves = absence.get_by_role("list", name="Movimientos propuestos")
    await expect(moves).to_be_visible(timeout=60_000)
    # Plans last 30 minutes by default (rebooking_plan_minutes): made at 10:00 AM.
    expiry = absence.locator(".vigencia")
    await expect(expiry).to_have_text(re.compile(r"^Puedes aplicar este plan hasta las 10:30 AM; "))
    await screenshot(page, "reacomodar-vigencia")

    # Half an hour later the server refuses it: the moves go, a fresh plan is one click away.
    live_server.clock.set(FRIDAY_MORNING + timedelta(minutes=31))
    await moves.get_by_role("listitem").first.get_by_role("button", name=re.compile(r"^Aplicar: mover a ")).click()
    await expect(expiry).to_have_text(re.compile(r"^Ese plan ya venció"))
    await expect(moves.get_by_role("button", name=re.compile(r"^Aplicar"))).to_have_count(0)
    await expect(absence.get_by_role("button", name="Pedir un plan nuevo")).to_be_visible()
    assert page.problems == []


async def me(live_server, token: str) -> str:
    async with httpx.AsyncClient(base_url=live_server.url, timeout=30) as http:
        answer = await http.post("/graphql", json={"query": "{ me { __typename } }"},
                                 headers={"Authorization": f"Bearer {token}"})
    if answer.status_code == 401:
        return "NotAuthenticated"
    body = answer.json()
    return body["data"]["me"]["__typename"] if body.get("data") else str(body.get("errors"))


async def test_sign_out_everywhere_ends_a_team_members_sessions_and_then_all_of_mine(page, demo, db, live_server):
    secret = live_server.settings.jwt_secret.get_secret_value()
    pedros_phone = await owner_token(db, secret, FRIDAY_MORNING, phone=PEDRO_PHONE)
    my_other_device = await owner_token(db, secret, FRIDAY_MORNING)
    assert await me(live_server, pedros_phone) == await me(live_server, my_other_device) == "Me"

    await page.goto(await magic_link(db, live_server.url, now=FRIDAY_MORNING))
    await expect(page.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
    await page.get_by_role("link", name="Ajustes").click()
    await page.get_by_role("link", name="Equipo").click()
    # The owner does not get the button on their own row (that is "Tu sesión", in Negocio).
    await expect(page.get_by_role("button", name="Cerrar las sesiones de Carlos Mendoza")).to_have_count(0)
    await page.get_by_role("button", name="Cerrar las sesiones de Pedro Ramírez").click()
    await page.get_by_role("dialog").get_by_role("button", name="Sí, continuar").click()
    await expect(page.get_by_text("Se cerraron las sesiones de Pedro Ramírez.")).to_be_visible()
    assert await me(live_server, pedros_phone) == "NotAuthenticated"
    assert await me(live_server, my_other_device) == "Me"

    await page.get_by_role("link", name="Negocio").click()
    session = page.get_by_role("region", name="Tu sesión")
    await screenshot(page, "ajustes-tu-sesion")
    await session.get_by_role("button", name="Cerrar sesión en todos los dispositivos").click()
    await page.get_by_role("dialog").get_by_role("button", name="Cerrar en todos").click()
    await expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    await expect(page.get_by_role("status").first).to_contain_text("se cerró la sesión en todos los dispositivos")
    assert await me(live_server, my_other_device) == "NotAuthenticated"
    # This browser forgot its session too: reloading asks to sign in again.
    await page.reload()
    await expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    assert page.problems == []


async def test_the_admin_organization_list_pages_past_200(page, demo, db):
    async with db.transaction(write=True) as s:
        for n in range(230):  # older than the demo salon: the list is newest first
            at = FRIDAY_MORNING - timedelta(days=1, minutes=n)
            s.add(Organization(id=new_id(), name=f"Estética número {n:03d}", business_type="estética",
                               status=OrganizationStatus.ACTIVE, created_at=at, updated_at=at))
    await sign_in_as_admin(page)
    await page.get_by_role("link", name="Organizaciones").click()
    businesses = page.get_by_role("region", name="Negocios")
    await expect(businesses.get_by_role("status")).to_have_text("Mostrando 100 de 231 negocios.")
    more = businesses.get_by_role("button", name="Mostrar más negocios")
    await more.click()
    await expect(businesses.get_by_role("status")).to_have_text("Mostrando 200 de 231 negocios.")
    await more.click()
    await expect(businesses.get_by_role("status")).to_have_text("Mostrando 231 de 231 negocios.")
    await expect(more).to_be_hidden()
    await expect(businesses.get_by_role("listitem", name="Estética número 229")).to_be_visible()
    assert await businesses.locator("ul.lista-simple > li").count() == 231

    # A filter starts over from its own first page.
    await page.get_by_label("Buscar").fill("número 22")
    await expect(businesses.get_by_role("status")).to_have_text("Mostrando 10 de 10 negocios.")
    assert page.problems == []
