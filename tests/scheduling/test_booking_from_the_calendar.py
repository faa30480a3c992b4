"""Booking from the calendar (issue 16 A.2): a free slot links to a booking page, the
patient is found by name, a maintenance visit is proposed in the recall window, a
cancelled course session is booked again; every POST redirects, every refusal says why."""

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from mesoplan.errors import Conflict
from mesoplan.models import AuditEntry
from protocols.planner import local
from scheduling import booking, rebooking, rescheduling
from scheduling.calendar_grid import Window, free_periods
from scheduling.models import Appointment, RecallEntry
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 9, 8, 6, 0, tzinfo=UTC)  # Tuesday 8 Sep 2026, 08:00 in Berlin


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return local(date(2026, 9, day), time(hour, minute), BERLIN)


@pytest.fixture
def course(clinician_a, ready_patient):
    return booking.book_course(
        actor=clinician_a,
        patient=ready_patient,
        protocol_code="mesolift",
        clinician_id=clinician_a.pk,
        start=at(9, 10),
        initial_interval_days=7,
        targets=["elastosis"],
    ).course


# --- Free periods on the grid ------------------------------------------------------------


def test_free_periods_start_on_the_grid_and_skip_what_is_booked_or_gone():
    window = Window(8 * 60, 18 * 60)
    free = free_periods(
        [(8 * 60, 12 * 60), (13 * 60, 18 * 60)],
        [(8 * 60, 8 * 60 + 40), (11 * 60 + 50, 13 * 60 + 10)],
        window,
        earliest=10 * 60 + 1,
    )
    assert [(f.starts, f.ends) for f in free] == [("10:15", "11:50"), ("13:15", "18:00")]
    assert (free[0].row, free[0].span) == (10, 7)  # 10:15 is row 10; to 11:50, 7 rows
    # a gap under 15 minutes is no free period
    assert free_periods([(8 * 60, 9 * 60)], [(8 * 60 + 10, 9 * 60)], window) == []


def test_the_week_links_each_free_period_to_the_booking_page(browser_a, clinician_a, course):
    body = browser_a.get(reverse("calendar:week") + "?week=2026-W37").content.decode()
    book = reverse("calendar:book")
    # Tuesday 8 Sep from 08:00 (now); Wednesday 9 Sep around session 1 (10:00-10:45)
    assert f"{book}?clinician={clinician_a.pk}&amp;date=2026-09-08&amp;time=08:00" in body
    assert f"{book}?clinician={clinician_a.pk}&amp;date=2026-09-09&amp;time=10:45" in body
    assert "Book on Wed 09 Sep at 08:00 (free until 10:00)" in body
    # Monday 7 Sep is gone: nothing there is offered
    assert "date=2026-09-07&amp;time" not in body


# --- Booking a visit --------------------------------------------------------------------


def test_a_slot_finds_the_patient_then_books_and_redirects(browser_a, clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a, first_name="Ida", last_name="Roth")
    slot = f"?clinician={clinician_a.pk}&date=2026-09-10&time=11:15"
    url = reverse("calendar:book")
    page = browser_a.get(url + slot + "&q=Roth").content.decode()
    assert "Who is the visit for?" in page and f"patient={patient.pk}" in page
    form = browser_a.get(url + slot + f"&patient={patient.pk}").content.decode()
    assert 'value="10.09.2026"' in form and 'value="11:15" selected' in form
    response = browser_a.post(
        url + slot,
        {
            "patient": patient.pk,
            "kind": "consultation",
            "clinician": clinician_a.pk,
            "date": "10.09.2026",
            "time": "11:15",
            "minutes": "30",
        },
    )
    booked = Appointment.objects.get(patient=patient)
    assert response.status_code == 302
    assert response["Location"] == reverse("calendar:appointment", args=[booked.pk])
    assert (booked.starts_at, booked.ends_at - booked.starts_at) == (
        at(10, 11, 15),
        timedelta(minutes=30),
    )
    assert AuditEntry.objects.filter(action="appointment.book", object_id=str(booked.pk)).exists()


def test_a_taken_slot_is_a_409_that_names_it_and_books_nothing(browser_a, clinician_a, course):
    patient = PatientFactory(practice=clinician_a.practice)
    response = browser_a.post(
        reverse("calendar:book"),
        {
            "patient": patient.pk,
            "kind": "consultation",
            "clinician": clinician_a.pk,
            "date": "09.09.2026",
            "time": "10:15",
            "minutes": "30",
        },
    )
    assert response.status_code == 409
    assert "Not booked." in response.content.decode()
    assert not Appointment.objects.filter(patient=patient).exists()


