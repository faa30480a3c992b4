"""The patient's consent to clinical photography: recorded and withdrawn by a clinician,
never overwritten (the newest answer counts), shown on the record and in the API."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mesoplan.models import AuditEntry
from patients import selectors, services
from patients.models import PhotographyConsent
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def patient(practice_a):
    return PatientFactory(practice=practice_a, first_name="Clara", last_name="Engel")


def test_the_newest_answer_is_the_current_one_and_earlier_ones_stay(clinician_a, patient):
    assert selectors.photography_consent(clinician_a, patient) is None
    given = services.record_photography_consent(actor=clinician_a, patient=patient, given=True)
    assert selectors.photography_consent(clinician_a, patient) == given
    withdrawn = services.record_photography_consent(actor=clinician_a, patient=patient, given=False)
    assert selectors.photography_consent(clinician_a, patient) == withdrawn
    assert PhotographyConsent.objects.filter(patient=patient).count() == 2
    summaries = list(
        AuditEntry.objects.filter(action="photo_consent.record", patient_id=patient.pk)
        .order_by("at")
        .values_list("summary", flat=True)
    )
    assert summaries == ["Consent to photography given", "Consent to photography withdrawn"]


def test_only_a_clinician_of_the_practice_records_it(manager_a, clinician_b, patient):
    from mesoplan.tenancy import NotInScope

    with pytest.raises(PermissionDenied):
        services.record_photography_consent(actor=manager_a, patient=patient, given=True)
    with pytest.raises(NotInScope):
        services.record_photography_consent(actor=clinician_b, patient=patient, given=True)
    assert not PhotographyConsent.objects.exists()


def test_current_answers_of_many_patients_in_one_query(
    clinician_a, practice_a, django_assert_num_queries
):
    patients = [PatientFactory(practice=practice_a) for _ in range(4)]
    for index, patient in enumerate(patients[:3]):
        for given in (True, False, True)[: index + 1]:
            services.record_photography_consent(actor=clinician_a, patient=patient, given=given)
    with django_assert_num_queries(1):
        current = selectors.photography_consents(clinician_a, [p.pk for p in patients])
    assert {p.pk: current[p.pk].given for p in patients[:3]} == {
        patients[0].pk: True,
        patients[1].pk: False,
        patients[2].pk: True,
    }
    assert patients[3].pk not in current


def test_the_api_shows_and_records_it(api_a, api_for, manager_a, clinician_a, patient, api_b):
    detail = reverse("patient-detail", kwargs={"pk": patient.pk})
    assert api_a.get(detail).json()["photography_consent"] is None
    url = reverse("patient-photography-consent", kwargs={"pk": patient.pk})
    response = api_a.post(url, {"given": True}, format="json")
    assert response.status_code == 201
    assert response.json()["given"] is True
    shown = api_a.get(detail).json()["photography_consent"]
    assert shown == {"given": True, "at": response.json()["at"]}
    listed = api_a.get(reverse("patient-list")).json()["results"]
    assert [p["photography_consent"]["given"] for p in listed] == [True]
    assert api_a.post(url, {}, format="json").status_code == 400
    assert api_a.post(url, {"given": True, "extra": 1}, format="json").status_code == 400
    assert api_for(manager_a).post(url, {"given": False}, format="json").status_code == 403
    assert api_b.post(url, {"given": False}, format="json").status_code == 404
    # Read-only in the patient's representation: sending it back changes nothing.
    patch = api_a.patch(detail, {"photography_consent": None, "phone": ""}, format="json")
    assert patch.status_code == 200 and patch.json()["photography_consent"]["given"] is True


def test_the_patient_list_reads_consents_in_a_constant_number_of_queries(
    api_a, clinician_a, practice_a, django_assert_max_num_queries
):
    def make(count):
        for _ in range(count):
            patient = PatientFactory(practice=practice_a)
            services.record_photography_consent(actor=clinician_a, patient=patient, given=True)

    make(2)
    api_a.get(reverse("patient-list"))  # warm the token and session caches
    with django_assert_max_num_queries(8) as small:
        api_a.get(reverse("patient-list"))
    make(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = api_a.get(reverse("patient-list"))
    assert len(response.json()["results"]) == 22


def test_the_record_shows_the_state_and_the_clinicians_button(
    browser_a, patient, clinician_a, client, manager_a
):
    page = reverse("patients:detail", kwargs={"pk": patient.pk})
    html = browser_a.get(page).content.decode()
    assert "consent not recorded" in html and "Record consent to photos" in html
    response = browser_a.post(
        reverse("patients:photo-consent", kwargs={"pk": patient.pk}), {"given": "yes"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#photo-consent")
    html = browser_a.get(page).content.decode()
    assert "consent given on" in html and "Withdraw consent to photos" in html
    browser_a.post(reverse("patients:photo-consent", kwargs={"pk": patient.pk}), {"given": "no"})
    assert "consent withdrawn on" in browser_a.get(page).content.decode()
    assert selectors.photography_consent(clinician_a, patient).given is False
    # Junk is refused with a message, and nothing is stored.
    browser_a.post(reverse("patients:photo-consent", kwargs={"pk": patient.pk}), {"given": "maybe"})
    assert PhotographyConsent.objects.count() == 2


def test_a_manager_sees_the_state_but_no_button(client, manager_a, clinician_a, patient):
    services.record_photography_consent(actor=clinician_a, patient=patient, given=True)
    client.force_login(manager_a)
    html = client.get(reverse("patients:detail", kwargs={"pk": patient.pk})).content.decode()
    assert "consent given on" in html and "Withdraw consent to photos" not in html
    url = reverse("patients:photo-consent", kwargs={"pk": patient.pk})
    assert client.post(url, {"given": "no"}).status_code == 403
    assert PhotographyConsent.objects.count() == 1
