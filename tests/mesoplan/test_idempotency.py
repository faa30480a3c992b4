"""Idempotency-Key (API.md): replay, 422 for another body, 409 while in flight."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.exceptions import APIException

from mesoplan import idempotency
from mesoplan.errors import Conflict
from mesoplan.models import IdempotencyKey, User
from patients.models import Patient
from tests.concurrency import race
from tests.factories import ClinicianFactory, PatientFactory

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
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_first_requests_with_one_key_claim_it_once(clinician_a):
    def attempt():
        claim, _ = idempotency.claim_key(user=clinician_a, key="race", fingerprint="f")
        return "claimed" if claim else "replay"

    outcomes = race([attempt] * 4, {Conflict: "conflict"})
    assert sorted(outcomes) == ["claimed", "conflict", "conflict", "conflict"]


# --- Scoped by user: another user's identical request is never answered with the first ---

PATIENT = {"first_name": "Ida", "last_name": "Roth", "date_of_birth": "1980-01-01", "sex": "female"}
PATIENTS = "/api/v1/patients/"


def create_patient(api, key, body=PATIENT):
    return api.post(PATIENTS, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.parametrize("who", ["colleague", "other_practice"])
def test_a_second_user_with_the_same_key_gets_their_own_answer(
    who, api_a, api_for, practice_a, practice_b
):
    second_user = ClinicianFactory(practice=practice_a if who == "colleague" else practice_b)
    api_2 = api_for(second_user)
    first = create_patient(api_a, "shared")
    theirs = create_patient(api_2, "shared")
    assert theirs.status_code == 201 and "Idempotent-Replayed" not in theirs
    assert theirs.json()["id"] != first.json()["id"]
    assert Patient.objects.get(pk=theirs.json()["id"]).practice == second_user.practice
    # Each user's retry replays their own answer, never the other one's.
    again = create_patient(api_2, "shared")
    assert again["Idempotent-Replayed"] == "true" and again.json() == theirs.json()
    assert create_patient(api_a, "shared").json() == first.json()
    assert Patient.objects.count() == 2


def test_each_of_a_users_keys_replays_its_own_answer(api_a):
    first = create_patient(api_a, "one")
    second = create_patient(api_a, "two", {**PATIENT, "first_name": "Hanna"})
    assert create_patient(api_a, "one").json() == first.json()
    assert create_patient(api_a, "two", {**PATIENT, "first_name": "Hanna"}).json() == (
        second.json()
    )
    assert Patient.objects.count() == 2


def test_a_claim_records_the_users_practice(clinician_a, network_admin):
    claim, _ = idempotency.claim_key(user=clinician_a, key="k", fingerprint="f")
    assert claim.practice_id == clinician_a.practice_id and claim.user == clinician_a
    claim, _ = idempotency.claim_key(user=network_admin, key="k", fingerprint="f")
    assert claim.practice_id is None


def test_a_key_in_flight_answers_409_naming_it(api_a, clinician_a):
    fingerprint = idempotency.request_fingerprint("POST", PATIENTS, json.dumps(PATIENT).encode())
    idempotency.claim_key(user=clinician_a, key="busy", fingerprint=fingerprint)
    response = create_patient(api_a, "busy")
    assert response.status_code == 409
    assert response.json() == {
        "detail": "A request with this Idempotency-Key is still being processed.",
        "code": "idempotency_in_flight",
    }
    assert not Patient.objects.exists()


# --- The same request: JSON compared by content, not key order or spacing ---


def test_the_fingerprint_ignores_key_order_and_whitespace():
    a = idempotency.request_fingerprint("POST", "/p/", b'{"a":1,"b":2}')
    assert idempotency.request_fingerprint("POST", "/p/", b'{"b":2,"a":1}') == a
    assert idempotency.request_fingerprint("POST", "/p/", b'{ "a" : 1,\n  "b": 2 }') == a
    nested = idempotency.request_fingerprint("POST", "/p/", b'{"x":{"a":1,"b":[1,{"c":2,"d":3}]}}')
    assert nested == idempotency.request_fingerprint(
        "POST", "/p/", b'{"x": {"b": [1, {"d": 3, "c": 2}], "a": 1}}'
    )


def test_the_fingerprint_tells_apart_values_paths_and_methods():
    a = idempotency.request_fingerprint("POST", "/p/", b'{"a":1}')
    assert idempotency.request_fingerprint("POST", "/p/", b'{"a":2}') != a
    assert idempotency.request_fingerprint("POST", "/q/", b'{"a":1}') != a
    assert idempotency.request_fingerprint("PUT", "/p/", b'{"a":1}') != a
    assert idempotency.request_fingerprint("POST", "/p/", b"not json") != a
    assert idempotency.request_fingerprint("POST", "/p/", b"not json") == (
        idempotency.request_fingerprint("POST", "/p/", b"not json")
    )


def test_reordered_and_respaced_json_replays_through_the_api(api_a):
    first = api_a.generic(
        "POST",
        PATIENTS,
        json.dumps(PATIENT),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="k",
    )
    reordered = json.dumps(dict(reversed(list(PATIENT.items()))), indent=2)
    again = api_a.generic(
        "POST", PATIENTS, reordered, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true" and again.json() == first.json()
    assert again["ETag"] == first["ETag"]
    assert Patient.objects.count() == 1


def test_a_body_that_is_not_json_is_compared_byte_for_byte(api_a):
    def post(raw):
        return api_a.generic(
            "POST", PATIENTS, raw, content_type="application/json", HTTP_IDEMPOTENCY_KEY="raw"
        )

    first = post(b"{not json")
    again = post(b"{not json")
    assert first.status_code == again.status_code == 400
    assert again["Idempotent-Replayed"] == "true"
    assert post(b"{not json either").status_code == 422


def test_the_same_key_on_another_resource_is_422_not_its_answer(
    api_for, manager_a, clinician_a, practice_a
):
    colleague = ClinicianFactory(practice=practice_a)
    api = api_for(manager_a)
    assert revoke(api, clinician_a, "k").status_code == 200
    assert revoke(api, colleague, "k").status_code == 422
    assert version(colleague) == 1


# --- The 24-hour window, at its edges ---

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("age", "replayed"),
    [
        (timedelta(hours=24) - timedelta(seconds=1), True),
        (timedelta(hours=24), True),  # "within 24 hours" includes the 24th hour's end
        (timedelta(hours=24) + timedelta(seconds=1), False),
    ],
)
def test_a_key_replays_for_exactly_24_hours(api_a, clinician_a, age, replayed):
    with time_machine.travel(T0, tick=False):
        revoke(api_a, clinician_a, "day")
    with time_machine.travel(T0 + age, tick=False):
        response = revoke(api_a, clinician_a, "day")
    assert ("Idempotent-Replayed" in response) is replayed
    assert version(clinician_a) == (2 if replayed else 3)


def test_purge_keeps_keys_up_to_exactly_24_hours_old(clinician_a):
    with time_machine.travel(T0, tick=False):
        idempotency.claim_key(user=clinician_a, key="k", fingerprint="f")
    assert idempotency.purge_expired_keys(now=T0 + timedelta(hours=24)) == 0
    assert idempotency.purge_expired_keys(now=T0 + timedelta(hours=24, seconds=1)) == 1
    with time_machine.travel(T0, tick=False):
        idempotency.claim_key(user=clinician_a, key="k", fingerprint="f")
    with time_machine.travel(T0 + timedelta(hours=24, seconds=1), tick=False):
        assert idempotency.purge_expired_keys() == 1


# --- Which requests take part, and the key's own shape ---


def test_a_key_of_255_characters_is_accepted_and_a_blank_one_refused(api_a):
    assert create_patient(api_a, "k" * 255).status_code == 201
    blank = create_patient(api_a, "   ")
    assert blank.status_code == 400
    assert blank.json() == {"Idempotency-Key": ["Must be 1 to 255 characters."]}


def test_only_posts_claim_a_key(api_a, practice_a):
    patient = PatientFactory(practice=practice_a)
    api_a.get(PATIENTS, HTTP_IDEMPOTENCY_KEY="g")
    api_a.patch(
        f"{PATIENTS}{patient.pk}/", {"last_name": "Vogt"}, format="json", HTTP_IDEMPOTENCY_KEY="p"
    )
    assert not IdempotencyKey.objects.exists()
    second = api_a.patch(
        f"{PATIENTS}{patient.pk}/", {"last_name": "Fink"}, format="json", HTTP_IDEMPOTENCY_KEY="p"
    )
    assert second.status_code == 200 and second.json()["last_name"] == "Fink"


# --- A failure on the server's side releases the key, so a retry can proceed ---


def test_a_500_answer_releases_the_key(api_a, monkeypatch):
    from patients import services

    def fail(**kwargs):
        raise APIException()  # DRF answers 500

    monkeypatch.setattr(services, "create_patient", fail)
    assert create_patient(api_a, "retry").status_code == 500
    assert not IdempotencyKey.objects.filter(key="retry").exists()
    monkeypatch.undo()
    retry = create_patient(api_a, "retry")
    assert retry.status_code == 201 and "Idempotent-Replayed" not in retry


def test_an_exception_in_the_view_releases_the_key(api_a, monkeypatch):
    from patients import services

    def crash(**kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(services, "create_patient", crash)
    with pytest.raises(RuntimeError):
        create_patient(api_a, "crash")
    assert not IdempotencyKey.objects.filter(key="crash").exists()
    monkeypatch.undo()
    assert create_patient(api_a, "crash").status_code == 201


def test_a_stored_answer_is_complete(api_a):
    first = create_patient(api_a, "stored")
    record = IdempotencyKey.objects.get(key="stored")
    assert record.state == IdempotencyKey.State.DONE
    assert record.status_code == 201
    assert record.response_body == first.json()
    assert record.response_headers == {"ETag": first["ETag"]}


def test_a_failure_to_store_the_answer_releases_the_key_and_reports_the_failure(api_a, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValueError("the store is down")

    monkeypatch.setattr(idempotency, "complete_claim", refuse)
    with pytest.raises(ValueError, match="the store is down"):
        create_patient(api_a, "store")
    assert not IdempotencyKey.objects.filter(key="store").exists()


@pytest.mark.parametrize("key", [None, "anonymous"])
def test_a_request_refused_before_the_view_claims_no_key(client, key):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    response = client.post(PATIENTS, PATIENT, content_type="application/json", **headers)
    assert response.status_code == 401
    assert not IdempotencyKey.objects.exists()


def test_a_crash_before_any_key_is_claimed_is_reported_as_itself(api_a, monkeypatch):
    from rest_framework.authentication import TokenAuthentication

    def crash(self, request):
        raise RuntimeError("the token store is down")

    monkeypatch.setattr(TokenAuthentication, "authenticate", crash)
    with pytest.raises(RuntimeError, match="the token store is down"):
        create_patient(api_a, "early")
    assert not IdempotencyKey.objects.exists()
