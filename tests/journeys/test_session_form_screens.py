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


# Each region's hit area on the diagram: its code and box in CSS px.
HIT_AREAS = """() => [...document.querySelectorAll('[data-region]')].map((region) => {
  const box = region.querySelector('.region__hit').getBoundingClientRect();
  return [region.dataset.region, box.x, box.y, box.width, box.height];
})"""


def overlap(a, b) -> float:
    width = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    height = min(a[2] + a[4], b[2] + b[4]) - max(a[2], b[2])
    return max(width, 0) * max(height, 0)


@pytest.mark.parametrize(("protocol", "regions"), [("mesolift", 16), ("mesohair", 5)])
def test_every_diagram_target_is_44_px_on_a_tablet_and_works_by_keyboard(
    page, clinician_a, practice_a, protocol, regions
):
    page.set_viewport_size({"width": 820, "height": 1180})
    lot(practice_a, clinician_a, "MH-1", formulation="mesohair")
    open_form(page, clinician_a, practice_a, protocol=protocol)
    areas = page.evaluate(HIT_AREAS)
    assert len(areas) == regions
    small = [(code, round(w), round(h)) for code, _, _, w, h in areas if w < 44 or h < 44]
    assert not small, f"targets under 44 x 44 px: {small}"
    touching = [
        (a[0], b[0]) for i, a in enumerate(areas) for b in areas[i + 1 :] if overlap(a, b) > 1
    ]
    assert not touching, f"hit areas overlap: {touching}"
    # A tap at the edge of a target's hit area, off its drawn shape, picks it.
    code, x, y, *_ = areas[1]
    page.mouse.click(x + 3, y + 3)
    expect(page.locator(f"input[name=regions][value={code}]")).to_be_checked()
    expect(page.locator(f"[data-pass-row={code}]")).to_be_visible()
    if protocol == "mesolift":  # a tap on the eye drawn on it unpicks it again (not lost)
        assert code == "periorbital_right"
        eye = page.locator("circle.diagram__mark").first.bounding_box()
        page.mouse.click(eye["x"] + eye["width"] / 2, eye["y"] + eye["height"] / 2)
        expect(page.locator("input[name=regions][value=periorbital_right]")).not_to_be_checked()
    # The keyboard: Tab reaches each region by its name; Space picks it, again unpicks.
    first = page.locator("[data-region]").first
    name = first.get_attribute("aria-label")
    assert name and page.get_by_role("checkbox", name=name).first.get_attribute("data-region")
    first.focus()
    page.keyboard.press("Space")
    expect(first).to_have_attribute("aria-checked", "true")
    page.keyboard.press("Tab")
    expect(page.locator("[data-region]").nth(1)).to_be_focused()
    shoot_both(page, f"session-form-diagram-{protocol}")
    chips = page.evaluate(
        "() => [...document.querySelectorAll('.regions-picker__list .choice--chip')]"
        ".map((chip) => chip.getBoundingClientRect().height)"
    )
    assert min(chips) >= 44  # the list beside the diagram: targets of the same size
