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


async def test_health_reports_the_workers_heartbeats(client, settings):
    import asyncio

    from parlo.heartbeat import Heart, heartbeat_dir

    body = (await client.get("/health")).json()
    assert body["worker"]["alive"] == 0 and body["worker"]["embedded"] is False
    heart = Heart(settings, role="worker", stats=lambda: {"in_flight": 1, "waiting": 0, "runs": 0, "concurrency": 64})
    await heart.beat()
    try:
        body = (await client.get("/health")).json()
        assert body["status"] == "ok" and body["worker"]["alive"] == 1
        assert body["worker"]["last_beat_seconds_ago"] < 5
    finally:
        await asyncio.to_thread(lambda: [f.unlink() for f in heartbeat_dir(settings).glob("*.json")])


async def test_the_web_service_warns_once_while_no_worker_is_alive(settings, caplog):
    import logging

    from parlo.heartbeat import Heart, heartbeat_dir
    from parlo.worker_watch import WorkerWatch

    redis_settings = settings.model_copy(update={"embedded_worker": False})
    watch = WorkerWatch(redis_settings)
    with caplog.at_level(logging.INFO, logger="parlo"):
        await watch.check()
        await watch.check()
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "parlo worker" in warnings[0].getMessage()
        heart = Heart(settings, role="worker", stats=lambda: {"in_flight": 0, "waiting": 0, "runs": 0,
                                                              "concurrency": 64})
        await heart.beat()
        try:
            await watch.check()
            assert "volvió a dar señales de vida" in caplog.records[-1].getMessage()
        finally:
            for file in heartbeat_dir(settings).glob("*.json"):
                file.unlink()
