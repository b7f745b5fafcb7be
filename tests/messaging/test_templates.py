"""Notification templates: raw facts in, natural Mexican Spanish out, same pieces for Twilio's templates."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from messaging.templates import TEMPLATES, TemplateError, inside_session_window, render

FRIDAY_10AM_CDMX = datetime(2026, 1, 16, 16, 0, tzinfo=timezone.utc)
SATURDAY_3PM_CDMX = "2026-01-17T21:00:00+00:00"
BASE = {"business_name": "Barbería Don Carlos", "service_name": "Corte de cabello", "starts_at": SATURDAY_3PM_CDMX,
        "timezone": "America/Mexico_City", "customer_name": "Juan Pérez", "staff_name": "Pedro"}


def test_a_confirmation_reads_like_the_salon_wrote_it():
    text = render("appointment_confirmation", {**BASE, "price_cents": 15000,
                                               "address": "Calle Orizaba 101, Roma Nte."}, now=FRIDAY_10AM_CDMX).body
    assert text.startswith("¡Listo! Tu cita de Corte de cabello en Barbería Don Carlos quedó para mañana sábado "
                           "a las 3:00 PM con Pedro.")
    assert "Precio: $150" in text and "Calle Orizaba 101" in text


def test_times_are_local_to_the_business_including_border_zones_with_dst():
    summer = {**BASE, "starts_at": "2026-07-10T22:00:00+00:00", "timezone": "America/Tijuana"}
    text = render("appointment_reminder", summer, now=datetime(2026, 7, 9, 18, 0, tzinfo=timezone.utc)).body
    assert "mañana viernes a las 3:00 PM" in text  # Tijuana is UTC-7 in July


def test_far_away_days_are_named_with_their_date():
    text = render("appointment_cancelled", {**BASE, "starts_at": "2026-01-30T18:00:00+00:00", "reason": "Pedro se enfermó"},
                  now=FRIDAY_10AM_CDMX).body
    assert "el viernes 30 de enero a las 12:00 PM" in text and "Motivo: Pedro se enfermó." in text


def test_a_reschedule_says_both_times():
    text = render("appointment_rescheduled", {**BASE, "previous_starts_at": SATURDAY_3PM_CDMX,
                                              "starts_at": "2026-01-19T17:30:00+00:00"}, now=FRIDAY_10AM_CDMX).body
    assert "ya no es mañana sábado a las 3:00 PM, ahora es el lunes a las 11:30 AM con Pedro" in text


def test_a_day_after_de_is_contracted_and_one_oclock_is_singular():
    monday_1pm = "2026-01-19T19:00:00+00:00"  # lunes 1:00 PM in Mexico City
    cancelled = render("customer_cancelled", {**BASE, "starts_at": monday_1pm}, now=FRIDAY_10AM_CDMX).body
    assert "canceló su cita de Corte de cabello del lunes a la 1:00 PM" in cancelled
    moved = render("appointment_moved_proposal", {**BASE, "previous_starts_at": monday_1pm, "starts_at": "2026-01-20T20:00:00+00:00",
                                      "already_moved": True}, now=FRIDAY_10AM_CDMX).body
    assert "del lunes a la 1:00 PM al martes a las 2:00 PM" in moved
    assert " de el " not in cancelled + moved and "a las 1:" not in cancelled + moved


@pytest.mark.parametrize("name, facts, expected", [
    ("new_booking", BASE, "📅 Nueva cita: Juan Pérez, Corte de cabello, mañana sábado a las 3:00 PM con Pedro."),
    ("customer_cancelled", BASE, "❌ Juan Pérez canceló su cita de Corte de cabello de mañana sábado a las 3:00 PM"),
    ("employee_welcome", {"business_name": "Barbería Don Carlos", "staff_name": "Pedro",
                          "business_number": "+525587654321"}, "Escríbele al 55 8765 4321"),
    ("magic_link", {"url": "https://parlo.mx/entrar?token=abc"}, "https://parlo.mx/entrar?token=abc"),
    ("plan_limit", {"business_name": "Barbería Don Carlos", "limit": 50}, "llegó a las 50 citas"),
])
def test_every_template_writes_its_text(name, facts, expected):
    assert expected in render(name, facts, now=FRIDAY_10AM_CDMX).body


def test_template_variables_for_twilio_are_numbered_strings():
    for name in TEMPLATES:
        facts = {**BASE, "previous_starts_at": SATURDAY_3PM_CDMX, "url": "https://x", "limit": 50}
        variables = render(name, facts, now=FRIDAY_10AM_CDMX).content_variables
        assert variables and all(k.isdigit() and isinstance(v, str) for k, v in variables.items()), name


def test_an_unknown_template_or_missing_fact_is_a_clear_error():
    with pytest.raises(TemplateError, match="plantilla desconocida"):
        render("horoscopo", {}, now=FRIDAY_10AM_CDMX)
    with pytest.raises(TemplateError, match="starts_at"):
        render("appointment_reminder", {**BASE, "starts_at": None}, now=FRIDAY_10AM_CDMX)
    with pytest.raises(TemplateError, match="ISO"):
        render("appointment_reminder", {**BASE, "starts_at": "mañana"}, now=FRIDAY_10AM_CDMX)


def test_the_session_window_is_24_hours_from_the_customers_last_message():
    from datetime import timedelta

    assert inside_session_window(FRIDAY_10AM_CDMX - timedelta(hours=23, minutes=59), FRIDAY_10AM_CDMX)
    assert not inside_session_window(FRIDAY_10AM_CDMX - timedelta(hours=24), FRIDAY_10AM_CDMX)
    assert not inside_session_window(None, FRIDAY_10AM_CDMX)


#: What resolvers/scheduling/notices.py writes today (its own names for the same facts).
NOTICE_FACTS = {"appointment_id": "a1", "service_name": "Corte de cabello",
                "service_names": ["Corte de cabello", "Arreglo de barba"], "staff_name": "Pedro",
                "start": "2026-01-17T21:00:00Z", "end": "2026-01-17T22:15:00Z", "timezone": "America/Mexico_City",
                "price_cents": 25000, "customer_name": None, "customer_phone": "+525598765432",
                "organization_name": "Barbería Don Carlos", "location_name": "Sucursal Roma"}


def test_the_schedule_notices_facts_are_understood_under_their_own_names():
    booked = render("appointment_confirmation", NOTICE_FACTS, now=FRIDAY_10AM_CDMX).body
    assert "Corte de cabello y Arreglo de barba en Barbería Don Carlos quedó para mañana sábado a las 3:00 PM" in booked
    owner = render("new_booking", NOTICE_FACTS, now=FRIDAY_10AM_CDMX).body
    assert owner.startswith("📅 Nueva cita: Un cliente (55 9876 5432), Corte de cabello y Arreglo de barba")
    moved = render("appointment_rescheduled", {**NOTICE_FACTS, "previous_start": "2026-01-17T18:00:00Z"},
                   now=FRIDAY_10AM_CDMX).body
    assert "ya no es mañana sábado a las 12:00 PM, ahora es mañana sábado a las 3:00 PM" in moved
    limit = render("plan_limit_reached", {"organization_name": "Barbería Don Carlos", "month": "2026-01",
                                          "bookings_used": 51, "limit": 50}, now=FRIDAY_10AM_CDMX).body
    assert "pasaron las 50 citas del plan gratuito" in limit


def test_waitlist_offers_and_move_proposals_ask_for_a_yes():
    offer = render("waitlist_offer", {**BASE, "starts_at": SATURDAY_3PM_CDMX}, now=FRIDAY_10AM_CDMX).body
    assert "Se liberó un lugar para Corte de cabello en Barbería Don Carlos mañana sábado a las 3:00 PM" in offer
    proposal = render("appointment_moved_proposal", {**BASE, "previous_starts_at": SATURDAY_3PM_CDMX,
                                                     "starts_at": "2026-01-17T22:00:00Z", "staff_name": "Ana",
                                                     "previous_staff_name": "Pedro", "staff_changed": True},
                      now=FRIDAY_10AM_CDMX).body
    assert "a mañana sábado a las 4:00 PM, ahora con Ana en lugar de Pedro?" in proposal and "«sí»" in proposal
