"""Issue 15.3: an allergic reaction after a session stops further sessions of that
formulation until a clinician screens the patient again; the pre-session check answers
409 naming the event, and the booking gate says not ready."""

from datetime import timedelta

import pytest

from mesoplan.errors import Conflict
from patients import services as patient_services
from patients.models import Screening
from sessions import adverse_events
from tests.factories import CONSENT
from tests.sessions.recording_support import booked_course, lot, readiness_of, record_checked

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(clinician_a):
    lot(clinician_a.practice, clinician_a)
    return booked_course(clinician_a)


def react(clinician, session, type="allergic_reaction", severity="moderate"):
    return adverse_events.record_adverse_event(
        actor=clinician,
        session_record=session,
        type=type,
        severity=severity,
        onset_at=session.performed_at + timedelta(hours=2),
        outcome="recovering",
    )


def test_the_next_check_answers_409_naming_the_reaction(clinician_a, course):
    first = record_checked(clinician_a, course.appointments.get(sequence=1))
    event = react(clinician_a, first)
    with pytest.raises(Conflict) as refused:
        record_checked(clinician_a, course.appointments.get(sequence=2))
    assert refused.value.code == "check_deferred"
    assert refused.value.details["adverse_event"] == str(event.pk)
    assert [f["code"] for f in refused.value.details["findings"]] == ["allergic_reaction"]
    assert "allergic reaction (moderate) after session 1 of the " in refused.value.message
    assert not readiness_of(clinician_a, course.patient).is_ready


def test_a_new_screening_by_a_clinician_lifts_the_hold(clinician_a, course):
    first = record_checked(clinician_a, course.appointments.get(sequence=1))
    react(clinician_a, first)
    patient_services.create_screening(
        actor=clinician_a, patient=course.patient, indication="skin", **CONSENT
    )
    assert readiness_of(clinician_a, course.patient).is_ready
    record_checked(clinician_a, course.appointments.get(sequence=2))  # no longer refused


def test_a_later_check_keeps_the_hold(clinician_a, course):
    """A herpes tendency found after the reaction makes a new carried screening: the
    reaction stays in it until a clinician screens again."""
    first = record_checked(clinician_a, course.appointments.get(sequence=1))
    react(clinician_a, first)
    with pytest.raises(Conflict):
        record_checked(
            clinician_a,
            course.appointments.get(sequence=2),
            conditions=frozenset({"herpes"}),
            herpes_prophylaxis_given=True,
            caution_acknowledgement="Weighed",
        )
    latest = Screening.objects.filter(patient=course.patient).order_by("-created_at").first()
    assert latest.reactions == ["mesolift"] and "herpes" in latest.conditions
    with pytest.raises(Conflict) as again:
        record_checked(
            clinician_a, course.appointments.get(sequence=2), herpes_prophylaxis_given=True
        )
    assert "adverse_event" in again.value.details


def test_another_event_type_does_not_hold(clinician_a, course):
    first = record_checked(clinician_a, course.appointments.get(sequence=1))
    react(clinician_a, first, type="haematoma", severity="mild")
    assert readiness_of(clinician_a, course.patient).is_ready
    record_checked(clinician_a, course.appointments.get(sequence=2))


def test_the_reaction_holds_only_its_indication(clinician_a, course):
    patient_services.create_screening(
        actor=clinician_a,
        patient=course.patient,
        indication="hair",
        therapy_goal="stabilise",
        insurance_options_considered=True,
        prognosis_explained=True,
        **CONSENT,
    )
    first = record_checked(clinician_a, course.appointments.get(sequence=1))
    react(clinician_a, first)
    assert not readiness_of(clinician_a, course.patient, "skin").is_ready
    assert readiness_of(clinician_a, course.patient, "hair").is_ready


def test_the_carried_screening_says_where_it_came_from(clinician_a, course):
    first = record_checked(clinician_a, course.appointments.get(sequence=1))
    event = react(clinician_a, first, severity="severe")
    carried = Screening.objects.filter(patient=course.patient).order_by("-created_at").first()
    assert carried.carried_from == event.pk
    on = event.onset_at.astimezone(clinician_a.practice.zone).strftime("%d %b %Y")  # its day there
    assert carried.carried_from_label.startswith("allergic reaction (severe) after session 1")
    assert carried.carried_from_label.endswith(on)
    assert carried.outcome == "deferred"
