"""`parlo init`: a newcomer's own salon from the terminal, answering its first booking."""

from __future__ import annotations

import argparse
import asyncio
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from parlo.explain import CommandError
from parlo.init_business import parse_hours, parse_service, plan_from
from storage import Appointment, AppointmentStatus, Database, Organization, ServiceType, Staff
from tests.parlo.cli_kit import FROZEN_CLOCK, clean_env, fresh_database, parlo

SALON = ["--name", "Estética Lupita", "--whatsapp", "+52 55 8765 0000", "--timezone", "America/Mexico_City",
         "--type", "salón de belleza", "--owner-name", "Lupita García", "--owner-phone", "55 1234 9999",
         "--hours", "lun-vie 10:00-20:00, sáb 10:00-15:00",
         "--service", "Corte de cabello, $150, 45 min", "--service", "Tinte, $450, 1.5 h",
         "--staff", "Ana Ruiz, 55 2222 3333"]


def _read(url: str, query):
    async def run():
        db = Database.connect(url)
        try:
            async with db.session() as session:
                return (await session.execute(query)).all()
        finally:
            await db.dispose()
    return asyncio.run(run())


def test_init_by_flags_then_a_customer_books_through_parlo_chat(tmp_path, dialect):
    with fresh_database(dialect, tmp_path) as url:
        env = clean_env(DATABASE_URL=url, PARLO_CLOCK=FROZEN_CLOCK)
        if dialect == "postgresql":
            assert parlo("migrate", cwd=tmp_path, env=env).returncode == 0
        made = parlo("init", "--no-input", *SALON, cwd=tmp_path, env=env)
        assert made.returncode == 0, made.stderr
        assert "Listo: di de alta «Estética Lupita»" in made.stdout
        assert "/entrar?token=" in made.stdout  # how to sign in, printed right away

        [(org_id, zone, number)] = _read(url, select(Organization.id, Organization.timezone,
                                                     Organization.whatsapp_number))
        assert (zone, number) == ("America/Mexico_City", "+525587650000")
        services = dict(_read(url, select(ServiceType.name, ServiceType.price_cents)))
        assert services == {"Corte de cabello": 15000, "Tinte": 45000}
        team = dict(_read(url, select(Staff.phone_number, Staff.permission_level)))
        assert {phone: str(level) for phone, level in team.items()} == {"+525512349999": "owner",
                                                                         "+525522223333": "staff"}

        # A customer writes to the new salon's number; Parlo may ask to confirm or for a name first.
        answers = {"nombre": "Juan Pérez", "?": "sí"}
        text = "Hola, quiero un corte de cabello mañana a las 11"
        transcript = ""
        for _ in range(4):
            chat = parlo("chat", "--to", "+52 55 8765 0000", "--as", "+5215599990001", "--name", "Juan", "-m", text,
                         "--wait", "8", cwd=tmp_path, env=env)
            assert chat.returncode == 0, chat.stderr
            transcript += chat.stdout
            booked = _read(url, select(Appointment.starts_at, Appointment.status).where(
                Appointment.organization_id == org_id))
            if booked:
                break
            last = [line for line in chat.stdout.splitlines() if line.startswith("parlo › ")][-1].lower()
            text = next((reply for cue, reply in answers.items() if cue in last), "sí")
        assert booked, transcript
        [(starts_at, status)] = booked
        # Saturday 17 January 2026, 11:00 in Mexico City (UTC-6).
        assert starts_at.astimezone(timezone.utc) == datetime(2026, 1, 17, 17, 0, tzinfo=timezone.utc)
        assert status in (AppointmentStatus.CONFIRMED, AppointmentStatus.PENDING)


