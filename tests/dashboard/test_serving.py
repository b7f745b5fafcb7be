"""How the dashboard is served: one page for / and /entrar, versioned assets cached for good,
a strict Content-Security-Policy, and no referrer (the sign-in token must not leak)."""

from __future__ import annotations

import re

from parlo.dashboard_app import DashboardFiles


async def test_the_page_is_served_at_root_and_at_the_magic_link_address(client):
    for path in ("/", "/entrar?token=abc"):
        answer = await client.get(path)
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("text/html")
        assert '<html lang="es-MX">' in answer.text
        assert answer.headers["cache-control"] == "no-cache"


async def test_the_page_forbids_inline_code_framing_and_foreign_origins(client):
    headers = (await client.get("/")).headers
    policy = headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["x-content-type-options"] == "nosniff"


async def test_assets_live_under_a_content_version_and_are_cached_for_good(client):
    page = (await client.get("/")).text
    app_js = re.search(r'src="(/panel/[0-9a-f]{12}/app\.js)"', page).group(1)
    answer = await client.get(app_js)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert "immutable" in answer.headers["cache-control"]
    again = await client.get(app_js, headers={"If-None-Match": answer.headers["etag"]})
    assert again.status_code == 304


async def test_an_old_version_still_gets_the_files_but_not_for_keeps(client):
    answer = await client.get("/panel/000000000000/estilos.css")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-cache"


async def test_unknown_files_and_path_tricks_are_not_found(client):
    for path in ("/panel/x/no-existe.js", "/panel/x/../../parlo/settings.py", "/panel/x/index.html"):
        assert (await client.get(path)).status_code == 404


def test_the_version_changes_when_any_file_changes():
    files = DashboardFiles.load()
    assert re.fullmatch(r"[0-9a-f]{12}", files.version)
    assert "app.js" in files.assets and "vistas/agenda.js" in files.assets


def test_no_module_writes_html_from_strings():
    """The XSS rule: data only ever becomes text nodes (dom.js's h()), never markup."""
    for name, asset in DashboardFiles.load().assets.items():
        if name.endswith(".js"):
            code = asset.body.decode()
            for sink in ("innerHTML", "outerHTML =", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
                assert sink not in code.replace("// This is the dashboard's XSS rule — nothing here (or anywhere) assigns innerHTML.", ""), f"{name} uses {sink}"


async def test_modules_are_preloaded_and_text_is_compressed_for_phones(client):
    page = (await client.get("/")).text
    assert re.search(r'<link rel="modulepreload" href="/panel/[0-9a-f]{12}/vistas/agenda\.js">', page)
    css = re.search(r'href="(/panel/[0-9a-f]{12}/estilos\.css)"', page).group(1)
    answer = await client.get(css, headers={"Accept-Encoding": "gzip"})
    assert answer.headers["content-encoding"] == "gzip"
    assert "body" in answer.text  # httpx undoes the compression
