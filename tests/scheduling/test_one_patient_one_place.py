"""One patient, one place, one course (DOMAIN.md, "The course"): at most one active
course per indication, held by a unique index; a course ended early, with its reason,
frees the indication; and a patient is never in two overlapping appointments, whoever
the clinician (the planner books around the patient's appointments, a single booking
answers 409, and on PostgreSQL an exclusion constraint decides a race)."""

import itertools
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from mesoplan.errors import Conflict, InvalidInput
from mesoplan.models import AuditEntry
from patients import services as patient_services
from scheduling import booking, rescheduling
from scheduling.models import Appointment, AppointmentStatus, Course
from tests.factories import CONSENT, ClinicianFactory
from tests.scheduling.test_course_booking import NOW, START, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(api_a, clinician_a, ready_patient):
    response = book(api_a, ready_patient, clinician_a)
    assert response.status_code == 201, response.content
    return Course.objects.get(pk=response.json()["id"])


def test_a_second_active_course_of_the_indication_is_409_and_books_nothing(
    api_a, clinician_a, ready_patient, course
):
    response = book(api_a, ready_patient, clinician_a, start="2026-10-05T10:00:00+02:00")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "active_course"
    assert response.json()["course"] == str(course.pk)
    assert Course.objects.count() == 1 and Appointment.objects.count() == 8


def test_a_second_clinician_does_not_make_a_second_course_possible(
    api_a, clinician_a, ready_patient, course
):
    colleague = ClinicianFactory(practice=clinician_a.practice, username="clin_a2")
    response = book(api_a, ready_patient, colleague, start="2026-10-05T10:00:00+02:00")
    assert response.status_code == 409 and response.json()["code"] == "active_course"


def test_the_database_holds_one_active_course_per_indication(course):
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.create(
            patient=course.patient,
            protocol=course.protocol,
            indication=course.indication,
            clinician=course.clinician,
            screening=course.screening,
            initial_interval_days=7,
            created_by=course.clinician,
        )


def test_a_hair_course_may_run_beside_a_skin_course(api_a, clinician_a, ready_patient, course):
    patient_services.create_screening(
        actor=clinician_a,
        patient=ready_patient,
        indication="hair",
        therapy_goal="stabilise",
        insurance_options_considered=True,
        prognosis_explained=True,
        **CONSENT,
    )
    response = book(
        api_a, ready_patient, clinician_a, protocol="mesohair", start="2026-09-08T10:00:00+02:00"
    )
    assert response.status_code == 201, response.content


def test_ending_a_course_early_needs_a_reason_cancels_its_plan_and_frees_the_indication(
    api_a, clinician_a, ready_patient, course
):
    with pytest.raises(InvalidInput) as refused:
        rescheduling.end_course(actor=clinician_a, course=course, reason="  ")
    assert "reason" in refused.value.errors
    rescheduling.end_course(actor=clinician_a, course=course, reason="Patient moved away")
    course.refresh_from_db()
    assert course.status == Course.Status.ENDED and course.ended_by == clinician_a
    assert set(course.appointments.values_list("status", flat=True)) == {"cancelled"}
    entry = AuditEntry.objects.get(action="course.end")
    assert "Patient moved away" in entry.summary and "8 planned sessions" in entry.summary
    again = book(api_a, ready_patient, clinician_a, start="2026-10-05T10:00:00+02:00")
    assert again.status_code == 201, again.content
    with pytest.raises(Conflict):  # an ended course stays ended
        rescheduling.end_course(actor=clinician_a, course=course, reason="Again")


def test_the_course_page_ends_a_course_with_the_reason_typed(browser_a, course):
    page = browser_a.get(reverse("courses:detail", args=[course.pk])).content.decode()
    assert "End this course early" in page
    refused = browser_a.post(reverse("courses:end", args=[course.pk]), {"reason": ""})
    assert (
        refused.status_code == 400 and "Say why the course ends early" in refused.content.decode()
    )
    response = browser_a.post(reverse("courses:end", args=[course.pk]), {"reason": "Pregnant"})
    assert response.status_code == 302
    page = browser_a.get(response["Location"]).content.decode()
    assert "Ended early" in page and "Pregnant" in page
    assert "End this course early" not in page
    assert "Cancelled with the course" in page and "Not yet booked" not in page


