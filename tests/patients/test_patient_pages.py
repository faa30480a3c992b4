"""Intake pages through Django's test client: search, create with duplicate warning,
detail with both histories, edit, screening form and result, acknowledgement."""

import pytest
from django.urls import reverse

from patients import services
from patients.models import Patient, Screening
from tests.factories import PatientFactory
from tests.patients.test_screening_rules import RELATIVE

pytestmark = pytest.mark.django_db

FORM = {
    "first_name": "Greta",
    "last_name": "Vogel",
    "date_of_birth": "1984-03-02",
    "sex": "female",
    "email": "greta@example.org",
    "phone": "030 901820",
}


def test_list_searches_and_shows_latest_outcome(browser_a, practice_a, clinician_a):
    greta = PatientFactory(practice=practice_a, first_name="Greta", last_name="Vogel")
    PatientFactory(practice=practice_a, first_name="Paul", last_name="Ernst")
    services.create_screening(
        actor=clinician_a, patient=greta, indication="skin", conditions=["epilepsy"]
    )
    html = browser_a.get(reverse("patients:list"), {"q": "vogel"}).content.decode()
    assert "Vogel, Greta" in html and "Ernst" not in html
    assert "Excluded" in html


def test_live_search_answers_the_rows_partial_for_htmx(browser_a, practice_a):
    PatientFactory(practice=practice_a, first_name="Greta", last_name="Vogel")
    response = browser_a.get(reverse("patients:list"), {"q": "greta"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Vogel, Greta" in html and "<html" not in html


@pytest.mark.parametrize("size", [3, 40])
def test_list_page_query_count_does_not_grow(
    browser_a, practice_a, clinician_a, size, django_assert_max_num_queries
):
    for patient in PatientFactory.create_batch(size, practice=practice_a):
        services.create_screening(actor=clinician_a, patient=patient, indication="skin")
    with django_assert_max_num_queries(9):
        assert browser_a.get(reverse("patients:list")).status_code == 200


def test_create_warns_about_a_duplicate_before_creating(browser_a, practice_a):
    existing = PatientFactory(
        practice=practice_a, first_name="Greta", last_name="Vogel", date_of_birth="1984-03-02"
    )
    response = browser_a.post(reverse("patients:create"), FORM)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Possible duplicate" in html and str(existing.pk) in html
    assert Patient.objects.count() == 1
    confirmed = browser_a.post(reverse("patients:create"), {**FORM, "confirm_not_duplicate": "on"})
    assert confirmed.status_code == 302
    assert Patient.objects.count() == 2


def test_create_without_duplicate_goes_to_the_record(browser_a, clinician_a):
    response = browser_a.post(reverse("patients:create"), FORM)
    patient = Patient.objects.get()
    assert response["Location"] == reverse("patients:detail", args=[patient.pk])
    assert str(patient.phone.as_e164) == "+4930901820"
    assert patient.practice == clinician_a.practice


@pytest.mark.parametrize(
    "change, message",
    [
        ({"date_of_birth": "2150-01-01"}, "cannot be in the future"),
        ({"date_of_birth": "2999-01-01"}, "between 1900 and 2199"),
        ({"email": "greta@@example"}, "valid email"),
        ({"phone": "12"}, "valid phone number"),
    ],
)
def test_create_shows_field_errors(browser_a, change, message):
    response = browser_a.post(reverse("patients:create"), {**FORM, **change})
    assert response.status_code == 200 and message in response.content.decode()
    assert not Patient.objects.exists()


def test_edit_keeps_history_visible_on_the_record(browser_a, client, practice_a, manager_a):
    browser_a.post(reverse("patients:create"), FORM)
    patient = Patient.objects.get()
    client.force_login(manager_a)
    response = client.post(
        reverse("patients:edit", args=[patient.pk]), {**FORM, "last_name": "Vogt"}
    )
    assert response.status_code == 302
    html = client.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "Changes to details" in html and "<del>Vogel</del>" in html and "<ins>Vogt</ins>" in html
    assert manager_a.display_name in html


def test_screening_form_to_result_page(browser_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    url = reverse("patients:screening-create", args=[patient.pk])
    assert browser_a.get(url, {"indication": "hair"}).status_code == 200
    response = browser_a.post(
        url,
        {
            "indication": "skin",
            "none_permanent": "on",
            "none_temporary": "on",
            **{f"condition_{c}": "no" for c in RELATIVE if c != "herpes"},
            "condition_herpes": "yes",
            "allergy_status": "named",
            "other_allergies": "penicillin, latex",
            "informed_consent": "yes",
            "expectations_acknowledged": "yes",
        },
    )
    screening = Screening.objects.get()
    assert response["Location"] == reverse("patients:screening", args=[patient.pk, screening.pk])
    assert screening.outcome == "caution" and screening.allergies == ["penicillin", "latex"]
    html = browser_a.get(response["Location"]).content.decode()
    assert "Caution" in html and "herpes prophylaxis before each session" in html
    assert "Acknowledge and proceed" in html


def test_acknowledgement_in_the_browser(browser_a, practice_a, clinician_a):
    patient = PatientFactory(practice=practice_a)
    screening = services.create_screening(
        actor=clinician_a, patient=patient, indication="skin", conditions=["psoriasis"]
    )
    url = reverse("patients:screening-acknowledge", args=[patient.pk, screening.pk])
    assert browser_a.post(url, {"reason": ""}).status_code == 400
    browser_a.post(url, {"reason": "Psoriasis stable, none in the face."})
    html = browser_a.get(
        reverse("patients:screening", args=[patient.pk, screening.pk])
    ).content.decode()
    assert "Psoriasis stable, none in the face." in html and "Acknowledge and proceed" not in html


def test_manager_sees_records_but_cannot_screen(client, manager_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    client.force_login(manager_a)
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200
    assert client.get(reverse("patients:screening-create", args=[patient.pk])).status_code == 403


def test_network_admin_has_no_patient_pages(client, network_admin):
    client.force_login(network_admin)
    assert client.get(reverse("patients:list")).status_code == 403


@pytest.mark.parametrize("screenings", [1, 12])
def test_detail_page_query_count_does_not_grow(
    browser_a, practice_a, clinician_a, screenings, django_assert_max_num_queries
):
    patient = PatientFactory(practice=practice_a)
    for _ in range(screenings):
        services.create_screening(
            actor=clinician_a, patient=patient, indication="skin", conditions=["herpes"]
        )
        services.update_patient(actor=clinician_a, patient=patient, email=f"e{_}@example.org")
    # 12, one for the courses with their progress, one for the consent to photography,
    # one for the adverse-event alerts.
    with django_assert_max_num_queries(15):
        assert browser_a.get(reverse("patients:detail", args=[patient.pk])).status_code == 200


def test_times_show_in_the_practice_time_zone(browser_a, practice_a, clinician_a):
    import datetime as dt

    import time_machine

    assert practice_a.time_zone == "Europe/Berlin"
    patient = PatientFactory(practice=practice_a)
    with time_machine.travel(dt.datetime(2026, 7, 1, 8, 30, tzinfo=dt.UTC), tick=False):
        services.create_screening(actor=clinician_a, patient=patient, indication="skin")
    html = browser_a.get(reverse("patients:detail", args=[patient.pk])).content.decode()
    assert "01 Jul 2026, 10:30" in html  # CEST = UTC+2
