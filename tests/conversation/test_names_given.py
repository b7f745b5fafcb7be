"""A new customer's name, however they type it: lowercase ("soy ana", "ana lópez"), with a lead-in
("me llamo pedro", "a nombre de maría josé"), with or without accents, alone or with the "sí".
Given while the times are on the table, with the confirmation, or when asked after booking, it is
the name on the booking (and the owner's notice), and never asked again.

The clock is Friday 16 January 2026, 10:00 in Mexico City; Barbería Don Carlos has a stylist
named Pedro, so "me llamo pedro" must be the writer, not a request for Pedro.
"""

from __future__ import annotations

from sqlalchemy import select

from storage import Customer
from tests.conversation.kit import Chat, appointments_of, don_carlos
from tests.conversation.test_booking_dialogues import offered_times

ANA = "+525533334444"


async def _new_customer(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    return shop, Chat(rules_app, db, "+5215533334444", shop.number)


async def _name_on_file(db, shop) -> str | None:
    async with db.session() as s:
        return await s.scalar(select(Customer.name).where(Customer.organization_id == shop.org.id,
                                                          Customer.phone_number == ANA))


async def test_lowercase_soy_ana_while_choosing_is_her_name(rules_app, db, clock):
    shop, chat = await _new_customer(rules_app, db, clock)
    assert offered_times(await chat.say("quiero un corte mañana"))
    thanks = await chat.say("soy ana")
    assert "Ana" in thanks and offered_times(thanks), thanks
    done = await chat.say("la primera")
    assert "Listo, Ana" in done and "nombre" not in done, done
    assert len(await appointments_of(db, shop)) == 1 and await _name_on_file(db, shop) == "Ana"


async def test_lowercase_full_name_while_choosing_is_her_name(rules_app, db, clock):
    shop, chat = await _new_customer(rules_app, db, clock)
    assert offered_times(await chat.say("quiero un corte mañana"))
    thanks = await chat.say("ana lópez")
    assert "Ana" in thanks, thanks
    done = await chat.say("la segunda")
    assert "Listo, Ana" in done, done
    assert await _name_on_file(db, shop) == "Ana López"


async def test_yes_with_a_lowercase_name_books_under_it_without_asking_again(rules_app, db, clock):
    shop, chat = await _new_customer(rules_app, db, clock)
    asked = await chat.say("quiero un corte mañana a las 4")
    assert "nombre" in asked, asked
    done = await chat.say("sí, soy ana")
    assert "Listo, Ana" in done and "nombre" not in done, done
    assert len(await appointments_of(db, shop)) == 1 and await _name_on_file(db, shop) == "Ana"


async def test_a_bare_lowercase_name_answers_the_confirmation_with_the_name(rules_app, db, clock):
    shop, chat = await _new_customer(rules_app, db, clock)
    assert "nombre" in await chat.say("quiero un corte mañana a las 4")
    done = await chat.say("ana lópez")
    assert "Listo, Ana" in done, done
    assert await _name_on_file(db, shop) == "Ana López"


async def test_me_llamo_pedro_when_asked_is_the_writer_not_the_stylist(rules_app, db, clock):
    shop, chat = await _new_customer(rules_app, db, clock)
    assert offered_times(await chat.say("quiero un corte mañana"))
    booked = await chat.say("la primera")
    assert "nombre" in booked, booked
    done = await chat.say("me llamo pedro")
    assert "Perfecto, Pedro" in done, done
    assert await _name_on_file(db, shop) == "Pedro"


async def test_a_name_without_accents_or_capitals_when_asked(rules_app, db, clock):
    shop, chat = await _new_customer(rules_app, db, clock)
    assert offered_times(await chat.say("quiero un corte mañana"))
    assert "nombre" in await chat.say("la primera")
    done = await chat.say("maria jose de la garza")
    assert "Perfecto, Maria" in done, done
    assert await _name_on_file(db, shop) == "Maria Jose de la Garza"


async def test_replies_that_are_not_names_are_not_taken_for_one(rules_app, db, clock):
    shop, chat = await _new_customer(rules_app, db, clock)
    assert offered_times(await chat.say("quiero un corte mañana"))
    for reply in ("ninguna me queda", "no sé", "está bien"):
        answer = await chat.say(reply)
        assert "Gracias," not in answer, (reply, answer)
    assert await _name_on_file(db, shop) in (None, "")
