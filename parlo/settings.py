"""Settings, read once at start-up from the environment and a ``.env`` file.

Only ``parlo/`` reads them; lower layers receive the values they need.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from functools import cached_property
from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from storage.database import normalise_url

#: Signs webhooks in development when Twilio is not configured (``parlo chat``); never accepted in production.
DEVELOPMENT_WEBHOOK_TOKEN = "parlo-development-webhook-token"


class Environment(str, Enum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False, populate_by_name=True
    )

    database_url: str = Field(default="sqlite+aiosqlite:///./parlo.db", validation_alias="DATABASE_URL")
    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")

    twilio_account_sid: str | None = Field(default=None, validation_alias="TWILIO_ACCOUNT_SID")
    twilio_auth_token: SecretStr | None = Field(default=None, validation_alias="TWILIO_AUTH_TOKEN")
    #: Development only: accept Twilio webhooks without checking X-Twilio-Signature. Refused in production.
    twilio_skip_signature: bool = Field(default=False, validation_alias="PARLO_TWILIO_SKIP_SIGNATURE")
    #: JSON object {template name: Content SID (HX…)} for WhatsApp templates outside the 24-hour window.
    twilio_content_sids: dict[str, str] = Field(default_factory=dict, validation_alias="PARLO_TWILIO_CONTENT_SIDS")
    #: WhatsApp Business Account id that new WhatsApp senders are registered under (number provisioning).
    twilio_waba_id: str | None = Field(default=None, validation_alias="PARLO_TWILIO_WABA_ID")
    #: Run the Huey consumer inside the web process (``parlo serve`` turns it on unless REDIS_URL is set).
    embedded_worker: bool = Field(default=False, validation_alias="PARLO_EMBEDDED_WORKER")
    openai_api_key: SecretStr | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    openai_base_url: AnyHttpUrl | None = Field(default=None, validation_alias="OPENAI_BASE_URL")
    openai_model: str = Field(default="gpt-4.1", validation_alias="OPENAI_MODEL")
    #: OpenAI's audio transcription model for voice notes (heard in Spanish).
    openai_transcription_model: str = Field(default="gpt-4o-mini-transcribe",
                                            validation_alias="OPENAI_TRANSCRIPTION_MODEL")
    #: The OpenAI circuit breaker: this many consecutive failures or timeouts within the
    #: window open it; while open (the cool-down) the rule engine answers without waiting.
    llm_breaker_failures: int = Field(default=3, ge=1, validation_alias="PARLO_LLM_BREAKER_FAILURES")
    llm_breaker_window_seconds: float = Field(default=120.0, gt=0, validation_alias="PARLO_LLM_BREAKER_WINDOW_SECONDS")
    llm_breaker_cooldown_seconds: float = Field(default=60.0, gt=0,
                                                validation_alias="PARLO_LLM_BREAKER_COOLDOWN_SECONDS")
    #: The longest a person waits for an answer to one message (OpenAI and voice notes included).
    turn_budget_seconds: float = Field(default=12.0, ge=2, le=60, validation_alias="PARLO_TURN_BUDGET_SECONDS")
    #: Where Twilio's REST API (and the media of incoming messages) is fetched from: tests and proxies.
    twilio_api_base_url: str = Field(default="https://api.twilio.com", validation_alias="PARLO_TWILIO_API_BASE_URL")

    jwt_secret: SecretStr = Field(default=SecretStr("parlo-development-secret-change-me"), validation_alias="PARLO_JWT_SECRET")
    admin_password: SecretStr | None = Field(default=None, validation_alias="PARLO_ADMIN_PASSWORD")
    public_url: str = Field(default="http://127.0.0.1:8000", validation_alias="PARLO_PUBLIC_URL")
    central_number: str = Field(default="+525500000000", validation_alias="PARLO_CENTRAL_NUMBER")
    env: Environment = Field(default=Environment.DEVELOPMENT, validation_alias="PARLO_ENV")
    clock: datetime | None = Field(default=None, validation_alias="PARLO_CLOCK")
    graphql_introspection: bool | None = Field(default=None, validation_alias="PARLO_GRAPHQL_INTROSPECTION")
    free_monthly_bookings: int = Field(default=50, ge=0, validation_alias="PARLO_FREE_MONTHLY_BOOKINGS")
    #: DEBUG, INFO (default), WARNING or ERROR: the lowest level of the lines Parlo writes.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        default="INFO", validation_alias="PARLO_LOG_LEVEL")
    #: ``text`` (default, for people) or ``json`` (one object per line, for log collectors).
    log_format: Literal["text", "json"] = Field(default="text", validation_alias="PARLO_LOG_FORMAT")

    @field_validator("log_level", "log_format", mode="before")
    @classmethod
    def _any_case(cls, value: object, info) -> object:
        if not isinstance(value, str):
            return value
        return value.strip().upper() if info.field_name == "log_level" else value.strip().lower()

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        return normalise_url(value)

    @field_validator("clock")
    @classmethod
    def _aware_clock(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("PARLO_CLOCK needs a UTC offset, e.g. 2026-01-15T10:00:00-06:00")
        return value.astimezone(timezone.utc) if value else None

    @field_validator("public_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _production_rules(self) -> "Settings":
        """Production refuses settings that fail open (:mod:`parlo.production`), one line each."""
        if self.env is Environment.PRODUCTION:
            from parlo.production import production_refusals

            if refusals := production_refusals(self):
                raise ValueError("\n".join(refusals))
        return self

    @property
    def is_production(self) -> bool:
        return self.env is Environment.PRODUCTION

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def twilio_configured(self) -> bool:
        return bool(self.twilio_account_sid and self.twilio_auth_token)

    @property
    def webhook_auth_token(self) -> str | None:
        """The token Twilio's webhook signatures are checked with.

        Twilio's auth token when configured; in development without Twilio, a fixed local
        token that ``parlo chat`` signs with, so signatures are still checked end to end.
        """
        if self.twilio_auth_token is not None:
            return self.twilio_auth_token.get_secret_value()
        return None if self.is_production else DEVELOPMENT_WEBHOOK_TOKEN

    @property
    def openai_configured(self) -> bool:
        return self.openai_api_key is not None

    @property
    def introspection_enabled(self) -> bool:
        if self.graphql_introspection is not None:
            return self.graphql_introspection
        return not self.is_production

    @cached_property
    def backend_name(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"
