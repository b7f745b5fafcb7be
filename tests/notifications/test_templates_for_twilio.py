"""Every notification's words, and the sheet `parlo templates` prints for Twilio."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from messaging.templates import SAMPLES, TEMPLATES, render
from parlo.cli import main

FRIDAY_10AM = datetime(2026, 1, 16, 10, tzinfo=ZoneInfo("America/Mexico_City"))
SPEC_TEMPLATES = {"appointment_confirmation", "appointment_reminder", "appointment_cancelled", "employee_welcome",
                  "magic_link", "review_request"}


def test_parlo_templates_prints_every_template_with_its_variables_and_spanish_text(capsys):
    main(["templates", "--json"])
    sheet = {item["name"]: item for item in json.loads(capsys.readouterr().out)}
    assert set(sheet) == set(TEMPLATES) >= SPEC_TEMPLATES | {"daily_summary", "no_show_rebook",
                                                             "appointment_reminder_2h", "staff_onboarding_completed"}
    reminder = sheet["appointment_reminder"]
    assert reminder["required"] == ["business_name", "service_name", "starts_at", "timezone"]
    assert reminder["content_variables"] == {"1": "Corte de cabello", "2": "mañana sábado", "3": "3:00 PM",
                                             "4": "Barbería Don Carlos"}
    assert "{{2}} a las {{3}}" in reminder["draft"] and "mañana sábado a las 3:00 PM" in reminder["sample"]
    main(["templates"])
    assert "== daily_summary" in capsys.readouterr().out


def test_every_template_has_a_sample_that_renders():
    assert set(SAMPLES) == set(TEMPLATES)
    for name in TEMPLATES:
        assert render(name, SAMPLES[name], now=FRIDAY_10AM).content_variables


def test_a_moved_visit_says_it_was_moved_and_asks_to_confirm_or_pick_another_time():
    text = render("appointment_moved_proposal", SAMPLES["appointment_moved_proposal"], now=FRIDAY_10AM).body
    assert "Tuvimos que mover tu cita de Corte de cabello de mañana sábado a la 1:00 PM a mañana sábado a las 3:00 PM" \
        in text
    assert "ahora con Ana en lugar de Carlos" in text and "«sí» para confirmarla" in text
    assert "dejarla como está" not in text


def test_the_daily_summary_lists_the_day_and_counts_the_rest():
    facts = {**SAMPLES["daily_summary"], "appointment_count": 30}
    text = render("daily_summary", facts, now=FRIDAY_10AM).body
    assert text.startswith("Buenos días, Carlos. Hoy viernes 16 de enero tienes 30 citas en Barbería Don Carlos:")
    assert "• 10:00 AM Corte de cabello — Juan Pérez con Carlos" in text
    assert "• 11:30 AM Arreglo de barba — Un cliente (55 1234 5678) con Pedro" in text
    assert "…y 28 más." in text
    empty = render("daily_summary", {**facts, "appointment_count": 0, "appointments": []}, now=FRIDAY_10AM).body
    assert "no hay citas agendadas" in empty


def test_follow_ups_speak_to_the_customer_by_first_name():
    assert render("review_request", SAMPLES["review_request"], now=FRIDAY_10AM).body.startswith(
        "¡Hola, Juan! Gracias por tu visita a Barbería Don Carlos.")
    invitation = render("no_show_rebook", SAMPLES["no_show_rebook"], now=FRIDAY_10AM).body
    assert "no pudiste llegar a tu cita de Corte de cabello de hoy viernes a las 9:00 AM" in invitation
