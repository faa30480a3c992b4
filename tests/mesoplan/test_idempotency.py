"""Idempotency-Key (API.md): replay, 422 for another body, 409 while in flight."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from mesoplan import idempotency
from mesoplan.errors import Conflict
from mesoplan.models import IdempotencyKey, User

pytestmark = pytest.mark.django_db


def revoke(api, clinician, key, body=None):
    return api.post(
        f"/api/v1/clinicians/{clinician.pk}/feed/revoke/",
        body if body is not None else {},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def version(user):
    return User.objects.get(pk=user.pk).calendar_feed_version


def test_same_key_and_body_replays_first_response_and_does_the_work_once(api_a, clinician_a):
    first = revoke(api_a, clinician_a, "k-1")
    second = revoke(api_a, clinician_a, "k-1")
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert version(clinician_a) == 2


@pytest.mark.parametrize("key", ["k\x00ey", "\ud800"])
def test_a_key_no_text_column_can_hold_is_a_400_and_claims_nothing(api_a, clinician_a, key):
    """A NUL in the key failed the claim's INSERT on PostgreSQL (a 500)."""
    response = revoke(api_a, clinician_a, key)
    assert response.status_code == 400 and "Idempotency-Key" in response.json()
    assert not IdempotencyKey.objects.exists()
    assert version(clinician_a) == 1


def test_same_key_with_another_body_is_422(api_a, clinician_a):
    revoke(api_a, clinician_a, "k-2")
    assert revoke(api_a, clinician_a, "k-2", {"reason": "lost phone"}).status_code == 422
    assert version(clinician_a) == 2


def test_key_in_flight_is_409(api_a, clinician_a):
    fingerprint = idempotency.request_fingerprint(
        "POST", f"/api/v1/clinicians/{clinician_a.pk}/feed/revoke/", b"{}"
    )
    idempotency.claim_key(user=clinician_a, key="k-3", fingerprint=fingerprint)
    assert revoke(api_a, clinician_a, "k-3").status_code == 409
    assert version(clinician_a) == 1


def test_keys_are_scoped_to_the_user(api_a, api_for, clinician_a, manager_a):
    revoke(api_a, clinician_a, "shared-key")
    assert revoke(api_for(manager_a), clinician_a, "shared-key").status_code == 200
    assert version(clinician_a) == 3


def test_key_expires_after_24_hours(api_a, clinician_a):
    revoke(api_a, clinician_a, "k-4")
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        response = revoke(api_a, clinician_a, "k-4")
    assert "Idempotent-Replayed" not in response
    assert version(clinician_a) == 3


def test_overlong_key_is_400(api_a, clinician_a):
    assert revoke(api_a, clinician_a, "x" * 256).status_code == 400


def test_purge_removes_only_expired_keys(clinician_a):
    idempotency.claim_key(user=clinician_a, key="old", fingerprint="a")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(days=2))
    idempotency.claim_key(user=clinician_a, key="new", fingerprint="b")
    assert idempotency.purge_expired_keys() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_first_requests_with_one_key_claim_it_once(clinician_a):
    barrier = threading.Barrier(4)
    outcomes = []

    def attempt():
        barrier.wait()
        try:
            claim, _ = idempotency.claim_key(user=clinician_a, key="race", fingerprint="f")
            outcomes.append("claimed" if claim else "replay")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["claimed", "conflict", "conflict", "conflict"]
