"""Voice notes end to end: Twilio's signed webhook → media downloaded from a fake Twilio with
the account's credentials → a real Ogg/Opus file transcribed by a fake OpenAI → the same
turn answers it as text, saying what it heard.

The audio is made in the test with espeak-ng and opusenc (Debian packages; ``.ci/run``
installs them), so the bytes that travel are a real voice note, and the fake OpenAI decodes
them with opusdec before answering.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from messaging.breaker import BreakerPolicy, CircuitBreaker
from messaging.conversation.build import build_engine, build_voice_notes
from messaging.conversation.rules import RuleEngine
from messaging.voice import CANNOT_LISTEN, MAX_MEDIA_BYTES, NOT_HEARD, SILENT, TOO_LARGE, MediaProblem, TwilioMedia
from storage import ContentType, Message, MessageDirection
from tests.conversation.fake_openai import BASE_URL, text
from tests.conversation.kit import MX, Chat, appointments_of, don_carlos, outbound_to
from tests.fakes.twilio import ACCOUNT_SID, AUTH_TOKEN
from tests.fakes.twilio_media import API_BASE, FakeTwilioMedia, media_url

CUSTOMER = "+5215511112222"
SPOKEN = "Quiero un corte mañana en la tarde"


def _say(words: str, folder: Path) -> bytes:
    for tool in ("espeak-ng", "opusenc"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is missing: apt-get install espeak-ng opus-tools (.ci/run does)")
    wav, ogg = folder / "voz.wav", folder / "voz.ogg"
    subprocess.run(["espeak-ng", "-v", "es-419", "-w", str(wav), words], check=True, capture_output=True, timeout=60)
    subprocess.run(["opusenc", "--quiet", str(wav), str(ogg)], check=True, capture_output=True, timeout=60)
    return ogg.read_bytes()


@pytest.fixture(scope="session")
def voice_note(tmp_path_factory) -> bytes:
    """A real WhatsApp-like voice note (Ogg/Opus) saying :data:`SPOKEN`."""
    return _say(SPOKEN, tmp_path_factory.mktemp("voice"))


@pytest.fixture
def media() -> FakeTwilioMedia:
    return FakeTwilioMedia()


@pytest.fixture
def ears(fake, media):
    def build(breaker: CircuitBreaker | None = None, **options):
        return build_voice_notes(openai_api_key="sk-test", openai_base_url=BASE_URL,
                                 transcription_model=options.get("model", "gpt-4o-mini-transcribe"),
                                 twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN, twilio_api_base=API_BASE,
                                 breaker=breaker, openai_http_client=fake.http_client(),
                                 media_http_client=media.http_client())
    return build


def _voice(url: str, mime: str = "audio/ogg") -> dict[str, str]:
    return {"NumMedia": "1", "MediaUrl0": url, "MediaContentType0": mime}


async def _inbound(db) -> list[Message]:
    async with db.session() as s:
        return list((await s.scalars(select(Message).where(Message.direction == MessageDirection.INBOUND)
                                     .order_by(Message.sequence, Message.created_at, Message.id))).all())


async def test_voice_notes_are_heard_instead_of_only_text_is_understood(app_with_engine, db, clock, fake, media,
                                                                       ears, voice_note):
    shop = await don_carlos(db, clock())
    url = media.add("ME0001", voice_note)
    fake.hears(SPOKEN)
    async with app_with_engine(clock, RuleEngine(), voice=ears(model="whisper-1")) as http:
        chat = Chat(http, db, CUSTOMER, shop.number)
        [reply] = await chat.send("", **_voice(url))
    assert reply.startswith(f"Entendí: «{SPOKEN}»\n\n")
    assert "solo entiendo mensajes de texto" not in reply and "PM" in reply  # the afternoon's times are offered

    [upload] = fake.uploads
    assert upload.model == "whisper-1" and upload.language == "es"
    assert upload.audio == voice_note and upload.seconds > 1.0  # the real note, decoded by opusdec
    assert upload.filename.endswith(".ogg") and upload.content_type == "audio/ogg"
    [message] = await _inbound(db)
    assert message.content_type is ContentType.AUDIO and message.body == SPOKEN  # stored on the message
    # Twilio got the account's credentials; its storage (another host, after the redirect) did not.
    (api_host, _, api_auth), (storage_host, _, storage_auth) = media.seen
    assert api_host == "fake-twilio-api.test" and api_auth.startswith("Basic ")
    assert storage_host == "fake-twilio-media.test" and storage_auth is None


async def test_a_booking_said_by_voice_then_finished_by_text(app_with_engine, db, clock, fake, media, ears,
                                                             voice_note):
    shop = await don_carlos(db, clock())
    fake.hears("Quiero un corte mañana a las 4 de la tarde")
    async with app_with_engine(clock, RuleEngine(), voice=ears()) as http:
        chat = Chat(http, db, CUSTOMER, shop.number)
        first = await chat.say("", **_voice(media.add("ME0002", voice_note)))
        assert first.startswith("Entendí: «Quiero un corte mañana a las 4 de la tarde»")
        assert "4:00 PM" in first
        reply = await chat.say("sí")
        if not await appointments_of(db, shop):  # a new customer may be asked the name before the booking
            reply = await chat.say("Juan Pérez")
    [appointment] = await appointments_of(db, shop)
    assert appointment.service_type_id == shop.services["corte"].id
    assert appointment.starts_at.astimezone(MX).hour == 16
    assert "4:00 PM" in reply


async def test_the_llm_reads_the_voice_note_as_the_persons_words(app_with_engine, db, clock, fake, media, ears,
                                                                 voice_note):
    shop = await don_carlos(db, clock())
    fake.hears("¿A qué hora abren el sábado?").then(text("El sábado abrimos de 10:00 AM a 8:00 PM."),
                                                     text("¡Con gusto!"))
    engine = build_engine("sk-test", BASE_URL, "gpt-4.1", http_client=fake.http_client(), max_retries=0)
    async with app_with_engine(clock, engine, voice=ears()) as http:
        chat = Chat(http, db, CUSTOMER, shop.number)
        assert await chat.say("", **_voice(media.add("ME0003", voice_note))) == (
            "Entendí: «¿A qué hora abren el sábado?»\n\nEl sábado abrimos de 10:00 AM a 8:00 PM.")
        assert await chat.say("gracias") == "¡Con gusto!"
    first, second = fake.requests
    assert first["messages"][-1] == {"role": "user", "content": "¿A qué hora abren el sábado?"}
    assert {"role": "user", "content": "¿A qué hora abren el sábado?"} in second["messages"]  # history keeps it


async def test_without_an_openai_key_a_voice_note_gets_a_request_to_write_and_the_owner_nothing(
        app_with_engine, db, clock, media, voice_note):
    shop = await don_carlos(db, clock())
    async with app_with_engine(clock, RuleEngine(), voice=None) as http:
        chat = Chat(http, db, CUSTOMER, shop.number)
        assert await chat.send("", **_voice(media.add("ME0004", voice_note))) == [CANNOT_LISTEN]
    assert media.seen == []  # nothing downloaded
    assert await outbound_to(db, shop.staff["carlos"].phone_number) == []
    assert build_voice_notes(openai_api_key=None, twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN) is None


@pytest.mark.parametrize("failure", ["download", "transcription"])
async def test_a_voice_note_that_cannot_be_heard_asks_to_write_it_and_bothers_nobody(
        app_with_engine, db, clock, fake, media, ears, voice_note, failure):
    shop = await don_carlos(db, clock())
    if failure == "download":
        url = media.add("ME0005", voice_note, status=503)
    else:
        url = media.add("ME0005", voice_note)
        fake.hears(500)
    async with app_with_engine(clock, RuleEngine(), voice=ears()) as http:
        chat = Chat(http, db, CUSTOMER, shop.number)
        assert await chat.send("", **_voice(url)) == [NOT_HEARD]
        assert (await chat.say("quiero un corte mañana")).count("PM") >= 1  # the next, typed, message is answered
    assert await outbound_to(db, shop.staff["carlos"].phone_number) == []
    [note, _] = await _inbound(db)
    assert note.body == ""


async def test_a_silent_voice_note_is_not_answered_as_if_something_was_said(app_with_engine, db, clock, fake, media,
                                                                            ears, voice_note):
    shop = await don_carlos(db, clock())
    fake.hears(" … ")
    async with app_with_engine(clock, RuleEngine(), voice=ears()) as http:
        chat = Chat(http, db, CUSTOMER, shop.number)
        assert await chat.send("", **_voice(media.add("ME0006", voice_note))) == [SILENT]


@pytest.mark.parametrize("chunked", [False, True], ids=["declared", "counted"])
async def test_media_over_16_mb_is_refused_politely_without_reading_it_all(app_with_engine, db, clock, fake, media,
                                                                          ears, chunked):
    shop = await don_carlos(db, clock())
    url = media.add("ME0007", b"\0" * (MAX_MEDIA_BYTES + 1), chunked=chunked)
    async with app_with_engine(clock, RuleEngine(), voice=ears()) as http:
        chat = Chat(http, db, CUSTOMER, shop.number)
        assert await chat.send("", **_voice(url)) == [TOO_LARGE]
    assert fake.uploads == []  # never sent to OpenAI


async def test_a_photo_is_refused_politely_and_its_caption_answered(app_with_engine, db, clock, fake, media, ears):
    shop = await don_carlos(db, clock())
    url = media.add("ME0008", b"\xff\xd8\xff\xe0 jpeg", content_type="image/jpeg")
    async with app_with_engine(clock, RuleEngine(), voice=ears()) as http:
        chat = Chat(http, db, CUSTOMER, shop.number)
        [refusal] = await chat.send("", **_voice(url, "image/jpeg"))
        assert "no puedo abrir fotos" in refusal and "escribes" in refusal
        refusal, answer = await chat.send("¿cuánto cuesta el corte?", **_voice(url, "image/jpeg"))
        assert "no puedo abrir fotos" in refusal and "$150" in answer
    assert media.seen == [] and fake.uploads == []  # a photo is not downloaded at all


async def test_while_openai_is_down_a_voice_note_is_not_waited_for(app_with_engine, db, clock, fake, media, ears,
                                                                  voice_note):
    shop = await don_carlos(db, clock())
    seconds = [0.0]
    breaker = CircuitBreaker(BreakerPolicy(failures=1, window=120, cooldown=60), clock=lambda: seconds[0])
    fake.hears(500, SPOKEN)
    async with app_with_engine(clock, RuleEngine(), voice=ears(breaker)) as http:
        chat = Chat(http, db, CUSTOMER, shop.number)
        assert await chat.send("", **_voice(media.add("ME0009", voice_note))) == [NOT_HEARD]
        assert breaker.state == "open"
        assert await chat.send("", **_voice(media.add("ME0010", voice_note))) == [NOT_HEARD]
        assert len(fake.uploads) == 1  # the second note did not reach OpenAI
        seconds[0] = 61.0  # after the cool-down one note probes, and is heard
        assert (await chat.say("", **_voice(media.add("ME0011", voice_note)))).startswith(f"Entendí: «{SPOKEN}»")
        assert breaker.state == "closed"


async def test_a_turn_run_again_reads_the_stored_text_instead_of_transcribing_twice(
        app_with_engine, db, clock, fake, media, ears, voice_note):
    from messaging.processing import process_conversation

    shop = await don_carlos(db, clock())
    fake.hears(SPOKEN)
    async with app_with_engine(clock, RuleEngine(), voice=ears()) as http:
        chat = Chat(http, db, CUSTOMER, shop.number)
        await chat.send("", **_voice(media.add("ME0012", voice_note)))
        [note] = await _inbound(db)
        async with db.transaction(write=True) as s:  # as if the worker died after hearing, before answering
            (await s.get(Message, note.id)).processed_at = None
        await process_conversation(http.messaging, note.conversation_id)
    assert len(fake.uploads) == 1


async def test_credentials_are_only_sent_to_twilio():
    twilio = TwilioMedia(ACCOUNT_SID, AUTH_TOKEN, api_base=API_BASE)
    assert twilio.fetch_url(media_url("ME1")) == f"{API_BASE}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM0001/Media/ME1"
    for foreign in ("https://evil.example/steal", "https://api.twilio.com.evil.example/x", "http://api.twilio.com/x"):
        with pytest.raises(MediaProblem):
            twilio.fetch_url(foreign)


async def test_a_slow_transcription_is_cut_at_the_turns_budget(app_with_engine, db, clock, fake, media, ears,
                                                               voice_note):
    shop = await don_carlos(db, clock())
    fake.latency = 3.0
    fake.hears(SPOKEN)
    voice = ears()
    voice.timeout = 0.5
    async with app_with_engine(clock, RuleEngine(), voice=voice) as http:
        chat = Chat(http, db, CUSTOMER, shop.number)
        started = asyncio.get_running_loop().time()
        assert await chat.send("", **_voice(media.add("ME0013", voice_note))) == [NOT_HEARD]
        assert asyncio.get_running_loop().time() - started < 2.5
