"""The second factor (authenticator app and recovery codes) behind the sign-in, the steps
a sign-in owes, and the manager's reset: through the real login form and the token API."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mesoplan import staff
from mesoplan.audit import Action
from mesoplan.auth import second_factor
from mesoplan.auth.steps import Step
from mesoplan.errors import Conflict
from mesoplan.models import AuditEntry, Network, Practice, User
from tests.factories import PASSWORD, ManagerFactory, PracticeFactory

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def code_of(device: TOTPDevice) -> str:
    """The number the authenticator app shows now (time_machine moves "now")."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:06d}"


def sign_in(user, password=PASSWORD) -> tuple[Client, object]:
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": password})
    assert client.session.get(SESSION_KEY) == str(user.pk), response
    return client, response


def enrol(client, user) -> list[str]:
    """Through the pages: the set-up shows a server-drawn QR code, the first code turns the
    factor on and the recovery codes are shown once."""
    page = client.get("/accounts/second-factor/setup/")
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    body = page.content.decode()
    assert "<svg" in body and "QR code for your authenticator app" in body
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/accounts/second-factor/setup/", {"code": code_of(device)})
    assert done.status_code == 200, done.content.decode()[:500]
    return re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", done.content.decode())


@pytest.fixture
def guarded_practice():
    return PracticeFactory(second_factor_for_managers=True, second_factor_for_clinicians=False)


@pytest.fixture
def manager(guarded_practice):
    return ManagerFactory(practice=guarded_practice, username="m.weber")


def test_new_practices_and_networks_require_it_for_managers_and_admins():
    network = Network.objects.create(name="New network")
    practice = Practice.objects.create(network=network, name="New", slug="new")
    assert network.second_factor_for_admins
    assert practice.second_factor_for_managers and not practice.second_factor_for_clinicians


def test_a_manager_without_one_sets_it_up_at_sign_in_then_signs_in_with_a_code(manager):
    client, _ = sign_in(manager)
    home = client.get("/")
    assert home.status_code == 302 and home["Location"].startswith("/accounts/second-factor/")
    assert client.get("/patients/").status_code == 302  # every page waits for the set-up
    codes = enrol(client, manager)
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action=Action.SECOND_FACTOR_ENROL, actor=manager).exists()

    # The next sign-in: the password alone leads to the code page only.
    client, _ = sign_in(manager)
    page = client.get("/")
    assert page.status_code == 302 and page["Location"].startswith(
        "/accounts/second-factor/verify/"
    )
    device = TOTPDevice.objects.get(user=manager, confirmed=True)
    with time_machine.travel(timezone.now() + timedelta(seconds=60), tick=False):
        wrong = client.post("/accounts/second-factor/verify/", {"code": "000000", "next": "/"})
        assert wrong.status_code == 200 and "not right" in wrong.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=120), tick=False):
        right = client.post(
            "/accounts/second-factor/verify/", {"code": code_of(device), "next": "/"}
        )
        assert right.status_code == 302 and right["Location"] == "/"
        assert client.get("/").status_code == 200


def test_a_recovery_code_signs_in_once(manager):
    client, _ = sign_in(manager)
    codes = enrol(client, manager)
    first = sign_in(manager)[0]
    used = first.post("/accounts/second-factor/verify/", {"code": codes[0].upper(), "next": "/"})
    assert used.status_code == 302 and first.get("/").status_code == 200
    assert second_factor.remaining_recovery_codes(manager) == 9
    entry = AuditEntry.objects.get(action=Action.SECOND_FACTOR_RECOVERY_CODE_USED)
    assert entry.details == {"remaining": 9}
    again = sign_in(manager)[0]
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        refused = again.post("/accounts/second-factor/verify/", {"code": codes[0], "next": "/"})
    assert refused.status_code == 200 and again.get("/").status_code == 302


def test_wrong_codes_slow_down_the_next_try(manager):
    client, _ = sign_in(manager)
    enrol(client, manager)
    device = TOTPDevice.objects.get(user=manager, confirmed=True)
    later = timezone.now() + timedelta(seconds=90)
    with time_machine.travel(later, tick=False):
        for _ in range(3):
            assert second_factor.verify_code(manager, "111111") is None
        # Throttled: even the right code waits (4 s after the third failure).
        assert second_factor.verify_code(manager, code_of(device)) is None
    with time_machine.travel(later + timedelta(seconds=35), tick=False):
        assert second_factor.verify_code(manager, code_of(device)) is not None


