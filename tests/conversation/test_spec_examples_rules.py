"""The product spec's seven example conversations, through the webhook, on the rule engine.

The clock is Friday 16 January 2026, 10:00 in Mexico City, so "mañana" is Saturday.
Each test ends by checking the database, not only the words.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from messaging.templates import render

from storage import (
    AppointmentSource,
    AppointmentStatus,
    Availability,
    AvailabilityKind,
    Conversation,
    ConversationStatus,
    Customer,
    PermissionLevel,
    Staff,
)
from tests.conversation.kit import (
    MX,
    Chat,
    add_appointment,
    add_customer,
    appointments_of,
    don_carlos,
    make_shop,
    outbound_to,
    unas_bonitas,
)

SATURDAY = date(2026, 1, 17)
TODAY = date(2026, 1, 16)


async def test_example_1_simple_booking(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    hello = await chat.say("Hola buenas tardes")
    assert "Barbería Don Carlos" in hello and "¿En qué puedo ayudarte?" in hello

    asked = await chat.say("Quiero una cita para un corte")
    assert asked == "¡Claro! ¿Para qué día te gustaría agendar tu corte de cabello?"

    offered = await chat.say("Mañana en la tarde")
    assert "Mañana sábado tengo disponibles estos horarios para corte de cabello ($150):" in offered
    assert "¿Cuál te funciona mejor?" in offered
    assert "AM" not in offered.split(":", 1)[1]  # only afternoon times

    booked = await chat.say("A las 4")
    assert booked == "Listo, te agendé tu corte de cabello para mañana sábado a las 4:00 PM. " \
                     "¿Me confirmas tu nombre para la cita?"

    confirmed = await chat.say("Juan Pérez")
    assert confirmed.startswith("¡Perfecto, Juan! Tu cita está confirmada:")
    assert "📅 Sábado 17 de enero" in confirmed and "⏰ 4:00 PM" in confirmed
    assert "💇 Corte de cabello - $150" in confirmed

    bye = await chat.say("Gracias")
    assert bye.startswith("¡Con gusto!") and "👋" in bye

    [appointment] = await appointments_of(db, shop)
    assert appointment.starts_at.astimezone(MX) == datetime(2026, 1, 17, 16, 0, tzinfo=MX)
    assert appointment.status is AppointmentStatus.CONFIRMED and appointment.source is AppointmentSource.WHATSAPP
    assert appointment.service_type_id == shop.services["corte"].id
    async with db.session() as s:
        customer = await s.get(Customer, appointment.customer_id)
    assert customer.name == "Juan Pérez" and customer.name_verified_at == clock()
    assert customer.phone_number == "+525511112222"


async def test_example_2_rescheduling_greets_the_returning_customer_by_name(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525511112222", "Juan Pérez", verified=clock() - timedelta(days=3))
    await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(16), clock())
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    first = await chat.say("Hola, necesito cambiar mi cita de mañana")
    assert first == ("Hola Juan, claro que sí. Veo que tienes una cita para corte de cabello mañana sábado a las "
                     "4:00 PM. ¿Para cuándo te gustaría cambiarla?")

    offered = await chat.say("Para el lunes si hay espacio")
    assert offered.startswith("Perfecto. El lunes tengo disponibles estos horarios:")

    moved = await chat.say("11:30")
    assert moved == "Listo, cambié tu cita para el lunes a las 11:30 AM. ¿Todo bien?"

    bye = await chat.say("Sí perfecto gracias")
    assert bye == "¡Excelente! Nos vemos el lunes, Juan. 👍"

    [appointment] = await appointments_of(db, shop)
    assert appointment.starts_at.astimezone(MX) == datetime(2026, 1, 19, 11, 30, tzinfo=MX)
    assert appointment.status is AppointmentStatus.CONFIRMED


async def test_example_3_handoff_tells_the_owner_and_goes_quiet(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+5215512345678", shop.number)

    replies = await chat.send("Oye quiero saber si hacen tintes para hombre")
    assert len(replies) == 2
    assert replies[0].startswith("Por ahora los servicios que tenemos son corte de cabello, arreglo de barba y "
                                 "corte y barba.")
    assert "Carlos, el dueño" in replies[0]
    assert replies[1].startswith("Ya le avisé a Carlos")

    [note] = await outbound_to(db, "+525512345001")
    assert note.template_name == "handoff_request"  # a template: the owner may be outside the 24-hour window
    text = render(note.template_name, note.template_variables, now=clock()).body
    assert "tintes para hombre" in text and "Teléfono: +52 55 1234 5678" in text
    assert "«listo con 55 1234 5678»" in text
    async with db.session() as s:
        conversation = await s.scalar(select(Conversation).where(Conversation.phone_number == "+525512345678"))
    assert conversation.status is ConversationStatus.HANDED_OFF
    assert conversation.handed_off_until == clock() + timedelta(hours=24)

    assert await chat.send("¿Sigues ahí?") == []  # Parlo stays quiet while staff have it

    owner = Chat(rules_app, db, "+525512345001", shop.number)
    assert await owner.say("listo con 55 1234 5678") == "Listo ✓ Vuelvo a atender a 55 1234 5678 desde su próximo mensaje."
    assert (await chat.say("hola")).startswith("¡Hola! Gracias por escribir a Barbería Don Carlos.")


async def test_example_4_staff_checks_the_day_and_blocks_the_free_hour(rules_app, db, clock):
    shop = await make_shop(  # the spec's example has one-hour services
        db, clock(), name="Barbería Don Carlos", number="+525587654321",
        services=[("corte", "Corte de cabello", 60, 150), ("barba", "Arreglo de barba", 60, 100),
                  ("combo", "Corte y barba", 90, 220)],
        staff=[("carlos", "Carlos Mendoza", "+525512345001", PermissionLevel.OWNER),
               ("pedro", "Pedro Ramírez", "+525512345002", PermissionLevel.STAFF)])
    clock.set(datetime(2026, 1, 16, 8, 0, tzinfo=MX))
    people = {}
    for phone, name in (("+525520000001", "Juan Pérez"), ("+525520000002", "Miguel Sánchez"),
                        ("+525520000003", "Luis Ramírez"), ("+525520000004", "Carlos Mendoza"),
                        ("+525520000005", "Roberto García")):
        people[name] = await add_customer(db, shop, phone, name, verified=clock())
    for who, service, at in (("Juan Pérez", "corte", time(10)), ("Miguel Sánchez", "combo", time(11)),
                             ("Luis Ramírez", "corte", time(12, 30)), ("Carlos Mendoza", "barba", time(15)),
                             ("Roberto García", "corte", time(17))):
        await add_appointment(db, shop, people[who], service, "pedro", TODAY, at, clock())
    async with db.transaction(write=True) as s:
        s.add(Availability(organization_id=shop.org.id, staff_id=shop.staff["pedro"].id, kind=AvailabilityKind.BLOCK,
                           starts_at=datetime(2026, 1, 16, 14, tzinfo=MX), ends_at=datetime(2026, 1, 16, 15, tzinfo=MX),
                           reason="comida", created_at=clock(), updated_at=clock()))
    async with db.transaction(write=True) as s:  # Pedro works until 6 today
        s.add(Availability(organization_id=shop.org.id, staff_id=shop.staff["pedro"].id, kind=AvailabilityKind.BLOCK,
                           starts_at=datetime(2026, 1, 16, 18, 0, tzinfo=MX),
                           ends_at=datetime(2026, 1, 16, 20, tzinfo=MX), reason=None,
                           created_at=clock(), updated_at=clock()))
    chat = Chat(rules_app, db, "+525512345002", shop.number)

    agenda = await chat.say("Qué tengo hoy?")
    assert agenda.startswith("Hola Pedro, aquí está tu agenda para hoy viernes:")
    for line in ("⏰ 10:00 AM - Corte - Juan Pérez", "⏰ 11:00 AM - Corte y barba - Miguel Sánchez",
                 "⏰ 12:30 PM - Corte - Luis Ramírez", "🍽️ 2:00 PM - 3:00 PM - Bloqueado (comida)",
                 "⏰ 3:00 PM - Barba - Carlos Mendoza", "⏰ 4:00 PM - 5:00 PM - Disponible", "⏰ 5:00 PM - Corte - Roberto García"):
        assert line in agenda
    assert agenda.endswith("Tienes 5 citas y un espacio libre de las 4:00 PM a las 5:00 PM.")  # a gap has an end

    blocked = await chat.say("Bloquea las 4, tengo que salir temprano")
    assert blocked == "Listo, bloqueé las 4:00 PM ✓ ¿Quieres que también bloquee de 5 en adelante?"

    only = await chat.say("No solo las 4")
    assert only == "Perfecto, solo las 4:00 PM bloqueadas. ¿Algo más?"

    async with db.session() as s:
        blocks = (await s.scalars(select(Availability).where(Availability.kind == AvailabilityKind.BLOCK)
                                  .order_by(Availability.starts_at))).all()
    assert [(b.starts_at.astimezone(MX).time(), b.ends_at.astimezone(MX).time()) for b in blocks] == [
        (time(14), time(15)), (time(16), time(17)), (time(18), time(20))]


async def test_example_5_staff_registers_a_walk_in(rules_app, db, clock):
    shop = await unas_bonitas(db, clock())
    clock.set(datetime(2026, 1, 16, 11, 30, tzinfo=MX))
    chat = Chat(rules_app, db, "+525512340002", shop.number)

    asked = await chat.say("Acaba de llegar alguien para uñas")
    assert asked == ("¿Qué servicio quiere? Tenemos:\n• Manicure - $200 (45 min)\n• Pedicure - $250 (1 hr)\n"
                     "• Mani + Pedi - $400 (1.5 hr)")
    phone = await chat.say("Mani pedi")
    assert phone.startswith("Perfecto. ¿Tienes el teléfono")
    name = await chat.say("55 9876 5432")
    assert name == "Registrado. ¿Nombre?"
    done = await chat.say("Ana")
    assert done == "Listo ✓ Registré a Ana (55 9876 5432) para Mani + Pedi ahora a las 11:30 AM contigo."

    [appointment] = await appointments_of(db, shop)
    assert appointment.source is AppointmentSource.WALK_IN
    assert appointment.staff_id == shop.staff["maria"].id
    assert appointment.service_type_id == shop.services["manipedi"].id
    assert appointment.starts_at.astimezone(MX) == datetime(2026, 1, 16, 11, 30, tzinfo=MX)
    async with db.session() as s:
        customer = await s.get(Customer, appointment.customer_id)
    assert (customer.name, customer.phone_number) == ("Ana", "+525598765432")


async def test_example_6_owner_marks_a_no_show_and_messages_the_customer(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    roberto = await add_customer(db, shop, "+525520000005", "Roberto García", verified=clock())
    appointment = await add_appointment(db, shop, roberto, "corte", "pedro", TODAY, time(15), clock())
    clock.set(datetime(2026, 1, 16, 15, 40, tzinfo=MX))
    chat = Chat(rules_app, db, "+525512345001", shop.number)

    asked = await chat.say("El de las 3 no llegó")
    assert asked == "¿Te refieres a la cita de Roberto García a las 3:00 PM (Corte)?"
    marked = await chat.say("Si")
    assert marked == "Marqué la cita como no-show ✓ ¿Quieres que le envíe un mensaje a Roberto?"
    sent = await chat.say("Si, dile que esperamos que esté bien y que nos avise para reagendar")
    message = ("Hola Roberto, notamos que no pudiste llegar a tu cita de hoy. Esperamos que todo esté bien. "
               "Cuando gustes, escríbenos para reagendar. - Barbería Don Carlos")
    assert sent == f'Enviado ✓ Le mandé: "{message}"'

    [stored] = await appointments_of(db, shop)
    assert stored.id == appointment.id and stored.status is AppointmentStatus.NO_SHOW
    assert [m.body for m in await outbound_to(db, "+525520000005")] == [message]


async def test_example_7_owner_adds_a_staff_member(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345001", shop.number)

    assert await chat.say("Quiero agregar un nuevo empleado") == "¡Claro! Necesito algunos datos:\n1. ¿Cómo se llama?"
    assert await chat.say("Pedro Hernández") == "2. ¿Cuál es su número de WhatsApp?"
    assert await chat.say("55 1111 2222") == ("3. ¿Qué servicios va a ofrecer Pedro?\n• Corte de cabello\n"
                                              "• Arreglo de barba\n• Corte y barba")
    added = await chat.say("Todos")
    assert added.startswith("Perfecto. Agregué a Pedro Hernández (55 1111 2222) como empleado ✓")
    assert added.endswith("¿Quieres que le mande un mensaje de bienvenida explicándole cómo usar Parlo?")
    assert await chat.say("Si") == "Enviado ✓"

    async with db.session() as s:
        pedro = await s.scalar(select(Staff).where(Staff.phone_number == "+525511112222"))
    assert pedro.name == "Pedro Hernández" and pedro.permission_level is PermissionLevel.STAFF
    [welcome] = await outbound_to(db, "+525511112222")
    assert welcome.template_name == "employee_welcome"
