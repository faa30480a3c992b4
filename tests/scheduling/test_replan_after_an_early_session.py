"""Re-planning a course after a session happened off its date (issue 15.9, the survivors of
mutation testing): from the session as performed, never into the past, around the
patient's other appointments, with the monthly part and the last session, or a 409
naming the session that cannot be placed."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mesoplan.errors import Conflict
from mesoplan.models import AuditEntry
from scheduling import rescheduling
from scheduling.models import Absence, Appointment, AppointmentStatus, Course
from tests.factories import ClinicianFactory, PatientFactory
from tests.scheduling.test_course_booking import book

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def berlin(day: date, hour=10, minute=0):
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def course(api_a, clinician_a, ready_patient):
    # Sessions 1-4 on 7, 14, 21, 28 Sep 2026 at 10:00, then 28 Oct, 27 Nov, 28 Dec, 28 Jan.
    response = book(api_a, ready_patient, clinician_a)
    assert response.status_code == 201, response.content
    return Course.objects.get()


def performed(course, sequence, at):
    """Session `sequence` (and every one before it) recorded; `sequence` at `at`."""
    rows = course.appointments.filter(sequence__lte=sequence)
    rows.update(status=AppointmentStatus.COMPLETED)
    session = course.appointments.get(sequence=sequence)
    session.starts_at, session.ends_at = at, at + timedelta(minutes=45)
    session.save(update_fields=["starts_at", "ends_at"])


def proposal_at(course, now):
    # In UTC: time-machine would also make a ZoneInfo destination the process's local zone.
    with time_machine.travel(now.astimezone(UTC), tick=False):
        return rescheduling.replan_proposal(Course.objects.get(pk=course.pk))


def starts(replan):
    return [(a.sequence, start.astimezone(BERLIN)) for a, start, _ in replan.moves]


def test_the_later_sessions_count_from_the_session_as_performed(course):
    # Session 1 happened on Thursday 3 Sep instead of Monday the 7th: session 2 belongs on
    # the 10th, at the course's 10:00, and the rest follow it.
    performed(course, 1, berlin(date(2026, 9, 3)))
    replan = proposal_at(course, datetime(2026, 9, 3, 12, tzinfo=UTC))
    assert replan.done.sequence == 1
    assert starts(replan)[:4] == [
        (2, berlin(date(2026, 9, 10))),
        (3, berlin(date(2026, 9, 17))),
        (4, berlin(date(2026, 9, 24))),
        (5, berlin(date(2026, 10, 23))),  # winter time from 25 Oct: still 10:00 here
    ]
    assert [a.sequence for a, _, _ in replan.moves] == list(range(2, 9))
    assert {end - start for _, start, end in replan.moves} == {timedelta(minutes=45)}


def test_a_gap_found_late_starts_today_at_the_courses_time_never_in_the_past(course):
    # Found on Friday 11 Sep at exactly 10:00: the 10th has passed, the 11th at 10:00 is now.
    performed(course, 1, berlin(date(2026, 9, 3)))
    replan = proposal_at(course, berlin(date(2026, 9, 11)))
    assert starts(replan)[:2] == [
        (2, berlin(date(2026, 9, 11))),
        (3, berlin(date(2026, 9, 18))),
    ]


def test_a_gap_found_late_in_the_day_plans_from_the_next_day_at_the_same_time(course):
    # Found at 09:00 on Wednesday 9 Sep, session 2 belongs on the 10th; found at 11:00 on
    # the 10th, the 10th at 10:00 has passed: the 11th at 10:00.
    performed(course, 1, berlin(date(2026, 9, 3)))
    replan = proposal_at(course, berlin(date(2026, 9, 10), 11))
    assert starts(replan)[0] == (2, berlin(date(2026, 9, 11)))


def test_the_re_plan_goes_around_the_patients_appointment_elsewhere(course, clinician_a):
    colleague = ClinicianFactory(practice=clinician_a.practice)
    Appointment.objects.create(
        practice=clinician_a.practice,
        patient=course.patient,
        clinician=colleague,
        kind="consultation",
        starts_at=berlin(date(2026, 9, 10)),
        ends_at=berlin(date(2026, 9, 10), 10, 30),
    )
    performed(course, 1, berlin(date(2026, 9, 3)))
    replan = proposal_at(course, datetime(2026, 9, 3, 12, tzinfo=UTC))
    assert starts(replan)[0] == (2, berlin(date(2026, 9, 10), 10, 30))  # later, never earlier


def test_a_re_plan_that_cannot_place_a_session_is_a_409_naming_it(course, clinician_a):
    Absence.objects.create(
        clinician=clinician_a, starts_on=date(2026, 9, 10), ends_on=date(2026, 9, 11)
    )
    performed(course, 1, berlin(date(2026, 9, 3)))
    with pytest.raises(Conflict) as refused:
        proposal_at(course, datetime(2026, 9, 3, 12, tzinfo=UTC))
    reason = "10 Sep 2026 is closed and no later slot is free within 1 day."
    assert refused.value.code == "reschedule_conflict"
    assert refused.value.details == {
        "conflicting": {
            "sequence": 2,
            "starts_at": berlin(date(2026, 9, 10)).isoformat(),
            "reason": reason,
        }
    }
    assert refused.value.message == f"Session 2 cannot be placed: {reason} Nothing was moved."


def test_the_last_session_alone_is_re_planned_a_month_after_the_one_before(course):
    # Session 7 (planned 28 Dec) happened on Monday 14 Dec: session 8 belongs on 14 Jan.
    performed(course, 7, berlin(date(2026, 12, 14)))
    replan = proposal_at(course, datetime(2026, 12, 14, 12, tzinfo=UTC))
    assert replan.done.sequence == 7
    assert starts(replan) == [(8, berlin(date(2027, 1, 14)))]


def test_confirming_moves_exactly_the_proposal_and_audits_it(course, clinician_a):
    performed(course, 1, berlin(date(2026, 9, 3)))
    now = datetime(2026, 9, 3, 12, tzinfo=UTC)
    proposal = proposal_at(course, now)
    with time_machine.travel(now, tick=False):
        saved = rescheduling.replan_later_sessions(actor=clinician_a, course=course)
    assert starts(saved) == starts(proposal)
    rows = {a.sequence: a for a in course.appointments.all()}
    for appointment, start, end in proposal.moves:
        assert (rows[appointment.sequence].starts_at, rows[appointment.sequence].ends_at) == (
            start,
            end,
        )
    entry = AuditEntry.objects.get(action="course.replan")
    assert entry.summary == "sessions 2-8 from session 1: session 2 to Thu 10 Sep 2026, 10:00"
    assert entry.details["2"] == berlin(date(2026, 9, 10)).isoformat()


def test_a_course_with_no_session_recorded_has_nothing_to_re_plan(course):
    assert proposal_at(course, datetime(2026, 9, 3, 12, tzinfo=UTC)) is None


def test_a_course_whose_sessions_follow_the_last_recorded_one_has_nothing_to_re_plan(course):
    performed(course, 1, berlin(date(2026, 9, 7)))
    assert proposal_at(course, datetime(2026, 9, 7, 12, tzinfo=UTC)) is None


def test_the_patient_of_another_course_does_not_count(course, clinician_a):
    # Another patient's appointment at the time is the clinician's: it moves session 2 too.
    Appointment.objects.create(
        practice=clinician_a.practice,
        patient=PatientFactory(practice=clinician_a.practice),
        clinician=clinician_a,
        kind="consultation",
        starts_at=berlin(date(2026, 9, 10)),
        ends_at=berlin(date(2026, 9, 10), 11),
    )
    performed(course, 1, berlin(date(2026, 9, 3)))
    replan = proposal_at(course, datetime(2026, 9, 3, 12, tzinfo=UTC))
    assert starts(replan)[0] == (2, berlin(date(2026, 9, 10), 11))


def test_the_re_plan_keeps_the_courses_wall_clock_time_across_the_change_of_time(course):
    # Session 4 (planned Monday 28 Sep) happened on the 21st, in summer time; session 5 is
    # planned for 28 Oct at 10:00 winter time and belongs on 21 Oct: at 10:00 summer time.
    # At 14:00: session 3 holds the 21st at 10:00 (PostgreSQL refuses two at once).
    performed(course, 4, berlin(date(2026, 9, 21), hour=14))
    replan = proposal_at(course, datetime(2026, 9, 21, 14, tzinfo=UTC))
    assert starts(replan)[0] == (5, berlin(date(2026, 10, 21)))
    assert starts(replan)[0][1].utcoffset() == timedelta(hours=2)


def test_a_cancelled_later_session_is_not_re_planned(course):
    performed(course, 1, berlin(date(2026, 9, 3)))
    third = course.appointments.get(sequence=3)
    Appointment.objects.filter(pk=third.pk).update(status=AppointmentStatus.CANCELLED)
    replan = proposal_at(course, datetime(2026, 9, 3, 12, tzinfo=UTC))
    assert [a.sequence for a, _, _ in replan.moves] == [2, 4, 5, 6, 7, 8]


def test_a_late_gap_far_from_utc_moves_on_by_the_practices_days(
    api_a, clinician_a, ready_patient, practice_a
):
    # UTC+14: 10:00 on the 10th is still the 9th in UTC; found at 11:00 on the 10th, the
    # re-plan starts on the 11th at 10:00, the practice's date and time.
    kiritimati = ZoneInfo("Pacific/Kiritimati")
    practice_a.time_zone = "Pacific/Kiritimati"
    practice_a.save(update_fields=["time_zone"])
    response = book(api_a, ready_patient, clinician_a, start="2026-09-07T10:00:00+14:00")
    assert response.status_code == 201, response.content
    course = Course.objects.get()
    performed(course, 1, datetime(2026, 9, 3, 10, tzinfo=kiritimati))
    replan = proposal_at(course, datetime(2026, 9, 10, 11, tzinfo=kiritimati))
    sequence, start = starts(replan)[0]
    assert (sequence, start) == (2, datetime(2026, 9, 11, 10, tzinfo=kiritimati))
