"""The practice manager's journey: add a clinician, hand over the temporary password,
lift the lock-out after their mistyped attempts, and read it all in the audit trail."""

import re

import pytest

from tests.factories import PASSWORD
from tests.journeys.conftest import settle_and_check, shoot, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

VIEWPORTS = [(1280, 800), (820, 1180)]


def shoot_both(page, name: str) -> None:
    """Full-page screenshots at desktop and tablet width (tests/artifacts/)."""
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        shoot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 800})


def test_manager_adds_a_clinician_unlocks_them_and_reads_the_audit_trail(
    page, chromium, live_server, manager_a, clinician_a
):
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm questions
    sign_in(page, "mgr_a", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    page.get_by_role("heading", name="Staff", level=1).wait_for()
    shoot_both(page, "staff-list")

    page.get_by_role("link", name="Add staff member").click()
    page.get_by_label("First name").fill("Nora")
    page.get_by_label("Last name").fill("Roth")
    page.get_by_label("Username").fill("n.roth")
    page.get_by_label("E-mail").fill("nora@example.org")
    page.get_by_label("Clinician").check()
    shoot_both(page, "staff-add")
    page.get_by_role("button", name="Add staff member").click()

    page.get_by_role("heading", name="Temporary password for Nora Roth").wait_for()
    temporary = page.locator("#temporary-password").inner_text().strip()
    assert re.fullmatch(r"[a-z2-9]{4}(-[a-z2-9]{4}){3}", temporary)
    shoot_both(page, "staff-temporary-password")

    # Nora mistypes her password five times at her own workstation: locked out.
    nora_context = chromium.new_context(base_url=live_server.url)
    nora = nora_context.new_page()
    for _ in range(5):
        sign_in(nora, "n.roth", "not-the-password")
        nora.get_by_role("alert").wait_for()
    sign_in(nora, "n.roth", temporary)
    nora.get_by_role("heading", name="Signing in is paused").wait_for()
    assert "ask your practice manager" in nora.content()

    page.goto("/staff/")
    row = page.get_by_role("row", name=re.compile("Nora Roth"))
    assert row.get_by_text("Locked out").is_visible()
    shoot_both(page, "staff-list-locked")
    row.get_by_role("button", name="Unlock sign-in for Nora Roth").click()
    settle_and_check(page)
    page.get_by_text("Nora Roth can sign in again.").wait_for()
    assert (
        page.get_by_role("row", name=re.compile("Nora Roth")).get_by_text("Locked out").count() == 0
    )

    sign_in(nora, "n.roth", temporary)
    # The temporary password is replaced before anything else.
    nora.get_by_role("heading", name="Choose your own password").wait_for()
    settle_and_check(nora)
    nora.get_by_label("Old password").fill(temporary)
    nora.get_by_label(re.compile(r"^New password\b(?! confirmation)")).fill(
        "nora's own long passphrase"
    )
    nora.get_by_label(re.compile("^New password confirmation")).fill("nora's own long passphrase")
    nora.get_by_role("button", name="Save new password").click()
    nora.get_by_role("heading", name="Hello, Nora").wait_for()
    nora_context.close()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit trail").click()
    settle_and_check(page)
    page.get_by_role("heading", name="Audit trail", level=1).wait_for()
    page.get_by_label("Staff member").select_option(label=manager_a.display_name)
    page.get_by_role("button", name="Filter").click()
    settle_and_check(page)
    table = page.get_by_role("table")
    table.get_by_text("Sign-in unlocked").wait_for()
    assert table.get_by_text("Staff account added").is_visible()
    assert table.get_by_text("Nora Roth (n.roth)").first.is_visible()
    assert temporary not in page.content()
    shoot_both(page, "audit-trail-filtered")
