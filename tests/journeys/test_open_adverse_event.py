"""An open adverse event reaches the next treatment, in real Chromium (issue 15.3): after
a nodule linked to a lot, the clinician's home lists it, the calendar marks the patient's
next appointment, the appointment and the session form say so, and the form does not
pre-select the suspect lot; picking it asks for a confirmation. Screenshots at 1280 and
820 px; axe on every page."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from mesoplan.clock import practice_zone
from sessions import adverse_events, recording
from tests.factories import PASSWORD, PatientFactory
from tests.journeys.conftest import settle_and_check, sign_in, visit
from tests.journeys.test_staff import shoot_both
from tests.sessions.recording_support import a_pass, a_past_moment, booked_course, fine_check, lot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_open_event_is_seen_at_the_next_session(page, clinician_a, practice_a):
    lot(practice_a, clinician_a, "ML-2611-A")
    lot(practice_a, clinician_a, "ML-2702-B")
    patient = PatientFactory(practice=practice_a, first_name="Clara", last_name="Engel")
    course = booked_course(clinician_a, patient=patient, days_ahead=2)
    first = recording.record_session(
        actor=clinician_a,
        appointment=course.appointments.get(sequence=1),
        answers=fine_check(),
        passes=[a_pass("nappage", "neck", lot_number="ML-2611-A")],
        performed_at=a_past_moment(),
    )
    adverse_events.record_adverse_event(
        actor=clinician_a,
        session_record=first,
        type="nodule",
        severity="moderate",
        onset_at=first.performed_at + timedelta(days=1),
        description="A small nodule on the left side of the neck.",
        outcome="not_recovered",
    )
    second = course.appointments.get(sequence=2)
    day = second.starts_at.astimezone(practice_zone(practice_a)).date()

    sign_in(page, clinician_a.username, PASSWORD)
    events = page.get_by_role("region", name="Adverse events awaiting follow-up")
    expect(events.get_by_role("link", name="Clara Engel")).to_be_visible()
    shoot_both(page, "home-open-event")

    visit(page, f"/calendar/day/?date={day:%Y-%m-%d}")
    mark = page.locator(".appt--event", has_text="Clara Engel")
    expect(mark).to_contain_text("Open adverse event")
    shoot_both(page, "day-open-event")
    mark.click()
    settle_and_check(page)
    expect(page.get_by_text("Open adverse event: follow up before treating.")).to_be_visible()
    shoot_both(page, "appointment-open-event")

    page.get_by_role("link", name="Record session").click()
    page.get_by_role("heading", name="Session: Clara Engel").wait_for()
    settle_and_check(page)
    expect(page.get_by_text("Open adverse event: follow up before treating.")).to_be_visible()
    expect(page.get_by_text("Suspect lot:")).to_be_visible()
    neck_lot = page.locator('[name="neck__lot"]')
    expect(neck_lot).to_have_value("ML-2702-B")  # never the suspect one
    shoot_both(page, "session-form-open-event")

    page.get_by_role("button", name="None of these apply today").click()
    neck_lot.select_option("ML-2611-A")
    page.get_by_role("button", name="Record session").click()
    settle_and_check(page)
    expect(page.get_by_text("Lot ML-2611-A is linked to the nodule of").first).to_be_visible()
    page.get_by_label("Use a lot linked to this patient's adverse event anyway").check()
    page.get_by_role("button", name="Record session").click()
    expect(page.get_by_text("Session recorded: 1 passes.")).to_be_visible()


def test_an_allergy_named_at_the_check_is_kept_on_the_record(page, clinician_a, practice_a):
    """Issue 15.8 in the browser: the clinician names a rutin allergy at session 2's check;
    the session is refused, the patient record now says excluded and the screening
    history says where the allergy came from."""
    lot(practice_a, clinician_a, "ML-2702-B")
    patient = PatientFactory(practice=practice_a, first_name="Mara", last_name="Olsen")
    course = booked_course(clinician_a, patient=patient, days_ahead=2)
    recording.record_session(
        actor=clinician_a,
        appointment=course.appointments.get(sequence=1),
        answers=fine_check(),
        passes=[a_pass("nappage", "neck", lot_number="ML-2702-B")],
        performed_at=a_past_moment(),
    )
    second = course.appointments.get(sequence=2)

    sign_in(page, clinician_a.username, PASSWORD)
    visit(page, f"/calendar/appointments/{second.pk}/session/")
    page.get_by_role("button", name="None of these apply today").click()
    page.get_by_label("New allergies").fill("Rutin")
    page.get_by_role("button", name="Record session").click()
    settle_and_check(page)
    expect(page.get_by_text("Not recorded.")).to_be_visible()
    expect(page.get_by_text("Allergy to Rutin", exact=False).first).to_be_visible()

    visit(page, f"/patients/{patient.pk}/")
    history = page.get_by_role("region", name="Screening history")
    expect(history.get_by_text("from the pre-session check of session 2 of the")).to_be_visible()
    expect(page.get_by_text("Allergy to Rutin", exact=False).first).to_be_visible()
    shoot_both(page, "patient-carried-allergy")
    # The carried screening's result says where it came from.
    history.get_by_role("link").first.click()
    settle_and_check(page)
    expect(
        page.get_by_text("Carried forward from the pre-session check of session 2")
    ).to_be_visible()
    shoot_both(page, "screening-carried-allergy")
