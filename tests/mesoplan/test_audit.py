"""The audit trail: every write and every read of a clinical record leaves one entry
(who, what, which record, when, from where), in the same transaction, never rewritten."""

import pytest
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError

from mesoplan.audit import Action
from mesoplan.models import AuditEntry
from patients import services
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NEW_PATIENT = {
    "first_name": "Greta",
    "last_name": "Lorenz",
    "date_of_birth": "1981-04-02",
    "sex": "female",
}


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).order_by("id"))


def test_creating_a_patient_through_the_api_is_audited_with_who_and_where(
    api_a, clinician_a, practice_a
):
    response = api_a.post("/api/v1/patients/", NEW_PATIENT, format="json", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 201
    [entry] = entries(action=Action.PATIENT_CREATE)
    assert entry.actor == clinician_a
    assert entry.actor_name == clinician_a.display_name
    assert entry.practice == practice_a
    assert str(entry.patient_id) == response.json()["id"]
    assert entry.object_type == "patient" and entry.object_id == response.json()["id"]
    assert entry.client_address == "10.1.2.3"


def test_a_refused_write_leaves_no_entry(api_a):
    response = api_a.post("/api/v1/patients/", {**NEW_PATIENT, "sex": "x"}, format="json")
    assert response.status_code == 400
    assert entries() == []


def test_updating_a_patient_records_which_fields_changed(api_a, practice_a):
    patient = PatientFactory(practice=practice_a, first_name="Anna", last_name="Keller")
    response = api_a.patch(
        f"/api/v1/patients/{patient.pk}/", {"last_name": "Brandt"}, format="json"
    )
    assert response.status_code == 200
    [entry] = entries(action=Action.PATIENT_UPDATE)
    assert entry.details == {"fields": ["last_name"]}
    assert entry.patient_id == patient.pk


def test_screening_and_acknowledgement_are_audited(clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    screening = services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", conditions=["psoriasis"]
    )
    services.acknowledge_caution(actor=clinician_a, screening=screening, reason="stable")
    actions = [e.action for e in entries(patient_id=patient.pk)]
    assert actions == [Action.SCREENING_CREATE, Action.SCREENING_ACKNOWLEDGE]
    assert entries(action=Action.SCREENING_ACKNOWLEDGE)[0].object_id == str(screening.pk)


def test_a_second_acknowledgement_is_refused_and_not_audited(clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    screening = services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", conditions=["herpes"]
    )
    services.acknowledge_caution(actor=clinician_a, screening=screening, reason="first")
    with pytest.raises(Exception, match="already acknowledged"):
        services.acknowledge_caution(actor=clinician_a, screening=screening, reason="again")
    assert len(entries(action=Action.SCREENING_ACKNOWLEDGE)) == 1


def test_reading_clinical_records_is_audited_in_the_api_and_the_browser(
    api_a, browser_a, clinician_a, practice_a
):
    patient = PatientFactory(practice=practice_a)
    screening = services.create_screening(actor=clinician_a, patient=patient, indication="skin")
    base = f"/api/v1/patients/{patient.pk}"
    assert api_a.get(f"{base}/").status_code == 200
    assert api_a.get(f"{base}/screenings/").status_code == 200
    assert api_a.get(f"{base}/screenings/{screening.pk}/").status_code == 200
    assert browser_a.get(f"/patients/{patient.pk}/").status_code == 200
    assert browser_a.get(f"/patients/{patient.pk}/screenings/{screening.pk}/").status_code == 200
    reads = [e.action for e in entries(patient_id=patient.pk)][1:]  # after the screening
    assert reads == [
        Action.PATIENT_VIEW,
        Action.SCREENING_LIST,
        Action.SCREENING_VIEW,
        Action.PATIENT_VIEW,
        Action.SCREENING_VIEW,
    ]
    assert all(e.actor == clinician_a for e in entries(patient_id=patient.pk))


def test_another_practice_reading_a_record_leaves_no_entry(api_b, practice_a):
    patient = PatientFactory(practice=practice_a)
    assert api_b.get(f"/api/v1/patients/{patient.pk}/").status_code == 404
    assert entries() == []


def test_the_database_refuses_to_rewrite_an_entry(clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    services.create_screening(actor=clinician_a, patient=patient, indication="skin")
    entry = entries()[0]
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="patient.view")
    entry.refresh_from_db()
    assert entry.action == Action.SCREENING_CREATE


@pytest.mark.postgres
def test_postgres_refuses_to_delete_an_entry(clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    services.create_screening(actor=clinician_a, patient=patient, indication="skin")
    with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.count() == 1
