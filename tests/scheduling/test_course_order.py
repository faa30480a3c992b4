"""The order of a course holds when sessions move (DOMAIN.md, "The course"): a planned
session never moves into the past nor before the session before it, in the API and the
browser alike, and a refused move moves nothing."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from mesoplan.models import AuditEntry
from scheduling.models import Appointment
from tests.scheduling.test_appointments_api import move
from tests.scheduling.test_course_booking import NOW, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(api_a, clinician_a, ready_patient):
    response = book(api_a, ready_patient, clinician_a)
    assert response.status_code == 201
    return response.json()


def starts(course):
    rows = Appointment.objects.filter(course_id=course["id"]).order_by("sequence")
    return list(rows.values_list("starts_at", flat=True))


def test_session_two_cannot_move_before_session_one(api_a, course):
    before = starts(course)
    second = course["appointments"][1]
    response = move(api_a, second["id"], "2026-09-06T10:00:00+02:00")  # the day before session 1
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "out_of_order"
    assert "cannot come before session 1" in response.json()["detail"]
    assert starts(course) == before
    assert not AuditEntry.objects.filter(action="appointment.reschedule").exists()


def test_session_two_cannot_move_onto_session_one_either(api_a, course):
    second = course["appointments"][1]
    response = move(api_a, second["id"], "2026-09-07T10:30:00+02:00")  # inside session 1
    assert response.status_code == 409 and response.json()["code"] == "out_of_order"


@pytest.mark.parametrize("to", ["2020-01-06T10:00:00+01:00", "2026-08-31T10:00:00+02:00"])
def test_no_session_moves_into_the_past(api_a, course, to):
    before = starts(course)
    eighth = course["appointments"][7]
    response = move(api_a, eighth["id"], to)
    assert response.status_code == 400, response.content
    assert "never moved into the past" in response.json()["starts_at"][0]
    assert starts(course) == before


def test_a_consultation_does_not_move_into_the_past_either(api_a, clinician_a, ready_patient):
    with time_machine.travel(NOW, tick=False):
        created = api_a.post(
            "/api/v1/appointments/",
            {
                "patient": str(ready_patient.pk),
                "clinician": str(clinician_a.pk),
                "kind": "consultation",
                "starts_at": "2026-09-02T09:00:00+02:00",
                "ends_at": "2026-09-02T09:30:00+02:00",
            },
            format="json",
        )
    assert created.status_code == 201, created.content
    response = move(api_a, created.json()["id"], "2026-08-30T09:00:00+02:00")
    assert response.status_code == 400 and "starts_at" in response.json()


def test_moving_session_one_later_still_works_and_takes_the_others_along(api_a, course):
    first = course["appointments"][0]
    response = move(api_a, first["id"], "2026-09-08T10:00:00+02:00")
    assert response.status_code == 200, response.content
    assert starts(course)[0] == datetime(2026, 9, 8, 8, 0, tzinfo=UTC)


def test_the_browser_says_why_a_move_before_the_previous_session_is_refused(
    client, clinician_a, course
):
    client.force_login(clinician_a)
    second = Appointment.objects.get(course_id=course["id"], sequence=2)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("calendar:reschedule", args=[second.pk]),
            {"date": "06.09.2026", "time": "10:00"},
        )
    assert response.status_code == 409
    assert "cannot come before session 1" in response.content.decode()
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("calendar:reschedule", args=[second.pk]),
            {"date": "01.06.2026", "time": "10:00"},
        )
    assert response.status_code == 400
    assert "never moved into the past" in response.content.decode()


# --- Re-planning after a session performed early ---------------------------------------


@pytest.fixture
def early(clinician_a):
    """Session 1 of a course booked from tomorrow, performed today (so it moved)."""
    from sessions import recording
    from tests.sessions.recording_support import a_pass, booked_course, fine_check, lot

    lot(clinician_a.practice, clinician_a, "L-100")
    # Three days ahead, or the Monday after: a start on a closed Saturday is never moved
    # back to the Friday (session 1 only moves later).
    days_ahead = next(d for d in (3, 4, 5) if (timezone.now() + timedelta(days=d)).weekday() < 5)
    course = booked_course(clinician_a, days_ahead=days_ahead)
    first = course.appointments.get(sequence=1)
    recording.record_session(
        actor=clinician_a,
        appointment=first,
        answers=fine_check(),
        passes=[a_pass("nappage", "forehead")],
    )
    return course


def test_the_course_page_proposes_the_later_sessions_from_the_early_one(browser_a, early):
    before = list(early.appointments.order_by("sequence").values_list("starts_at", flat=True))
    page = browser_a.get(reverse("courses:detail", args=[early.pk])).content.decode()
    assert "Re-plan from session 1?" in page and "Re-plan these sessions" in page
    # A preview: nothing moved yet.
    assert (
        list(early.appointments.order_by("sequence").values_list("starts_at", flat=True)) == before
    )


def test_confirming_the_re_plan_moves_the_later_sessions_and_audits_it(browser_a, early):
    first = early.appointments.get(sequence=1)
    response = browser_a.post(reverse("courses:replan", args=[early.pk]))
    assert response.status_code == 302
    second = early.appointments.get(sequence=2)
    gap = (second.starts_at.date() - first.starts_at.date()).days
    assert gap == 7, gap  # a week after the session as performed
    entry = AuditEntry.objects.get(action="course.replan")
    assert entry.object_id == str(early.pk) and set(entry.details) == {str(n) for n in range(2, 9)}
    page = browser_a.get(reverse("courses:detail", args=[early.pk])).content.decode()
    assert "Re-plan from session 1?" not in page  # the intervals hold again


def test_nothing_to_re_plan_is_a_409_that_moves_nothing(clinician_a, api_a, ready_patient):
    from mesoplan.errors import Conflict
    from scheduling import rescheduling
    from scheduling.models import Course

    assert book(api_a, ready_patient, clinician_a).status_code == 201
    course = Course.objects.get()
    with pytest.raises(Conflict) as refused:
        rescheduling.replan_later_sessions(actor=clinician_a, course=course)
    assert refused.value.code == "nothing_to_replan"


def test_another_practice_cannot_re_plan(browser_b, early):
    assert browser_b.post(reverse("courses:replan", args=[early.pk])).status_code == 404
