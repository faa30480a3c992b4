"""Issue 16.B.1: bookings and moves stay within the booking horizon
(BOOKING_HORIZON_DAYS, 730) and a single appointment is entered at most
SESSION_BACKDATE_DAYS after it took place: a course in 9998 or a consultation in 1950
was a typing error the booking stored."""

from datetime import timedelta

import pytest
from django.utils import timezone

from scheduling.models import Appointment, Course

pytestmark = pytest.mark.django_db


def iso(moment):
    return moment.replace(microsecond=0).isoformat()


def single(api, patient, clinician, start):
    return api.post(
        "/api/v1/appointments/",
        {
            "patient": str(patient.pk),
            "clinician": str(clinician.pk),
            "kind": "consultation",
            "starts_at": iso(start),
            "ends_at": iso(start + timedelta(minutes=30)),
        },
        format="json",
    )


def test_a_single_booking_beyond_the_horizon_or_long_past_is_refused(
    api_a, clinician_a, ready_patient, settings
):
    now = timezone.now()
    far = single(api_a, ready_patient, clinician_a, now + timedelta(days=731))
    assert far.status_code == 400
    assert far.json()["starts_at"] == ["Appointments are booked at most 730 days ahead."]
    old = single(api_a, ready_patient, clinician_a, now - timedelta(days=366))
    assert old.status_code == 400 and "365 days" in old.json()["starts_at"][0]
    assert not Appointment.objects.exists()
    settings.BOOKING_HORIZON_DAYS = 1000  # a setting: a practice may book further ahead
    assert single(api_a, ready_patient, clinician_a, now + timedelta(days=800)).status_code in (
        201,
        409,  # the practice may be closed then; the horizon no longer refuses it
    )


def test_a_course_beyond_the_horizon_is_refused(api_a, clinician_a, ready_patient):
    start = timezone.now() + timedelta(days=800)
    response = api_a.post(
        "/api/v1/courses/",
        {
            "patient": str(ready_patient.pk),
            "protocol": "mesolift",
            "clinician": str(clinician_a.pk),
            "start": iso(start),
            "initial_interval_days": 7,
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["start"] == ["Appointments are booked at most 730 days ahead."]
    assert not Course.objects.exists()


def test_a_move_beyond_the_horizon_is_refused(api_a, clinician_a, ready_patient):
    from tests.sessions.recording_support import booked_course

    course = booked_course(clinician_a, patient=ready_patient)
    second = course.appointments.get(sequence=2)
    response = api_a.patch(
        f"/api/v1/appointments/{second.pk}/",
        {"starts_at": iso(timezone.now() + timedelta(days=900))},
        format="json",
    )
    assert response.status_code == 400 and "730 days ahead" in response.json()["starts_at"][0]
    assert Appointment.objects.get(pk=second.pk).starts_at == second.starts_at
