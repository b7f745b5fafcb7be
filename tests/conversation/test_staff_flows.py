"""Staff and owners on the rule engine: permissions from the matrix, quick changes, onboarding."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from messaging.templates import render
from resolvers.staff_members import hours_chosen

from storage.ids import new_id
from storage import (
    AppointmentStatus,
    AuthToken,
    Availability,
    AvailabilityKind,
    Location,
    OnboardingKind,
    OnboardingSession,
    Organization,
    PermissionLevel,
    ServiceType,
    Staff,
)
from tests.conversation.kit import (
    MX,
    Chat,
    add_appointment,
    add_customer,
    appointments_of,
    don_carlos,
    outbound_to,
)

TODAY = date(2026, 1, 16)


async def _viewer(db, shop, now) -> Staff:
    async with db.transaction(write=True) as s:
        vero = Staff(id=new_id(), organization_id=shop.org.id, name="Vero Díaz", phone_number="+525512345003",
                     permission_level=PermissionLevel.VIEWER, first_message_at=now, created_at=now, updated_at=now)
        vero.services = []
        s.add(vero)
    return vero


async def test_a_viewer_sees_the_schedule_but_cannot_block_time(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await _viewer(db, shop, clock())
    chat = Chat(rules_app, db, "+525512345003", shop.number)
    assert await chat.say("mi agenda de hoy") == "Hola Vero, hoy viernes no tienes citas; estás libre de 10:00 AM a 8:00 PM."
    refused = await chat.say("bloquea de 2 a 3")
    assert refused == "No tienes permiso para hacer esto." or "permiso" in refused
    async with db.session() as s:
        assert (await s.scalars(select(Availability))).all() == []


async def test_staff_cannot_change_business_hours_but_the_owner_can(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    pedro = Chat(rules_app, db, "+525512345002", shop.number)
    await pedro.say("cambia el horario: de lunes a viernes de 9 a 6")
    refused = await pedro.say("sí")
    assert refused == "Solo el dueño puede cambiar el horario del negocio."

    carlos = Chat(rules_app, db, "+525512345001", shop.number)
    summary = await carlos.say("cambia el horario: de lunes a viernes de 9 a 6")
    assert "• Lunes a viernes: 9:00 AM - 6:00 PM\n• Sábado: 10:00 AM - 8:00 PM\n• Domingo: cerrado" in summary
    assert summary.endswith("¿Lo cambio?")
    assert (await carlos.say("va")).startswith("Listo, cambié el horario ✓")
    async with db.session() as s:
        location = await s.scalar(select(Location).where(Location.organization_id == shop.org.id))
    assert location.business_hours["0"] == [["09:00", "18:00"]]
    assert location.business_hours["5"] == [["10:00", "20:00"]]


async def test_the_owner_changes_a_price_after_confirming(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    carlos = Chat(rules_app, db, "+525512345001", shop.number)
    asked = await carlos.say("sube el precio del corte a 180")
    assert asked == "¿Cambio Corte de cabello a precio $180?"
    done = await carlos.say("si")
    assert done.startswith("Listo ✓ El corte de cabello ahora dura 45 min y cuesta $180.")
    async with db.session() as s:
        corte = await s.get(ServiceType, shop.services["corte"].id)
    assert corte.price_cents == 18000


async def test_dashboard_link_goes_through_the_magic_link_path(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    answer = await chat.say("mándame el link del panel")
    assert answer.startswith("Listo, te mandé por WhatsApp la liga para entrar al panel ✓")
    links = [m for m in await outbound_to(db, "+525512345002") if m.template_name == "magic_link"]
    assert len(links) == 1 and "sign_in_token_id" in links[0].template_variables  # the URL is rendered on the wire
    async with db.session() as s:
        assert len((await s.scalars(select(AuthToken))).all()) == 1


async def test_whats_next_and_completed(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525520000001", "Juan Pérez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", TODAY, time(10), clock())
    luis = await add_customer(db, shop, "+525520000003", "Luis Ramírez", verified=clock())
    await add_appointment(db, shop, luis, "barba", "pedro", TODAY, time(12), clock())
    clock.set(datetime(2026, 1, 16, 10, 50, tzinfo=MX))
    chat = Chat(rules_app, db, "+525512345002", shop.number)

    upcoming = await chat.say("que sigue?")
    assert upcoming.startswith("Tu siguiente cita es a las 12:00 PM: Arreglo de barba con Luis Ramírez.") or \
        upcoming.startswith("Tu siguiente cita es a las 10:00 AM")
    asked = await chat.say("ya terminé con el de las 10")
    assert asked == "¿Te refieres a la cita de Juan Pérez a las 10:00 AM (Corte)?"
    assert await chat.say("sí") == "Listo, marqué la cita como completada ✓"
    statuses = [a.status for a in await appointments_of(db, shop)]
    assert statuses == [AppointmentStatus.COMPLETED, AppointmentStatus.CONFIRMED]


async def test_customer_history_by_phone(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    ana = await add_customer(db, shop, "+525598765432", "Ana López", verified=clock())
    await add_appointment(db, shop, ana, "corte", "pedro", date(2026, 1, 9), time(12), clock() - timedelta(days=7))
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    answer = await chat.say("este cliente ha venido antes? 55 9876 5432")
    assert answer.startswith("👤 Ana López (55 9876 5432): 1 visita, la última el viernes 9 de enero")


async def test_unblocking_frees_the_time(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    assert (await chat.say("bloquea de 2 a 3 para mi comida")).startswith("Listo, bloqueé de las 2:00 PM a las 3:00 PM ✓")
    assert (await chat.say("desbloquea las 2")).startswith("Listo, quité el bloqueo de 2:00 PM a 3:00 PM ✓")
    async with db.session() as s:
        assert (await s.scalars(select(Availability).where(Availability.kind == AvailabilityKind.BLOCK))).all() == []


async def test_a_new_staff_member_onboards_on_their_first_messages(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    async with db.transaction(write=True) as s:
        nuevo = Staff(id=new_id(), organization_id=shop.org.id, name="Pedro Hernández",
                      phone_number="+525511112222", permission_level=PermissionLevel.STAFF,
                      settings={"hours_chosen": False},  # added on the dashboard, hours not chosen yet
                      created_at=clock(), updated_at=clock())
        nuevo.services = []
        s.add(nuevo)
    chat = Chat(rules_app, db, "+5215511112222", shop.number)

    welcome = await chat.say("Hola")
    assert "¡Hola, Pedro! Soy Parlo, la asistente de Barbería Don Carlos. Carlos te agregó al equipo" in welcome
    assert "¿qué días y en qué horario trabajas?" in welcome  # the owner gave the name: only the hours are missing
    tutorial = await chat.say("de martes a sábado de 10 a 7")
    assert tutorial.startswith("Listo, guardé tu horario ✓") and "«¿Qué tengo hoy?»" in tutorial
    await chat.say("sí, gracias")
    async with db.session() as s:
        row = await s.scalar(select(OnboardingSession).where(OnboardingSession.staff_id == nuevo.id))
        hours = (await s.scalars(select(Availability).where(Availability.staff_id == nuevo.id))).all()
    assert row.state == "completed"
    assert sorted(h.day_of_week for h in hours) == [1, 2, 3, 4, 5]
    [told] = [m for m in await outbound_to(db, "+525512345001") if m.template_name == "staff_onboarding_completed"]
    assert render(told.template_name, told.template_variables, now=clock()).body.startswith(
        "✅ Pedro Hernández terminó su registro y ya maneja su agenda de Barbería Don Carlos por WhatsApp")
    assert "no tienes citas" in await chat.say("qué tengo hoy?")  # now routed as staff


async def test_a_new_business_signs_up_on_the_central_number(rules_app, db, clock):
    chat = Chat(rules_app, db, "+5215544443333", "+525500000000")
    assert (await chat.say("Hola, me interesa Parlo")).endswith("¿Cómo se llama tu negocio?")
    assert "¿Qué tipo de negocio es?" in await chat.say("Estética Lupita")
    assert "tus servicios" in await chat.say("salón de belleza")
    noted = await chat.say("Corte $150 45 min, Tinte $600 2 hr, Manicure $200 45 min")
    assert "• Tinte - $600 (2 hr)" in noted and noted.endswith("domingos cerrado».")
    assert (await chat.say("de lunes a sábado de 10 a 8")).startswith("¿Quién más atiende contigo?")
    assert await chat.say("Rosa 55 1111 2222 y Memo Díaz 55 3333 4444") == "¡Ya casi! ¿Cuál es tu nombre?"
    done = await chat.say("Lupita Gómez")
    assert done.startswith("¡Listo, Lupita! Estética Lupita ya está dada de alta en Parlo ✓\n\n"
                           "También registré a Rosa, Memo Díaz")

    async with db.session() as s:
        org = await s.scalar(select(Organization).where(Organization.name == "Estética Lupita"))
        services = (await s.scalars(select(ServiceType).where(ServiceType.organization_id == org.id))).all()
        owner = await s.scalar(select(Staff).where(Staff.organization_id == org.id,
                                                   Staff.permission_level == PermissionLevel.OWNER))
        team = (await s.scalars(select(Staff).where(Staff.organization_id == org.id,
                                                    Staff.permission_level == PermissionLevel.STAFF))).all()
        location = await s.scalar(select(Location).where(Location.organization_id == org.id))
        session = await s.scalar(select(OnboardingSession).where(OnboardingSession.kind == OnboardingKind.BUSINESS))
    assert org.business_type == "salón de belleza"
    assert sorted((x.name, x.price_cents, x.duration_minutes) for x in services) == [
        ("Corte", 15000, 45), ("Manicure", 20000, 45), ("Tinte", 60000, 120)]
    assert (owner.name, owner.phone_number, owner.permission_level) == ("Lupita Gómez", "+525544443333",
                                                                        PermissionLevel.OWNER)
    assert location.business_hours["5"] == [["10:00", "20:00"]] and "6" not in location.business_hours
    assert session.state == "completed" and session.organization_id == org.id
    assert sorted((m.name, m.phone_number) for m in team) == [("Memo Díaz", "+525533334444"),
                                                              ("Rosa", "+525511112222")]
    # The people the owner listed work the business's hours from the start (a newcomer added on
    # the dashboard waits for hours instead: resolvers.staff_members.HOURS_CHOSEN).
    assert all(hours_chosen(m) for m in team)


async def test_the_owner_changes_permissions_and_removes_staff(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    carlos = Chat(rules_app, db, "+525512345001", shop.number)
    assert await carlos.say("cambia a Pedro a administrador") == "¿Cambio a Pedro Ramírez a administrador?"
    assert await carlos.say("sí") == "Listo ✓ Pedro Ramírez ahora es administrador."
    assert await carlos.say("quita a Pedro del equipo") == \
        "¿Seguro que quieres dar de baja a Pedro Ramírez? Ya no podrá usar Parlo ni recibir citas."
    assert await carlos.say("sí") == "Listo, di de baja a Pedro Ramírez ✓"
    async with db.session() as s:
        pedro = await s.get(Staff, shop.staff["pedro"].id)
    assert pedro.permission_level is PermissionLevel.ADMIN and pedro.is_active is False


async def test_owners_see_the_business_figures_and_staff_only_their_own(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525520000001", "Juan Pérez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", TODAY, time(12), clock())
    await add_appointment(db, shop, juan, "barba", "carlos", date(2026, 1, 20), time(12), clock())
    owner = await Chat(rules_app, db, "+525512345001", shop.number).say("cuantas citas llevamos este mes?")
    assert owner.startswith("Este mes hay 2 citas en total.")
    staff = await Chat(rules_app, db, "+525512345002", shop.number).say("cuantas citas llevamos este mes?")
    assert staff.startswith("Este mes tienes 1 cita.")
    assert staff.endswith("(Los números de todo el negocio solo los ven el dueño y los administradores.)")


async def test_staff_message_a_customer_after_confirming(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await add_customer(db, shop, "+525520000005", "Roberto García", verified=clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    asked = await chat.say("dile a Roberto García que ya está lista su cita")
    assert asked == ('¿Le mando esto a Roberto García?\n"Hola Roberto, ya está lista su cita. - Barbería Don Carlos"')
    assert await chat.say("sí") == "Enviado ✓"
    assert [m.body for m in await outbound_to(db, "+525520000005")] == [
        "Hola Roberto, ya está lista su cita. - Barbería Don Carlos"]


async def test_a_thumbs_up_after_a_task_needs_no_answer(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    await chat.say("bloquea de 2 a 3 para mi comida")
    assert await chat.send("👍") == []


async def test_another_staff_members_agenda(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525520000001", "Juan Pérez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", TODAY, time(12), clock())
    answer = await Chat(rules_app, db, "+525512345001", shop.number).say("agenda de Pedro")
    assert answer.startswith("Agenda de Pedro Ramírez para hoy viernes:") and "12:00 PM - Corte - Juan Pérez" in answer


async def test_the_owner_rebooks_an_absent_stylists_day_after_confirming(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    saturday = date(2026, 1, 17)
    juan = await add_customer(db, shop, "+525520000001", "Juan Pérez", verified=clock())
    luis = await add_customer(db, shop, "+525520000003", "Luis Ramírez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", saturday, time(11), clock())
    await add_appointment(db, shop, luis, "barba", "pedro", saturday, time(13), clock())
    carlos = Chat(rules_app, db, "+525512345001", shop.number)

    plan = await carlos.say("Pedro se enfermó, no viene mañana")
    assert plan.startswith("Pedro Ramírez no viene mañana sábado.\nMuevo 2 de 2 citas:")
    assert "1) Juan Pérez, corte de cabello, 11:00 AM con Pedro → 11:00 AM con Carlos" in plan
    assert plan.endswith("También bloqueo a Pedro en tu agenda esos días.\n"
                         "¿Aplico todo? Responde «aplica todo», «aplica 1, 3» o «no».")
    assert {a.staff_id for a in await appointments_of(db, shop)} == {shop.staff["pedro"].id}  # nothing yet

    assert (await carlos.say("sí")).startswith("Listo ✓ Moví 2 citas y les avisé a los clientes.")
    assert {a.staff_id for a in await appointments_of(db, shop)} == {shop.staff["carlos"].id}
    async with db.session() as s:
        blocks = (await s.scalars(select(Availability).where(Availability.staff_id == shop.staff["pedro"].id))).all()
    assert len(blocks) == 1  # his day is off the calendar now

    staff_refused = await Chat(rules_app, db, "+525512345002", shop.number).say("Carlos no viene mañana")
    assert "administrador" in staff_refused


async def test_the_owner_applies_only_the_moves_they_pick(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    saturday = date(2026, 1, 17)
    juan = await add_customer(db, shop, "+525520000001", "Juan Pérez", verified=clock())
    luis = await add_customer(db, shop, "+525520000003", "Luis Ramírez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", saturday, time(11), clock())
    await add_appointment(db, shop, luis, "barba", "pedro", saturday, time(13), clock())
    carlos = Chat(rules_app, db, "+525512345001", shop.number)

    plan = await carlos.say("Pedro se enfermó, no viene mañana")
    first_line = next(line for line in plan.splitlines() if line.startswith("1) "))
    assert "no tiene el 7" in (await carlos.say("aplica la 7"))  # not on the list: asked again, nothing moved
    assert {a.staff_id for a in await appointments_of(db, shop)} == {shop.staff["pedro"].id}

    assert (await carlos.say("aplica 1")).startswith("Listo ✓ Moví 1 cita")
    moved = {a.customer_id: a.staff_id for a in await appointments_of(db, shop)}
    first_customer = juan if "Juan" in first_line else luis
    other = luis if first_customer is juan else juan
    assert moved[first_customer.id] == shop.staff["carlos"].id
    assert moved[other.id] == shop.staff["pedro"].id  # the owner kept this one for later


async def test_the_owners_first_message_gets_the_tutorial_not_an_invitation(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    async with db.transaction(write=True) as s:
        owner = await s.get(Staff, shop.staff["carlos"].id)
        owner.first_message_at = None
    chat = Chat(rules_app, db, "+525512345001", shop.number)
    hello = await chat.say("hola")
    assert hello.startswith("¡Hola, Carlos! Ya estoy contestando el WhatsApp de Barbería Don Carlos 🙌")
    assert "no tienes citas" in await chat.say("qué tengo hoy")


async def test_staff_cancel_an_appointment_and_the_customer_is_told(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525520000001", "Juan Pérez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", TODAY, time(16), clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    assert await chat.say("cancela la cita de las 4") == "¿Te refieres a la cita de Juan Pérez a las 4:00 PM (Corte)?"
    assert await chat.say("sí") == "Listo, cancelé la cita ✓ Le avisé a Juan por WhatsApp."
    [appointment] = await appointments_of(db, shop)
    assert appointment.status is AppointmentStatus.CANCELLED
    assert [m.template_name for m in await outbound_to(db, "+525520000001")] == ["appointment_cancelled"]


async def test_a_walk_in_of_a_known_customer_in_one_message(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    await add_customer(db, shop, "+525598765432", "Ana López", verified=clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    done = await chat.say("acaba de llegar alguien para corte, su cel es 55 9876 5432")
    assert done == "Listo ✓ Registré a Ana López (55 9876 5432) para Corte de cabello ahora a las 10:00 AM contigo."


async def test_staff_book_for_a_customer_by_phone(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    asked = await chat.say("agenda a Juan Pérez 55 1234 5678 un corte mañana a las 4")
    assert asked == "¿Agendo a Juan Pérez (55 1234 5678) para Corte de cabello mañana sábado a las 4:00 PM?"
    done = await chat.say("sí")
    assert done.startswith("Listo ✓ Agendé a Juan Pérez para Corte de cabello mañana sábado a las 4:00 PM con ")
    [appointment] = await appointments_of(db, shop)
    assert appointment.starts_at.astimezone(MX) == datetime(2026, 1, 17, 16, tzinfo=MX)
    assert [m.template_name for m in await outbound_to(db, "+525512345678")] == ["appointment_confirmation"]


async def test_staff_book_for_a_customer_step_by_step(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    assert await chat.say("quiero agendar a un cliente") == \
        "¿Cuál es el teléfono del cliente? Le mando la confirmación por WhatsApp."
    assert await chat.say("55 1234 5678") == "¿A nombre de quién?"
    assert (await chat.say("Luis Ramírez")).startswith("¿Qué servicio?")
    assert await chat.say("barba") == "¿Qué día y a qué hora? Por ejemplo: «mañana a las 4»."
    assert await chat.say("el lunes a las 11") == \
        "¿Agendo a Luis Ramírez (55 1234 5678) para Arreglo de barba el lunes a las 11:00 AM?"
    assert (await chat.say("va")).startswith("Listo ✓ Agendé a Luis Ramírez para Arreglo de barba el lunes")


async def test_staff_move_a_customers_appointment(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525520000001", "Juan Pérez", verified=clock())
    await add_appointment(db, shop, juan, "corte", "pedro", TODAY, time(15), clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    asked = await chat.say("mueve la cita de las 3 a las 5")
    assert asked == "¿Muevo la cita de Juan Pérez (Corte) de las 3:00 PM a las 5:00 PM? Le aviso por WhatsApp."
    assert await chat.say("sí") == "Listo ✓ Moví la cita de Juan Pérez a las 5:00 PM. Ya le avisé."
    [appointment] = await appointments_of(db, shop)
    assert appointment.starts_at.astimezone(MX) == datetime(2026, 1, 16, 17, tzinfo=MX)
    assert [m.template_name for m in await outbound_to(db, "+525520000001")] == ["appointment_rescheduled"]


async def test_an_owner_coming_back_later_continues_adding_staff(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    carlos = Chat(rules_app, db, "+525512345001", shop.number)
    await carlos.say("Quiero agregar un nuevo empleado")
    clock.advance(timedelta(hours=3))
    resumed = await carlos.send("Pedro Hernández")
    assert resumed == ["¡Qué gusto que sigas por aquí! Sigamos donde nos quedamos.", "2. ¿Cuál es su número de WhatsApp?"]


async def test_a_walk_in_without_phone_takes_the_name_given_instead_of_the_number(rules_app, db, clock):
    """Asked for the phone, a stylist often answers with the name: that is a walk-in with no phone."""
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    asked = await chat.say("me llego un cliente sin cita pa un corte ahorita")
    assert "teléfono" in asked
    done = await chat.say("Memo")
    assert done.startswith("Listo ✓ Registré a Memo para Corte de cabello ahora"), done
    [appointment] = await appointments_of(db, shop)
    assert appointment.starts_at.astimezone(MX) == datetime(2026, 1, 16, 10, tzinfo=MX)


async def test_a_walk_in_answered_no_then_the_name_in_one_message(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    await chat.say("llegó alguien sin cita para corte")
    done = await chat.say("no, se llama Ramiro Soto")
    assert done.startswith("Listo ✓ Registré a Ramiro Soto para Corte de cabello ahora"), done


async def test_a_walk_in_without_phone_still_asks_the_name_when_only_no_is_said(rules_app, db, clock):
    shop = await don_carlos(db, clock())
    chat = Chat(rules_app, db, "+525512345002", shop.number)
    await chat.say("llegó alguien sin cita para corte")
    assert await chat.say("no trae teléfono") == "Va. ¿Nombre?"
    assert (await chat.say("Lupe")).startswith("Listo ✓ Registré a Lupe para Corte de cabello ahora")
