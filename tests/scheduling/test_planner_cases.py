"""The planner's counter-examples of issue 15 through the services and the database:
busy periods loaded over everything the plan may look at, a move placed exactly or
refused, real-time ends across the autumn change, the maintenance window from the
practice's own date."""

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mesoplan.models import AuditEntry
from scheduling import rescheduling
from scheduling.models import Appointment, Course, OpeningHours, RecallEntry
from scheduling.recall import update_recall_lists
from tests.factories import PatientFactory
from tests.scheduling.test_appointments_api import move
from tests.scheduling.test_course_booking import NOW, book

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def appointment(clinician, start, end, patient=None, kind="consultation"):
    return Appointment.objects.create(
        practice=clinician.practice,
        patient=patient or PatientFactory(practice=clinician.practice),
        clinician=clinician,
        kind=kind,
        starts_at=start,
        ends_at=end,
    )


def berlin(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), BERLIN)


def test_a_course_is_not_booked_over_an_appointment_that_began_before_the_window(
    api_a, clinician_a, ready_patient
):
    # Start Tue 8 Sep 10:00; Tuesday and Wednesday are taken, and Monday from 10:00. Before,
    # session 1 went to Monday 09:15, over an appointment from 08:00 that the calendar
    # (loaded from 24 h before the start) did not hold: double-booked on SQLite, a 409
    # double_booking on PostgreSQL. Session 1 never moves before its start: it is named.
    monday, tuesday, wednesday = date(2026, 9, 7), date(2026, 9, 8), date(2026, 9, 9)
    appointment(clinician_a, berlin(monday, 8), berlin(monday, 9, 55))
    appointment(clinician_a, berlin(monday, 10), berlin(monday, 18))
    appointment(clinician_a, berlin(tuesday, 8), berlin(tuesday, 18))
    appointment(clinician_a, berlin(wednesday, 8), berlin(wednesday, 18))
    response = book(api_a, ready_patient, clinician_a, start="2026-09-08T10:00:00+02:00")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "course_unplaceable"
    assert body["unplaced"][0]["sequence"] == 1
    assert body["unplaced"][0]["reason"] == (
        "The clinician or the patient is busy at 08 Sep 2026, 10:00 and no later slot is free "
        "within 1 day."
    )
    assert not Course.objects.exists()
    assert Appointment.objects.count() == 4  # nothing booked over the early one


def test_the_calendar_holds_appointments_from_before_the_start_minus_a_day(
    clinician_a, ready_patient
):
    # The monthly part may move 3 days back: what is busy is loaded from the largest
    # tolerance and a day before the start, by overlap.
    from protocols.models import Protocol
    from protocols.planner import planning_window
    from scheduling.selectors import availability_for

    start = berlin(date(2026, 9, 8), 10)
    three_days_before = appointment(
        clinician_a, start - timedelta(days=3, hours=1), start - timedelta(days=3)
    )
    since, until = planning_window(start, Protocol.objects.get(code="mesolift").schedule())
    busy = availability_for(clinician_a, since, until).busy
    assert (three_days_before.starts_at, three_days_before.ends_at) in busy


@pytest.fixture
def course(api_a, clinician_a, ready_patient):
    response = book(api_a, ready_patient, clinician_a)
    assert response.status_code == 201
    return response.json()


def _starts(course):
    rows = Appointment.objects.filter(course_id=course["id"]).order_by("sequence")
    return list(rows.values_list("starts_at", flat=True))


def test_a_move_into_a_busy_slot_is_refused_not_placed_elsewhere_the_same_day(
    api_a, clinician_a, course
):
    # Another patient at 14:00-15:00 on Wed 16 Sep: moving session 2 to 14:00 is a 409,
    # never 15:00 while the message, the audit entry and the API say 14:00.
    appointment(clinician_a, berlin(date(2026, 9, 16), 14), berlin(date(2026, 9, 16), 15))
    before = _starts(course)
    response = move(api_a, course["appointments"][1]["id"], "2026-09-16T14:00:00+02:00")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "reschedule_conflict"
    assert response.json()["conflicting"]["sequence"] == 2
    assert "busy at 16 Sep 2026, 14:00" in response.json()["detail"]
    assert _starts(course) == before
    assert not AuditEntry.objects.filter(action="appointment.reschedule").exists()


