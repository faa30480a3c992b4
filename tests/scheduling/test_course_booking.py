"""Booking a course through the API: eight sessions in one transaction, or a 409 that
names why (API.md, POST /courses/)."""

import itertools
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from patients import services
from scheduling.models import Appointment, Course
from tests.factories import CONSENT, ClinicianFactory, PatientFactory

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
START = "2026-09-07T10:00:00+02:00"  # a Monday, Berlin summer time


def book(api, patient, clinician, **extra):
    body = {
        "patient": str(patient.pk),
        "protocol": "mesolift",
        "clinician": str(clinician.pk),
        "start": START,
        "initial_interval_days": 7,
        **extra,
    }
    with time_machine.travel(NOW, tick=False):
        return api.post("/api/v1/courses/", body, format="json")


def test_a_ready_patient_gets_eight_sessions_as_planned(api_a, clinician_a, ready_patient):
    response = book(api_a, ready_patient, clinician_a, targets=["elastosis", "age_spots"])
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["protocol"] == "mesolift" and body["targets"] == ["elastosis", "age_spots"]
    starts = [a["starts_at"] for a in body["appointments"]]
    assert [a["sequence"] for a in body["appointments"]] == list(range(1, 9))
    assert starts[:4] == [
        "2026-09-07T10:00:00+02:00",
        "2026-09-14T10:00:00+02:00",
        "2026-09-21T10:00:00+02:00",
        "2026-09-28T10:00:00+02:00",
    ]
    # 28 Oct, 28 Nov (a Saturday: the nearest open day is Friday the 27th), 28 Dec, 28 Jan;
    # winter time from 25 October, still 10:00 at the practice.
    assert starts[4:] == [
        "2026-10-28T10:00:00+01:00",
        "2026-11-27T10:00:00+01:00",
        "2026-12-28T10:00:00+01:00",
        "2027-01-28T10:00:00+01:00",
    ]
    assert all(a["status"] == "scheduled" and a["kind"] == "course" for a in body["appointments"])


@pytest.mark.parametrize(
    ("screening", "code"),
    [
        (None, "not_screened"),
        ({"conditions": ["epilepsy"], **CONSENT}, "excluded"),
        ({"conditions": ["pregnancy"], **CONSENT}, "deferred"),
        ({"conditions": ["psoriasis"], **CONSENT}, "caution_not_acknowledged"),
        ({"expectations_acknowledged": True}, "informed_consent_missing"),
        ({"informed_consent": True}, "expectations_not_acknowledged"),
    ],
)
def test_each_reason_not_to_book_is_a_409_naming_it(api_a, clinician_a, screening, code):
    patient = PatientFactory(practice=clinician_a.practice)
    if screening is not None:
        services.create_screening(
            actor=clinician_a, patient=patient, indication="skin", **screening
        )
    response = book(api_a, patient, clinician_a)
    assert response.status_code == 409
    assert response.json()["code"] == code
    assert code in [r["code"] for r in response.json()["reasons"]]
    assert not Course.objects.exists() and not Appointment.objects.exists()


def test_an_acknowledged_caution_can_be_booked(api_a, clinician_a):
    patient = PatientFactory(practice=clinician_a.practice)
    screening = services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", conditions=["herpes"], **CONSENT
    )
    services.acknowledge_caution(actor=clinician_a, screening=screening, reason="prophylaxis")
    assert book(api_a, patient, clinician_a).status_code == 201


def test_the_hair_gate_applies_to_mesohair(api_a, clinician_a, ready_patient):
    response = book(api_a, ready_patient, clinician_a, protocol="mesohair")
    assert response.status_code == 409 and response.json()["code"] == "not_screened"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"start": "2026-08-01T10:00:00+02:00"}, "start"),
        ({"protocol": "botox"}, "protocol"),
        ({"initial_interval_days": 10}, "initial_interval_days"),
        ({"targets": ["regrowth"]}, "targets"),
        ({"nonsense": 1}, "nonsense"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_a, clinician_a, ready_patient, change, field):
    response = book(api_a, ready_patient, clinician_a, **change)
    assert response.status_code == 400 and field in response.json()
    assert not Appointment.objects.exists()


def test_another_practices_clinician_is_a_400_and_patient_a_404(
    api_a, api_b, clinician_a, clinician_b, ready_patient
):
    response = book(api_a, ready_patient, clinician_b)
    assert response.status_code == 400 and "clinician" in response.json()
    assert book(api_b, ready_patient, clinician_b).status_code == 404


def test_a_second_course_is_planned_around_the_first(api_a, clinician_a, ready_patient):
    other = PatientFactory(practice=clinician_a.practice)
    services.create_screening(actor=clinician_a, patient=other, indication="skin", **CONSENT)
    assert book(api_a, ready_patient, clinician_a).status_code == 201
    second = book(api_a, other, clinician_a)
    assert second.status_code == 201
    first_start = datetime.fromisoformat(second.json()["appointments"][0]["starts_at"])
    assert first_start == datetime.fromisoformat(START) + timedelta(minutes=45)
    periods = sorted(Appointment.objects.values_list("starts_at", "ends_at"))
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(periods))


def test_a_course_that_cannot_be_placed_books_nothing(api_a, clinician_a, ready_patient):
    from scheduling.models import Absence

    Absence.objects.create(
        clinician=clinician_a,
        starts_on=datetime(2026, 9, 10).date(),
        ends_on=datetime(2026, 9, 20).date(),
    )
    response = book(api_a, ready_patient, clinician_a)
    assert response.status_code == 409 and response.json()["code"] == "course_unplaceable"
    assert response.json()["unplaced"][0]["sequence"] == 2
    assert not Course.objects.exists() and not Appointment.objects.exists()


def test_booking_is_audited(api_a, clinician_a, ready_patient):
    from mesoplan.models import AuditEntry

    book(api_a, ready_patient, clinician_a)
    entry = AuditEntry.objects.get(action="course.book")
    assert entry.patient_id == ready_patient.pk and "8 sessions" in entry.summary


def test_a_network_clinician_of_practice_b_cannot_be_booked_by_a_manager_of_a(
    api_for, manager_a, clinician_a, ready_patient
):
    # Managers book at reception too; the clinician must be of their practice.
    stranger = ClinicianFactory()
    assert book(api_for(manager_a), ready_patient, stranger).status_code == 400
    assert book(api_for(manager_a), ready_patient, clinician_a).status_code == 201


def test_a_pre_operative_course_warns_when_the_operation_comes_too_soon(
    api_a, clinician_a, ready_patient
):
    response = book(
        api_a,
        ready_patient,
        clinician_a,
        combinations=["pre_operative"],
        operation_date="2026-09-10",
    )
    assert response.status_code == 201
    assert response.json()["warnings"] == [
        "Only 1 session falls before the operation on 10 Sep 2026: a pre-operative course "
        "needs at least 2."
    ]
    later = PatientFactory(practice=clinician_a.practice)
    services.create_screening(actor=clinician_a, patient=later, indication="skin", **CONSENT)
    fine = book(api_a, later, clinician_a, operation_date="2026-10-01")
    assert fine.json()["warnings"] == []


def test_a_finished_course_proposes_its_maintenance_window(api_a, clinician_a, ready_patient):
    course = book(api_a, ready_patient, clinician_a).json()
    assert course["maintenance_window"] is None  # sessions still to come
    with time_machine.travel(datetime(2027, 2, 1, tzinfo=UTC), tick=False):
        later = api_a.get(f"/api/v1/courses/{course['id']}/").json()
    assert later["maintenance_window"] == {"from": "2027-04-28", "until": "2027-07-28"}
