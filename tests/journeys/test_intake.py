"""The clinician's intake journey in real Chromium: new patient, hair-loss screening,
result page with its findings, acknowledgement of the caution outcome."""

import pytest
from playwright.sync_api import expect

from patients.models import Patient, Screening
from tests.factories import PASSWORD
from tests.journeys.conftest import shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_intake_to_screening_result_and_acknowledgement(page, clinician_a):
    sign_in(page, "clin_a", PASSWORD)
    page.get_by_role("link", name="New patient").first.click()
    page.get_by_label("First name").fill("Jonas")
    page.get_by_label("Last name").fill("Keller")
    page.get_by_label("Date of birth").fill("1990-04-12")
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Email").fill("jonas.keller@example.org")
    page.get_by_label("Phone").fill("030 5550123")
    shoot(page, "intake-new-patient")
    page.get_by_role("button", name="Add patient").click()
    page.get_by_role("heading", name="Jonas Keller").wait_for()

    page.get_by_role("link", name="Screen for hair loss").click()
    hair = page.locator("#hair-fields")
    assert hair.is_visible()
    page.get_by_label("Skin (MesoLift)").check()
    assert not hair.is_visible()  # hair questions only for hair
    page.get_by_label("Hair loss (MesoHair)").check()
    assert hair.is_visible()
    page.get_by_label("Tendency to herpes").check()
    page.get_by_label("Hair loss began on (about)").fill("2021-03-01")
    page.get_by_label("Stabilise: stop loss, strengthen existing hair").check()
    page.get_by_label("Procedures covered by statutory health insurance were considered").check()
    page.get_by_label("Limited prognosis of male hair loss explained to the patient").check()
    page.get_by_label("The patient gave informed consent").check()
    page.get_by_label("The patient understands the treatment is regenerative").check()
    shoot(page, "intake-screening-form")
    page.get_by_role("button", name="Evaluate screening").click()

    status = page.get_by_role("status").filter(has_text="Caution")
    status.wait_for()
    assert "Caution: Tendency to herpes" in status.inner_text()  # the cause, named
    assert "may be booked" not in status.inner_text()
    findings = page.locator(".findings").inner_text()
    assert "Not yet acknowledged" in findings
    assert "prophylaxis before each session" in findings
    assert "more than 2 years ago" in findings
    assert "Male hair loss" in findings
    shoot(page, "intake-screening-result")

    page.get_by_label("Reason for proceeding").fill("Prophylaxis arranged; patient informed.")
    page.get_by_role("button", name="Record acknowledgement").click()
    page.get_by_text("Acknowledgement recorded.").wait_for()
    assert "Prophylaxis arranged; patient informed." in page.locator(".findings").inner_text()
    assert "Ready to book" in page.locator(".outcome").inner_text()

    patient = Patient.objects.get(last_name="Keller")
    screening = Screening.objects.get(patient=patient)
    assert screening.outcome == "caution" and screening.acknowledgement.by == clinician_a
    assert screening.therapy_goal == "stabilise" and screening.prognosis_explained is True


def test_patient_search_narrows_the_list_as_you_type(page, clinician_a):
    from tests.factories import PatientFactory

    PatientFactory(practice=clinician_a.practice, first_name="Greta", last_name="Vogel")
    PatientFactory(practice=clinician_a.practice, first_name="Paul", last_name="Ernst")
    sign_in(page, "clin_a", PASSWORD)
    page.goto("/patients/")
    page.get_by_role("searchbox").fill("vog")
    page.get_by_role("link", name="Vogel, Greta").wait_for()
    expect(page.get_by_role("link", name="Ernst, Paul")).to_have_count(0)
    assert "q=vog" in page.url  # the search is in the address, so it can be shared
    shoot(page, "patients-search")
