"""Who may turn signature checks off (only development, explicitly) and what Twilio settings mean."""

from __future__ import annotations

import httpx
import pytest

from parlo.settings import DEVELOPMENT_WEBHOOK_TOKEN, Environment, Settings
from tests.messaging.whatsapp_kit import inbound_messages, post_signed, salon, twilio_form
from tests.parlo.test_production_refusals import GOOD as PRODUCTION


def test_skipping_signatures_is_refused_in_production():
    with pytest.raises(ValueError, match="PARLO_TWILIO_SKIP_SIGNATURE"):
        Settings(**{**PRODUCTION, "twilio_skip_signature": True})


def test_without_twilio_development_signs_with_a_local_token_and_production_with_none():
    assert Settings(_env_file=None).webhook_auth_token == DEVELOPMENT_WEBHOOK_TOKEN
    production = Settings(**PRODUCTION).model_copy(update={"twilio_auth_token": None})
    assert production.webhook_auth_token is None


def test_content_sids_are_read_as_json(monkeypatch):
    monkeypatch.setenv("PARLO_TWILIO_CONTENT_SIDS", '{"appointment_reminder": "HX123"}')
    assert Settings(_env_file=None).twilio_content_sids == {"appointment_reminder": "HX123"}


async def _post(settings, clock, form, **kw) -> httpx.Response:
    from parlo.app import create_app

    app = create_app(settings, clock=clock, migrate=False)
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            return await post_signed(http, "/webhooks/twilio", form, **kw)


async def test_the_explicit_development_switch_accepts_unsigned_webhooks(settings, clock, db):
    shop = await salon(db, clock())
    skipping = settings.model_copy(update={"twilio_skip_signature": True})
    response = await _post(skipping, clock, twilio_form(sender="+525512345678", to=shop.number), signature="")
    assert response.status_code == 200 and len(await inbound_messages(db)) == 1


async def test_development_without_twilio_still_checks_signatures(settings, clock, db):
    shop = await salon(db, clock())
    form = twilio_form(sender="+525512345678", to=shop.number)
    assert (await _post(settings, clock, form, signature="")).status_code == 403
    assert (await _post(settings, clock, form, token=DEVELOPMENT_WEBHOOK_TOKEN)).status_code == 200


async def test_production_without_an_auth_token_refuses_every_webhook(settings, clock, db):
    shop = await salon(db, clock())
    production = settings.model_copy(update={"env": Environment.PRODUCTION})
    form = twilio_form(sender="+525512345678", to=shop.number)
    assert (await _post(production, clock, form, token=DEVELOPMENT_WEBHOOK_TOKEN)).status_code == 403
    assert await inbound_messages(db) == []
