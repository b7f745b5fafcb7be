"""GraphiQL comes from the package: it loads and answers with every non-local request blocked."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
from importlib import resources
from urllib.parse import urlsplit

import httpx
import pytest

from parlo.graphiql_app import CONTENT_SECURITY_POLICY, PINNED
from tests.dashboard.conftest import CHROMIUM, CHROMIUM_FLAGS, chromium_missing_reason
from tests.parlo.cli_kit import FROZEN_CLOCK, clean_env, parlo, serving

# The SHA-384 of each vendored file: the values Strawberry pins for the same versions.
SRI = {
    "graphiql.min.js": "sha384-HbRVEFG0JGJZeAHCJ9Xm2+tpknBQ7QZmNlO/DgZtkZ0aJSypT96YYGRNod99l9Ie",
    "graphiql.min.css": "sha384-Mq3vbRBY71jfjQAt/DcjxUIYY33ksal4cgdRt9U/hNPvHBCaT2JfJ/PTRiPKf0aM",
    "react.production.min.js": "sha384-tMH8h3BGESGckSAVGZ82T9n90ztNXxvdwvdM6UoR56cYcf+0iGXBliJ29D+wZ/x8",
    "react-dom.production.min.js": "sha384-bm7MnzvK++ykSwVJ2tynSE5TRdN+xL418osEVF2DE/L/gfWHj91J2Sphe582B1Bh",
}


def test_the_vendored_files_are_the_pinned_releases_with_their_licences():
    folder = resources.files("parlo") / "graphiql"
    for name, expected in SRI.items():
        digest = base64.b64encode(hashlib.sha384((folder / name).read_bytes()).digest()).decode()
        assert f"sha384-{digest}" == expected, name
    for package in PINNED:
        assert "MIT License" in (folder / f"LICENSE.{package}").read_text()
    notes = (folder / "VENDORED.md").read_text()
    assert all(f"{package}@{version}" in notes for package, version in PINNED.items())


@pytest.mark.browser
def test_graphiql_loads_and_runs_a_query_with_the_network_cut(tmp_path):
    if (reason := chromium_missing_reason()) is not None and os.environ.get("CI") != "true":
        pytest.skip(reason)  # in CI a missing browser fails instead
    from playwright.sync_api import sync_playwright

    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'parlo.db'}", PARLO_CLOCK=FROZEN_CLOCK)
    assert parlo("demo", cwd=tmp_path, env=env).returncode == 0
    token = parlo("token", "--phone", "+525512345001", cwd=tmp_path, env=env).stdout.strip()
    with serving("--no-worker", cwd=tmp_path, env=env) as (port, _):
        base = f"http://127.0.0.1:{port}"
        page_headers = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=20).headers
        assert page_headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        blocked: list[str] = []
        problems: list[str] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                context = browser.new_context()

                def only_this_server(route):
                    if urlsplit(route.request.url).netloc == f"127.0.0.1:{port}":
                        route.continue_()
                    else:
                        blocked.append(route.request.url)
                        route.abort()

                context.route("**/*", only_this_server)
                context.add_init_script("localStorage.setItem('graphiql:headers', "
                                        + json.dumps(json.dumps({"Authorization": f"Bearer {token}"})) + ")")
                page = context.new_page()
                page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: problems.append(str(e)))
                page.goto(f"{base}/graphql")
                page.wait_for_selector(".graphiql-container", timeout=60_000)
                page.wait_for_selector(".graphiql-execute-button", timeout=30_000)
                page.click(".graphiql-execute-button")
                page.wait_for_function(
                    "() => document.querySelector('.result-window')?.innerText.includes('Me')", timeout=30_000)
                result = page.inner_text(".result-window")
            finally:
                browser.close()
    assert not blocked, blocked  # it asked nothing of the internet
    assert not [p for p in problems if re.search(r"Content Security Policy|Refused to", p)], problems
    assert '"__typename": "Me"' in result
