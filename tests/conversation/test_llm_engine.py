"""The LLM engine against a scripted fake OpenAI: the spec's examples, the guards, the fallback."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import select

from messaging.templates import render

from resolvers.staff_members import hours_chosen
from storage import (
    AppointmentStatus,
    Availability,
    AvailabilityKind,
    Conversation,
    ConversationStatus,
    Customer,
    FunctionTrace,
    PermissionLevel,
    Staff,
)
from tests.conversation.fake_openai import call, calls, fail, last_tool_result, slow, \
    system_prompt, text
from tests.conversation.kit import (
    MX,
    Chat,
    add_appointment,
    add_customer,
    appointments_of,
    don_carlos,
    outbound_to,
    unas_bonitas,
)

SATURDAY = date(2026, 1, 17)
TODAY = date(2026, 1, 16)


def _times(result: dict) -> str:
    return "\n".join(f"• {s['start'][11:16]}" for s in result["slots"][:4])


async def test_example_1_booking_on_the_llm(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    corte = str(shop.services["corte"].id)
    fake.then(
        text("¡Hola! Bienvenido a Barbería Don Carlos. ¿En qué puedo ayudarte?"),
        text("¡Claro! ¿Para qué día te gustaría agendar tu corte?"),
        call("check_availability", {"service_id": corte, "date_from": "2026-01-17", "part_of_day": "tarde"}),
        lambda req: {"role": "assistant", "content": "Mañana sábado tengo:\n" + _times(last_tool_result(req))},
        call("book_appointment", {"service_id": corte, "start_time": "2026-01-17T16:00"}),
        text("Listo, te agendé tu corte para mañana sábado a las 4:00 PM. ¿Me confirmas tu nombre para la cita?"),
        call("update_my_name", {"name": "Juan Pérez"}),
        text("¡Perfecto, Juan! Tu cita está confirmada."),
        text("¡Con gusto! Que tengas buena tarde. 👋"),
    )
    async with llm_app() as http:
        chat = Chat(http, db, "+5215511112222", shop.number)
        assert await chat.say("Hola buenas tardes") == "¡Hola! Bienvenido a Barbería Don Carlos. ¿En qué puedo ayudarte?"
        prompt = system_prompt(fake.requests[0])
        assert "Eres Parlo, la asistente virtual de Barbería Don Carlos" in prompt
        assert f"Corte de cabello: $150, 45 min (id {corte})" in prompt
        assert "viernes 16 de enero de 2026, 10:00 AM" in prompt and "No proporcionado aún" in prompt
        assert fake.requests[0]["parallel_tool_calls"] is False
        assert "check_availability" in fake.tool_names() and "block_time" not in fake.tool_names()
        await chat.say("Quiero una cita para un corte")
        offered = await chat.say("Mañana en la tarde")
        assert "• 12:00" in offered or "• 16:00" in offered
        assert "¿Me confirmas tu nombre" in await chat.say("A las 4")
        await chat.say("Juan Pérez")
        await chat.say("Gracias")
        history = fake.requests[-1]["messages"]
        assert [m["role"] for m in history[1:3]] == ["user", "assistant"]  # earlier turns are sent back

    [appointment] = await appointments_of(db, shop)
    assert appointment.starts_at.astimezone(MX) == datetime(2026, 1, 17, 16, tzinfo=MX)
    async with db.session() as s:
        customer = await s.get(Customer, appointment.customer_id)
        traces = (await s.scalars(select(FunctionTrace).order_by(FunctionTrace.created_at, FunctionTrace.id))).all()
    assert customer.name == "Juan Pérez"
    assert [t.function_name for t in traces if t.function_name != "get_customer_appointments"] == [
        "check_availability", "book_appointment", "update_my_name"]


async def test_example_2_rescheduling_on_the_llm(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    juan = await add_customer(db, shop, "+525511112222", "Juan Pérez", verified=clock())
    appointment = await add_appointment(db, shop, juan, "corte", "pedro", SATURDAY, time(16), clock())
    corte = str(shop.services["corte"].id)
    fake.then(
        text("Hola Juan, claro que sí. Veo que tienes una cita para corte mañana sábado a las 4:00 PM. "
             "¿Para cuándo te gustaría cambiarla?"),
        call("check_availability", {"service_id": corte, "date_from": "2026-01-19"}),
        text("El lunes tengo 10:00 AM, 11:30 AM y 2:00 PM. ¿Cuál prefieres?"),
        call("reschedule_appointment", {"appointment_id": str(appointment.id), "new_start_time": "2026-01-19T11:30"}),
        text("Listo, cambié tu cita para el lunes a las 11:30 AM. ¿Todo bien?"),
    )
    async with llm_app() as http:
        chat = Chat(http, db, "+5215511112222", shop.number)
        await chat.say("Hola, necesito cambiar mi cita de mañana")
        prompt = system_prompt(fake.requests[0])
        assert f"appointment_id {appointment.id}" in prompt and "Juan Pérez (confirmado" in prompt
        await chat.say("Para el lunes si hay espacio")
        assert await chat.say("11:30") == "Listo, cambié tu cita para el lunes a las 11:30 AM. ¿Todo bien?"
    [moved] = await appointments_of(db, shop)
    assert moved.starts_at.astimezone(MX) == datetime(2026, 1, 19, 11, 30, tzinfo=MX)


async def test_example_3_handoff_on_the_llm(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    fake.then(call("handoff_to_human", {"reason": "pregunta si hacen tintes para hombre"}),
              text("Por ahora tenemos corte de cabello y arreglo de barba. Ya le avisé a Carlos, te contactará pronto."))
    async with llm_app() as http:
        chat = Chat(http, db, "+5215512345678", shop.number)
        assert "Ya le avisé a Carlos" in await chat.say("Oye quiero saber si hacen tintes para hombre")
        assert await chat.send("¿hola?") == []  # quiet while the owner has it
    [note] = await outbound_to(db, "+525512345001")
    notice = render(note.template_name, note.template_variables, now=clock()).body
    assert "tintes para hombre" in notice and "+52 55 1234 5678" in notice
    async with db.session() as s:
        conversation = await s.scalar(select(Conversation).where(Conversation.phone_number == "+525512345678"))
    assert conversation.status is ConversationStatus.HANDED_OFF
    assert len(fake.requests) == 2


async def test_example_4_schedule_and_block_on_the_llm(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    fake.then(call("get_my_schedule", {"date": "2026-01-16"}),
              text("Hola Pedro, hoy no tienes citas."),
              call("block_time", {"start_time": "2026-01-16T16:00", "end_time": "2026-01-16T17:00",
                                  "reason": "salir temprano"}),
              text("Listo, bloqueé las 4:00 PM ✓"))
    async with llm_app() as http:
        chat = Chat(http, db, "+525512345002", shop.number)
        await chat.say("Qué tengo hoy?")
        assert "block_time" in fake.tool_names() and "add_staff" not in fake.tool_names()
        assert "Estás hablando con Pedro Ramírez, que es empleado" in system_prompt(fake.requests[0])
        assert await chat.say("Bloquea las 4, tengo que salir temprano") == "Listo, bloqueé las 4:00 PM ✓"
    async with db.session() as s:
        [block] = (await s.scalars(select(Availability).where(Availability.kind == AvailabilityKind.BLOCK))).all()
    assert block.staff_id == shop.staff["pedro"].id
    assert block.starts_at.astimezone(MX).time() == time(16) and block.ends_at.astimezone(MX).time() == time(17)


async def test_example_5_walk_in_on_the_llm(llm_app, fake, db, clock):
    shop = await unas_bonitas(db, clock())
    clock.set(datetime(2026, 1, 16, 11, 30, tzinfo=MX))
    fake.then(text("¿Qué servicio quiere? Manicure, Pedicure o Mani + Pedi"), text("¿Tienes su teléfono?"),
              text("Registrado. ¿Nombre?"),
              call("book_walk_in", {"service_id": str(shop.services["manipedi"].id), "customer_phone": "55 9876 5432",
                                    "customer_name": "Ana", "staff_id": str(shop.staff["maria"].id)}),
              text("Listo ✓ Registré a Ana para Mani + Pedi ahora a las 11:30 AM contigo."))
    async with llm_app() as http:
        chat = Chat(http, db, "+525512340002", shop.number)
        for line in ("Acaba de llegar alguien para uñas", "Mani pedi", "55 9876 5432", "Ana"):
            await chat.say(line)
    [appointment] = await appointments_of(db, shop)
    assert appointment.staff_id == shop.staff["maria"].id
    assert appointment.starts_at.astimezone(MX) == datetime(2026, 1, 16, 11, 30, tzinfo=MX)


async def test_example_6_no_show_on_the_llm(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    roberto = await add_customer(db, shop, "+525520000005", "Roberto García", verified=clock())
    appointment = await add_appointment(db, shop, roberto, "corte", "pedro", TODAY, time(15), clock())
    clock.set(datetime(2026, 1, 16, 15, 40, tzinfo=MX))
    message = "Hola Roberto, notamos que no pudiste llegar a tu cita de hoy. - Barbería Don Carlos"
    fake.then(call("find_appointments", {"date": "2026-01-16", "time": "15:00"}),
              lambda req: {"role": "assistant", "content": "¿Te refieres a la cita de "
                           f"{last_tool_result(req)['appointments'][0]['customer']} a las 3:00 PM (Corte)?"},
              call("mark_appointment_status", {"appointment_id": str(appointment.id), "status": "no_show"}),
              text("Marqué la cita como no-show ✓ ¿Quieres que le envíe un mensaje a Roberto?"),
              call("send_message_to_customer", {"customer_phone": "+525520000005", "message": message}),
              text(f'Enviado ✓ Le mandé: "{message}"'))
    async with llm_app() as http:
        chat = Chat(http, db, "+525512345001", shop.number)
        assert await chat.say("El de las 3 no llegó") == "¿Te refieres a la cita de Roberto García a las 3:00 PM (Corte)?"
        await chat.say("Si")
        await chat.say("Si, dile que esperamos que esté bien")
    [stored] = await appointments_of(db, shop)
    assert stored.status is AppointmentStatus.NO_SHOW
    assert [m.body for m in await outbound_to(db, "+525520000005")] == [message]


async def test_a_stylist_notes_what_she_used_after_the_visit_on_the_llm(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    roberto = await add_customer(db, shop, "+525520000005", "Roberto García", verified=clock())
    appointment = await add_appointment(db, shop, roberto, "corte", "pedro", TODAY, time(15), clock())
    clock.set(datetime(2026, 1, 16, 16, 0, tzinfo=MX))
    fake.then(call("set_appointment_notes", {"appointment_id": str(appointment.id), "notes": "Degradado con 1.5"}),
              lambda req: {"role": "assistant", "content": f"Anoté: {last_tool_result(req)['notes']} ✓"})
    async with llm_app() as http:
        chat = Chat(http, db, "+525512345001", shop.number)
        assert await chat.say("Anota en la cita de Roberto de las 3 que fue degradado con 1.5") == \
            "Anoté: Degradado con 1.5 ✓"
    [stored] = await appointments_of(db, shop)
    assert stored.notes == "Degradado con 1.5"


async def test_example_7_add_staff_on_the_llm(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    fake.then(text("¡Claro! ¿Cómo se llama?"), text("¿Cuál es su número de WhatsApp?"), text("¿Qué servicios?"),
              call("add_staff", {"name": "Pedro Hernández", "phone": "55 1111 2222",
                                 "service_ids": [str(s.id) for s in shop.services.values()]}),
              lambda req: {"role": "assistant", "content": "Agregué a Pedro ✓ ¿Le mando la bienvenida?"},
              lambda req: call("send_staff_welcome", {"staff_id": _new_staff_id(req)})(req),
              text("Enviado ✓"))
    async with llm_app() as http:
        chat = Chat(http, db, "+525512345001", shop.number)
        for line in ("Quiero agregar un nuevo empleado", "Pedro Hernández", "55 1111 2222", "Todos", "Si"):
            await chat.say(line)
    async with db.session() as s:
        pedro = await s.scalar(select(Staff).where(Staff.phone_number == "+525511112222"))
    assert pedro.permission_level is PermissionLevel.STAFF
    assert hours_chosen(pedro), "added on WhatsApp, Pedro works the business's hours at once"
    [welcome] = await outbound_to(db, "+525511112222")
    assert welcome.template_name == "employee_welcome"


def _new_staff_id(request) -> str:
    """The model reads ids from earlier tool results; here from the system prompt's team list."""
    prompt = system_prompt(request)
    line = next(line for line in prompt.splitlines() if "Pedro Hernández" in line)
    return line.split("staff_id ")[1].rstrip(")")