def test_the_api_ends_a_course(api_a, course):
    response = api_a.post(f"/api/v1/courses/{course.pk}/end/", {"reason": "Moved"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "ended" and response.json()["ended_reason"] == "Moved"
    assert api_a.post(f"/api/v1/courses/{course.pk}/end/", {}, format="json").status_code == 400


def test_another_practice_cannot_end_the_course(api_b, browser_b, course):
    assert (
        api_b.post(f"/api/v1/courses/{course.pk}/end/", {"reason": "x"}, format="json").status_code
        == 404
    )
    assert (
        browser_b.post(reverse("courses:end", args=[course.pk]), {"reason": "x"}).status_code == 404
    )
    course.refresh_from_db()
    assert course.status == Course.Status.ACTIVE


def test_a_patient_is_not_booked_with_another_clinician_at_the_same_time(
    clinician_a, ready_patient, course
):
    colleague = ClinicianFactory(practice=clinician_a.practice, username="clin_a2")
    first = course.appointments.get(sequence=1)
    with pytest.raises(Conflict) as refused:
        booking.book_appointment(
            actor=clinician_a,
            patient=ready_patient,
            clinician_id=colleague.pk,
            kind="consultation",
            starts_at=first.starts_at + timedelta(minutes=15),
            ends_at=first.starts_at + timedelta(minutes=45),
        )
    assert refused.value.code == "patient_double_booking"
    assert Appointment.objects.count() == 8


def test_a_move_does_not_put_the_patient_in_two_places(clinician_a, ready_patient, course):
    import time_machine

    colleague = ClinicianFactory(practice=clinician_a.practice, username="clin_a2")
    second = course.appointments.get(sequence=2)
    with time_machine.travel(NOW, tick=False):
        consultation = booking.book_appointment(
            actor=clinician_a,
            patient=ready_patient,
            clinician_id=colleague.pk,
            kind="consultation",
            starts_at=second.starts_at + timedelta(days=1),
            ends_at=second.starts_at + timedelta(days=1, minutes=30),
        )
        with pytest.raises(Conflict):
            rescheduling.reschedule(
                actor=clinician_a, appointment=second, starts_at=consultation.starts_at
            )
    second.refresh_from_db()
    assert second.starts_at == consultation.starts_at - timedelta(days=1)


def test_the_planner_books_a_course_around_the_patients_other_appointments(
    api_a, clinician_a, ready_patient
):
    from datetime import datetime

    import time_machine

    colleague = ClinicianFactory(practice=clinician_a.practice, username="clin_a2")
    start = datetime.fromisoformat(START)
    with time_machine.travel(NOW, tick=False):
        booking.book_appointment(
            actor=clinician_a,
            patient=ready_patient,
            clinician_id=colleague.pk,
            kind="consultation",
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
        )
    response = book(api_a, ready_patient, clinician_a)
    assert response.status_code == 201, response.content
    mine = Appointment.objects.filter(patient=ready_patient).exclude(status="cancelled")
    periods = sorted(mine.values_list("starts_at", "ends_at"))
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(periods))


@pytest.mark.postgres
def test_postgresql_refuses_a_patient_in_two_places(clinician_a, ready_patient, course):
    colleague = ClinicianFactory(practice=clinician_a.practice, username="clin_a2")
    first = course.appointments.get(sequence=1)
    assert connection.vendor == "postgresql"
    with pytest.raises(IntegrityError), transaction.atomic():
        Appointment.objects.create(
            practice_id=ready_patient.practice_id,
            patient=ready_patient,
            clinician=colleague,
            kind="consultation",
            starts_at=first.starts_at,
            ends_at=first.ends_at,
            status=AppointmentStatus.SCHEDULED,
        )


def test_the_record_and_the_list_say_in_course_while_one_runs(browser_a, ready_patient, course):
    record = browser_a.get(reverse("patients:detail", args=[ready_patient.pk])).content.decode()
    assert "In course: 0 of 8" in record
    assert "Book a course" not in record
    first = course.appointments.get(sequence=1)
    assert reverse("calendar:session", args=[first.pk]) in record  # the next session leads
    listing = browser_a.get(reverse("patients:list")).content.decode()
    assert "In course: 0 of 8" in listing


def test_a_course_ended_early_lets_the_record_offer_booking_again(
    browser_a, clinician_a, ready_patient, course
):
    rescheduling.end_course(actor=clinician_a, course=course, reason="Moved away")
    record = browser_a.get(reverse("patients:detail", args=[ready_patient.pk])).content.decode()
    assert "In course" not in record and "Book a course" in record


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_bookings_of_one_patient_with_ten_clinicians_leave_one(practice_a, clinician_a):
    """Ten clinicians book the same patient for the same half hour at once: the calendar
    locks and the exclusion constraint leave exactly one, the rest are a 409, never a
    deadlock or a 500."""
    from tests.concurrency import race
    from tests.factories import PatientFactory

    patient = PatientFactory(practice=practice_a)
    clinicians = [ClinicianFactory(practice=practice_a, username=f"c{n}") for n in range(10)]
    from tests.scheduling.test_no_double_booking import SLOT

    start = SLOT  # a Monday morning ahead: in the hours whatever day the suite runs

    def attempt(clinician):
        def book():
            booking.book_appointment(
                actor=clinician_a,
                patient=patient,
                clinician_id=clinician.pk,
                kind="consultation",
                starts_at=start,
                ends_at=start + timedelta(minutes=30),
            )
            return "booked"

        return book

    outcomes = race([attempt(c) for c in clinicians], {Conflict: "conflict"})
    assert sorted(set(outcomes)) == ["booked", "conflict"], outcomes
    assert outcomes.count("booked") == 1
    assert Appointment.objects.filter(patient=patient).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_bookings_of_one_patients_course_leave_one(practice_a, clinician_a):
    """Twenty clinicians book the same ready patient into a MesoLift course at once, each
    at another hour: one course, the rest 409 active_course, never a 500."""
    from datetime import datetime

    from tests.concurrency import race
    from tests.factories import PatientFactory

    patient = PatientFactory(practice=practice_a)
    patient_services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", **CONSENT
    )
    clinicians = [ClinicianFactory(practice=practice_a, username=f"k{n}") for n in range(20)]
    day = (timezone.now() + timedelta(days=7)).date()

    def attempt(n, clinician):
        def book():
            booking.book_course(
                actor=clinician_a,
                patient=patient,
                protocol_code="mesolift",
                clinician_id=clinician.pk,
                start=datetime.combine(day, datetime.min.time(), timezone.get_current_timezone())
                + timedelta(hours=8, minutes=15 * n),
                initial_interval_days=7,
            )
            return "booked"

        return book

    outcomes = race([attempt(n, c) for n, c in enumerate(clinicians)], {Conflict: "conflict"})
    assert outcomes.count("booked") == 1, outcomes
    assert set(outcomes) == {"booked", "conflict"}, outcomes
    assert Course.objects.filter(patient=patient, status="active").count() == 1
