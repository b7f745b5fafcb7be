"""A sign-in link exists only on its way to WhatsApp: the outbox never holds a usable one."""

from __future__ import annotations

import re
import uuid

from sqlalchemy import select

from messaging.delivery import deliver_due
from resolvers.context import Actor, Context
from resolvers.magic_links import HIDDEN, TOKEN_ROW, request_magic_link, verify_magic_link
from storage import AuthToken, Conversation, ConversationChannel, DeliveryStatus, Message, PermissionLevel, Staff
from tests.messaging.whatsapp_kit import CENTRAL, outbox, salon, wire

LINK = re.compile(r"https://parlo\.test/entrar\?token=([A-Za-z0-9_\-]+)")


def _anonymous(m) -> Context:
    return Context(db=m.db, now=m.clock, actor=Actor.anonymous(), config=m.config.resolver)


async def _window_with_central(db, phone: str, at) -> None:
    """The person wrote to Parlo's number lately, so the link goes as plain text (no template SID)."""
    async with db.transaction(write=True) as session:
        session.add(Conversation(organization_id=None, channel=ConversationChannel.CENTRAL, business_number=CENTRAL,
                                 phone_number=phone, reply_to=f"whatsapp:{phone}", context={}, last_inbound_at=at,
                                 created_at=at, updated_at=at))


def _everything_stored(rows) -> str:
    return " ".join(f"{r.body} {r.template_variables} {r.last_error}" for r in rows)


async def test_the_outbox_never_holds_a_usable_link_and_the_one_whatsapp_got_signs_in(db, clock, fake_twilio):
    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await _window_with_central(db, shop.owner.phone_number, clock())
    await request_magic_link(_anonymous(m), shop.owner.phone_number)

    [queued] = await outbox(db)
    assert queued.body is None and "url" not in queued.template_variables
    assert set(queued.template_variables) == {TOKEN_ROW, "staff_name", "organization_name"}

    await deliver_due(m)
    [sent] = fake_twilio.messages
    token = LINK.search(sent.body)[1]  # the link exists on the wire, and only there
    [row] = await outbox(db)
    assert row.status is DeliveryStatus.QUEUED and token not in _everything_stored([row])
    assert f"/entrar?token={HIDDEN}" in row.body
    async with db.session() as session:
        history = (await session.scalars(select(Message))).all()
        stored_token = await session.scalar(select(AuthToken))
    assert all(token not in (message.body or "") for message in history)
    assert token not in stored_token.token_hash

    session = await verify_magic_link(_anonymous(m), token)
    assert session.staff.id == shop.owner.id


async def test_failed_messages_show_the_link_redacted_to_an_admin_level_staff_member(db, clock, fake_twilio):
    """The issue's takeover: an admin-level stylist read the owner's link in failedMessages."""
    from schema.schema import build_schema, execute_as

    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)  # no window and no template SID: Twilio refuses it for good
    await request_magic_link(_anonymous(m), shop.owner.phone_number)
    await deliver_due(m)
    [row] = await outbox(db)
    assert row.status is DeliveryStatus.FAILED

    async with db.transaction(write=True) as session:
        mara = Staff(organization_id=shop.org.id, name="Mara", phone_number="+525512349999",
                     permission_level=PermissionLevel.ADMIN, created_at=clock(), updated_at=clock())
        session.add(mara)
    admin = Actor.staff(organization_id=shop.org.id, staff_id=mara.id, level=PermissionLevel.ADMIN)
    ctx = Context(db=db, now=clock, actor=admin, config=m.config.resolver)
    result = await execute_as(build_schema(), ctx, "{ failedMessages { kind body variables } }")
    assert result.errors is None
    [failed] = result.data["failedMessages"]
    assert failed["kind"] == "magic_link" and failed["variables"]["url"] == HIDDEN
    assert TOKEN_ROW not in failed["variables"] and "token=" not in str(failed).replace(f"token={HIDDEN}", "")


async def test_a_link_whose_delivery_failed_for_good_no_longer_signs_in(db, clock, fake_twilio):
    from resolvers.magic_links import link_token

    shop = await salon(db, clock())
    m = wire(db, clock, twilio=fake_twilio)
    await request_magic_link(_anonymous(m), shop.owner.phone_number)
    [row] = await outbox(db)
    token = link_token(m.config.resolver.jwt_secret, uuid.UUID(row.template_variables[TOKEN_ROW]),
                       row.organization_id)
    fake_twilio.fail_next(400)  # refused for good (a bad number)
    await deliver_due(m)
    assert (await outbox(db))[0].status is DeliveryStatus.FAILED
    refused = await verify_magic_link(_anonymous(m), token)
    assert refused.code == "NotAuthenticated"
