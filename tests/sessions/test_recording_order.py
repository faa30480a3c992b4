"""A record says what happened, in the order it happened (DOMAIN.md, "The course"):
session k is recorded only once sessions 1..k-1 are recorded, cancelled or marked
no-show (409 naming them), and a session performed on an earlier day than planned moves
its appointment to when it was performed (its planned time kept in the record and the
audit trail); nothing else moves."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from mesoplan.errors import Conflict
from mesoplan.models import AuditEntry
from scheduling import rescheduling
from scheduling.models import Appointment, AppointmentStatus
from sessions.models import PreSessionCheck, SessionRecord
from tests.factories import PatientFactory
from tests.sessions.lot_support import record
from tests.sessions.recording_support import a_pass, booked_course, lot

pytestmark = pytest.mark.django_db

SINGLE = {
    "technique": "single_pulse",
    "region": "forehead",
    "depth_mm": "1.5",
    "spacing_mm": "10",
    "points": 20,
    "volume_ml": "0.5",
    "product_lot": "L-100",
}


@pytest.fixture
def course(clinician_a):
    lot(clinician_a.practice, clinician_a, "L-100")
    return booked_course(clinician_a)


def session(course, sequence):
    return course.appointments.get(sequence=sequence)


def test_session_three_waits_for_one_and_two(clinician_a, course):
    with pytest.raises(Conflict) as refused:
        record(clinician_a, session(course, 3))
    assert refused.value.code == "out_of_order"
    assert refused.value.details == {"unsettled": [1, 2]}
    assert "after sessions 1 and 2 of this course" in refused.value.message
    assert not SessionRecord.objects.exists() and not PreSessionCheck.objects.exists()
    assert session(course, 3).status == AppointmentStatus.SCHEDULED


def test_a_cancelled_or_no_show_session_lets_the_next_one_be_recorded(clinician_a, course):
    rescheduling.cancel(actor=clinician_a, appointment=session(course, 1))
    Appointment.objects.filter(pk=session(course, 2).pk).update(status=AppointmentStatus.NO_SHOW)
    record(clinician_a, session(course, 3))
    assert session(course, 3).status == AppointmentStatus.COMPLETED


def test_the_api_answers_409_naming_the_sessions_that_come_first(api_a, course):
    third = session(course, 3)
    response = api_a.post(
        f"/api/v1/appointments/{third.pk}/session/",
        {"conditions": [], "passes": [SINGLE]},
        format="json",
    )
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "out_of_order"
    assert response.json()["unsettled"] == [1, 2]


def test_a_session_performed_before_its_planned_day_moves_there_and_nothing_else(api_a, course):
    first = session(course, 1)
    planned = first.starts_at
    later = list(course.appointments.filter(sequence__gt=1).values_list("starts_at", flat=True))
    response = api_a.post(
        f"/api/v1/appointments/{first.pk}/session/",
        {"conditions": [], "passes": [SINGLE]},  # performed now; planned for tomorrow
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["moved_to_performed"] is True
    assert datetime.fromisoformat(data["planned_starts_at"]) == planned
    first.refresh_from_db()
    record_ = SessionRecord.objects.get()
    assert first.starts_at == record_.performed_at
    assert first.ends_at - first.starts_at == timedelta(minutes=45)
    assert record_.planned_starts_at == planned
    # The course's later sessions stay where they were.
    assert (
        list(course.appointments.filter(sequence__gt=1).values_list("starts_at", flat=True))
        == later
    )
    entry = AuditEntry.objects.get(action="appointment.performed_earlier")
    assert entry.details["planned_starts_at"] == planned.isoformat()
    assert entry.object_id == str(first.pk)


def test_a_session_performed_on_its_planned_day_stays_where_it_was(clinician_a, course):
    first = session(course, 1)
    planned = first.starts_at
    with time_machine.travel(planned + timedelta(minutes=50), tick=False):
        record(clinician_a, first, performed_at=planned + timedelta(minutes=5))
    first.refresh_from_db()
    assert first.starts_at == planned
    assert not AuditEntry.objects.filter(action="appointment.performed_earlier").exists()
    assert SessionRecord.objects.get().planned_starts_at == planned


def test_performed_when_the_clinician_was_elsewhere_is_409_and_records_nothing(clinician_a, course):
    now = timezone.now()
    other = PatientFactory(practice=clinician_a.practice)
    Appointment.objects.create(  # at whatever hour the test runs: data, not a booking
        practice=clinician_a.practice,
        patient=other,
        clinician=clinician_a,
        kind="consultation",
        starts_at=now + timedelta(minutes=20),
        ends_at=now + timedelta(minutes=50),
    )
    first = session(course, 1)
    planned = first.starts_at
    with pytest.raises(Conflict) as refused:
        record(clinician_a, first, performed_at=now)  # 45 minutes from now overlaps it
    assert refused.value.code == "double_booking"
    first.refresh_from_db()
    assert first.starts_at == planned and first.status == AppointmentStatus.SCHEDULED
    assert not SessionRecord.objects.exists()


def test_correcting_session_one_is_not_refused_while_later_sessions_are_planned(
    clinician_a, course
):
    recorded = record(clinician_a, session(course, 1))
    from sessions import recording

    recording.amend_session(
        actor=clinician_a, record=recorded, reason="Typo", passes=[a_pass("nappage", "forehead")]
    )
    assert SessionRecord.objects.count() == 1


def test_the_form_of_a_session_that_must_wait_says_so_before_it_is_filled_in(browser_a, course):
    from django.urls import reverse

    response = browser_a.get(reverse("calendar:session", args=[session(course, 3).pk]))
    assert response.status_code == 409
    assert "after sessions 1 and 2 of this course" in response.content.decode()
    assert (
        browser_a.get(reverse("calendar:session", args=[session(course, 1).pk])).status_code == 200
    )


def test_the_course_page_offers_record_on_the_next_session_only(browser_a, course):
    from django.urls import reverse

    page = browser_a.get(reverse("courses:detail", args=[course.pk])).content.decode()
    assert page.count(">Record<span") == 1
    assert reverse("calendar:session", args=[session(course, 1).pk]) in page
