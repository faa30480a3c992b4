"""Staff pages in the browser: manager only, the temporary password shown exactly once,
POST-only account actions, and a locked-out colleague unlocked from /staff/."""

import pytest
from django.urls import reverse

from mesoplan.audit import Action
from mesoplan.models import AuditEntry, User
from tests.factories import PASSWORD, ClinicianFactory, ManagerFactory

pytestmark = pytest.mark.django_db

NEW = {
    "first_name": "Nora",
    "last_name": "Roth",
    "username": "n.roth",
    "email": "nora@example.org",
    "role": "clinician",
    "password1": "",
    "password2": "",
}


@pytest.fixture
def manager(client, manager_a):
    client.force_login(manager_a)
    return client


def test_the_list_shows_the_practices_staff_only(manager, clinician_a, clinician_b):
    html = manager.get(reverse("staff:list")).content.decode()
    assert "clin_a" in html and "mgr_a" in html
    assert "clin_b" not in html


@pytest.mark.parametrize("who", ["clinician_a", "network_admin"])
def test_staff_pages_are_for_managers_only(client, request, who, clinician_a):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("staff:list")).status_code == 403
    assert client.get(reverse("staff:create")).status_code == 403
    assert client.get(reverse("staff:detail", args=[clinician_a.pk])).status_code == 403
    assert client.post(reverse("staff:deactivate", args=[clinician_a.pk])).status_code == 403
    clinician_a.refresh_from_db()
    assert clinician_a.is_active


def test_another_practices_manager_finds_no_member_of_ours(client, practice_b, clinician_a):
    client.force_login(ManagerFactory(practice=practice_b))
    for name in ("detail", "deactivate", "reactivate", "reset-password", "unlock"):
        assert client.post(reverse(f"staff:{name}", args=[clinician_a.pk])).status_code == 404
    clinician_a.refresh_from_db()
    assert clinician_a.is_active and clinician_a.check_password(PASSWORD)
    assert not AuditEntry.objects.exists()


def test_adding_a_clinician_shows_the_temporary_password_once(manager):
    response = manager.post(reverse("staff:create"), NEW)
    member = User.objects.get(username="n.roth")
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:detail", args=[member.pk])
    page = manager.get(response["Location"])
    assert "no-store" in page["Cache-Control"]
    html = page.content.decode()
    assert "Temporary password for Nora Roth" in html
    password = html.split('id="temporary-password">')[1].split("<")[0]
    assert member.check_password(password)
    again = manager.get(response["Location"]).content.decode()
    assert "Temporary password" not in again and password not in again


def test_a_chosen_password_is_validated_and_never_shown(manager):
    weak = manager.post(reverse("staff:create"), {**NEW, "password1": "1234", "password2": "1234"})
    assert weak.status_code == 200
    assert "too short" in weak.content.decode()
    differ = manager.post(
        reverse("staff:create"), {**NEW, "password1": "lilac-harbour-91", "password2": "x"}
    )
    assert "The two passwords differ." in differ.content.decode()
    assert not User.objects.filter(username="n.roth").exists()
    ok = manager.post(
        reverse("staff:create"),
        {**NEW, "password1": "lilac-harbour-91", "password2": "lilac-harbour-91"},
    )
    assert "Temporary password" not in manager.get(ok["Location"]).content.decode()


def test_a_taken_username_is_a_form_error(manager, clinician_a):
    response = manager.post(reverse("staff:create"), {**NEW, "username": "clin_a"})
    assert response.status_code == 200
    assert "This username is already taken." in response.content.decode()


def test_editing_details_and_role(manager, clinician_a):
    url = reverse("staff:detail", args=[clinician_a.pk])
    response = manager.post(
        url, {"first_name": "Lena", "last_name": "Vogt", "email": "", "role": "practice_manager"}
    )
    assert response.status_code == 302
    clinician_a.refresh_from_db()
    assert (clinician_a.last_name, clinician_a.role) == ("Vogt", "practice_manager")


def test_a_manager_cannot_change_their_own_role_on_the_page(manager, manager_a):
    url = reverse("staff:detail", args=[manager_a.pk])
    manager.post(url, {"first_name": "M", "last_name": "A", "email": "", "role": "clinician"})
    manager_a.refresh_from_db()
    assert manager_a.role == "practice_manager" and manager_a.first_name == "M"
    html = manager.get(url).content.decode()
    assert "Deactivate account" not in html and "Reset password" not in html


def test_account_actions_are_post_only(manager, clinician_a):
    for name in ("deactivate", "reactivate", "reset-password", "unlock"):
        assert manager.get(reverse(f"staff:{name}", args=[clinician_a.pk])).status_code == 405


def test_deactivate_and_reactivate_from_the_page(manager, clinician_a):
    manager.post(reverse("staff:deactivate", args=[clinician_a.pk]))
    clinician_a.refresh_from_db()
    assert not clinician_a.is_active
    html = manager.get(reverse("staff:list")).content.decode()
    assert "Deactivated" in html
    manager.post(reverse("staff:reactivate", args=[clinician_a.pk]))
    clinician_a.refresh_from_db()
    assert clinician_a.is_active


def test_reset_password_shows_the_new_password_once(manager, clinician_a):
    response = manager.post(reverse("staff:reset-password", args=[clinician_a.pk]))
    html = manager.get(response["Location"]).content.decode()
    password = html.split('id="temporary-password">')[1].split("<")[0]
    clinician_a.refresh_from_db()
    assert clinician_a.check_password(password)
    assert [e.action for e in AuditEntry.objects.all()] == [Action.STAFF_PASSWORD_RESET]


def test_a_locked_out_colleague_is_unlocked_on_the_staff_page_and_signs_in(
    client, manager_a, clinician_a
):
    login = reverse("login")
    for _ in range(5):
        client.post(login, {"username": "clin_a", "password": "wrong"})
    refused = client.post(login, {"username": "clin_a", "password": PASSWORD})
    assert refused.status_code == 429
    assert "ask your practice manager" in refused.content.decode()

    manager = type(client)()
    manager.force_login(manager_a)
    listing = manager.get(reverse("staff:list")).content.decode()
    assert listing.count("Locked out") == 1  # the badge, on clin_a's row only
    response = manager.post(reverse("staff:unlock", args=[clinician_a.pk]), {"return_to": "list"})
    assert response["Location"] == reverse("staff:list")
    assert "Locked out" not in manager.get(reverse("staff:list")).content.decode()

    signed_in = client.post(login, {"username": "clin_a", "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")
    [entry] = AuditEntry.objects.filter(action=Action.STAFF_UNLOCK)
    assert entry.actor == manager_a


@pytest.mark.parametrize("size", [3, 30])
def test_the_staff_list_takes_a_constant_number_of_queries(
    manager, practice_a, size, django_assert_max_num_queries
):
    ClinicianFactory.create_batch(size, practice=practice_a)
    # session, user, practice, staff, lock-outs, then the session saved (3)
    with django_assert_max_num_queries(8):
        response = manager.get(reverse("staff:list"))
    assert response.status_code == 200
