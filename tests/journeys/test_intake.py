"""The clinician's intake journey in real Chromium: new patient, hair-loss screening,
result page with its findings, acknowledgement of the caution outcome."""

import pytest
from playwright.sync_api import expect

from patients.models import Patient, Screening
from tests.factories import PASSWORD
from tests.journeys.conftest import settle_and_check, shoot, sign_in, visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def answer(page, question: str, value: str) -> None:
    page.get_by_role("group", name=question, exact=True).get_by_label(value, exact=True).check()


def test_intake_to_screening_result_and_acknowledgement(page, clinician_a):
    sign_in(page, "clin_a", PASSWORD)
    page.get_by_role("link", name="New patient").first.click()
    settle_and_check(page)
    page.get_by_label("First name").fill("Jonas")
    page.get_by_label("Last name").fill("Keller")
    dob = page.get_by_label("Date of birth")
    assert dob.get_attribute("placeholder") == "DD.MM.YYYY"  # the practice's format
    dob.fill("12.04.1990")
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Email").fill("jonas.keller@example.org")
    page.get_by_label("Phone").fill("030 5550123")
    shoot(page, "intake-new-patient")
    page.get_by_role("button", name="Add patient").click()
    page.get_by_role("heading", name="Jonas Keller").wait_for()
    settle_and_check(page)

    page.get_by_role("link", name="Screen for hair loss").click()
    page.get_by_role("heading", name="Jonas Keller").wait_for()
    settle_and_check(page)
    hair = page.locator("#hair-fields")
    assert hair.is_visible()
    page.get_by_label("Skin (MesoLift)").check()
    assert not hair.is_visible()  # hair questions only for hair
    page.get_by_label("Hair loss (MesoHair)").check()
    assert hair.is_visible()
    assert page.get_by_role("group", name="Pregnancy").count() == 0  # not asked of a man

    permanent = page.locator("[data-condition-group=permanent]")
    permanent.get_by_label("None of these apply").check()
    assert permanent.locator("input[value=no]:checked").count() == 7  # shown as answered No
    page.locator("[data-condition-group=temporary]").get_by_label("None of these apply").check()
    relative = page.locator("[data-condition-group=relative]")
    relative.get_by_label("None of these apply").check()
    answer(page, "Tendency to herpes", "Yes")  # a Yes unticks "none of these apply"
    assert not relative.get_by_label("None of these apply").is_checked()
    assert relative.locator("input[value=no]:checked").count() == 4
    page.get_by_label("No known allergies").check()
    page.get_by_label("Hair loss began").fill("03.2021")
    page.get_by_label("Stabilise: stop loss, strengthen existing hair").check()
    answer(page, "Were procedures covered by statutory health insurance considered first?", "Yes")
    answer(page, "Was the limited prognosis of male hair loss explained to the patient?", "Yes")
    answer(page, "Has the patient given informed consent?", "Yes")
    answer(
        page,
        "Does the patient understand the treatment is regenerative: several sessions, "
        "no immediate result?",
        "Yes",
    )
    shoot(page, "intake-screening-form")
    page.get_by_role("button", name="Evaluate screening").click()

    status = page.get_by_role("status").filter(has_text="Caution")
    status.wait_for()
    settle_and_check(page)
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
    assert screening.conditions == ["herpes"] and str(screening.hair_loss_onset) == "2021-03-01"
    assert str(patient.date_of_birth) == "1990-04-12"


def test_patient_search_narrows_the_list_as_you_type(page, clinician_a):
    from tests.factories import PatientFactory

    PatientFactory(practice=clinician_a.practice, first_name="Greta", last_name="Vogel")
    PatientFactory(practice=clinician_a.practice, first_name="Paul", last_name="Ernst")
    sign_in(page, "clin_a", PASSWORD)
    visit(page, "/patients/")
    page.get_by_role("searchbox").fill("vog")
    page.get_by_role("link", name="Vogel, Greta").wait_for()
    expect(page.get_by_role("link", name="Ernst, Paul")).to_have_count(0)
    assert "q=vog" in page.url  # the search is in the address, so it can be shared
    shoot(page, "patients-search")