def test_init_again_changes_nothing_and_then_only_what_changed(tmp_path, dialect):
    with fresh_database(dialect, tmp_path) as url:
        env = clean_env(DATABASE_URL=url, PARLO_CLOCK=FROZEN_CLOCK)
        if dialect == "postgresql":
            assert parlo("migrate", cwd=tmp_path, env=env).returncode == 0
        assert parlo("init", "--no-input", *SALON, cwd=tmp_path, env=env).returncode == 0
        again = parlo("init", "--no-input", *SALON, cwd=tmp_path, env=env)
        assert again.returncode == 0, again.stderr
        assert "ya existía y está igual: no cambié nada" in again.stdout
        changed = parlo("init", "--no-input", *SALON, "--service", "Uñas, $200, 60 min", "--hours",
                        "lunes a sábado de 9 a 7", cwd=tmp_path, env=env)
        assert changed.returncode == 0, changed.stderr
        assert "servicio nuevo: Uñas" in changed.stdout and "horario" in changed.stdout
        assert len(_read(url, select(Organization.id))) == 1
        assert len(_read(url, select(ServiceType.id))) == 3
        # From the Twilio sandbox to the salon's own number: the same salon, moved.
        salon = [("+52 55 8765 1111" if value == "+52 55 8765 0000" else value) for value in SALON]
        moved = parlo("init", "--no-input", *salon, "--previous-whatsapp", "+52 55 8765 0000", cwd=tmp_path, env=env)
        assert moved.returncode == 0, moved.stderr
        assert "WhatsApp +525587650000 → +525587651111" in moved.stdout
        assert _read(url, select(Organization.whatsapp_number)) == [("+525587651111",)]


def test_init_without_a_terminal_names_every_missing_flag_in_one_line(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    done = parlo("init", "--name", "Solo nombre", cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    for flag in ("--whatsapp", "--owner-name", "--owner-phone", "--hours", "--service"):
        assert flag in done.stderr


def test_init_refuses_what_it_cannot_read_with_an_example(tmp_path):
    env = clean_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    bad_hours = parlo("init", "--no-input", *SALON[:-8], "--hours", "todo el día", "--service", "Corte, $150, 45 min",
                      cwd=tmp_path, env=env)
    assert bad_hours.returncode == 1 and "no entendí el horario «todo el día»" in bad_hours.stderr
    bad_zone = parlo("init", "--no-input", *SALON, "--timezone", "Mexico/Narnia", cwd=tmp_path, env=env)
    assert bad_zone.returncode == 1 and "zona horaria «Mexico/Narnia»" in bad_zone.stderr


def _args(**given) -> argparse.Namespace:
    fields = dict(name=None, whatsapp=None, timezone=None, business_type=None, owner_name=None, owner_phone=None,
                  hours=None, service=None, staff=None, no_input=False)
    fields.update(given)
    return argparse.Namespace(**fields)


def test_init_asks_for_what_is_missing_on_a_terminal(capsys):
    answers = iter(["Barbería El Güero", "+52 81 1111 2222", "America/Monterrey", "barbería", "Memo Garza",
                    "81 3333 4444", "martes a domingo de 11 a 9", "Corte, $180, 40 min", "Barba, 120, 30", ""])
    asked: list[str] = []

    def ask(question: str) -> str:
        asked.append(question)
        return next(answers)

    plan = plan_from(_args(), ask)
    assert plan.name == "Barbería El Güero" and plan.timezone == "America/Monterrey"
    assert plan.whatsapp == "+528111112222" and plan.owner_phone == "+528133334444"
    assert [d for d, _, _ in plan.hours] == [1, 2, 3, 4, 5, 6]
    assert [(s.name, s.price_cents, s.minutes) for s in plan.services] == [("Corte", 18000, 40), ("Barba", 12000, 30)]
    assert any("Zona horaria [America/Mexico_City]" in q for q in asked)


@pytest.mark.parametrize("text, expected", [
    ("lunes a viernes de 10 a 8, sábado de 10 a 3", {0: "10:00-20:00", 4: "10:00-20:00", 5: "10:00-15:00"}),
    ("lun-vie 10:00-20:00, sáb 10:00-15:00", {0: "10:00-20:00", 5: "10:00-15:00"}),
    ("de martes a sábado de 9:30 a 19:00, domingo cerrado", {1: "09:30-19:00", 5: "09:30-19:00"}),
])
def test_hours_are_read_as_people_write_them(text, expected):
    week = {d: f"{s:%H:%M}-{e:%H:%M}" for d, s, e in parse_hours(text)}
    for day, hours in expected.items():
        assert week[day] == hours
    assert 6 not in week


def test_a_service_without_price_or_duration_is_refused():
    assert parse_service("Manicure, 250.50, 1 h").price_cents == 25050
    with pytest.raises(CommandError, match="Corte de cabello, \\$150, 45 min"):
        parse_service("Manicure 250")
