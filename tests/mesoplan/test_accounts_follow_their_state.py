"""Issue 16.B.2: the lock-out and an account's state hold under parallel attempts and
follow the account everywhere: no more than five guesses are checked however many come
at once; a lock-out ends the account's API token; a deactivation or a password reset
ends the private calendar feed URL for good."""

import pytest
from django.test import Client

from mesoplan import staff
from mesoplan.auth.tokens import live_tokens
from tests.concurrency import race
from tests.factories import PASSWORD, api_key_for

TOKEN_URL = "/api/v1/auth/token/"


def guess(password="wrong"):
    def attempt():
        response = Client().post(
            TOKEN_URL,
            {"username": "clin_a", "password": password},
            content_type="application/json",
        )
        return str(response.status_code)

    return attempt


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_wrong_passwords_have_five_checked(clinician_a):
    outcomes = race([guess()] * 20, {})
    # Five are checked and refused (400), the fifth locking the name; the rest are 429.
    assert sorted(outcomes) == ["400"] * 5 + ["429"] * 15, outcomes
    right = guess(PASSWORD)()
    assert right == "429"  # the right password, once locked: still refused


@pytest.mark.django_db
def test_a_lock_out_ends_the_accounts_api_token(client, clinician_a):
    auth = {"HTTP_AUTHORIZATION": f"Token {api_key_for(clinician_a)}"}
    assert client.get("/api/v1/patients/", **auth).status_code == 200
    for _ in range(5):
        client.post(
            TOKEN_URL, {"username": "clin_a", "password": "x"}, content_type="application/json"
        )
    assert not live_tokens().filter(user=clinician_a).exists()
    assert client.get("/api/v1/patients/", **auth).status_code == 401


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["deactivate_and_reactivate", "reset_password"])
def test_the_old_feed_url_never_works_again(client, api_a, manager_a, clinician_a, change):
    old = api_a.get(f"/api/v1/clinicians/{clinician_a.pk}/").json()["feed_url"]
    assert client.get(old).status_code == 200
    if change == "reset_password":
        staff.reset_password(actor=manager_a, member=clinician_a)
    else:
        staff.deactivate_staff(actor=manager_a, member=clinician_a)
        staff.reactivate_staff(actor=manager_a, member=clinician_a)
    assert client.get(old).status_code == 404
    clinician_a.refresh_from_db()
    from scheduling.calendar_feed import feed_path

    assert client.get(feed_path(clinician_a)).status_code == 200  # a new one works


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_parallel_wrong_passwords_in_the_sign_in_form_have_five_checked(clinician_a):
    def attempt():
        response = Client().post("/accounts/login/", {"username": "clin_a", "password": "no"})
        return str(response.status_code)

    outcomes = race([attempt] * 20, {})
    # The form again with its error for five (the fifth locks the name), 429 for the rest.
    assert sorted(outcomes) == ["200"] * 5 + ["429"] * 15, outcomes
