"""Sign-in for browsers and API clients, lock-out (API.md) and the idle timeout."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from mesoplan.auth.tokens import hash_key
from mesoplan.models import ApiToken
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def test_token_for_valid_credentials_authenticates_api_calls(client, clinician_a):
    response = client.post(
        TOKEN_URL, {"username": "clin_a", "password": PASSWORD}, content_type="application/json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    stored = ApiToken.objects.get(user=clinician_a)
    assert stored.key_hash == hash_key(token) and token not in stored.key_hash  # hash only
    listing = client.get("/api/v1/clinicians/", HTTP_AUTHORIZATION=f"Token {token}")
    assert listing.status_code == 200


def test_wrong_password_is_400_without_token(client, clinician_a):
    response = client.post(
        TOKEN_URL, {"username": "clin_a", "password": "nope"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_api_locks_out_a_username_after_five_failures_for_fifteen_minutes(client, clinician_a):
    bad = {"username": "clin_a", "password": "wrong"}
    statuses = [
        client.post(TOKEN_URL, bad, content_type="application/json").status_code for _ in range(5)
    ]
    assert statuses == [400] * 5
    good = {"username": "clin_a", "password": PASSWORD}
    locked = client.post(TOKEN_URL, good, content_type="application/json")
    assert locked.status_code == 429
    assert "token" not in locked.json()
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert client.post(TOKEN_URL, good, content_type="application/json").status_code == 200


def test_lockout_is_per_username_not_per_clinic_address(client, clinician_a, manager_a):
    for _ in range(6):
        client.post(
            TOKEN_URL, {"username": "clin_a", "password": "x"}, content_type="application/json"
        )
    colleague = client.post(
        TOKEN_URL, {"username": "mgr_a", "password": PASSWORD}, content_type="application/json"
    )
    assert colleague.status_code == 200


def test_successful_logins_are_not_rate_limited_at_sixty_per_minute(client, clinician_a):
    good = {"username": "clin_a", "password": PASSWORD}
    statuses = {
        client.post(TOKEN_URL, good, content_type="application/json").status_code for _ in range(60)
    }
    assert statuses == {200}


def test_browser_login_shows_lockout_message_after_five_failures(client, clinician_a):
    url = reverse("login")
    for _ in range(5):
        response = client.post(url, {"username": "clin_a", "password": "wrong"})
        assert response.status_code == 200  # the form again, with its error
    response = client.post(url, {"username": "clin_a", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_browser_login_and_logout(client, clinician_a):
    response = client.post(reverse("login"), {"username": "clin_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_logout_needs_post_with_csrf(clinician_a):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(clinician_a)
    assert strict.post(reverse("logout")).status_code == 403


def test_session_ends_after_inactivity(client, clinician_a):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60 == 30 * 60
    client.force_login(clinician_a)
    start = timezone.now()
    with time_machine.travel(start + timedelta(minutes=20)):
        assert client.get(reverse("home")).status_code == 200  # activity renews the session
    with time_machine.travel(start + timedelta(minutes=45)):
        assert client.get(reverse("home")).status_code == 200  # 25 idle minutes: still in
    with time_machine.travel(start + timedelta(minutes=76)):
        response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_unauthenticated_api_call_is_401(client, clinician_a):
    assert client.get("/api/v1/clinicians/").status_code == 401


def test_pages_do_not_write_the_session_on_every_request(client, clinician_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(clinician_a)
    start = timezone.now()
    with time_machine.travel(start + timedelta(seconds=5), tick=False):
        client.get(reverse("home"))  # the first request renews the expiry
    with (
        time_machine.travel(start + timedelta(seconds=30), tick=False),
        CaptureQueriesContext(connection) as ctx,
    ):
        assert client.get(reverse("home")).status_code == 200
    writes = [q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"]]
    assert not [w for w in writes if w.startswith(("UPDATE", "INSERT"))], writes
    with (
        time_machine.travel(start + timedelta(seconds=70), tick=False),
        CaptureQueriesContext(connection) as ctx,
    ):
        client.get(reverse("home"))  # a minute on: renewed once more
    assert any(
        q["sql"].startswith("UPDATE") and "django_session" in q["sql"] for q in ctx.captured_queries
    )


def test_token_requests_create_no_session(api_a):
    from django.contrib.sessions.models import Session

    assert api_a.get("/api/v1/clinicians/").status_code == 200
    assert Session.objects.count() == 0
