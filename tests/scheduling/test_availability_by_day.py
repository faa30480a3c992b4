"""Booking reads what is busy for the days the planner looks at (issue 16: half a year
of a full calendar, thousands of rows, for eight sessions): the plan is the one the
whole period's read gives, in a few queries per session."""

from datetime import timedelta

import pytest

from protocols.models import Protocol
from protocols.planner import plan_course_dates, planning_window
from scheduling.models import Appointment, AppointmentKind
from scheduling.selectors import availability_for
from tests.factories import PatientFactory
from tests.scheduling.test_no_double_booking import SLOT

pytestmark = pytest.mark.django_db


def test_the_plan_read_by_day_is_the_plan_read_whole(clinician_a, django_assert_max_num_queries):
    patient = PatientFactory(practice=clinician_a.practice)
    other = PatientFactory(practice=clinician_a.practice)
    # The clinician's mornings are full on the days the weekly sessions want, and and a long
    # appointment blocks the day the first monthly one wants.
    for week in range(4):
        for hour in range(10):
            begins = SLOT.replace(hour=7) + timedelta(days=7 * week, hours=hour)
            Appointment.objects.create(
                practice=clinician_a.practice,
                patient=other,
                clinician=clinician_a,
                kind=AppointmentKind.CONSULTATION,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=50),
            )
    Appointment.objects.create(
        practice=clinician_a.practice,
        patient=patient,
        clinician=clinician_a,
        kind=AppointmentKind.CONSULTATION,
        starts_at=SLOT + timedelta(days=52, hours=-1),
        ends_at=SLOT + timedelta(days=52, hours=8),
    )
    schedule = Protocol.objects.get(code="mesolift").schedule()
    since, until = planning_window(SLOT, schedule)
    whole = availability_for(clinician_a, since, until, patient_id=patient.pk)
    by_day = availability_for(clinician_a, since, until, patient_id=patient.pk, by_day=True)
    expected = plan_course_dates(SLOT, 7, schedule, whole)
    assert any(s.moved for s in expected.sessions)
    with django_assert_max_num_queries(2 * schedule.session_count):
        assert plan_course_dates(SLOT, 7, schedule, by_day) == expected