def test_a_move_onto_the_next_sessions_time_takes_it_along_in_order(api_a, course):
    # Session 2 to where session 3 is: session 3 and the later ones follow, in order.
    third = course["appointments"][2]["starts_at"]
    response = move(api_a, course["appointments"][1]["id"], third)
    assert response.status_code == 200, response.content
    rows = list(Appointment.objects.filter(course_id=course["id"]).order_by("sequence"))
    assert rows[1].starts_at == datetime.fromisoformat(third)
    assert rows[2].starts_at == rows[1].starts_at + timedelta(days=7)
    assert all(a.ends_at <= b.starts_at for a, b in itertools.pairwise(rows))


def test_session_ends_are_real_time_across_the_autumn_change(
    api_a, clinician_a, ready_patient, practice_a
):
    # Open on Sunday nights only; Sunday 25 Oct 2026 the clocks go back at 03:00.
    OpeningHours.objects.create(practice=practice_a, weekday=6, opens=time(0), closes=time(6))
    response = book(api_a, ready_patient, clinician_a, start="2026-10-25T02:30:00+02:00")
    assert response.status_code == 201, response.content
    rows = Appointment.objects.filter(course__patient=ready_patient).order_by("sequence")
    assert {a.ends_at - a.starts_at for a in rows} == {timedelta(minutes=45)}
    first = rows[0]
    assert first.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert first.ends_at == datetime(2026, 10, 25, 1, 15, tzinfo=UTC)  # 02:15 winter time


def test_a_session_performed_across_the_autumn_change_keeps_its_real_length(
    clinician_a, ready_patient
):
    planned = appointment(
        clinician_a,
        datetime(2026, 10, 26, 9, tzinfo=UTC),
        datetime(2026, 10, 26, 9, 45, tzinfo=UTC),
        patient=ready_patient,
    )
    performed = datetime(2026, 10, 25, 2, 30, tzinfo=BERLIN)  # summer time, 00:30 UTC
    rescheduling.move_to_when_performed(
        actor=clinician_a, appointment=planned, performed_at=performed
    )
    planned.refresh_from_db()
    assert planned.starts_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert planned.ends_at - planned.starts_at == timedelta(minutes=45)


def test_the_maintenance_window_counts_from_the_practices_own_date(
    api_a, clinician_a, ready_patient, practice_a
):
    # UTC+14: a session at 09:00 on Thursday 28 Jan 2027 is still Wednesday the 27th in UTC.
    practice_a.time_zone = "Pacific/Kiritimati"
    practice_a.save(update_fields=["time_zone"])
    response = book(api_a, ready_patient, clinician_a, start="2026-09-07T09:00:00+14:00")
    assert response.status_code == 201, response.content
    last = Appointment.objects.filter(course__patient=ready_patient).order_by("sequence").last()
    assert last.starts_at.astimezone(ZoneInfo("Pacific/Kiritimati")).date() == date(2027, 1, 28)
    assert last.starts_at.astimezone(UTC).date() == date(2027, 1, 27)
    with time_machine.travel(NOW, tick=False):
        update_recall_lists(last.ends_at + timedelta(days=1))
    entry = RecallEntry.objects.get()
    assert entry.last_session_on == date(2027, 1, 28)
    assert (entry.due_from, entry.due_until) == (date(2027, 4, 28), date(2027, 7, 28))
    # The course's API says the same window (it too counts from the practice's date).
    with time_machine.travel(datetime(2027, 2, 1, tzinfo=UTC), tick=False):
        course = api_a.get(f"/api/v1/courses/{response.json()['id']}/").json()
    assert course["maintenance_window"] == {"from": "2027-04-28", "until": "2027-07-28"}
