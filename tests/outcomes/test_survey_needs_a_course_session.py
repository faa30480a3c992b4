"""A survey needs a recorded session of the course itself (issue 15.8): a maintenance
visit recorded against the patient's latest course does not open its survey; and only an
active clinician of the practice is booked as a course's clinician."""

from datetime import timedelta

import pytest
from django.utils import timezone

from mesoplan.errors import Conflict, InvalidInput
from outcomes import surveys
from scheduling import booking
from tests.factories import ClinicianFactory, ManagerFactory
from tests.sessions.lot_support import record
from tests.sessions.recording_support import booked_course, lot

pytestmark = pytest.mark.django_db


def test_a_maintenance_visit_does_not_open_the_course_survey(clinician_a):
    lot(clinician_a.practice, clinician_a, "L-100")
    course = booked_course(clinician_a)
    start = timezone.now() - timedelta(hours=3)
    visit = booking.book_appointment(
        actor=clinician_a,
        patient=course.patient,
        clinician_id=clinician_a.pk,
        kind="maintenance",
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
    )
    record(clinician_a, visit, performed_at=start + timedelta(minutes=5))
    with pytest.raises(Conflict) as refused:
        surveys.record_survey(actor=clinician_a, course=course, rating="satisfied")
    assert refused.value.code == "no_session_recorded"
    record(clinician_a, course.appointments.get(sequence=1))
    surveys.record_survey(actor=clinician_a, course=course, rating="satisfied")


@pytest.mark.parametrize("who", ["manager", "inactive clinician"])
def test_only_an_active_clinician_is_booked_as_a_courses_clinician(clinician_a, ready_patient, who):
    practice = clinician_a.practice
    other = (
        ManagerFactory(practice=practice, username="mgr_x")
        if who == "manager"
        else ClinicianFactory(practice=practice, username="gone", is_active=False)
    )
    with pytest.raises(InvalidInput) as refused:
        booking.book_course(
            actor=clinician_a,
            patient=ready_patient,
            protocol_code="mesolift",
            clinician_id=other.pk,
            start=timezone.now() + timedelta(days=3),
            initial_interval_days=7,
        )
    assert "clinician" in refused.value.errors