# ---------------------------------------------------------------- guards and fallback


async def test_a_time_check_availability_never_returned_is_refused(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    corte = str(shop.services["corte"].id)
    fake.then(call("book_appointment", {"service_id": corte, "start_time": "2026-01-17T16:00"}),
              lambda req: {"role": "assistant", "content": "Déjame revisar horarios." if
                           last_tool_result(req)["error"] == "ValidationError" else "Agendado"})
    async with llm_app() as http:
        chat = Chat(http, db, "+5215511112222", shop.number)
        assert await chat.say("agéndame un corte mañana a las 4") == "Déjame revisar horarios."
    assert await appointments_of(db, shop) == []


async def test_only_one_write_runs_per_round(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    corte = str(shop.services["corte"].id)
    fake.then(call("check_availability", {"service_id": corte, "date_from": "2026-01-17"}),
              calls(call("book_appointment", {"service_id": corte, "start_time": "2026-01-17T16:00"}),
                    call("book_appointment", {"service_id": corte, "start_time": "2026-01-17T17:00"})),
              text("Listo"))
    async with llm_app() as http:
        chat = Chat(http, db, "+5215511112222", shop.number)
        await chat.say("dos cortes mañana, a las 4 y a las 5")
    assert len(await appointments_of(db, shop)) == 1
    refused = [m for m in fake.requests[-1]["messages"] if m["role"] == "tool"][-1]
    assert "Una acción a la vez" in refused["content"]


async def test_an_api_error_is_answered_by_the_rule_engine(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    fake.then(fail(500))
    async with llm_app() as http:
        chat = Chat(http, db, "+5215511112222", shop.number)
        assert await chat.say("Quiero una cita para un corte") == \
            "¡Claro! ¿Para qué día te gustaría agendar tu corte de cabello?"


async def test_a_malformed_answer_is_answered_by_the_rule_engine(llm_app, fake, db, clock):
    """The engine reads OpenAI's answer itself (no pydantic models): a choice without a message is
    an unusable answer, never a crash."""
    shop = await don_carlos(db, clock())
    fake.then(lambda request: (200, {"id": "chatcmpl-x", "object": "chat.completion", "choices": [{"index": 0}]}))
    async with llm_app() as http:
        chat = Chat(http, db, "+5215511112222", shop.number)
        assert await chat.say("Quiero una cita para un corte") == \
            "¡Claro! ¿Para qué día te gustaría agendar tu corte de cabello?"


async def test_the_request_body_is_the_chat_completion_openai_expects(llm_app, fake, db, clock):
    """The body is serialised by the engine, not by ``chat.completions.create``: the same fields,
    the tool definitions as the registry builds them."""
    from messaging.conversation.tools import registry

    shop = await don_carlos(db, clock())
    fake.then(text("¡Hola! ¿En qué te ayudo?"))
    async with llm_app() as http:
        chat = Chat(http, db, "+5215511112222", shop.number)
        assert await chat.say("hola") == "¡Hola! ¿En qué te ayudo?"
    body = fake.requests[0]
    assert body["model"] == "gpt-4.1" and body["tool_choice"] == "auto" and body["parallel_tool_calls"] is False
    assert isinstance(body["max_tokens"], int) and isinstance(body["temperature"], float)
    assert [m["role"] for m in body["messages"]] == ["system", "user"] and body["messages"][1]["content"] == "hola"
    check = next(t for t in body["tools"] if t["function"]["name"] == "check_availability")
    assert check == registry()["check_availability"].openai_schema()


async def test_a_slow_api_times_out_into_the_rule_engine(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    fake.then(slow(3, text("demasiado tarde")))
    async with llm_app(request_timeout=0.3, turn_deadline=0.5) as http:  # in-process ASGI ignores socket timeouts
        chat = Chat(http, db, "+5215511112222", shop.number)
        assert (await chat.say("hola")).startswith("¡Hola! Gracias por escribir a Barbería Don Carlos.")


async def test_a_transient_error_is_retried_by_the_client(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    fake.then(fail(503), text("¡Hola! ¿En qué te ayudo?"))
    async with llm_app(max_retries=1) as http:
        chat = Chat(http, db, "+5215511112222", shop.number)
        assert await chat.say("hola") == "¡Hola! ¿En qué te ayudo?"
    assert len(fake.requests) == 2


async def test_a_failure_after_a_booking_reports_it_instead_of_starting_over(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    corte = str(shop.services["corte"].id)
    fake.then(call("check_availability", {"service_id": corte, "date_from": "2026-01-17"}),
              call("book_appointment", {"service_id": corte, "start_time": "2026-01-17T16:00"}),
              fail(500))
    async with llm_app() as http:
        chat = Chat(http, db, "+5215511112222", shop.number)
        replies = await chat.send("un corte mañana a las 4")
    assert replies[0] == "Listo ✓ Quedó la cita de Corte de cabello el 2026-01-17 a las 4:00 PM." or \
        replies[0].startswith("Listo ✓")
    assert len(await appointments_of(db, shop)) == 1


async def test_a_customer_is_never_offered_staff_tools_and_a_viewer_cannot_block(llm_app, fake, db, clock):
    shop = await don_carlos(db, clock())
    async with db.transaction(write=True) as s:
        vero = Staff(organization_id=shop.org.id, name="Vero Díaz", phone_number="+525512345003",
                     permission_level=PermissionLevel.VIEWER, first_message_at=clock(), created_at=clock(),
                     updated_at=clock())
        vero.services = []
        s.add(vero)
    fake.then(text("¡Hola!"),
              call("block_time", {"start_time": "2026-01-16T14:00", "end_time": "2026-01-16T15:00"}),
              lambda req: {"role": "assistant", "content": last_tool_result(req)["message"]})
    async with llm_app() as http:
        await Chat(http, db, "+5215511112222", shop.number).say("hola")
        customer_tools = set(fake.tool_names())
        assert "handoff_to_human" in customer_tools and not customer_tools & {"block_time", "get_my_schedule",
                                                                             "add_staff", "book_walk_in"}
        refused = await Chat(http, db, "+525512345003", shop.number).say("bloquea de 2 a 3")
        assert "block_time" not in fake.tool_names() and "get_my_schedule" in fake.tool_names()
    assert "permiso" in refused
    async with db.session() as s:
        assert (await s.scalars(select(Availability))).all() == []


async def test_onboarding_is_deterministic_even_with_a_key(llm_app, fake, db, clock):
    async with llm_app() as http:
        chat = Chat(http, db, "+5215544443333", "+525500000000")
        assert (await chat.say("Hola, me interesa Parlo")).endswith("¿Cómo se llama tu negocio?")
    assert fake.requests == []
