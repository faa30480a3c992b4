"""Issue 15.8: what the pre-session check finds, the patient's record keeps. An allergy or
a condition first named at a check goes into a new screening (marked with the check), so
the next check and the ready-to-book gate see it."""

import pytest

from mesoplan.errors import Conflict, InvalidInput
from mesoplan.models import AuditEntry
from patients.models import Screening
from patients.selectors import latest_screenings
from scheduling import rescheduling
from sessions.models import PreSessionCheck
from tests.sessions.recording_support import booked_course, lot, readiness_of, record_checked

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(clinician_a):
    return booked_course(clinician_a)


@pytest.fixture
def box(clinician_a):
    return lot(clinician_a.practice, clinician_a)


def session(course, sequence):
    return course.appointments.get(sequence=sequence)


def test_an_allergy_declared_at_a_check_excludes_the_formulation_from_then_on(
    clinician_a, course, box
):
    record_checked(clinician_a, session(course, 1))
    with pytest.raises(Conflict) as refused:
        record_checked(clinician_a, session(course, 2), new_allergies=("Rutin",))
    assert refused.value.code == "check_excluded"
    # Session 3, with no allergy named today: the rutin allergy still counts.
    rescheduling.cancel(actor=clinician_a, appointment=session(course, 2))
    with pytest.raises(Conflict) as again:
        record_checked(clinician_a, session(course, 3))
    assert again.value.code == "check_excluded"
    assert any("Rutin" in f["message"] for f in again.value.details["findings"])
    # And the patient is no longer ready to book another MesoLift course.
    state = readiness_of(clinician_a, course.patient)
    assert not state.is_ready


def test_the_carried_screening_names_the_check_it_came_from(clinician_a, course, box):
    record_checked(clinician_a, session(course, 1))
    with pytest.raises(Conflict):
        record_checked(clinician_a, session(course, 2), new_allergies=("Rutin",))
    check = PreSessionCheck.objects.get(appointment=session(course, 2))
    carried = Screening.objects.filter(patient=course.patient).order_by("-created_at").first()
    assert carried.carried_from == check.pk
    assert carried.carried_from_label.startswith("pre-session check of session 2 of the ")
    assert "course course" not in carried.carried_from_label
    assert carried.allergies == ["Rutin"]
    assert carried.outcome == "excluded"
    # The screening it extends stays as it was answered.
    first_screening = course.screening
    first_screening.refresh_from_db()
    assert first_screening.allergies == [] and first_screening.carried_from is None
    entry = AuditEntry.objects.get(action="screening.carry_forward")
    assert entry.object_id == str(carried.pk) and "Rutin" in entry.summary


def test_herpes_found_at_session_1_asks_for_prophylaxis_at_session_2(clinician_a, course, box):
    record_checked(
        clinician_a,
        session(course, 1),
        conditions=frozenset({"herpes"}),
        herpes_prophylaxis_given=True,
        caution_acknowledgement="Prophylaxis given, low risk",
    )
    with pytest.raises(InvalidInput) as owed:
        record_checked(clinician_a, session(course, 2))
    assert "herpes_prophylaxis_given" in owed.value.errors
    # Confirming prophylaxis is enough: the tendency was weighed at session 1's check.
    record_checked(clinician_a, session(course, 2), herpes_prophylaxis_given=True)
    carried = Screening.objects.filter(patient=course.patient).order_by("-created_at").first()
    assert carried.conditions == ["herpes"] and carried.outcome == "caution"
    # The check's reason to proceed is the carried caution's acknowledgement: still ready.
    assert carried.acknowledgement.reason == "Prophylaxis given, low risk"
    assert readiness_of(clinician_a, course.patient).is_ready


def test_a_check_that_finds_nothing_new_carries_nothing(clinician_a, course, box):
    before = Screening.objects.count()
    record_checked(clinician_a, session(course, 1))
    assert Screening.objects.count() == before
    record_checked(
        clinician_a,
        session(course, 2),
        conditions=frozenset({"herpes"}),
        herpes_prophylaxis_given=True,
        caution_acknowledgement="Weighed",
    )
    assert Screening.objects.count() == before + 1
    # Herpes again at session 3: already in the screening, nothing more is carried.
    record_checked(
        clinician_a,
        session(course, 3),
        conditions=frozenset({"herpes"}),
        herpes_prophylaxis_given=True,
    )
    assert Screening.objects.count() == before + 1


def test_a_transient_finding_is_asked_again_at_the_next_check(clinician_a, course, box):
    """An acute infection defers session 2 and defers booking until a new screening, but
    the next check asks about it again: today's answer counts there."""
    record_checked(clinician_a, session(course, 1))
    with pytest.raises(Conflict) as deferred:
        record_checked(clinician_a, session(course, 2), conditions=frozenset({"acute_infection"}))
    assert deferred.value.code == "check_deferred"
    assert readiness_of(clinician_a, course.patient).is_ready is False
    record_checked(
        clinician_a, session(course, 2)
    )  # a week later, resolved: the session goes ahead


def test_an_allergy_reaches_the_other_indication_too(clinician_a, box):
    from patients import services as patient_services
    from tests.factories import CONSENT

    course = booked_course(clinician_a)
    patient_services.create_screening(
        actor=clinician_a,
        patient=course.patient,
        indication="hair",
        therapy_goal="stabilise",
        insurance_options_considered=True,
        prognosis_explained=True,
        **CONSENT,
    )
    record_checked(clinician_a, session(course, 1))
    with pytest.raises(Conflict):
        record_checked(clinician_a, session(course, 2), new_allergies=("rutin",))
    latest = latest_screenings(clinician_a, [course.patient.pk])
    assert latest[(course.patient.pk, "hair")].carried_from is not None
    assert readiness_of(clinician_a, course.patient, "hair").is_ready is False
