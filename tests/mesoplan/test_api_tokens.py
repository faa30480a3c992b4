"""API tokens: named, shown once, kept hashed, expiring, listed and revoked by their owner
and the practice manager; tokens from before expiry keep working until they expire."""

import importlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.apps import apps
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from mesoplan.audit import Action
from mesoplan.auth import tokens
from mesoplan.models import ApiToken, AuditEntry
from tests.factories import PASSWORD, ClinicianFactory

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def ask_for_token(client, user, **extra):
    body = {"username": user.username, "password": PASSWORD, **extra}
    return client.post(TOKEN_URL, body, content_type="application/json")


def auth(key: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {key}"}


def test_a_token_is_named_shown_once_and_kept_only_as_a_hash(client, clinician_a):
    answer = ask_for_token(client, clinician_a, name="Front desk calendar")
    assert answer.status_code == 200
    body = answer.json()
    key = body["token"]
    stored = ApiToken.objects.get(pk=body["id"])
    assert stored.name == body["name"] == "Front desk calendar"
    assert key not in (stored.key_hash, stored.prefix) and stored.prefix == key[:8]
    assert client.get("/api/v1/patients/", **auth(key)).status_code == 200
    listed = client.get("/api/v1/auth/tokens/", **auth(key)).json()["results"]
    assert [row["id"] for row in listed] == [body["id"]]
    assert key not in str(listed)  # the list never shows a key again
    entry = AuditEntry.objects.get(action=Action.API_TOKEN_ISSUE)
    assert key not in str(entry.details) + entry.summary


@override_settings(API_TOKEN_DAYS=30)
def test_a_token_expires_after_the_configured_days(client, clinician_a):
    body = ask_for_token(client, clinician_a).json()
    assert body["expires_at"].startswith(str((timezone.now() + timedelta(days=30)).date()))
    with time_machine.travel(timezone.now() + timedelta(days=29, hours=23)):
        assert client.get("/api/v1/patients/", **auth(body["token"])).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        assert client.get("/api/v1/patients/", **auth(body["token"])).status_code == 401


def test_the_owner_revokes_a_token_and_it_stops_at_once(client, clinician_a):
    first = ask_for_token(client, clinician_a, name="Phone").json()
    second = ask_for_token(client, clinician_a, name="Tablet").json()
    gone = client.delete(f"/api/v1/auth/tokens/{first['id']}/", **auth(second["token"]))
    assert gone.status_code == 204
    assert client.get("/api/v1/patients/", **auth(first["token"])).status_code == 401
    assert client.get("/api/v1/patients/", **auth(second["token"])).status_code == 200
    revoked = ApiToken.objects.get(pk=first["id"])
    assert revoked.revoked_by == clinician_a and revoked.revoked_at is not None
    assert AuditEntry.objects.filter(action=Action.API_TOKEN_REVOKE).count() == 1


def test_the_practice_manager_sees_and_revokes_colleagues_tokens_others_do_not(
    client, clinician_a, manager_a, clinician_b, practice_a
):
    colleague = ClinicianFactory(practice=practice_a)
    own = ask_for_token(client, clinician_a).json()
    theirs = tokens.issue_token(colleague, name="Colleague's app")
    stranger = tokens.issue_token(clinician_b, name="Other practice")
    # A clinician sees only their own and cannot revoke a colleague's (not found).
    assert (
        client.delete(f"/api/v1/auth/tokens/{theirs.token.pk}/", **auth(own["token"])).status_code
        == 404
    )
    manager_key = tokens.issue_token(manager_a, name="Manager").key
    listed = client.get("/api/v1/auth/tokens/", **auth(manager_key)).json()["results"]
    assert {row["id"] for row in listed} == {
        own["id"],
        str(theirs.token.pk),
        str(tokens.token_for_key(manager_key).pk),
    }
    assert (
        client.delete(f"/api/v1/auth/tokens/{stranger.token.pk}/", **auth(manager_key)).status_code
        == 404
    )
    assert (
        client.delete(f"/api/v1/auth/tokens/{theirs.token.pk}/", **auth(manager_key)).status_code
        == 204
    )
    assert client.get("/api/v1/patients/", **auth(theirs.key)).status_code == 401
    assert client.get("/api/v1/patients/", **auth(stranger.key)).status_code == 200


@override_settings(API_TOKEN_MAX_PER_USER=3)
def test_beyond_the_limit_the_least_recently_used_token_is_revoked(client, clinician_a):
    keys = [tokens.issue_token(clinician_a, name=f"t{n}").key for n in range(3)]
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert client.get("/api/v1/patients/", **auth(keys[0])).status_code == 200  # used
        fourth = tokens.issue_token(clinician_a, name="t3").key
        statuses = [client.get("/api/v1/patients/", **auth(k)).status_code for k in keys]
        assert statuses == [200, 401, 200]  # t1: never used, the oldest after t0's use
        assert client.get("/api/v1/patients/", **auth(fourth)).status_code == 200


def test_the_browser_page_issues_a_token_once_and_revokes_it(clinician_a):
    browser = Client()
    browser.force_login(clinician_a)
    page = browser.post("/accounts/tokens/", {"name": "Patient app"})
    assert page.status_code == 200
    body = page.content.decode()
    token = ApiToken.objects.get(user=clinician_a)
    start = body.index('id="new-token">') + len('id="new-token">')
    key = body[start : body.index("<", start)]
    assert tokens.token_for_key(key) == token
    again = browser.get("/accounts/tokens/").content.decode()
    assert key not in again and token.prefix in again
    browser.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert tokens.token_for_key(key) is None


def test_a_deactivated_users_token_stops_even_before_revocation(client, clinician_a):
    key = ask_for_token(client, clinician_a).json()["token"]
    type(clinician_a).objects.filter(pk=clinician_a.pk).update(is_active=False)
    assert client.get("/api/v1/patients/", **auth(key)).status_code == 401


def test_tokens_from_before_expiry_keep_working_until_they_expire(client, clinician_a):
    """The data migration (mesoplan 0006) on a table as Django REST framework's authtoken
    left it: the old key authenticates, is stored hashed, and expires."""
    old_key = "0123456789abcdef0123456789abcdef01234567"
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(  # the columns as authtoken's migrations made them
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, "
            + (
                "created timestamp with time zone NOT NULL, user_id uuid NOT NULL)"
                if postgres
                else "created datetime NOT NULL, user_id char(32) NOT NULL)"
            )
        )
        cursor.execute(
            "INSERT INTO authtoken_token (key, created, user_id) VALUES (%s, %s, %s)",
            [old_key, timezone.now(), clinician_a.pk if postgres else clinician_a.pk.hex],
        )
    migration = importlib.import_module("mesoplan.migrations.0006_existing_api_tokens_expire")
    migration.move_tokens(apps, SimpleNamespace(connection=connection))
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0  # no key in clear is left
    stored = ApiToken.objects.get(user=clinician_a)
    assert stored.key_hash == tokens.hash_key(old_key)
    assert client.get("/api/v1/patients/", **auth(old_key)).status_code == 200
    with time_machine.travel(stored.expires_at + timedelta(minutes=1)):
        assert client.get("/api/v1/patients/", **auth(old_key)).status_code == 401
