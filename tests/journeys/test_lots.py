"""Product lots in real Chromium: a clinician registers a new box, a session recorded with
it shows on the lot's recall page with the patient to contact, and the recall downloads as
CSV; a practice manager keeps the equipment. Screenshots at desktop and tablet width go to
tests/artifacts/; axe looks at every page."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lots.models import ProductLot
from mesoplan.clock import practice_today
from sessions import adverse_events
from tests.factories import PASSWORD, PatientFactory
from tests.journeys.conftest import settle_and_check, sign_in
from tests.journeys.test_accessibility import assert_top_bar_is_one_row
from tests.journeys.test_staff import shoot_both
from tests.sessions.lot_support import record
from tests.sessions.recording_support import booked_course, lot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def other_lots(clinician_a, practice_a):
    """Boxes registered before: one expired, one expiring soon, one for hair."""
    old = lot(practice_a, clinician_a, "ML-2025-031", expires_in_days=400)
    ProductLot.objects.filter(pk=old.pk).update(
        expires_on=practice_today(practice_a) - timedelta(days=12)
    )
    lot(practice_a, clinician_a, "ML-2026-044", expires_in_days=9)
    return lot(practice_a, clinician_a, "MH-2026-007", formulation="mesohair", expires_in_days=300)


def test_a_clinician_registers_a_lot_and_reads_its_recall(
    page, live_server, clinician_a, practice_a, other_lots
):
    sign_in(page, "clin_a", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lots").click()
    page.get_by_role("heading", name="Product lots", level=1).wait_for()
    expect(page.get_by_text("Expired", exact=True)).to_be_visible()
    expect(page.get_by_text("Expires in 9 days")).to_be_visible()
    settle_and_check(page)

    page.get_by_role("link", name="Register a lot").click()
    page.get_by_role("heading", name="Register a lot").wait_for()
    settle_and_check(page)
    page.get_by_role("button", name="Register lot").click()  # nothing entered
    page.locator("[data-error-summary]").wait_for()
    shoot_both(page, "lot-register-errors")
    expiry = practice_today(practice_a) + timedelta(days=540)
    page.get_by_label("NWM-MesoLift").check()
    page.get_by_label("Lot number").fill("ML-2026-117")
    page.get_by_label("Expiry date").fill(f"{expiry:%d.%m.%Y}")
    page.get_by_role("button", name="Register lot").click()
    page.get_by_role("heading", name="Lot ML-2026-117").wait_for()
    expect(page.get_by_text("No session has used this lot.")).to_be_visible()
    settle_and_check(page)

    # Sessions recorded with the new box (the session form is built elsewhere).
    greta = PatientFactory(
        practice=practice_a, first_name="Greta", last_name="Vogel", phone="+49 30 5550123"
    )
    paul = PatientFactory(practice=practice_a, first_name="Paul", last_name="Ernst")
    greta_session = record(
        clinician_a,
        booked_course(clinician_a, patient=greta).appointments.order_by("sequence").first(),
        "ML-2026-117",
        regions=("forehead", "cheek_left", "cheek_right"),
    )
    adverse_events.record_adverse_event(
        actor=clinician_a,
        session_record=greta_session,
        type="allergic_reaction",
        severity="moderate",
        onset_at=timezone.now() - timedelta(minutes=20),
        description="Wheals on the forehead",
        action_taken="Cetirizine 10 mg",
        outcome="recovering",
    )
    record(
        clinician_a,
        booked_course(clinician_a, patient=paul, days_ahead=2)
        .appointments.order_by("sequence")
        .first(),
        "ML-2026-044",
    )

    page.reload()
    page.get_by_role("heading", name="Who received this lot").wait_for()
    recall = page.get_by_role("table")
    expect(recall.get_by_role("link", name="Vogel, Greta")).to_be_visible()
    expect(recall.get_by_text("Ernst")).to_have_count(0)
    expect(recall.get_by_text("Allergic reaction")).to_be_visible()
    shoot_both(page, "lot-recall")

    with page.expect_download() as caught:
        page.get_by_role("link", name="Download CSV").click()
    download = caught.value
    assert download.suggested_filename == "lot-ML-2026-117-recipients.csv"
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert [(r["last_name"], r["first_name"]) for r in rows] == [("Vogel", "Greta")]
    assert rows[0]["phone"].startswith("'+49")  # a spreadsheet would compute "+49..."
    assert rows[0]["regions"] == "forehead cheek_left cheek_right"
    assert "Allergic reaction" in rows[0]["adverse_events"]

    # The recalled patient's record carries the event in its alert strip.
    page.get_by_role("link", name="Vogel, Greta").click()
    page.get_by_role("heading", name="Greta Vogel", level=1).wait_for()
    alerts = page.get_by_role("region", name="Adverse events")
    expect(alerts).to_contain_text("Adverse event: allergic reaction (moderate)")
    expect(alerts.get_by_role("link", name="ML-2026-117")).to_be_visible()
    shoot_both(page, "patient-adverse-event-alert")
    page.goto(f"/calendar/sessions/{greta_session.pk}/adverse-events/new/")
    page.get_by_role("heading", name="Record adverse event").wait_for()
    shoot_both(page, "adverse-event-form")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lots").click()
    page.get_by_role("heading", name="Product lots", level=1).wait_for()
    expect(page.get_by_role("link", name="ML-2026-117")).to_be_visible()
    shoot_both(page, "lot-list")


def test_a_manager_keeps_the_equipment(page, live_server, manager_a, clinician_a):
    sign_in(page, "mgr_a", PASSWORD)
    assert_top_bar_is_one_row(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lots").click()
    settle_and_check(page)
    page.get_by_role("main").get_by_role("link", name="Equipment").click()
    page.get_by_role("heading", name="Equipment", level=1).wait_for()
    settle_and_check(page)
    page.get_by_role("radio", name="Injection device").check()
    page.get_by_label("Name").fill("Meso-gun II")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_text("Injection device “Meso-gun II” is in use.")).to_be_visible()
    settle_and_check(page)
    for needle in ("32G 4 mm", "30G 13 mm"):
        page.get_by_role("radio", name="Needle").check()
        page.get_by_label("Name").fill(needle)
        page.get_by_role("button", name="Add", exact=True).click()
        page.get_by_text(f"Needle “{needle}” is in use.").wait_for()
        settle_and_check(page)
    page.get_by_role("button", name="Retire 30G 13 mm").click()
    page.get_by_role("button", name="Use again 30G 13 mm").wait_for()
    settle_and_check(page)
    assert_top_bar_is_one_row(page)
    shoot_both(page, "equipment")
    # A manager's six menu items still fit a tablet's width, without sideways scrolling.
    page.set_viewport_size({"width": 820, "height": 1180})
    assert_top_bar_is_one_row(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
