"""Staff services: only a practice manager manages the practice's own staff, every
change is audited, a temporary password is returned once and never recorded."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client
from django.utils import timezone

from mesoplan import staff
from mesoplan.audit import Action
from mesoplan.auth.lockout import locked_out_usernames
from mesoplan.auth.tokens import live_tokens
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.models import AuditEntry, User
from mesoplan.roles import Role
from tests.factories import PASSWORD, ManagerFactory, NetworkAdminFactory, api_key_for

pytestmark = pytest.mark.django_db

NEW = {"username": "n.roth", "first_name": "Nora", "last_name": "Roth", "role": Role.CLINICIAN}


def entries(action):
    return list(AuditEntry.objects.filter(action=action))


def test_manager_adds_a_clinician_with_a_temporary_password_shown_once(manager_a):
    account = staff.create_staff(actor=manager_a, **NEW)
    member = account.user
    assert member.practice_id == manager_a.practice_id
    assert member.role == Role.CLINICIAN and member.is_active and not member.is_staff
    assert account.temporary_password and member.check_password(account.temporary_password)
    [entry] = entries(Action.STAFF_CREATE)
    assert entry.actor == manager_a and entry.object_id == str(member.pk)
    assert entry.details == {"role": "clinician", "temporary_password": True}
    assert account.temporary_password not in str(entry.details) + entry.summary


def test_a_chosen_password_is_checked_by_djangos_validators(manager_a):
    with pytest.raises(InvalidInput) as refused:
        staff.create_staff(actor=manager_a, password="12345678", **NEW)
    assert "password" in refused.value.errors
    account = staff.create_staff(actor=manager_a, password="lilac-harbour-91", **NEW)
    assert account.temporary_password is None
    assert account.user.check_password("lilac-harbour-91")


def test_usernames_are_unique_whatever_their_case(manager_a, clinician_b):
    with pytest.raises(InvalidInput) as refused:
        staff.create_staff(actor=manager_a, **{**NEW, "username": "CLIN_B"})
    assert refused.value.errors == {"username": ["This username is already taken."]}
    assert not entries(Action.STAFF_CREATE)


@pytest.mark.parametrize("role", [Role.NETWORK_ADMIN, "superuser", ""])
def test_only_clinician_or_practice_manager_can_be_given(manager_a, role):
    with pytest.raises(InvalidInput):
        staff.create_staff(actor=manager_a, **{**NEW, "role": role})
    assert not User.objects.filter(username="n.roth").exists()


@pytest.mark.parametrize("who", ["clinician_a", "network_admin"])
def test_only_a_practice_manager_may_manage_staff(request, who, clinician_a):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        staff.create_staff(actor=actor, **NEW)
    with pytest.raises(PermissionDenied):
        staff.deactivate_staff(actor=actor, member=clinician_a)
    assert clinician_a.is_active and not AuditEntry.objects.exists()


def test_staff_of_another_practice_are_not_found(manager_a, clinician_b):
    for service in (
        staff.deactivate_staff,
        staff.reactivate_staff,
        staff.reset_password,
        staff.unlock,
    ):
        with pytest.raises(Http404):
            service(actor=manager_a, member=clinician_b)
    with pytest.raises(Http404):
        staff.update_staff(actor=manager_a, member=clinician_b, first_name="X")
    clinician_b.refresh_from_db()
    assert clinician_b.is_active and clinician_b.first_name != "X"
    assert not AuditEntry.objects.exists()


def test_network_admins_and_superusers_are_not_managed_by_a_practice(manager_a, practice_a):
    superuser = User.objects.create_superuser("root", password=PASSWORD, practice=practice_a)
    with pytest.raises(PermissionDenied):
        staff.deactivate_staff(actor=manager_a, member=superuser)
    admin = NetworkAdminFactory(network=practice_a.network)
    with pytest.raises(Http404):  # no practice: outside every practice's scope
        staff.deactivate_staff(actor=manager_a, member=admin)


def test_update_changes_names_email_and_role_and_records_which(manager_a, clinician_a):
    staff.update_staff(
        actor=manager_a,
        member=clinician_a,
        first_name="Lena",
        last_name="Brandt",
        email="lena@example.org",
        role=Role.PRACTICE_MANAGER,
    )
    clinician_a.refresh_from_db()
    assert (clinician_a.last_name, clinician_a.role) == ("Brandt", Role.PRACTICE_MANAGER)
    [entry] = entries(Action.STAFF_UPDATE)
    assert set(entry.details["fields"]) == {"last_name", "email", "role"}
    assert entry.details["role"] == ["clinician", "practice_manager"]


def test_an_update_that_changes_nothing_is_not_audited(manager_a, clinician_a):
    staff.update_staff(actor=manager_a, member=clinician_a, first_name=clinician_a.first_name)
    assert not entries(Action.STAFF_UPDATE)


def test_update_refuses_other_fields_and_a_bad_email(manager_a, clinician_a):
    with pytest.raises(InvalidInput):
        staff.update_staff(actor=manager_a, member=clinician_a, username="other")
    with pytest.raises(InvalidInput):
        staff.update_staff(actor=manager_a, member=clinician_a, email="not-an-address")
    with pytest.raises(InvalidInput):
        staff.update_staff(actor=manager_a, member=clinician_a, role=Role.NETWORK_ADMIN)


def test_a_manager_cannot_change_their_own_role_or_deactivate_themself(manager_a):
    with pytest.raises(Conflict):
        staff.update_staff(actor=manager_a, member=manager_a, role=Role.CLINICIAN)
    with pytest.raises(Conflict):
        staff.deactivate_staff(actor=manager_a, member=manager_a)
    with pytest.raises(Conflict):
        staff.reset_password(actor=manager_a, member=manager_a)
    manager_a.refresh_from_db()
    assert manager_a.is_active and manager_a.role == Role.PRACTICE_MANAGER


def test_another_manager_may_deactivate_a_manager(manager_a, practice_a):
    other = ManagerFactory(practice=practice_a)
    staff.deactivate_staff(actor=manager_a, member=other)
    other.refresh_from_db()
    assert not other.is_active


def _signed_in_client(user) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert client.session.get(SESSION_KEY) == str(user.pk)
    return client


def test_deactivation_signs_the_member_out_everywhere_and_deletes_their_token(
    manager_a, clinician_a
):
    browser = _signed_in_client(clinician_a)
    key = api_key_for(clinician_a)
    colleague = _signed_in_client(manager_a)
    staff.deactivate_staff(actor=manager_a, member=clinician_a)
    clinician_a.refresh_from_db()
    assert not clinician_a.is_active
    assert not live_tokens().filter(user=clinician_a).exists()
    assert Client().get("/api/v1/patients/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert browser.get("/").status_code == 302  # back to the sign-in page
    assert colleague.get("/").status_code == 200  # others stay signed in
    # The session itself is gone, so reactivating does not bring it back.
    staff.reactivate_staff(actor=manager_a, member=clinician_a)
    assert browser.get("/").status_code == 302
    live = [s.get_decoded().get(SESSION_KEY) for s in Session.objects.all()]
    assert str(clinician_a.pk) not in live
    assert [e.action for e in AuditEntry.objects.order_by("id")] == [
        Action.STAFF_DEACTIVATE,
        Action.STAFF_REACTIVATE,
    ]


def test_deactivating_twice_records_one_entry(manager_a, clinician_a):
    staff.deactivate_staff(actor=manager_a, member=clinician_a)
    staff.deactivate_staff(actor=manager_a, member=clinician_a)
    assert len(entries(Action.STAFF_DEACTIVATE)) == 1


def test_reset_password_gives_a_new_temporary_password_and_ends_sessions(manager_a, clinician_a):
    browser = _signed_in_client(clinician_a)
    key = api_key_for(clinician_a)
    temporary = staff.reset_password(actor=manager_a, member=clinician_a)
    clinician_a.refresh_from_db()
    assert clinician_a.check_password(temporary) and not clinician_a.check_password(PASSWORD)
    assert browser.get("/").status_code == 302
    assert Client().get("/api/v1/patients/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert clinician_a.must_change_password  # a temporary password is changed at sign-in
    [entry] = entries(Action.STAFF_PASSWORD_RESET)
    assert temporary not in str(entry.details) + entry.summary


def test_temporary_passwords_are_readable_and_different():
    passwords = {staff.generate_temporary_password() for _ in range(50)}
    assert len(passwords) == 50
    for password in passwords:
        groups = password.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert not set(password) & set("l1o0I")


def _fail_sign_in(username: str, times: int = 5) -> None:
    client = Client()
    for _ in range(times):
        client.post("/accounts/login/", {"username": username, "password": "wrong"})


def test_unlock_clears_the_lockout_and_is_audited(manager_a, clinician_a):
    _fail_sign_in("clin_a")
    assert locked_out_usernames(["clin_a", "mgr_a"]) == {"clin_a"}
    assert staff.unlock(actor=manager_a, member=clinician_a) > 0
    assert locked_out_usernames(["clin_a"]) == set()
    [entry] = entries(Action.STAFF_UNLOCK)
    assert entry.object_id == str(clinician_a.pk)


def test_unlocking_an_account_that_is_not_locked_changes_nothing(manager_a, clinician_a):
    assert staff.unlock(actor=manager_a, member=clinician_a) == 0
    assert not entries(Action.STAFF_UNLOCK)


def test_lockout_ends_with_the_cool_off_period(clinician_a, settings):
    _fail_sign_in("clin_a")
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME)
    assert locked_out_usernames(["clin_a"]) == set()


def test_four_failures_do_not_lock(clinician_a):
    _fail_sign_in("clin_a", times=4)
    assert locked_out_usernames(["clin_a"]) == set()
