"""The session form as a tablet in the treatment room shows it (820 px) and a desk (1280
px): a submit with a wrong check and wrong passes shows every error at once, and no
input of a pass row moves when its error appears. Screenshots in tests/artifacts/."""

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, PatientFactory
from tests.journeys.conftest import settle_and_check, sign_in, visit
from tests.journeys.test_staff import shoot_both
from tests.sessions.recording_support import booked_course, lot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Each pass input of a region's row: its name, left edge, top within its technique, width.
INPUT_BOXES = """(region) => [...document.querySelectorAll(
    `[data-pass-row=${region}] .num-input input`)].map((input) => {
  const box = input.getBoundingClientRect();
  const technique = input.closest('.technique').getBoundingClientRect();
  return [input.name, Math.round(box.x), Math.round(box.y - technique.y), Math.round(box.width)];
})"""


def open_form(page, clinician, practice, **course):
    lot(practice, clinician, "ML-2702-B")
    patient = PatientFactory(practice=practice, first_name="Clara", last_name="Engel", sex="female")
    appointment = booked_course(clinician, patient=patient, **course).appointments.order_by(
        "sequence"
    )[0]
    sign_in(page, clinician.username, PASSWORD)
    visit(page, f"/calendar/appointments/{appointment.pk}/session/")
    return appointment


@pytest.mark.parametrize("width", [820, 1280])
def test_every_error_shows_at_once_and_no_pass_input_moves(page, clinician_a, practice_a, width):
    page.set_viewport_size({"width": width, "height": 1180})
    open_form(page, clinician_a, practice_a, conditions=["herpes"])
    page.locator("[data-region=forehead]").click()
    page.locator('[name="forehead__single_pulse__depth_mm"]').fill("9")  # too deep
    page.locator('[name="forehead__single_pulse__spacing_mm"]').fill("10")
    page.locator('[name="forehead__nappage__depth_mm"]').fill("0.5")
    before = page.evaluate(INPUT_BOXES, "forehead")
    # The pregnancy question and the prophylaxis are left open.
    page.get_by_role("button", name="Record session").click()
    page.wait_for_load_state("load")
    settle_and_check(page)
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Answer Yes or No: Pregnancy.")
    expect(summary).to_contain_text("give herpes prophylaxis")
    expect(summary).to_contain_text("Depth must be between 0.1 and 4 mm.")
    expect(summary).to_contain_text("Volume is required for a nappage pass.")
    assert page.evaluate(INPUT_BOXES, "forehead") == before
    # Single-pulse and nappage values line up in columns: a volume under a volume.
    boxes = {name.split("__", 1)[1]: (x, width_) for name, x, _, width_ in before}
    assert boxes["nappage__volume_ml"] == boxes["single_pulse__volume_ml"]
    assert boxes["nappage__depth_mm"] == boxes["single_pulse__depth_mm"]
    if width == 820:
        shoot_both(page, "session-form-errors")
