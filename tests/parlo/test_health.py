from __future__ import annotations


async def test_health_reports_the_backend_and_a_working_database(client, dialect):
    response = await client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == dialect


async def test_health_says_503_in_spanish_when_the_database_is_gone(settings, clock, tmp_path):
    import httpx

    from parlo.app import create_app

    settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{tmp_path}/missing/dir/x.db"})
    app = create_app(settings, clock=clock, migrate=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            response = await http.get("/health")
    assert response.status_code == 503
    assert response.json()["detail"] == "la base de datos no responde"
