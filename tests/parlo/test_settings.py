from __future__ import annotations

from datetime import datetime, timezone

import pytest
from pydantic import ValidationError

from parlo.clock import FrozenClock, clock_from, system_clock
from parlo.settings import Settings
from tests.parlo.test_production_refusals import GOOD as PRODUCTION


def test_defaults_run_embedded_with_no_configuration(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    for name in ("DATABASE_URL", "REDIS_URL", "OPENAI_API_KEY", "TWILIO_ACCOUNT_SID", "PARLO_ENV", "PARLO_CLOCK"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.database_url == "sqlite+aiosqlite:///./parlo.db"
    assert settings.redis_url is None
    assert not settings.twilio_configured and not settings.openai_configured
    assert settings.introspection_enabled


def test_plain_postgres_urls_get_the_async_driver():
    settings = Settings(_env_file=None, database_url="postgres://u:p@db:5432/parlo")
    assert settings.database_url == "postgresql+asyncpg://u:p@db:5432/parlo"


def test_dotenv_file_is_read(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_MODEL", raising=False)
    (tmp_path / ".env").write_text("OPENAI_MODEL=gpt-4.1-mini\nPARLO_CENTRAL_NUMBER=+525511112222\n")
    settings = Settings()
    assert settings.openai_model == "gpt-4.1-mini"
    assert settings.central_number == "+525511112222"


def test_secrets_never_show_in_repr_or_logs():
    settings = Settings(_env_file=None, twilio_auth_token="tw-secret-123", openai_api_key="sk-secret-456",
                        admin_password="hunter2", jwt_secret="jwt-secret-789")
    shown = repr(settings) + str(settings.model_dump())
    for secret in ("tw-secret-123", "sk-secret-456", "hunter2", "jwt-secret-789"):
        assert secret not in shown


def test_frozen_clock_is_refused_in_production():
    with pytest.raises(ValidationError, match="PARLO_CLOCK"):
        Settings(**{**PRODUCTION, "clock": "2026-01-15T10:00:00-06:00"})


def test_production_needs_its_own_jwt_secret():
    with pytest.raises(ValidationError, match="PARLO_JWT_SECRET"):
        Settings(_env_file=None, env="production")


def test_production_turns_introspection_off_unless_asked():
    assert not Settings(**PRODUCTION).introspection_enabled
    assert Settings(**PRODUCTION, graphql_introspection=True).introspection_enabled


def test_parlo_clock_freezes_time():
    settings = Settings(_env_file=None, clock="2026-01-15T10:00:00-06:00")
    clock = clock_from(settings.clock)
    assert isinstance(clock, FrozenClock)
    assert clock() == datetime(2026, 1, 15, 16, 0, tzinfo=timezone.utc)
    assert clock_from(None) is system_clock


def test_parlo_clock_needs_an_offset():
    with pytest.raises(ValidationError, match="UTC offset"):
        Settings(_env_file=None, clock="2026-01-15T10:00:00")