def test_a_password_alone_cannot_replace_or_remove_the_second_factor(manager):
    client, _ = sign_in(manager)
    enrol(client, manager)
    thief, _ = sign_in(manager)  # the password, but not the phone
    for path in (
        "/accounts/second-factor/setup/",
        "/accounts/second-factor/",
        "/accounts/password/change/",
    ):
        answer = thief.get(path)
        assert answer.status_code == 302 and "/verify/" in answer["Location"], path
    assert thief.post("/accounts/second-factor/remove/").status_code == 302
    assert thief.post("/accounts/second-factor/recovery-codes/").status_code == 302
    assert thief.get("/accounts/tokens/").status_code == 302
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).count() == 1
    assert second_factor.remaining_recovery_codes(manager) == 10
    refused = thief.get("/api/v1/patients/")
    assert refused.status_code == 403 and refused.json()["code"] == Step.VERIFY


def test_the_token_endpoint_asks_for_the_code_once_there_is_a_second_factor(client, manager):
    browser, _ = sign_in(manager)
    codes = enrol(browser, manager)
    body = {"username": manager.username, "password": PASSWORD}
    missing = client.post(TOKEN_URL, body, content_type="application/json")
    assert missing.status_code == 401 and missing.json()["code"] == "otp_required"
    assert missing["WWW-Authenticate"] == "Token"
    wrong = client.post(TOKEN_URL, {**body, "otp": "123"}, content_type="application/json")
    assert wrong.status_code == 401 and "token" not in wrong.json()
    with time_machine.travel(timezone.now() + timedelta(seconds=3), tick=False):  # throttled
        ok = client.post(TOKEN_URL, {**body, "otp": codes[1]}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["token"].startswith("mp_")
    replay = client.post(TOKEN_URL, {**body, "otp": codes[1]}, content_type="application/json")
    assert replay.status_code == 401  # a recovery code works once


def test_a_required_second_factor_is_set_up_in_the_browser_before_any_token(client, manager):
    answer = client.post(
        TOKEN_URL,
        {"username": manager.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert answer.status_code == 403 and answer.json()["code"] == Step.ENROL


def test_a_temporary_password_is_changed_at_first_sign_in(client, manager, guarded_practice):
    guarded_practice.second_factor_for_managers = False
    guarded_practice.save()
    account = staff.create_staff(
        actor=manager, username="n.roth", first_name="Nora", last_name="Roth", role="clinician"
    )
    member = account.user
    refused = client.post(
        TOKEN_URL,
        {"username": "n.roth", "password": account.temporary_password},
        content_type="application/json",
    )
    assert refused.status_code == 403 and refused.json()["code"] == Step.CHANGE_PASSWORD
    browser, _ = sign_in(member, account.temporary_password)
    page = browser.get("/patients/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/password/change/")
    form = browser.get(page["Location"])
    assert "Choose your own password" in form.content.decode()
    changed = browser.post(
        "/accounts/password/change/",
        {
            "old_password": account.temporary_password,
            "new_password1": "a fresh long passphrase 42",
            "new_password2": "a fresh long passphrase 42",
            "next": "/patients/",
        },
    )
    assert changed.status_code == 302 and changed["Location"] == "/patients/"
    assert browser.get("/patients/").status_code == 200  # still signed in
    member.refresh_from_db()
    assert not member.must_change_password and member.check_password("a fresh long passphrase 42")
    entry = AuditEntry.objects.get(action=Action.PASSWORD_CHANGE)
    assert entry.details == {"temporary": True} and "passphrase" not in str(entry.details)


def test_a_manager_resets_a_colleagues_second_factor_audited(manager, guarded_practice):
    colleague = ManagerFactory(practice=guarded_practice, username="k.lang")
    browser, _ = sign_in(colleague)
    enrol(browser, colleague)
    assert browser.get("/").status_code == 200
    with pytest.raises(Conflict):
        staff.reset_second_factor(actor=colleague, member=colleague)
    assert staff.reset_second_factor(actor=manager, member=colleague) == 2  # app + codes
    assert not second_factor.has_second_factor(colleague)
    assert browser.get("/").status_code == 302  # signed out everywhere
    entry = AuditEntry.objects.get(action=Action.STAFF_SECOND_FACTOR_RESET)
    assert entry.actor == manager and entry.object_id == str(colleague.pk)
    again, _ = sign_in(colleague)  # required: set up anew
    assert again.get("/")["Location"].startswith("/accounts/second-factor/")
    assert staff.reset_second_factor(actor=manager, member=colleague) == 0  # nothing: no entry
    assert AuditEntry.objects.filter(action=Action.STAFF_SECOND_FACTOR_RESET).count() == 1


def test_the_reset_is_a_staff_page_action_and_another_practice_is_not_found(
    manager, guarded_practice, clinician_b
):
    colleague = ManagerFactory(practice=guarded_practice, username="k.lang")
    enrol(sign_in(colleague)[0], colleague)
    browser, _ = sign_in(manager)
    enrol(browser, manager)
    page = browser.get(f"/staff/{colleague.pk}/")
    assert "Reset second factor" in page.content.decode()
    done = browser.post(f"/staff/{colleague.pk}/reset-second-factor/")
    assert done.status_code == 302 and not second_factor.has_second_factor(colleague)
    assert browser.post(f"/staff/{clinician_b.pk}/reset-second-factor/").status_code == 404


def test_the_practice_switches_it_on_for_clinicians(manager, guarded_practice, client):
    clinician = User.objects.create_user(
        "c.berg", password=PASSWORD, practice=guarded_practice, role="clinician"
    )
    assert sign_in(clinician)[0].get("/").status_code == 200
    browser, _ = sign_in(manager)
    enrol(browser, manager)
    saved = browser.post("/staff/sign-in-rule/", {"managers": "on", "clinicians": "on"})
    assert saved.status_code == 302
    guarded_practice.refresh_from_db()
    assert guarded_practice.second_factor_for_clinicians
    entry = AuditEntry.objects.get(action=Action.SECOND_FACTOR_POLICY_SET)
    assert entry.details == {"managers": [True, True], "clinicians": [False, True]}
    assert sign_in(clinician)[0].get("/")["Location"].startswith("/accounts/second-factor/")
    # A clinician may not change the rule.
    assert sign_in(clinician)[0].post("/staff/sign-in-rule/", {}).status_code in (302, 403)
    guarded_practice.refresh_from_db()
    assert guarded_practice.second_factor_for_clinicians


def test_where_not_required_it_can_be_switched_off_but_not_where_required(
    manager, guarded_practice
):
    browser, _ = sign_in(manager)
    enrol(browser, manager)
    browser.post("/accounts/second-factor/remove/")
    assert second_factor.has_second_factor(manager)  # required for managers here
    guarded_practice.second_factor_for_managers = False
    guarded_practice.save()
    browser.post("/accounts/second-factor/remove/")
    assert not second_factor.has_second_factor(manager)
    assert AuditEntry.objects.filter(action=Action.SECOND_FACTOR_REMOVE).count() == 1


@override_settings(ADMIN_SECOND_FACTOR=True)
def test_the_admin_needs_the_second_factor_too():
    admin = User.objects.create_superuser("root", "root@example.org", PASSWORD)
    assert Client().get("/admin/login/?next=/admin/")["Location"] == "/accounts/login/?next=/admin/"
    browser, _ = sign_in(admin)
    answer = browser.get("/admin/")
    assert answer.status_code == 302 and answer["Location"].startswith("/accounts/second-factor/")
    enrol(browser, admin)
    assert browser.get("/admin/").status_code == 200


def test_a_new_set_up_replaces_the_old_app_only_once_confirmed(manager):
    browser, _ = sign_in(manager)
    enrol(browser, manager)
    old = TOTPDevice.objects.get(user=manager, confirmed=True)
    browser.get("/accounts/second-factor/setup/")  # started, not finished
    assert TOTPDevice.objects.get(user=manager, confirmed=True) == old
    with time_machine.travel(timezone.now() + timedelta(seconds=60), tick=False):
        enrol(browser, manager)
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=manager, confirmed=True).count() == 1
