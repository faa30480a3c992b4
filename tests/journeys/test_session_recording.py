"""Recording a session in real Chromium: the clinician opens the appointment from the
calendar, answers the pre-session check, picks two regions on the face diagram (one by
mouse, one by keyboard), keeps both techniques, records, and sees the course advance;
the next session's form starts from this one; performed days before it was planned, the
course page offers to re-plan the later sessions from it. Screenshots at 1280 and 820 px."""

import time as clock

import pytest
from playwright.sync_api import expect

from mesoplan.clock import practice_zone
from sessions.models import SessionRecord
from tests.factories import PASSWORD, PatientFactory
from tests.journeys.conftest import settle_and_check, sign_in, visit
from tests.journeys.test_staff import shoot_both
from tests.sessions.recording_support import booked_course, equipment, lot

FIRST_VALUES = {
    "single_pulse__depth_mm": "1",
    "single_pulse__spacing_mm": "10",
    "single_pulse__points": "20",
    "single_pulse__volume_ml": "0.5",
    "nappage__depth_mm": "0.5",
    "nappage__volume_ml": "0.5",
}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_clinician_records_a_session_from_the_calendar(page, clinician_a, practice_a):
    lot(practice_a, clinician_a, "ML-2611-A", expires_in_days=20)
    lot(practice_a, clinician_a, "ML-2702-B")
    equipment(practice_a, "device", "Compressor injection gun")
    equipment(practice_a, "needle", "32G x 4 mm")
    patient = PatientFactory(
        practice=practice_a, first_name="Clara", last_name="Engel", sex="female"
    )
    # From three days ahead: performed today, the session is days early.
    course = booked_course(clinician_a, patient=patient, conditions=["herpes"], days_ahead=3)
    first, second = list(course.appointments.order_by("sequence"))[:2]
    start = first.starts_at.astimezone(practice_zone(practice_a))

    sign_in(page, clinician_a.username, PASSWORD)
    visit(page, f"/calendar/?week={start:%G-W%V}")
    page.get_by_role("link", name="Clara Engel").first.click()
    settle_and_check(page)
    page.get_by_role("link", name="Record session").click()
    page.get_by_role("heading", name="Session: Clara Engel").wait_for()
    settle_and_check(page)
    expect(page.get_by_text("This patient tends to herpes")).to_be_visible()
    expect(page.get_by_text("Expiring within 30 days")).to_be_visible()

    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet, as in the room
    began = clock.monotonic()
    page.get_by_role("button", name="None of these apply today").click()
    page.get_by_label("Herpes prophylaxis was given before this session").check()
    page.locator("[data-region=forehead]").click()  # the mouse
    chin = page.get_by_role("checkbox", name="Chin").first
    chin.focus()
    page.keyboard.press("Space")  # the keyboard
    expect(page.locator("[data-region=chin]")).to_have_attribute("aria-checked", "true")
    expect(page.locator("[data-pass-row=forehead]")).to_be_visible()
    expect(page.locator("[data-pass-row=cheek_left]")).to_be_hidden()
    shoot_both(page, "session-form")
    page.set_viewport_size({"width": 820, "height": 1180})
    # A first session starts empty: the clinician types what was given.
    for region in ("forehead", "chin"):
        for field, value in FIRST_VALUES.items():
            page.locator(f'[name="{region}__{field}"]').fill(value)
    page.get_by_role("button", name="Record session").click()
    expect(page.get_by_text("Session recorded: 4 passes.")).to_be_visible()
    took = clock.monotonic() - began
    # Booked from tomorrow, performed today: the appointment says when it happened.
    expect(page.get_by_text("the appointment moved to when it was performed")).to_be_visible()
    page.set_viewport_size({"width": 1280, "height": 800})
    settle_and_check(page)
    shoot_both(page, "session-record")

    record = SessionRecord.objects.get(appointment=first)
    assert [(p.region, p.technique) for p in record.passes.order_by("position")] == [
        ("forehead", "single_pulse"),
        ("forehead", "nappage"),
        ("chin", "single_pulse"),
        ("chin", "nappage"),
    ]
    assert record.passes.first().lot.lot_number == "ML-2611-A"  # the box to use first
    assert took < 30, f"recording took {took:.1f} s of browser time"
    expect(page.get_by_text("course 1 of 8 done")).to_be_visible()

    visit(page, f"/calendar/appointments/{second.pk}/session/")
    expect(page.get_by_text("As in session 1 of")).to_be_visible()
    expect(page.locator('[name="chin__nappage__depth_mm"]')).to_have_value("0.5")
    expect(page.locator("[data-region=chin]")).to_have_attribute("aria-checked", "true")
    shoot_both(page, "session-form-prefilled")

    # The course page offers to re-plan the later sessions from today's; nothing moves
    # until the clinician confirms.
    visit(page, f"/courses/{course.pk}/")
    page.get_by_role("heading", name="Re-plan from session 1?").wait_for()
    shoot_both(page, "course-replan")
    page.get_by_role("button", name="Re-plan these sessions").click()
    expect(page.get_by_text("Sessions 2 to 8 re-planned from session 1.")).to_be_visible()
    settle_and_check(page)
    second.refresh_from_db()
    assert (second.starts_at - record.performed_at).days in (6, 7)  # a week after, by the day
