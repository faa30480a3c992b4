"""Issue 16.A.1: the clinician's home is today: the day's appointments in order, who is
next, what each needs (pre-session check, herpes prophylaxis, an open adverse event, a
survey due), tomorrow's below; a constant number of queries."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from mesoplan.clock import practice_zone
from patients import services as patient_services
from scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from tests.factories import CONSENT, PatientFactory

pytestmark = pytest.mark.django_db


def at(practice, day, hour, minute=0):
    return datetime(2026, 9, day, hour, minute, tzinfo=practice_zone(practice))


def appointment(clinician, patient, start, kind=AppointmentKind.CONSULTATION, **extra):
    return Appointment.objects.create(
        practice=clinician.practice,
        patient=patient,
        clinician=clinician,
        kind=kind,
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        **extra,
    )


def day_section(body: str) -> str:
    return body.split('id="today-title"')[1].split("Tomorrow,")[0]


def test_the_day_in_order_with_who_is_next(client, clinician_a, practice_a):
    early = PatientFactory(practice=practice_a, first_name="Ada", last_name="Early")
    late = PatientFactory(practice=practice_a, first_name="Ben", last_name="Late")
    gone = PatientFactory(practice=practice_a, first_name="Cy", last_name="Gone")
    nine = appointment(clinician_a, early, at(practice_a, 9, 9))
    nine.status = AppointmentStatus.COMPLETED
    nine.save(update_fields=["status"])
    appointment(clinician_a, late, at(practice_a, 9, 14))
    appointment(clinician_a, gone, at(practice_a, 9, 11), status=AppointmentStatus.CANCELLED)
    appointment(clinician_a, gone, at(practice_a, 10, 10))  # tomorrow
    client.force_login(clinician_a)
    with time_machine.travel(at(practice_a, 9, 10), tick=False):
        body = client.get(reverse("home")).content.decode()
    today = day_section(body)
    assert today.index("Ada Early") < today.index("Ben Late")  # in time order
    assert "Cy Gone" not in today  # cancelled
    assert "Completed" in today.split("Ben Late")[0]
    next_row = today.split("day-list__item--next")[1].split("</li>")[0]
    assert "Ben Late" in next_row and ">Next<" in next_row
    tomorrow = body.split("Tomorrow,")[1].split("</section>")[0]
    assert "Cy Gone" in tomorrow and "10:00" in tomorrow
    assert "Course booking arrives with the calendar" not in body


def test_each_appointment_says_what_it_needs(client, clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a, first_name="Hana", last_name="Herpes")
    screening = patient_services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", conditions=["herpes"], **CONSENT
    )
    patient_services.acknowledge_caution(actor=clinician_a, screening=screening, reason="Weighed")
    appointment(clinician_a, patient, at(practice_a, 9, 15), kind=AppointmentKind.MAINTENANCE)
    talk = PatientFactory(practice=practice_a, first_name="Tom", last_name="Talk")
    appointment(clinician_a, talk, at(practice_a, 9, 16))
    client.force_login(clinician_a)
    with time_machine.travel(at(practice_a, 9, 8), tick=False):
        today = day_section(client.get(reverse("home")).content.decode())
    hana = today.split("Hana Herpes")[1].split("</li>")[0]
    assert "Pre-session check" in hana and "Herpes prophylaxis" in hana
    tom = today.split("Tom Talk")[1].split("</li>")[0]
    assert "Pre-session check" not in tom and "Record" not in tom  # a consultation


def test_an_empty_day_says_so(client, clinician_a):
    client.force_login(clinician_a)
    body = client.get(reverse("home")).content.decode()
    assert "Nothing booked for you today." in body
    assert "Nothing booked for you tomorrow." in body


def test_the_day_takes_a_constant_number_of_queries(
    client, clinician_a, practice_a, django_assert_max_num_queries
):
    from tests.mesoplan.test_home import HOME_QUERIES

    booked: list[int] = []

    def book(n):
        for k in range(n):
            patient = PatientFactory(practice=practice_a)
            screening = patient_services.create_screening(
                actor=clinician_a,
                patient=patient,
                indication="skin",
                conditions=["herpes"] if k % 2 else [],
                **CONSENT,
            )
            if screening.outcome == "caution":
                patient_services.acknowledge_caution(
                    actor=clinician_a, screening=screening, reason="Weighed"
                )
            n = len(booked)  # every appointment its own slot (PostgreSQL refuses overlaps)
            booked.append(n)
            start = at(practice_a, 9 + n % 2, 8) + timedelta(minutes=50 * (n // 2))
            appointment(clinician_a, patient, start, kind=AppointmentKind.MAINTENANCE)

    client.force_login(clinician_a)
    counts = []
    with time_machine.travel(at(practice_a, 9, 7), tick=False):
        client.get(reverse("home"))  # the session's idle time-out renewed once, not measured
        for more in (2, 14):
            book(more)
            with django_assert_max_num_queries(HOME_QUERIES) as captured:
                response = client.get(reverse("home"))
            counts.append(len(captured))
            agenda = response.context["agenda"]
            assert sum(len(day.items) for day in agenda) == sum((2, 14)[: len(counts)])
    assert counts[0] == counts[1]
