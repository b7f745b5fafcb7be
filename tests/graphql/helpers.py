"""Talk to /graphql like the dashboard does, and build two salons to attack each other."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from resolvers.auth import issue_admin_token, issue_staff_token
from storage import (
    ActivityEvent,
    Appointment,
    AppointmentSource,
    AppointmentStatus,
    AuthToken,
    Availability,
    AvailabilityKind,
    Conversation,
    ConversationChannel,
    Database,
    Message,
    MessageDirection,
    Occupancy,
    PermissionLevel,
    RebookingPlan,
    SenderType,
    Staff,
    TokenType,
)
from storage.ids import new_id
from tests.resolvers.factories import Salon, make_salon

SECRET = "test-secret-with-enough-entropy-0123456789"


async def gql(client, query: str, variables: dict | None = None, token: str | None = None,
              expect_status: int = 200) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == expect_status, response.text
    return response.json()


def data(body: dict) -> dict:
    assert not body.get("errors"), body["errors"]
    return body["data"]


def staff_token(salon: Salon, member: Staff, now: datetime) -> str:
    return issue_staff_token(staff_id=member.id, organization_id=salon.org.id, secret=SECRET, now=now)


def admin_token(now: datetime) -> str:
    return issue_admin_token(secret=SECRET, now=now)


@dataclass
class FullSalon:
    """The resolvers' test salon plus everything else a tenant owns."""

    salon: Salon
    manager: Staff  # permission level admin
    appointment: Appointment
    block: Availability
    conversation: Conversation
    messages: list[Message]
    plan: RebookingPlan
    ids: set[str] = field(default_factory=set)

    @property
    def org_id(self) -> uuid.UUID:
        return self.salon.org.id


async def full_salon(db: Database, now: datetime, *, name: str, phone_prefix: str) -> FullSalon:
    salon = await make_salon(db, now, name=name, phone_prefix=phone_prefix, staff_hours=True)
    org = salon.org
    tomorrow_11 = (now + timedelta(days=1)).replace(hour=17, minute=0)  # 11:00 in Mexico City
    async with db.transaction(write=True) as s:
        manager = Staff(id=new_id(), organization_id=org.id, location_id=salon.location.id, name="Mara",
                        phone_number=f"{phone_prefix}0004", permission_level=PermissionLevel.ADMIN,
                        created_at=now, updated_at=now)
        manager.services = []
        s.add(manager)
        appointment = Appointment(
            id=new_id(), organization_id=org.id, location_id=salon.location.id, customer_id=salon.lupe.id,
            service_type_id=salon.corte.id, staff_id=salon.beto.id, spot_id=salon.silla1.id,
            starts_at=tomorrow_11, ends_at=tomorrow_11 + timedelta(minutes=45), status=AppointmentStatus.CONFIRMED,
            source=AppointmentSource.WHATSAPP, price_cents=15000, created_at=now, updated_at=now)
        s.add(appointment)
        await s.flush()
        for staff_id, spot_id in ((salon.beto.id, None), (None, salon.silla1.id)):
            s.add(Occupancy(organization_id=org.id, appointment_id=appointment.id, staff_id=staff_id, spot_id=spot_id,
                            starts_at=appointment.starts_at, ends_at=appointment.ends_at))
        block = Availability(id=new_id(), organization_id=org.id, staff_id=salon.beto.id,
                             kind=AvailabilityKind.BLOCK, starts_at=tomorrow_11 + timedelta(hours=3),
                             ends_at=tomorrow_11 + timedelta(hours=4), reason="Comida", created_at=now, updated_at=now)
        conversation = Conversation(
            id=new_id(), organization_id=org.id, channel=ConversationChannel.BUSINESS,
            business_number=org.whatsapp_number, phone_number=salon.lupe.phone_number,
            reply_to="whatsapp:" + salon.lupe.phone_number, customer_id=salon.lupe.id, context={},
            last_message_at=now, created_at=now, updated_at=now)
        s.add_all([block, conversation])
        await s.flush()
        messages = [
            Message(id=new_id(), conversation_id=conversation.id, organization_id=org.id, sequence=1,
                    direction=MessageDirection.INBOUND, sender_type=SenderType.CUSTOMER, body="Hola, quiero un corte",
                    provider_message_id=f"SM{uuid.uuid4().hex}", created_at=now),
            Message(id=new_id(), conversation_id=conversation.id, organization_id=org.id, sequence=2,
                    direction=MessageDirection.OUTBOUND, sender_type=SenderType.AI, body="¡Claro! ¿Qué día?",
                    created_at=now + timedelta(seconds=5)),
        ]
        s.add_all(messages)
        s.add(ActivityEvent(organization_id=org.id, kind="organization_created", summary=f"Nuevo negocio: {name}",
                            subject_id=org.id, data={}, created_at=now))
        plan = RebookingPlan(id=new_id(), organization_id=org.id, kind="staff_out", payload={},
                             created_at=now, updated_at=now)
        s.add(plan)
        s.add(AuthToken(organization_id=org.id, staff_id=salon.ana.id, token_hash=uuid.uuid4().hex * 2,
                        token_type=TokenType.MAGIC_LINK, expires_at=now + timedelta(minutes=15),
                        created_at=now, updated_at=now))
    full = FullSalon(salon=salon, manager=manager, appointment=appointment, block=block, conversation=conversation,
                     messages=messages, plan=plan)
    rows = [org, salon.location, salon.corte, salon.barba, salon.tinte, salon.ana, salon.beto, salon.vero,
            salon.silla1, salon.silla2, salon.sillon, salon.lupe, salon.outsider, manager, appointment, block,
            conversation, plan, *messages]
    full.ids = {str(r.id) for r in rows}
    return full


def mentions_any(body: dict, markers: set[str]) -> set[str]:
    text = json.dumps(body)
    return {m for m in markers if m in text}


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(timezone.utc)
