"""Outcomes in real Chromium: a clinician records the patient's consent to photography on
the record, records measures and uploads a photo (with a phone's location data) on a
recorded session's outcomes section, hands out a survey link on the course page; the
patient opens it in a browser of their own, signed in as nobody, and answers. Screenshots
at desktop and tablet width go to tests/artifacts/; axe looks at every page."""

import re
from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from outcomes.models import Photo, Survey
from tests.factories import PASSWORD, PatientFactory
from tests.journeys.conftest import AxeWatch, settle_and_check, sign_in, visit
from tests.journeys.test_staff import VIEWPORTS, shoot_both
from tests.outcomes.outcome_support import camera_exif, recorded_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def session(clinician_a, practice_a):
    patient = PatientFactory(practice=practice_a, first_name="Clara", last_name="Engel")
    return recorded_session(clinician_a, patient=patient)


@pytest.fixture
def phone_photo(tmp_path):
    """A photo as a phone takes it: held sideways, with camera and GPS data."""
    image = Image.new("RGB", (640, 480), (214, 170, 150))
    for x in range(0, 640, 40):
        for y in range(0, 480, 40):
            if (x + y) // 40 % 2:
                image.paste((190, 140, 120), (x, y, x + 40, y + 40))
    path = tmp_path / "IMG_2044.jpg"
    out = BytesIO()
    image.save(out, "JPEG", exif=camera_exif(orientation=6))
    path.write_bytes(out.getvalue())
    return path


def test_consent_photo_measures_and_a_patient_answering_the_survey(
    page, chromium, live_server, clinician_a, session, phone_photo
):
    patient = session.patient
    sign_in(page, "clin_a", PASSWORD)

    # The patient record: no consent yet; the clinician records it.
    visit(page, reverse("patients:detail", kwargs={"pk": patient.pk}))
    consent = page.locator("#photo-consent")
    expect(consent).to_contain_text("consent not recorded")
    consent.get_by_role("button", name="Record consent to photos").click()
    settle_and_check(page)
    expect(page.locator("#photo-consent")).to_contain_text("consent given on")
    expect(page.get_by_role("button", name="Withdraw consent to photos")).to_be_visible()
    shoot_both(page, "outcomes-patient-consent")

    # The session's outcomes: measures, then a photo.
    outcomes = reverse("calendar:session", kwargs={"pk": session.appointment_id})
    visit(page, outcomes)
    section = page.locator("#outcomes")
    expect(section.get_by_text("No measures recorded.")).to_be_visible()
    section.get_by_label("GAIS").select_option("2")
    section.get_by_label("Patient's rating").fill("8")
    section.get_by_role("button", name="Record measures").click()
    settle_and_check(page)
    page.get_by_text("Outcome measures recorded.").wait_for()

    visit(page, outcomes)
    section = page.locator("#outcomes")
    expect(section.locator(".measures")).to_contain_text("2 · Very improved")
    expect(section.locator(".measures")).to_contain_text("8 / 10")
    section.get_by_label("After").check()
    section.get_by_label("Region").select_option("forehead")
    section.locator("input[type=file]").set_input_files(str(phone_photo))
    section.get_by_role("button", name="Add photo").click()
    settle_and_check(page)
    page.get_by_text("Photo added (location and camera data removed).").wait_for()

    visit(page, outcomes)
    thumbnail = page.get_by_role("img", name=re.compile(r"^After photo, Forehead"))
    expect(thumbnail).to_be_visible()
    # The browser loaded it through the scoped view, upright (the phone held it sideways).
    natural = thumbnail.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert natural == [True, 480, 640]
    photo = Photo.objects.get()
    with photo.image.storage.open(photo.image.name, "rb") as handle:
        assert dict(Image.open(handle).getexif()) == {}
    shoot_both(page, "outcomes-session")

    # The course page: the survey, handed out as a one-time link.
    visit(page, reverse("courses:detail", kwargs={"pk": session.course_id}))
    survey = page.locator("#survey")
    expect(survey.get_by_role("button", name="Record the answer")).to_be_visible()
    shoot_both(page, "outcomes-course-survey")
    survey.get_by_role("button", name="Hand out a survey link").click()
    settle_and_check(page)
    page.get_by_role("heading", name="Give this link to the patient").wait_for()
    url = page.get_by_role("textbox", name="Link").input_value()
    assert url.startswith(f"{live_server.url}/survey/")
    expect(page.get_by_role("img", name="QR code of the survey link")).to_be_visible()
    shoot_both(page, "outcomes-survey-link")
    page.reload()  # the page after the redirect: Reload shows the same link, makes none
    page.get_by_role("heading", name="Give this link to the patient").wait_for()
    settle_and_check(page)
    assert page.get_by_role("textbox", name="Link").input_value() == url
    page.get_by_role("link", name="Back to the course").click()
    page.locator("#survey").get_by_text("A link is out").wait_for()
    settle_and_check(page)
    shoot_both(page, "outcomes-course-survey-link-out")

    # The patient's own browser: signed in as nobody.
    context = chromium.new_context(base_url=live_server.url)
    try:
        anon = context.new_page()
        watch = AxeWatch(anon)
        anon.on("load", watch.on_load)
        anon.goto(url)
        watch.check()
        text = anon.locator("main").inner_text()
        assert "Practice A" in text
        for secret in ("Clara", "Engel", "MesoLift", "Lena"):
            assert secret not in anon.content()
        for width, height in VIEWPORTS:
            anon.set_viewport_size({"width": width, "height": height})
            anon.screenshot(path=_artifact(f"outcomes-survey-public-{width}"), full_page=True)
        anon.get_by_label("Very satisfied").check()
        anon.get_by_label("Anything you would like to add? (optional)").fill("Lovely result")
        anon.get_by_role("button", name="Send my answer").click()
        anon.get_by_role("heading", name="Thank you").wait_for()
        watch.check()
        anon.screenshot(path=_artifact("outcomes-survey-thanks-820"), full_page=True)
        anon.goto(url)
        anon.get_by_role("heading", name="Already answered").wait_for()
        watch.check()
        assert not watch.failures, watch.failures
        assert not watch.never_checked()
    finally:
        context.close()

    survey_row = Survey.objects.get()
    assert (survey_row.rating, survey_row.source) == ("very_satisfied", "patient_link")
    visit(page, reverse("courses:detail", kwargs={"pk": session.course_id}))
    expect(page.locator("#survey")).to_contain_text("Very satisfied")
    expect(page.locator("#survey")).to_contain_text("Answered by the patient")
    shoot_both(page, "outcomes-course-surveyed")


def _artifact(name: str) -> str:
    from tests.journeys.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    return str(SCREENSHOTS / f"{name}.png")
