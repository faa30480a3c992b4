"""Booking's rules at their edges (issue 15.9, the survivors of mutation testing): who may
be booked as a course's clinician, appointments back to back, an end before the start,
whose appointment a 409 names, and what a booked course holds."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from mesoplan.errors import Conflict, InvalidInput
from mesoplan.models import AuditEntry
from mesoplan.tenancy import NotInScope
from scheduling import booking
from scheduling.models import Appointment, AppointmentStatus, Course
from tests.factories import ClinicianFactory, ManagerFactory, NetworkAdminFactory, PatientFactory
from tests.scheduling.test_course_booking import NOW, START, book

pytestmark = pytest.mark.django_db
SLOT = datetime(2026, 9, 8, 9, 0, tzinfo=UTC)  # a Tuesday, 11:00 in Berlin


def _book(actor, patient, start=SLOT, minutes=45, clinician=None, kind="consultation"):
    with time_machine.travel(NOW, tick=False):
        return booking.book_appointment(
            actor=actor,
            patient=patient,
            clinician_id=(clinician or actor).pk,
            kind=kind,
            starts_at=start,
            ends_at=start + timedelta(minutes=minutes),
        )


# --- Who is booked as the clinician ---------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "inactive clinician"])
def test_only_an_active_clinician_is_booked_as_a_courses_clinician(
    api_a, clinician_a, ready_patient, who
):
    if who == "manager":
        other = ManagerFactory(practice=clinician_a.practice)
    else:
        other = ClinicianFactory(practice=clinician_a.practice, is_active=False)
    response = book(api_a, ready_patient, other)
    assert response.status_code == 400, response.content
    assert response.json()["clinician"] == ["No active clinician of this practice has this id."]
    assert not Course.objects.exists() and not Appointment.objects.exists()


def test_a_manager_is_not_booked_as_a_consultations_clinician(clinician_a, manager_a):
    patient = PatientFactory(practice=clinician_a.practice)
    with pytest.raises(InvalidInput) as refused:
        _book(clinician_a, patient, clinician=manager_a)
    assert "clinician" in refused.value.errors
    assert not Appointment.objects.exists()


def test_a_manager_is_not_offered_as_the_clinician_of_a_preview(clinician_a, manager_a):
    with time_machine.travel(NOW, tick=False), pytest.raises(InvalidInput) as refused:
        booking.preview_course(
            actor=clinician_a,
            clinician_id=manager_a.pk,
            protocol_code="mesolift",
            start=datetime.fromisoformat(START),
            initial_interval_days=7,
        )
    assert "clinician" in refused.value.errors


def test_a_manager_books_a_course_with_a_clinician(api_for, manager_a, clinician_a, ready_patient):
    response = book(api_for(manager_a), ready_patient, clinician_a)
    assert response.status_code == 201, response.content
    course = Course.objects.get()
    assert course.clinician == clinician_a and course.created_by == manager_a
    assert set(course.appointments.values_list("clinician", flat=True)) == {clinician_a.pk}


def test_someone_outside_a_practice_does_not_book_an_appointment(clinician_a):
    patient = PatientFactory(practice=clinician_a.practice)
    admin = NetworkAdminFactory(network=clinician_a.practice.network)
    with pytest.raises(NotInScope):  # a 404: the patient is not theirs to book
        _book(admin, patient, clinician=clinician_a)
    assert not Appointment.objects.exists()


# --- Back to back ---------------------------------------------------------------------


def test_an_appointment_ending_as_the_next_begins_is_booked(clinician_a):
    later = _book(clinician_a, PatientFactory(practice=clinician_a.practice))
    before = _book(
        clinician_a, PatientFactory(practice=clinician_a.practice), SLOT - timedelta(minutes=45)
    )
    after = _book(
        clinician_a, PatientFactory(practice=clinician_a.practice), SLOT + timedelta(minutes=45)
    )
    assert before.ends_at == later.starts_at and later.ends_at == after.starts_at
    assert Appointment.objects.count() == 3


def test_a_patient_back_to_back_with_two_clinicians_is_booked(clinician_a):
    patient = PatientFactory(practice=clinician_a.practice)
    colleague = ClinicianFactory(practice=clinician_a.practice)
    _book(clinician_a, patient)
    _book(clinician_a, patient, SLOT - timedelta(minutes=30), minutes=30, clinician=colleague)
    _book(clinician_a, patient, SLOT + timedelta(minutes=45), minutes=30, clinician=colleague)
    assert Appointment.objects.filter(patient=patient).count() == 3


def test_one_minute_of_overlap_before_is_a_409_naming_the_appointment(clinician_a):
    first = _book(clinician_a, PatientFactory(practice=clinician_a.practice))
    with pytest.raises(Conflict) as refused:
        _book(
            clinician_a,
            PatientFactory(practice=clinician_a.practice),
            SLOT - timedelta(minutes=44),
        )
    assert refused.value.code == "double_booking"
    assert refused.value.details == {
        "conflicting": {
            "starts_at": first.starts_at.isoformat(),
            "ends_at": first.ends_at.isoformat(),
        }
    }
    # The message in the practice's format and zone (the details keep ISO 8601).
    assert refused.value.message == (
        "The clinician already has an appointment from Tue 08 Sep 2026, 11:00 to 11:45."
    )


def test_the_patients_own_appointment_is_named_when_the_clinician_is_free(clinician_a):
    patient = PatientFactory(practice=clinician_a.practice)
    colleague = ClinicianFactory(practice=clinician_a.practice)
    theirs = _book(clinician_a, patient, clinician=colleague)
    with pytest.raises(Conflict) as refused:
        _book(clinician_a, patient, SLOT + timedelta(minutes=30))
    assert refused.value.code == "patient_double_booking"
    assert refused.value.message.startswith("The patient already has an appointment from")
    assert refused.value.details["conflicting"]["ends_at"] == theirs.ends_at.isoformat()


def test_double_booking_names_the_earliest_appointment_in_the_way(clinician_a):
    early = _book(clinician_a, PatientFactory(practice=clinician_a.practice))
    _book(clinician_a, PatientFactory(practice=clinician_a.practice), SLOT + timedelta(hours=1))
    conflict = booking.double_booking(clinician_a, [(SLOT, SLOT + timedelta(hours=2))])
    assert conflict.code == "double_booking"
    assert conflict.details["conflicting"]["starts_at"] == early.starts_at.isoformat()
    # Ignoring it, the later one is named; a cancelled one is never in the way.
    ignoring = booking.double_booking(
        clinician_a, [(SLOT, SLOT + timedelta(hours=2))], ignoring=[early.pk]
    )
    assert ignoring.details["conflicting"]["starts_at"] == (SLOT + timedelta(hours=1)).isoformat()
    Appointment.objects.update(status=AppointmentStatus.CANCELLED)
    free = booking.double_booking(clinician_a, [(SLOT, SLOT + timedelta(hours=2))])
    assert (free.code, free.details) == ("double_booking", {})


def test_a_cancelled_appointment_of_the_patient_is_not_in_the_way(clinician_a):
    patient = PatientFactory(practice=clinician_a.practice)
    colleague = ClinicianFactory(practice=clinician_a.practice)
    theirs = _book(clinician_a, patient, clinician=colleague)
    Appointment.objects.filter(pk=theirs.pk).update(status=AppointmentStatus.CANCELLED)
    assert _book(clinician_a, patient).starts_at == SLOT


# --- What is booked -------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [0, -15])
def test_an_appointment_that_ends_at_or_before_its_start_is_a_400(clinician_a, minutes):
    with pytest.raises(InvalidInput) as refused:
        _book(clinician_a, PatientFactory(practice=clinician_a.practice), minutes=minutes)
    assert refused.value.errors == {"ends_at": ["The end must be after the start."]}
    assert not Appointment.objects.exists()


def test_an_appointment_is_booked_as_asked(clinician_a, manager_a):
    patient = PatientFactory(practice=clinician_a.practice)
    booked = _book(manager_a, patient, minutes=30, clinician=clinician_a, kind="maintenance")
    row = Appointment.objects.get()
    assert row.pk == booked.pk
    assert (row.practice_id, row.patient, row.clinician) == (
        patient.practice_id,
        patient,
        clinician_a,
    )
    assert (row.kind, row.starts_at, row.ends_at) == (
        "maintenance",
        SLOT,
        SLOT + timedelta(minutes=30),
    )
    assert row.status == AppointmentStatus.SCHEDULED and row.course_id is None


def test_a_booked_course_holds_what_was_asked(api_a, clinician_a, ready_patient):
    response = book(
        api_a,
        ready_patient,
        clinician_a,
        targets=["elastosis", "elastosis", "age_spots"],
        combinations=["pre_operative", "pre_operative"],
        operation_date="2026-12-01",
        initial_interval_days=14,
    )
    assert response.status_code == 201, response.content
    course = Course.objects.get()
    assert course.targets == ["elastosis", "age_spots"]  # each once, in the order given
    assert course.combinations == ["pre_operative"]
    assert str(course.operation_date) == "2026-12-01"
    assert course.initial_interval_days == 14 and course.indication == "skin"
    assert course.screening == ready_patient.screenings.latest("created_at")
    assert course.created_by == clinician_a and course.status == Course.Status.ACTIVE
    rows = list(course.appointments.order_by("sequence"))
    assert [a.sequence for a in rows] == list(range(1, 9))
    assert {(a.kind, a.patient_id, a.practice_id) for a in rows} == {
        ("course", ready_patient.pk, ready_patient.practice_id)
    }
    assert {a.ends_at - a.starts_at for a in rows} == {timedelta(minutes=45)}
    assert rows[1].starts_at - rows[0].starts_at == timedelta(days=14)
    entry = AuditEntry.objects.get(action="course.book")
    assert entry.summary == "MesoLift course: 8 sessions from Mon 07 Sep 2026, 10:00"


def test_an_unknown_target_is_a_400_naming_the_choices(api_a, clinician_a, ready_patient):
    response = book(api_a, ready_patient, clinician_a, targets=["regrowth", "age_spots"])
    assert response.status_code == 400
    [message] = response.json()["targets"]
    assert message.startswith("Not a target of this indication: regrowth. Choose from ")
    assert "age_spots" in message


def test_a_course_unplaceable_names_each_session_and_why(api_a, clinician_a, ready_patient):
    from scheduling.models import Absence

    Absence.objects.create(
        clinician=clinician_a,
        starts_on=datetime(2026, 9, 10).date(),
        ends_on=datetime(2026, 9, 20).date(),
    )
    body = book(api_a, ready_patient, clinician_a).json()
    [unplaced] = body["unplaced"]
    assert unplaced == {
        "sequence": 2,
        "ideal_start": "2026-09-14T10:00:00+02:00",
        "reason": "14 Sep 2026 is closed and no slot is free within 1 day.",
    }
    assert body["detail"] == f"Not every session can be placed: Session 2: {unplaced['reason']}"


def test_double_booking_names_the_appointment_in_the_way_not_just_a_later_one(clinician_a):
    # A course's periods: nothing overlaps the first; appointments before and after it (in
    # no period) and one overlapping the second. The 409 names the one in the way.
    earlier = _book(
        clinician_a, PatientFactory(practice=clinician_a.practice), SLOT - timedelta(hours=2)
    )
    between = _book(
        clinician_a, PatientFactory(practice=clinician_a.practice), SLOT + timedelta(hours=1)
    )
    in_the_way = _book(
        clinician_a, PatientFactory(practice=clinician_a.practice), SLOT + timedelta(hours=3)
    )
    periods = [
        (SLOT, SLOT + timedelta(minutes=45)),
        (SLOT + timedelta(hours=3), SLOT + timedelta(hours=3, minutes=45)),
    ]
    conflict = booking.double_booking(clinician_a, periods)
    assert conflict.details["conflicting"]["starts_at"] == in_the_way.starts_at.isoformat()
    assert between.starts_at.isoformat() not in conflict.message
    assert earlier.starts_at.isoformat() not in conflict.message


def test_a_race_lost_without_a_named_appointment_still_says_what_happened(clinician_a):
    conflict = booking.double_booking(clinician_a, [(SLOT, SLOT + timedelta(minutes=45))])
    assert (conflict.code, conflict.message) == ("double_booking", "Another appointment overlaps.")


# --- The preview the booking page shows -----------------------------------------------


def test_the_preview_plans_around_the_patients_other_appointment(clinician_a, ready_patient):
    colleague = ClinicianFactory(practice=clinician_a.practice)
    start = datetime.fromisoformat(START)
    _book(clinician_a, ready_patient, start, minutes=30, clinician=colleague)
    with time_machine.travel(NOW, tick=False):
        plan = booking.preview_course(
            actor=clinician_a,
            clinician_id=clinician_a.pk,
            protocol_code="mesolift",
            start=start,
            initial_interval_days=14,
            patient_id=ready_patient.pk,
        )
        alone = booking.preview_course(
            actor=clinician_a,
            clinician_id=clinician_a.pk,
            protocol_code="mesolift",
            start=start,
            initial_interval_days=14,
        )
    assert plan.is_complete and len(plan.sessions) == 8
    assert plan.sessions[0].start == start + timedelta(minutes=30)  # after the patient's visit
    # The course keeps its 10:00: session 2 two weeks after session 1's day, at 10:00.
    assert plan.sessions[1].start == start + timedelta(days=14)
    assert alone.sessions[0].start == start  # the clinician alone is free at the start
    assert not Course.objects.exists()  # a preview books nothing


def test_the_preview_refuses_what_booking_refuses(clinician_a, manager_a):
    admin = NetworkAdminFactory(network=clinician_a.practice.network)
    ask = {
        "clinician_id": clinician_a.pk,
        "protocol_code": "mesolift",
        "start": datetime.fromisoformat(START),
        "initial_interval_days": 7,
    }
    with time_machine.travel(NOW, tick=False):
        with pytest.raises(Conflict) as refused:
            booking.preview_course(actor=admin, **ask)
        assert refused.value.code == "not_practice_staff"
        assert refused.value.message == "Only practice staff can plan courses."
        with pytest.raises(InvalidInput) as unknown:
            booking.preview_course(actor=manager_a, **{**ask, "protocol_code": "botox"})
        assert unknown.value.errors["protocol"][0].startswith('Unknown protocol "botox". Known: ')
        with pytest.raises(InvalidInput) as interval:
            booking.preview_course(actor=manager_a, **{**ask, "initial_interval_days": 10})
        assert interval.value.errors == {
            "initial_interval_days": ["The interval is 7 or 14 days for this protocol."]
        }
        with pytest.raises(InvalidInput) as past:
            booking.preview_course(actor=manager_a, **{**ask, "start": NOW})
        assert past.value.errors == {"start": ["The first session must be in the future."]}


def test_the_409s_of_the_gate_say_why_in_words(api_a, clinician_a, ready_patient):
    unscreened = PatientFactory(practice=clinician_a.practice)
    body = book(api_a, unscreened, clinician_a).json()
    assert body["detail"] == "The patient has no screening for this indication."
    assert body["reasons"] == [
        {"code": "not_screened", "message": "Not screened for this indication."}
    ]
    assert book(api_a, ready_patient, clinician_a).status_code == 201
    second = book(api_a, ready_patient, clinician_a).json()
    assert second["code"] == "active_course"
    # The protocol's name already ends in "course": the message names it once.
    booked = f"(booked {Course.objects.get().created_at:%d %b %Y}): "
    assert second["detail"].startswith("The patient is in a MesoLift course (booked ")
    assert second["detail"].endswith(
        booked + "one course of an indication at a time. Record its sessions, or end it "
        "early with a reason, before booking another."
    )


def test_a_patient_not_ready_is_told_every_reason(api_a, clinician_a):
    from patients import services

    patient = PatientFactory(practice=clinician_a.practice)
    services.create_screening(actor=clinician_a, patient=patient, indication="skin")
    body = book(api_a, patient, clinician_a).json()
    messages = [reason["message"] for reason in body["reasons"]]
    assert len(messages) >= 2
    assert body["detail"] == "The patient is not ready to book: " + " ".join(messages)
