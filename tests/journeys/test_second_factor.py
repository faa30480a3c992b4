"""The manager's second factor in a real browser: set up at the first sign-in from the QR
code page (the code typed as an authenticator app would show it), keep the recovery
codes, sign in again with one of them, and find it all on the account page."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesoplan.audit import Action
from mesoplan.models import AuditEntry
from tests.factories import PASSWORD, ManagerFactory, PracticeFactory
from tests.journeys.conftest import settle_and_check, sign_in
from tests.journeys.test_staff import shoot_both

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def app_code(secret_on_page: str) -> str:
    """What an authenticator app shows for the key typed from the page."""
    from base64 import b32decode

    text = secret_on_page.replace(" ", "")
    key = b32decode(text + "=" * (-len(text) % 8))
    return f"{totp(key):06d}"


def continue_and_sign_in_again(page) -> None:
    """From the recovery codes to the practice's home, then out and in with the password."""
    page.get_by_role("link", name="I have kept my codes: continue").click()
    page.get_by_role("heading", name="Praxis Mitte", level=1).wait_for()
    settle_and_check(page)
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to MesoPlan").wait_for()
    settle_and_check(page)
    sign_in(page, "m.weber", PASSWORD)


def test_a_manager_sets_up_the_second_factor_and_signs_in_with_it(page, live_server):
    practice = PracticeFactory(second_factor_for_managers=True, name="Praxis Mitte")
    manager = ManagerFactory(practice=practice, username="m.weber", first_name="Mara")
    page.on("dialog", lambda dialog: dialog.accept())

    sign_in(page, "m.weber", PASSWORD)
    page.get_by_text("Your practice asks for a second factor for your role").wait_for()
    shoot_both(page, "second-factor-required")
    page.get_by_role("link", name="Set up authenticator app").click()
    page.get_by_role("heading", name="Set up a second factor").wait_for()
    settle_and_check(page)
    assert page.locator(".qr-box svg").count() == 1  # drawn by the server, inline
    shoot_both(page, "second-factor-setup")
    page.get_by_text("Cannot scan? Type this key instead").click()
    secret = page.locator("#totp-secret").inner_text()
    assert TOTPDevice.objects.get(user=manager, confirmed=False)  # not on until confirmed
    page.get_by_role("textbox", name="Code").fill(app_code(secret))
    page.get_by_role("button", name="Turn on the second factor").click()

    page.get_by_role("heading", name="Your recovery codes").wait_for()
    codes = re.findall(r"[a-z0-9]{5}-[a-z0-9]{5}", page.locator("#recovery-codes").inner_text())
    assert len(codes) == 10
    shoot_both(page, "second-factor-recovery-codes")
    continue_and_sign_in_again(page)
    page.get_by_role("heading", name="Enter your code").wait_for()
    shoot_both(page, "second-factor-verify")
    page.get_by_role("textbox", name="Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.get_by_text("You signed in with a recovery code: 9 left").wait_for()
    settle_and_check(page)

    page.get_by_role("link", name="Mara").first.click()
    page.get_by_role("heading", name="On: authenticator app").wait_for()
    assert "9" in page.locator("#status-title + p").inner_text()
    shoot_both(page, "second-factor-account")


def test_a_manager_adds_a_passkey_and_signs_in_with_it(page, live_server):
    """Chromium's virtual authenticator (DevTools' WebAuthn domain) stands in for the
    laptop's fingerprint reader: a real WebAuthn ceremony, verified by the server."""
    practice = PracticeFactory(second_factor_for_managers=True, name="Praxis Mitte")
    manager = ManagerFactory(practice=practice, username="m.weber", first_name="Mara")
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, "m.weber", PASSWORD)
    page.get_by_role("button", name="Add a passkey").click()
    page.get_by_role("heading", name="On: 1 passkey").wait_for()  # the page reloads
    settle_and_check(page)
    assert AuditEntry.objects.filter(
        action=Action.SECOND_FACTOR_PASSKEY_ADD, actor=manager
    ).exists()
    page.get_by_role("button", name="Issue new recovery codes").click()
    page.get_by_role("heading", name="Your recovery codes").wait_for()
    settle_and_check(page)
    continue_and_sign_in_again(page)
    page.get_by_role("heading", name="Confirm it is you").wait_for()
    shoot_both(page, "second-factor-verify-passkey")
    page.get_by_role("button", name="Use a passkey").click()
    page.get_by_role("heading", name="Praxis Mitte", level=1).wait_for()
    settle_and_check(page)