def test_maintenance_is_proposed_at_the_first_free_time_of_the_recall_window(
    browser_a, clinician_a, course, ready_patient
):
    Appointment.objects.filter(course=course).update(status="completed")
    RecallEntry.objects.create(
        practice=clinician_a.practice,
        patient=ready_patient,
        course=course,
        last_session_on=date(2026, 6, 1),
        due_from=date(2026, 9, 14),
        due_until=date(2026, 12, 1),
    )
    blocker = PatientFactory(practice=clinician_a.practice)
    booking.book_appointment(
        actor=clinician_a,
        patient=blocker,
        clinician_id=clinician_a.pk,
        kind="consultation",
        starts_at=at(14, 8),
        ends_at=at(14, 9, 30),
    )
    page = browser_a.get(reverse("calendar:book") + f"?patient={ready_patient.pk}")
    body = page.content.decode()
    assert "Due for maintenance" in body and "14 Sep 2026 \u2013 01 Dec 2026" in body
    assert re.search(r'value="maintenance"[^>]*checked', body)
    assert 'value="14.09.2026"' in body and 'value="09:30" selected' in body


def test_the_booking_page_is_the_practices_own(browser_b, clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    assert browser_b.get(reverse("calendar:book") + f"?patient={patient.pk}").status_code == 404
    assert browser_b.get(reverse("calendar:book") + "?patient=not-a-uuid").status_code == 404


# --- A cancelled session booked again ---------------------------------------------------


def test_a_cancelled_session_is_booked_again_between_its_neighbours(browser_a, clinician_a, course):
    second = course.appointments.get(sequence=2)
    rescheduling.cancel(actor=clinician_a, appointment=second, reason="patient_unwell")
    page = browser_a.get(reverse("courses:detail", args=[course.pk])).content.decode()
    url = reverse("courses:rebook", args=[course.pk, 2])
    assert url in page and "Book again" in page
    form = browser_a.get(url).content.decode()
    assert 'value="16.09.2026"' in form and 'value="10:00" selected' in form  # its old slot
    late = browser_a.post(url, {"date": "23.09.2026", "time": "10:00"})  # session 3's time
    assert late.status_code == 409 and "must end before session 3 starts" in late.content.decode()
    response = browser_a.post(url, {"date": "17.09.2026", "time": "11:00"})
    assert response.status_code == 302
    again = course.appointments.get(sequence=2, status="scheduled")
    assert again.starts_at == at(17, 11) and again.ends_at - again.starts_at == timedelta(
        minutes=45
    )
    entry = AuditEntry.objects.get(action="appointment.rebook")
    assert entry.details["cancelled"] == str(second.pk)
    assert browser_a.get(url).status_code == 404  # not cancelled any more


def test_a_session_is_booked_again_once_even_when_asked_twice(clinician_a, course):
    second = course.appointments.get(sequence=2)
    rescheduling.cancel(actor=clinician_a, appointment=second)
    rebooking.rebook_session(actor=clinician_a, course=course, sequence=2, starts_at=at(17, 11))
    with pytest.raises(Conflict, match="not cancelled"):
        rebooking.rebook_session(actor=clinician_a, course=course, sequence=2, starts_at=at(18, 11))
    assert course.appointments.filter(sequence=2).exclude(status="cancelled").count() == 1


def test_a_session_is_never_booked_again_before_the_one_before_it(clinician_a, course):
    third = course.appointments.get(sequence=3)
    rescheduling.cancel(actor=clinician_a, appointment=third)
    with pytest.raises(Conflict, match="cannot come before session 2"):
        rebooking.rebook_session(actor=clinician_a, course=course, sequence=3, starts_at=at(15, 9))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_session_booked_again_by_twenty_at_once_is_booked_once(clinician_a, ready_patient):
    from tests.concurrency import race

    with time_machine.travel(NOW, tick=False):
        course = booking.book_course(
            actor=clinician_a,
            patient=ready_patient,
            protocol_code="mesolift",
            clinician_id=clinician_a.pk,
            start=at(9, 10),
            initial_interval_days=7,
            targets=["elastosis"],
        ).course
        rescheduling.cancel(actor=clinician_a, appointment=course.appointments.get(sequence=2))

    def rebook(hour):
        def attempt():
            with time_machine.travel(NOW, tick=False):
                rebooking.rebook_session(
                    actor=clinician_a, course=course, sequence=2, starts_at=at(17, hour)
                )
            return "booked"

        return attempt

    outcomes = race([rebook(9 + n % 8) for n in range(20)], {Conflict: "refused"})
    assert sorted(outcomes) == ["booked"] + ["refused"] * 19
    assert course.appointments.filter(sequence=2, status="scheduled").count() == 1


# --- Only when the clinician treats ---------------------------------------------------


@pytest.mark.parametrize(
    ("day", "hour", "minute", "why"),
    [
        (13, 10, 0, "Sun 13 Sep 2026: Closed."),
        (10, 7, 30, "is outside the hours: 08:00-18:00"),
        (10, 17, 45, "is outside the hours"),  # 45 minutes from 17:45 end after closing
    ],
)
def test_a_visit_is_booked_only_when_the_clinician_treats(
    browser_a, clinician_a, practice_a, day, hour, minute, why
):
    patient = PatientFactory(practice=practice_a)
    response = browser_a.post(
        reverse("calendar:book") + f"?time={hour:02d}:{minute:02d}",  # not a way round the list
        {
            "patient": patient.pk,
            "kind": "maintenance",
            "clinician": clinician_a.pk,
            "date": f"{day:02d}.09.2026",
            "time": f"{hour:02d}:{minute:02d}",
            "minutes": "45",
        },
    )
    assert response.status_code in (400, 409)
    assert not Appointment.objects.filter(patient=patient).exists()
    if response.status_code == 409:
        assert why in response.content.decode()


def test_closures_and_absences_refuse_a_visit_and_a_session_booked_again(
    clinician_a, practice_a, course
):
    from scheduling.models import Absence, Closure

    Closure.objects.create(practice=practice_a, day=date(2026, 9, 17), reason="Training")
    Absence.objects.create(
        clinician=clinician_a, starts_on=date(2026, 9, 18), ends_on=date(2026, 9, 18)
    )
    with pytest.raises(Conflict, match="Closed: Training"):
        booking.book_appointment(
            actor=clinician_a,
            patient=PatientFactory(practice=practice_a),
            clinician_id=clinician_a.pk,
            kind="consultation",
            starts_at=at(17, 10),
            ends_at=at(17, 10, 30),
        )
    rescheduling.cancel(actor=clinician_a, appointment=course.appointments.get(sequence=2))
    with pytest.raises(Conflict, match="Absent"):
        rebooking.rebook_session(actor=clinician_a, course=course, sequence=2, starts_at=at(18, 10))
    assert not course.appointments.filter(sequence=2, status="scheduled").exists()


def test_a_visit_entered_afterwards_is_kept_as_it_happened(clinician_a, practice_a):
    """A Sunday consultation that took place is entered: the hours bind the future only."""
    patient = PatientFactory(practice=practice_a)
    entered = booking.book_appointment(
        actor=clinician_a,
        patient=patient,
        clinician_id=clinician_a.pk,
        kind="consultation",
        starts_at=at(6, 10),  # Sunday 6 Sep, two days ago
        ends_at=at(6, 10, 30),
    )
    assert entered.starts_at == at(6, 10)


def test_the_rebook_page_of_an_ended_course_is_not_found(browser_a, clinician_a, course):
    rescheduling.cancel(actor=clinician_a, appointment=course.appointments.get(sequence=2))
    url = reverse("courses:rebook", args=[course.pk, 2])
    assert browser_a.get(url).status_code == 200
    rescheduling.end_course(actor=clinician_a, course=course, reason="Moved away")
    assert browser_a.get(url).status_code == 404


def test_the_grid_writes_a_name_as_text(browser_a, clinician_a, practice_a):
    """The blocks are written in Python (scheduling.templatetags.calendar_blocks): every
    value is escaped there as a template would."""
    patient = PatientFactory(practice=practice_a, first_name="<b>Ida", last_name='"Roth"&')
    booking.book_appointment(
        actor=clinician_a,
        patient=patient,
        clinician_id=clinician_a.pk,
        kind="consultation",
        starts_at=at(10, 9),
        ends_at=at(10, 9, 15),
    )
    body = browser_a.get(reverse("calendar:day") + "?date=2026-09-10").content.decode()
    assert "&lt;b&gt;Ida &quot;Roth&quot;&amp;" in body
    assert "<b>Ida" not in body
