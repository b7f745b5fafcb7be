"""Production refuses settings that fail open, each with one Spanish line naming the setting."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from parlo.production import production_refusals
from parlo.settings import Settings

#: Settings production accepts; each test spoils one of them.
GOOD = dict(
    _env_file=None, env="production", jwt_secret="f" * 16 + "0123456789abcdef0123456789abcdef",
    admin_password="vaca-morada-en-tlalpan-91", twilio_account_sid="AC" + "1" * 32,
    twilio_auth_token="twilio-auth-token-value", public_url="https://api.parlo.mx",
)


def _refused(monkeypatch, **changes) -> str:
    for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "PARLO_PUBLIC_URL", "PARLO_ADMIN_PASSWORD",
                 "PARLO_JWT_SECRET", "PARLO_CLOCK", "PARLO_TWILIO_SKIP_SIGNATURE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValidationError) as caught:
        Settings(**{**GOOD, **changes})
    return str(caught.value)


def test_production_starts_with_strong_settings():
    settings = Settings(**GOOD)
    assert settings.is_production and production_refusals(settings) == []


def test_the_issue_s_weak_production_settings_are_refused_with_one_line_per_setting(monkeypatch):
    message = _refused(monkeypatch, jwt_secret="x", admin_password="1", twilio_auth_token=None,
                       public_url="http://127.0.0.1:8000")
    for setting in ("PARLO_JWT_SECRET", "PARLO_ADMIN_PASSWORD", "TWILIO_AUTH_TOKEN", "PARLO_PUBLIC_URL"):
        assert setting in message


def _only(settings_changes: dict) -> list[str]:
    base = Settings(**GOOD)
    return production_refusals(base.model_copy(update=settings_changes))


def test_a_jwt_secret_under_32_bytes_is_refused():
    from pydantic import SecretStr

    [line] = _only({"jwt_secret": SecretStr("a" * 31)})
    assert line.startswith("PARLO_JWT_SECRET es muy corto (31 bytes)") and "\n" not in line
    assert _only({"jwt_secret": SecretStr("ñ" * 16)}) == []  # 32 bytes in UTF-8
    [unset] = _only({"jwt_secret": SecretStr("parlo-development-secret-change-me")})
    assert unset.startswith("PARLO_JWT_SECRET no está puesto")


@pytest.mark.parametrize("password", ["1", "corta12345!", "123456789012", "Password1234", "aaaaaaaaaaaaaa",
                                      "abababababab", "210987654321", "Contraseña123"])
def test_a_short_or_common_admin_password_is_refused(password):
    from pydantic import SecretStr

    [line] = _only({"admin_password": SecretStr(password)})
    assert line.startswith("PARLO_ADMIN_PASSWORD es ") and "\n" not in line


def test_without_an_admin_password_admin_login_is_simply_off():
    assert _only({"admin_password": None}) == []


def test_production_without_twilio_credentials_is_refused():
    from pydantic import SecretStr

    [token] = _only({"twilio_auth_token": None})
    assert token.startswith("TWILIO_AUTH_TOKEN no está puesto")
    assert _only({"twilio_auth_token": SecretStr("  ")})[0].startswith("TWILIO_AUTH_TOKEN")
    [sid] = _only({"twilio_account_sid": None})
    assert sid.startswith("TWILIO_ACCOUNT_SID no está puesto")


@pytest.mark.parametrize("url, why", [
    ("http://127.0.0.1:8000", "no es https"),
    ("http://api.parlo.mx", "no es https"),
    ("https://127.0.0.1:8443", "esta misma máquina"),
    ("https://127.8.9.10", "esta misma máquina"),
    ("https://localhost", "esta misma máquina"),
    ("https://[::1]:8443", "esta misma máquina"),
    ("https://0.0.0.0", "esta misma máquina"),
])
def test_a_public_url_that_is_not_https_or_is_this_machine_is_refused(url, why):
    [line] = _only({"public_url": url})
    assert line.startswith(f"PARLO_PUBLIC_URL ({url})") and why in line


def test_a_frozen_clock_and_skipped_signatures_are_refused(monkeypatch):
    assert "PARLO_CLOCK" in _refused(monkeypatch, clock="2026-01-15T10:00:00-06:00")
    assert "PARLO_TWILIO_SKIP_SIGNATURE" in _refused(monkeypatch, twilio_skip_signature=True)


def test_every_refusal_is_one_spanish_line_naming_its_setting():
    from pydantic import SecretStr

    bad = Settings(**GOOD).model_copy(update={
        "jwt_secret": SecretStr("x"), "admin_password": SecretStr("1"), "twilio_auth_token": None,
        "twilio_account_sid": None, "public_url": "http://localhost:8000", "twilio_skip_signature": True})
    lines = production_refusals(bad)
    assert len(lines) == 6
    for line in lines:
        assert "\n" not in line and line.split(" ", 1)[0].isupper()
