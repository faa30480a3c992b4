"""Issue 16.B.1: year 1 and year 9999 in any date or datetime are a 400 naming the field,
never a 500 and never stored (mesoplan.date_bounds: years 1900 to 2199), in the
calendar's URLs, the settings forms and the API."""

from datetime import date, time, timedelta

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mesoplan.date_bounds import EARLIEST, LATEST, OUT_OF_RANGE
from scheduling.models import Appointment, Closure, Course

pytestmark = pytest.mark.django_db

outside = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(1899, 12, 31)),
    st.dates(min_value=date(2200, 1, 1), max_value=date(9999, 12, 31)),
)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=outside)
@example(day=date(1, 1, 1))
@example(day=date(9999, 12, 31))
def test_the_calendar_refuses_a_day_outside_the_bounds(browser_a, day):
    for view in ("calendar:day", "calendar:week"):
        for text in (day.strftime("%d.%m.%Y"), day.isoformat()):
            response = browser_a.get(reverse(view) + f"?date={text}")
            assert response.status_code == 400, (view, text)
            body = response.content.decode()
            # glibc writes year 5 as "5", which is then not the pattern: a format error.
            assert OUT_OF_RANGE in body or "Enter the date as" in body


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "2200-W10", "1899-W52"])
def test_the_calendar_refuses_a_week_outside_the_bounds(browser_a, week):
    for view in ("calendar:day", "calendar:week"):
        response = browser_a.get(reverse(view) + f"?week={week}")
        assert response.status_code == 400
        assert OUT_OF_RANGE in response.content.decode()


def test_the_bounds_themselves_are_days_the_calendar_shows(browser_a):
    for day in (EARLIEST, LATEST):
        assert browser_a.get(reverse("calendar:day") + f"?date={day:%Y-%m-%d}").status_code == 200


@pytest.mark.parametrize("text", ["31.12.9999", "01.01.0001", "01.01.2200"])
def test_a_closure_outside_the_bounds_is_a_form_error(client, manager_a, text):
    client.force_login(manager_a)
    response = client.post(
        reverse("calendar:closure-add"),
        {"closure-first": text, "closure-last": text, "closure-reason": "x"},
    )
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()
    assert not Closure.objects.exists()


@pytest.mark.parametrize(
    "moment", ["0001-01-01T10:00:00Z", "9998-06-01T10:00:00Z", "2200-01-05T09:00:00Z"]
)
def test_the_api_refuses_bookings_outside_the_bounds(api_a, clinician_a, ready_patient, moment):
    course = api_a.post(
        "/api/v1/courses/",
        {
            "patient": str(ready_patient.pk),
            "protocol": "mesolift",
            "clinician": str(clinician_a.pk),
            "start": moment,
            "initial_interval_days": 7,
        },
        format="json",
    )
    assert course.status_code == 400 and course.json()["start"] == [OUT_OF_RANGE]
    single = api_a.post(
        "/api/v1/appointments/",
        {
            "patient": str(ready_patient.pk),
            "clinician": str(clinician_a.pk),
            "kind": "consultation",
            "starts_at": moment,
            "ends_at": moment.replace("T10:00", "T10:45").replace("T09:00", "T09:45"),
        },
        format="json",
    )
    assert single.status_code == 400 and single.json()["starts_at"] == [OUT_OF_RANGE]
    assert not Course.objects.exists() and not Appointment.objects.exists()


@pytest.mark.parametrize("born", ["0001-01-01", "1899-12-31", "9999-12-31"])
def test_the_api_refuses_a_birth_date_outside_the_bounds(api_a, born):
    response = api_a.post(
        "/api/v1/patients/",
        {"first_name": "A", "last_name": "B", "date_of_birth": born, "sex": "female"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["date_of_birth"]  # named: out of range, or not plausible


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=outside)
@example(day=date(1, 1, 1))
@example(day=date(9999, 12, 31))
def test_booking_and_moving_from_the_calendar_refuse_a_day_outside_the_bounds(
    browser_a, clinician_a, ready_patient, day
):
    """The booking page (its slot link and its form), a move's proposal (a GET) and a
    cancelled session booked again: each a 400 or the day ignored, never a 500."""
    from mesoplan.clock import practice_today
    from protocols.planner import local
    from scheduling import booking, rescheduling

    today = practice_today(clinician_a.practice)
    monday = today + timedelta(days=7 - today.weekday())
    course = (
        Course.objects.filter(patient=ready_patient).first()
        or booking.book_course(
            actor=clinician_a,
            patient=ready_patient,
            protocol_code="mesolift",
            clinician_id=clinician_a.pk,
            start=local(monday, time(10), clinician_a.practice.zone),
            initial_interval_days=7,
            targets=["elastosis"],
        ).course
    )
    second = course.appointments.get(sequence=2)
    if second.status != "cancelled":
        rescheduling.cancel(actor=clinician_a, appointment=second)
    typed = day.strftime("%d.%m.%Y")
    slot = browser_a.get(reverse("calendar:book") + f"?date={day.isoformat()}&time=10:00")
    assert slot.status_code == 200  # an impossible slot day is no slot: the search shows
    visit = browser_a.post(
        reverse("calendar:book"),
        {
            "patient": ready_patient.pk,
            "kind": "consultation",
            "clinician": clinician_a.pk,
            "date": typed,
            "time": "10:00",
            "minutes": "30",
        },
    )
    assert visit.status_code == 400
    first = course.appointments.get(sequence=1)
    move = browser_a.get(
        reverse("calendar:appointment", args=[first.pk]) + f"?date={typed}&time=10:00"
    )
    assert move.status_code == 400
    again = browser_a.post(
        reverse("courses:rebook", args=[course.pk, 2]), {"date": typed, "time": "10:00"}
    )
    assert again.status_code == 400
    assert Appointment.objects.filter(starts_at__year__gt=2199).count() == 0
