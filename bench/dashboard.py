"""Cold load of the dashboard's day and week views in a real browser (issue 22 figures).

The scaled salon of ``bench/api.py`` (the demo grown to 10 staff, 8 spots, ~2,000
appointments) in a throwaway PostgreSQL database, served by ``parlo serve --workers 2``
with the clock frozen at the demo's "now". Debian's Chromium (Playwright, headless) opens
the agenda in a fresh profile each time — empty cache, no service worker: a cold load — at
1280×800, signed in as the owner, on the fullest coming day (all ten staff) and on that day's
week.

What is measured, from the page's own clocks (navigation timing, ms since navigation start):
- ``responseEnd``: the HTML is in;
- ``domContentLoaded``: the modules ran;
- ``agenda-<view>-dibujada``: the User Timing mark the agenda sets once the calendar is on
  screen (after its GraphQL answers) — the figure the issue's targets are about:
  day ≤ 600 ms, week ≤ 800 ms.

    .venv/bin/python bench/dashboard.py                  # PostgreSQL on 127.0.0.1
    .venv/bin/python bench/dashboard.py --repeat 15

Starts and ends with ``machine speed`` (bench/machine.py): compare runs only next to it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402

from bench.api import SECRET, free_port, prepare, serve, wait_until_up  # noqa: E402
from bench.machine import machine_speed  # noqa: E402
from bench.scheduling import NOW, _admin  # noqa: E402
from resolvers.auth import issue_staff_token  # noqa: E402
from storage.database import normalise_url  # noqa: E402

CHROMIUM = os.environ.get("PARLO_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]
TARGETS = {"dia": 600.0, "semana": 800.0}


async def cold_load(browser, base: str, token: str, route: str, view: str) -> dict[str, float]:
    """One cold load in a fresh profile; the page's navigation and User Timing figures."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800}, locale="es-MX",
                                        timezone_id="America/Mexico_City", base_url=base)
    try:
        session = json.dumps({"token": token, "tipo": "personal", "desde": 0})
        await context.add_init_script(f"localStorage.setItem('parlo.sesion', {json.dumps(session)});")
        page = await context.new_page()
        await page.goto(route)
        mark = f"agenda-{view}-dibujada"
        # Not a predicate string: the page's CSP (no 'unsafe-eval') refuses those. The mark is set
        # right after the grid is in the DOM, so wait for the grid, then for the mark.
        await page.locator(".dia-rejilla").wait_for(timeout=30_000)
        for _ in range(100):
            if await page.evaluate(f"() => performance.getEntriesByName('{mark}').length"):
                break
            await page.wait_for_timeout(20)
        return await page.evaluate(f"""() => {{
            const n = performance.getEntriesByType('navigation')[0];
            const api = performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/graphql'));
            return {{ html: n.responseEnd, modules: n.domContentLoadedEventEnd,
                      drawn: performance.getEntriesByName('{mark}')[0].startTime,
                      api: Math.max(...api.map((r) => r.responseEnd)), apiCalls: api.length,
                      apiWait: api.reduce((t, r) => t + (r.responseStart - r.requestStart), 0),
                      requests: performance.getEntriesByType('resource').length }};
        }}""")
    finally:
        await context.close()


def line(name: str, values: list[float], target: float | None = None) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    verdict = "" if target is None else f"  (target ≤ {target:.0f} ms: {'met' if p95 <= target else 'MISSED'} at p95)"
    return f"{name:<34} median {statistics.median(values):6.0f} ms   p95 {p95:6.0f} ms{verdict}"


async def measure(base: str, token: str, day: str, repeat: int) -> None:
    from playwright.async_api import async_playwright

    routes = {"dia": f"/#/agenda?fecha={day}&vista=dia", "semana": f"/#/agenda?fecha={day}&vista=semana"}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            for view in routes:  # warm the server (its first request imports and connects), not the browser
                await cold_load(browser, base, token, routes[view], view)
            samples: dict[str, list[dict[str, float]]] = {v: [] for v in routes}
            for _ in range(repeat):  # interleaved, so a slow minute of the VM hits both views alike
                for view, route in routes.items():
                    samples[view].append(await cold_load(browser, base, token, route, view))
        finally:
            await browser.close()
    for view, runs in samples.items():
        label = "day view (10 staff)" if view == "dia" else "week view (10 staff)"
        print(f"{label}: {repeat} cold loads, {runs[0]['requests']:.0f} requests each "
              f"({runs[0]['apiCalls']:.0f} to /graphql)")
        print("  " + line("HTML in (responseEnd)", [r["html"] for r in runs]))
        print("  " + line("modules ran (DOMContentLoaded)", [r["modules"] for r in runs]))
        print("  " + line("last GraphQL answer in", [r["api"] for r in runs]))
        print("  " + line("server time, all GraphQL calls", [r["apiWait"] for r in runs]))
        print("  " + line("calendar on screen", [r["drawn"] for r in runs], TARGETS[view]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("PARLO_BENCH_DATABASE_URL",
                                                        "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    name = f"parlo_bench_dashboard_{secrets.token_hex(4)}"
    asyncio.run(_admin(args.url, f'CREATE DATABASE "{name}"'))
    url = make_url(normalise_url(args.url)).set(database=name).render_as_string(hide_password=False)
    server = None
    try:
        print(machine_speed(), "(start)")
        org, owner, _, full_day = asyncio.run(prepare(url))
        token = issue_staff_token(staff_id=owner.id, organization_id=org.id, secret=SECRET, now=NOW)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = serve(url, port)
        wait_until_up(base)
        asyncio.run(measure(base, token, full_day, args.repeat))
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(machine_speed(), "(end)")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        asyncio.run(_admin(args.url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
