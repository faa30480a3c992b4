"""Moving what is not a course session, and what a move keeps (issue 15.9, the survivors of
mutation testing): a consultation or a maintenance visit goes exactly where it is moved
when that slot is free and is a 409 when it is not; the opening hours' edges and back to
back count as free; a moved appointment keeps its length."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mesoplan.errors import Conflict
from mesoplan.models import AuditEntry
from scheduling import rescheduling
from scheduling.models import Appointment, AppointmentStatus
from tests.factories import ClinicianFactory, PatientFactory
from tests.scheduling.test_course_booking import NOW, book

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
TUESDAY = datetime(2026, 9, 8, 11, tzinfo=BERLIN)  # the practice opens 08:00-18:00 on weekdays
WEDNESDAY = TUESDAY + timedelta(days=1)


def _appointment(clinician, start, minutes, kind, patient=None):
    return Appointment.objects.create(
        practice=clinician.practice,
        patient=patient or PatientFactory(practice=clinician.practice),
        clinician=clinician,
        kind=kind,
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
    )


def _move(actor, appointment, starts_at):
    with time_machine.travel(NOW, tick=False):
        rescheduling.reschedule(actor=actor, appointment=appointment, starts_at=starts_at)
    appointment.refresh_from_db()
    return appointment


def _refused(actor, appointment, starts_at):
    before = (appointment.starts_at, appointment.ends_at)
    with pytest.raises(Conflict) as refused:
        _move(actor, appointment, starts_at)
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == before  # nothing moved
    return refused.value


KINDS = ["consultation", "maintenance"]


@pytest.mark.parametrize("kind", KINDS)
def test_moved_into_a_free_slot_it_goes_exactly_there_with_its_length(clinician_a, kind):
    visit = _appointment(clinician_a, TUESDAY, 30, kind)
    moved = _move(clinician_a, visit, WEDNESDAY.replace(hour=14))
    assert moved.starts_at == WEDNESDAY.replace(hour=14)
    assert moved.ends_at - moved.starts_at == timedelta(minutes=30)
    assert moved.status == AppointmentStatus.SCHEDULED
    entry = AuditEntry.objects.get(action="appointment.reschedule")
    assert entry.summary == "to Wed 09 Sep 2026, 14:00"
    [change] = entry.details["moved"]
    assert change == {
        "id": str(visit.pk),
        "sequence": None,
        "starts_at_before": "2026-09-08T11:00:00+02:00",
        "starts_at": "2026-09-09T14:00:00+02:00",
        "ends_at": "2026-09-09T14:30:00+02:00",
        "reason": "chosen time",
    }


@pytest.mark.parametrize("kind", KINDS)
def test_moved_into_a_busy_slot_it_is_a_409_and_stays(clinician_a, kind):
    visit = _appointment(clinician_a, TUESDAY, 30, kind)
    _appointment(clinician_a, WEDNESDAY.replace(hour=14, minute=15), 45, "consultation")
    refusal = _refused(clinician_a, visit, WEDNESDAY.replace(hour=14))
    assert refusal.code == "reschedule_conflict"
    assert refusal.message == (
        "The appointment cannot be placed: the practice is closed or the clinician is busy. "
        "Nothing was moved."
    )
    assert not AuditEntry.objects.filter(action="appointment.reschedule").exists()


@pytest.mark.parametrize("kind", KINDS)
def test_moved_where_the_patient_is_elsewhere_it_is_a_409(clinician_a, kind):
    patient = PatientFactory(practice=clinician_a.practice)
    visit = _appointment(clinician_a, TUESDAY, 30, kind, patient=patient)
    colleague = ClinicianFactory(practice=clinician_a.practice)
    _appointment(colleague, WEDNESDAY.replace(hour=14), 30, "consultation", patient=patient)
    assert _refused(clinician_a, visit, WEDNESDAY.replace(hour=14)).code == "reschedule_conflict"


@pytest.mark.parametrize("kind", KINDS)
def test_moved_outside_the_opening_hours_it_is_a_409(clinician_a, kind):
    visit = _appointment(clinician_a, TUESDAY, 30, kind)
    assert _refused(clinician_a, visit, WEDNESDAY.replace(hour=17, minute=31)).code == (
        "reschedule_conflict"
    )
    assert _refused(clinician_a, visit, WEDNESDAY.replace(hour=7, minute=59)).code == (
        "reschedule_conflict"
    )
    saturday = datetime(2026, 9, 12, 11, tzinfo=BERLIN)
    assert _refused(clinician_a, visit, saturday).code == "reschedule_conflict"


def test_a_visit_may_fill_the_day_from_opening_to_closing(clinician_a):
    visit = _appointment(clinician_a, TUESDAY, 30, "consultation")
    assert _move(clinician_a, visit, WEDNESDAY.replace(hour=8)).starts_at == (
        WEDNESDAY.replace(hour=8)
    )
    last = _move(clinician_a, visit, WEDNESDAY.replace(hour=17, minute=30))
    assert last.ends_at == WEDNESDAY.replace(hour=18)


def test_a_visit_moves_back_to_back_between_two_appointments(clinician_a):
    visit = _appointment(clinician_a, TUESDAY, 30, "maintenance")
    _appointment(clinician_a, WEDNESDAY.replace(hour=13, minute=15), 45, "consultation")
    _appointment(clinician_a, WEDNESDAY.replace(hour=14, minute=30), 45, "consultation")
    moved = _move(clinician_a, visit, WEDNESDAY.replace(hour=14))
    assert (moved.starts_at, moved.ends_at) == (
        WEDNESDAY.replace(hour=14),
        WEDNESDAY.replace(hour=14, minute=30),
    )


def test_a_visit_moved_an_hour_later_the_same_day_does_not_stand_in_its_own_way(clinician_a):
    visit = _appointment(clinician_a, TUESDAY, 90, "consultation")
    moved = _move(clinician_a, visit, TUESDAY + timedelta(minutes=30))
    assert moved.starts_at == TUESDAY + timedelta(minutes=30)
    assert moved.ends_at == TUESDAY + timedelta(minutes=120)


def test_a_cancelled_visit_is_not_moved(clinician_a):
    visit = _appointment(clinician_a, TUESDAY, 30, "consultation")
    Appointment.objects.filter(pk=visit.pk).update(status=AppointmentStatus.CANCELLED)
    refusal = _refused(clinician_a, visit, WEDNESDAY)
    assert refusal.code == "not_scheduled"
    assert refusal.message == "A cancelled appointment cannot be moved."


# --- A course session keeps its 45 minutes ---------------------------------------------


@pytest.fixture
def course(api_a, clinician_a, ready_patient):
    response = book(api_a, ready_patient, clinician_a)
    assert response.status_code == 201, response.content
    return Appointment.objects.filter(course_id=response.json()["id"]).order_by("sequence")


def test_a_moved_course_session_and_the_later_ones_keep_their_45_minutes(clinician_a, course):
    second = course[1]
    new_start = second.starts_at + timedelta(days=1, hours=2)
    _move(clinician_a, second, new_start)
    rows = list(course.all())
    assert rows[1].starts_at == new_start
    assert {a.ends_at - a.starts_at for a in rows} == {timedelta(minutes=45)}
    assert rows[2].starts_at == new_start + timedelta(days=7)  # the interval holds


def test_a_moved_course_session_ends_at_the_closing_time_exactly(clinician_a, course):
    second = course[1]
    at_close = second.starts_at.astimezone(BERLIN).replace(hour=17, minute=15)
    moved = _move(clinician_a, second, at_close)
    assert moved.ends_at.astimezone(BERLIN).hour == 18 and moved.ends_at.minute == 0
    assert moved.ends_at.astimezone(UTC) - moved.starts_at.astimezone(UTC) == timedelta(minutes=45)


def test_a_session_moved_before_the_one_before_names_it_in_the_practices_time(clinician_a, course):
    refusal = _refused(clinician_a, course[1], course[0].starts_at - timedelta(days=1))
    assert refusal.code == "out_of_order"
    assert refusal.message == (
        "Session 2 cannot come before session 1 of its course (Mon 07 Sep 2026, 10:00): the "
        "course's order holds. Nothing was moved."
    )


def test_a_move_keeps_the_booked_length_when_the_protocol_changed_since(clinician_a, course):
    protocol = course[0].course.protocol
    protocol.session_minutes = 60
    protocol.save(update_fields=["session_minutes"])
    second = course[1]
    _move(clinician_a, second, second.starts_at + timedelta(days=1))
    assert {a.ends_at - a.starts_at for a in course.all()} == {timedelta(minutes=45)}


def test_a_move_takes_along_only_this_courses_planned_sessions(
    api_a, clinician_a, ready_patient, course
):
    from patients import services
    from tests.factories import CONSENT

    other = PatientFactory(practice=clinician_a.practice)
    services.create_screening(actor=clinician_a, patient=other, indication="skin", **CONSENT)
    assert book(api_a, other, clinician_a).status_code == 201
    theirs = list(Appointment.objects.filter(patient=other).values_list("starts_at", flat=True))
    fifth = course[4]
    Appointment.objects.filter(pk=fifth.pk).update(status=AppointmentStatus.CANCELLED)
    second = course[1]
    _move(clinician_a, second, second.starts_at + timedelta(days=2))
    assert list(Appointment.objects.filter(patient=other).values_list("starts_at", flat=True)) == (
        theirs
    )
    fifth.refresh_from_db()
    assert fifth.status == AppointmentStatus.CANCELLED
    assert fifth.starts_at == datetime(2026, 10, 28, 10, tzinfo=BERLIN)  # where it was
    assert course[5].starts_at.date() != datetime(2026, 11, 27).date()  # the rest moved


def test_what_stood_there_is_this_practices_closure_and_the_patients_live_appointment(
    api_a, clinician_a, ready_patient, course
):
    from scheduling.models import Closure
    from tests.factories import PracticeFactory

    # Session 2 to Wed 16 Sep 14:00: session 3 would be Wed 23 Sep 14:00, where the
    # clinician sees another patient. Another practice is closed that day and the patient
    # had a cancelled appointment then: neither is why session 3 moved.
    elsewhere = PracticeFactory(network=clinician_a.practice.network)
    Closure.objects.create(practice=elsewhere, day=datetime(2026, 9, 23).date(), reason="Congress")
    day = datetime(2026, 9, 23, 14, tzinfo=BERLIN)
    _appointment(clinician_a, day, 60, "consultation")
    colleague = ClinicianFactory(practice=clinician_a.practice)
    cancelled = _appointment(colleague, day, 60, "consultation", patient=ready_patient)
    Appointment.objects.filter(pk=cancelled.pk).update(status=AppointmentStatus.CANCELLED)
    with time_machine.travel(NOW, tick=False):
        proposal = rescheduling.preview_move(
            actor=clinician_a,
            appointment=course[1],
            starts_at=datetime(2026, 9, 16, 14, tzinfo=BERLIN),
        )
    third = next(m for m in proposal.moves if m.sequence == 3)
    assert third.reason.startswith("moved to 13:15: the clinician is busy at 14:00;")


def test_a_stale_proposal_is_a_409_that_says_so_and_moves_nothing(clinician_a):
    visit = _appointment(clinician_a, TUESDAY, 30, "consultation")
    with time_machine.travel(NOW, tick=False), pytest.raises(Conflict) as refused:
        rescheduling.reschedule(
            actor=clinician_a, appointment=visit, starts_at=WEDNESDAY, proposal="not-this-one"
        )
    assert refused.value.code == "proposal_changed"
    assert refused.value.message == (
        "The calendar changed since the move was proposed: check the new proposal, then "
        "confirm it. Nothing was moved."
    )
    visit.refresh_from_db()
    assert visit.starts_at == TUESDAY


def test_moving_a_session_to_where_it_is_changes_nothing(clinician_a, course):
    second = course[1]
    with time_machine.travel(NOW, tick=False):
        proposal = rescheduling.preview_move(
            actor=clinician_a, appointment=second, starts_at=second.starts_at
        )
    assert proposal.changes == [] and proposal.later_moved == 0


def test_a_session_moved_past_a_short_busy_slot_names_the_clinician_not_itself(clinician_a, course):
    # Session 3 would be Wed 23 Sep 14:00, busy until 14:30: it moves to 14:30, overlapping
    # where it would have been. What stood there is the clinician's appointment.
    _appointment(clinician_a, datetime(2026, 9, 23, 14, tzinfo=BERLIN), 30, "consultation")
    with time_machine.travel(NOW, tick=False):
        proposal = rescheduling.preview_move(
            actor=clinician_a,
            appointment=course[1],
            starts_at=datetime(2026, 9, 16, 14, tzinfo=BERLIN),
        )
    third = next(m for m in proposal.moves if m.sequence == 3)
    assert third.starts_at == datetime(2026, 9, 23, 14, 30, tzinfo=BERLIN)
    assert third.reason.startswith("moved to 14:30: the clinician is busy at 14:00;")
