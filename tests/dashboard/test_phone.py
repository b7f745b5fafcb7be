"""The agenda on a phone (390×844): the grid near the top, every stylist reachable sideways
with a visible hint, the hours column always in sight, names whole, filters out of the way."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.dashboard.conftest import FRIDAY_MORNING, PHONE, screenshot
from tests.dashboard.salon import magic_link

pytestmark = [pytest.mark.browser, pytest.mark.slow]


async def sign_in(phone, db, live_server) -> None:
    await phone.goto(await magic_link(db, live_server.url, now=FRIDAY_MORNING))
    await expect(phone.get_by_role("heading", name="Viernes 16 de enero")).to_be_visible()
    await expect(phone.locator(".dia-rejilla")).to_be_visible()


async def test_on_a_phone_the_day_grid_starts_in_the_top_third_without_page_overflow(phone, demo, db, live_server):
    assert phone.viewport_size == {"width": PHONE[0], "height": PHONE[1]}
    await sign_in(phone, db, live_server)
    grid = await phone.locator(".dia").bounding_box()
    assert grid["y"] < PHONE[1] / 3, f"the grid starts at {grid['y']} px on a {PHONE[1]} px screen"
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    await expect(phone.locator("details.caja-filtros")).not_to_have_attribute("open", "")
    await screenshot(phone, "telefono-agenda-dia")


async def test_on_a_phone_hidden_stylists_are_hinted_and_the_hours_stay_in_sight(phone, demo, db, live_server):
    await sign_in(phone, db, live_server)
    frame = phone.locator(".dia")
    assert await frame.evaluate("el => el.scrollWidth > el.clientWidth"), "three stylists cannot fit 390 px"
    hint = phone.get_by_role("button", name=re.compile(r"^Desliza para ver a todo el equipo"))
    await expect(hint).to_be_visible()
    hours_before = await phone.locator(".dia-rejilla .horas").bounding_box()
    await hint.click()
    await phone.wait_for_timeout(600)  # the smooth scroll
    assert await frame.evaluate("el => el.scrollLeft") > 0
    hours_after = await phone.locator(".dia-rejilla .horas").bounding_box()
    assert abs(hours_after["x"] - hours_before["x"]) < 1, "the hours column scrolled away"
    last = phone.locator(".dia-cabeza").last
    assert await last.evaluate("el => el.getBoundingClientRect().right <= innerWidth + 1")
    await screenshot(phone, "telefono-agenda-desliza")


async def test_on_a_phone_staff_names_are_not_cut(phone, demo, db, live_server):
    await sign_in(phone, db, live_server)
    for head in await phone.locator(".dia-cabeza:not(.esquina)").all():
        cut = await head.evaluate("el => el.scrollWidth > el.clientWidth + 1")
        assert not cut, f"{await head.inner_text()} is cut"
    names = await phone.locator(".dia-cabeza:not(.esquina)").all_inner_texts()
    assert any(n.startswith("Carlos Mendoza") for n in names), names


async def test_on_a_phone_holding_an_appointment_then_dragging_it_moves_it_after_confirmation(phone, demo, db, live_server):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.dashboard.salon import Api, owner_token

    api = Api(live_server.url, await owner_token(db, live_server.settings.jwt_secret.get_secret_value(), FRIDAY_MORNING))
    await api.book(service="Arreglo de barba", staff="Pedro Ramírez",
                   start=datetime(2026, 1, 16, 11, tzinfo=ZoneInfo("America/Mexico_City")), phone="+525511110003")
    await sign_in(phone, db, live_server)
    cdp = await phone.context.new_cdp_session(phone)
    await cdp.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1})
    pedro = phone.get_by_role("list", name=re.compile(r"^Agenda de Pedro Ramírez"))
    await pedro.scroll_into_view_if_needed()
    block = phone.get_by_role("link", name=re.compile(r"^11:00 AM – 11:30 AM, Luis Ramírez"))
    await block.scroll_into_view_if_needed()
    box = await block.bounding_box()
    x, y = box["x"] + 20, box["y"] + 8

    async def touch(kind: str, at: tuple[float, float] | None = None) -> None:
        points = [] if at is None else [{"x": at[0], "y": at[1]}]
        await cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    await touch("touchStart", (x, y))
    await phone.wait_for_timeout(700)  # hold: the appointment is picked up
    for step in range(1, 9):  # 2.5 hours down at 64 px an hour
        await touch("touchMove", (x, y + step * 20))
    await touch("touchEnd")
    dialog = phone.get_by_role("dialog", name="Mover cita")
    await expect(dialog).to_contain_text(re.compile(r"¿Mover a Luis Ramírez a las 1:\d\d PM con Pedro Ramírez\?"))
    await screenshot(phone, "telefono-mover-con-el-dedo")
    await dialog.get_by_role("button", name="Mover", exact=True).click()
    await expect(phone.get_by_text("Cita movida.")).to_be_visible()
