"""The one gate, as the API and the pages show it: a screening with nothing answered is
never "may proceed"; reasons are named; roles see only buttons they can use."""

import pytest
from django.urls import reverse

from patients import services
from tests.factories import PatientFactory
from tests.patients.conftest import CONSENT

pytestmark = pytest.mark.django_db


def test_a_screening_with_nothing_answered_is_not_ready_in_the_api(screen_via_api, patient_a):
    body = screen_via_api(patient_a, indication="skin").json()
    assert body["outcome"] == "eligible"
    assert body["ready_to_book"] is False
    assert [r["code"] for r in body["ready_to_book_reasons"]] == [
        "informed_consent_missing",
        "expectations_not_acknowledged",
    ]


def test_consent_and_expectations_make_an_eligible_screening_ready(screen_via_api, patient_a):
    body = screen_via_api(patient_a, indication="skin", **CONSENT).json()
    assert body["ready_to_book"] is True and body["ready_to_book_reasons"] == []


def test_a_caution_is_ready_only_after_acknowledgement(api_a, screen_via_api, patient_a):
    body = screen_via_api(patient_a, indication="skin", conditions=["psoriasis"], **CONSENT)
    screening = body.json()
    assert screening["ready_to_book"] is False
    assert screening["ready_to_book_reasons"][0]["code"] == "caution_not_acknowledged"
    url = f"/api/v1/patients/{patient_a.pk}/screenings/{screening['id']}/acknowledge/"
    acknowledged = api_a.post(url, {"reason": "stable for years"}, format="json").json()
    assert acknowledged["ready_to_book"] is True


def test_a_superseded_screening_is_not_ready(api_a, screen_via_api, patient_a):
    first = screen_via_api(patient_a, indication="skin", **CONSENT).json()
    screen_via_api(patient_a, indication="skin", conditions=["acute_infection"], **CONSENT)
    old = api_a.get(f"/api/v1/patients/{patient_a.pk}/screenings/{first['id']}/").json()
    assert old["ready_to_book"] is False
    assert [r["code"] for r in old["ready_to_book_reasons"]] == ["superseded"]


def test_the_patient_carries_readiness_per_indication_in_list_and_detail(
    api_a, screen_via_api, patient_a, male_patient_a
):
    screen_via_api(patient_a, indication="skin", **CONSENT)
    screen_via_api(male_patient_a, indication="hair", therapy_goal="stabilise", **CONSENT)
    detail = api_a.get(f"/api/v1/patients/{patient_a.pk}/").json()
    assert detail["ready_to_book"] == {"skin": True, "hair": False}
    assert detail["ready_to_book_reasons"]["hair"][0]["code"] == "not_screened"
    listed = {p["id"]: p for p in api_a.get("/api/v1/patients/").json()["results"]}
    man = listed[str(male_patient_a.pk)]
    assert man["ready_to_book"] == {"skin": False, "hair": False}
    assert "prognosis_not_explained" in [r["code"] for r in man["ready_to_book_reasons"]["hair"]]


def test_patient_list_api_query_count_does_not_grow(
    api_a, clinician_a, practice_a, django_assert_max_num_queries
):
    for size in (2, 12):
        for _ in range(size):
            patient = PatientFactory(practice=practice_a)
            services.create_screening(actor=clinician_a, patient=patient, indication="skin")
        with django_assert_max_num_queries(5):
            assert api_a.get("/api/v1/patients/").status_code == 200


def test_the_result_page_names_what_is_missing_instead_of_may_proceed(
    browser_a, clinician_a, patient_a
):
    screening = services.create_screening(actor=clinician_a, patient=patient_a, indication="skin")
    html = browser_a.get(reverse("patients:screening", args=[patient_a.pk, screening.pk]))
    text = html.content.decode()
    assert "may proceed" not in text and "may be booked" not in text
    assert "not ready to book" in text
    assert "informed consent is not recorded" in text


def test_the_result_page_names_the_cause_and_ingredient_names(browser_a, clinician_a, patient_a):
    screening = services.create_screening(
        actor=clinician_a, patient=patient_a, indication="skin", allergies=["rutin"], **CONSENT
    )
    text = browser_a.get(
        reverse("patients:screening", args=[patient_a.pk, screening.pk])
    ).content.decode()
    assert "Excluded: Allergy to Rutin (in the catalyst of both formulations)" in text
    assert "<dd>Rutin</dd>" in text  # the answer shows the ingredient's name, not its code


def test_a_manager_sees_no_screen_or_acknowledge_buttons(client, manager_a, clinician_a, patient_a):
    screening = services.create_screening(
        actor=clinician_a, patient=patient_a, indication="skin", conditions=["herpes"]
    )
    client.force_login(manager_a)
    record = client.get(reverse("patients:detail", args=[patient_a.pk])).content.decode()
    result = client.get(
        reverse("patients:screening", args=[patient_a.pk, screening.pk])
    ).content.decode()
    for page in (record, result):
        assert "Screen again" not in page and "Screen for" not in page
        assert "Record acknowledgement" not in page and "Review and acknowledge" not in page


def test_the_record_leads_with_alerts_and_the_next_step(browser_a, clinician_a, patient_a):
    services.create_screening(
        actor=clinician_a,
        patient=patient_a,
        indication="skin",
        conditions=["herpes"],
        allergies=["latex"],
        **CONSENT,
    )
    text = browser_a.get(reverse("patients:detail", args=[patient_a.pk])).content.decode()
    strip = text[text.index('class="alert-strip"') : text.index('class="grid grid--2"')]
    assert "Allergies: latex" in strip
    assert "Tendency to herpes (Skin, not acknowledged)" in strip
    assert "prophylaxis before each session" in strip
    assert "Hair loss" not in strip  # not screened for hair: nothing to warn about yet
    head = text[: text.index('class="alert-strip"')]
    assert "Review and acknowledge (skin)" in head and "btn--primary" in head


def test_the_list_shows_each_indications_state(browser_a, clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a, first_name="Greta", last_name="Vogel")
    services.create_screening(
        actor=clinician_a, patient=patient, indication="hair", conditions=["psoriasis"], **CONSENT
    )
    text = browser_a.get(reverse("patients:list")).content.decode()
    row = text[text.index("Vogel, Greta") :]
    row = row[: row.index("</tr>")]
    assert "Not screened" in row  # skin
    assert "Caution, not acknowledged" in row  # hair


def test_a_deferred_patient_shows_when_to_screen_again(browser_a, clinician_a, patient_a, settings):
    from datetime import UTC, datetime

    import time_machine

    settings.DEFERRAL_RESCREEN_DAYS = 14
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        services.create_screening(
            actor=clinician_a, patient=patient_a, indication="skin", conditions=["pregnancy"]
        )
    text = browser_a.get(reverse("patients:detail", args=[patient_a.pk])).content.decode()
    assert "Skin: deferred" in text
    assert "Pregnancy; screen again from 24 Mar 2026" in text


def test_only_a_manager_is_offered_the_patients_audit_trail(
    client, browser_a, manager_a, patient_a
):
    url = reverse("patients:detail", args=[patient_a.pk])
    trail = f"/audit/?patient={patient_a.pk}"
    assert trail not in browser_a.get(url).content.decode()
    client.force_login(manager_a)
    assert trail in client.get(url).content.decode()
