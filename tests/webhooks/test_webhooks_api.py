"""/api/v1/webhooks/ as API.md says: managers only (a clinician 403, another practice's
endpoint 404), the secret shown once, rotation, the delivery log, bad input a 400; and a
receiver hears every change of booking, moving and cancelling through the API."""

import time
from datetime import timedelta

import pytest
from standardwebhooks import Webhook

from scheduling.models import Appointment
from tests.factories import PatientFactory
from tests.scheduling.sync_support import appointment_at
from tests.scheduling.test_no_double_booking import SLOT
from tests.webhooks.conftest import fan_out_now
from webhooks import tasks
from webhooks.models import Endpoint, Message

URL = "/api/v1/webhooks/"
EVENTS = ["appointment.created", "appointment.updated", "appointment.cancelled"]


@pytest.fixture
def api_manager(api_for, manager_a):
    return api_for(manager_a)


def _create(api, url, **extra):
    return api.post(URL, {"url": url, "events": EVENTS, **extra}, format="json")


@pytest.mark.django_db
def test_a_manager_registers_sees_the_secret_once_and_rotates_it(api_manager, receiver):
    response = _create(api_manager, receiver.url_for("/hook"), description="Calendar sync")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_") and len(body["secret"]) >= 6 + 32
    assert "ETag" in response
    shown = api_manager.get(f"{URL}{body['id']}/").json()
    assert "secret" not in shown and shown["events"] == EVENTS
    assert [e["id"] for e in api_manager.get(URL).json()["results"]] == [body["id"]]
    rotated = api_manager.post(f"{URL}{body['id']}/rotate-secret/")
    assert rotated.status_code == 200
    assert rotated.json()["secret"] != body["secret"]
    endpoint = Endpoint.objects.get(pk=body["id"])
    assert endpoint.previous_secret == body["secret"]


@pytest.mark.django_db
def test_update_and_delete(api_manager, receiver):
    created = _create(api_manager, receiver.url_for("/hook")).json()
    patched = api_manager.patch(
        f"{URL}{created['id']}/",
        {"is_active": False, "events": ["appointment.cancelled"]},
        format="json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["is_active"] is False
    assert api_manager.delete(f"{URL}{created['id']}/").status_code == 204
    assert not Endpoint.objects.exists()


@pytest.mark.django_db
def test_a_clinician_is_refused_and_another_practice_sees_nothing(
    api_a, api_for, api_manager, manager_b, receiver
):
    assert api_a.get(URL).status_code == 403
    assert _create(api_a, receiver.url_for("/hook")).status_code == 403
    created = _create(api_manager, receiver.url_for("/hook")).json()
    theirs = api_for(manager_b)
    for method, path in [
        ("get", f"{URL}{created['id']}/"),
        ("patch", f"{URL}{created['id']}/"),
        ("delete", f"{URL}{created['id']}/"),
        ("post", f"{URL}{created['id']}/rotate-secret/"),
        ("get", f"{URL}{created['id']}/deliveries/"),
        ("post", f"{URL}{created['id']}/redeliver/"),
    ]:
        assert getattr(theirs, method)(path, {}, format="json").status_code == 404, path
    assert api_a.get(f"{URL}{created['id']}/").status_code == 403  # ours: the role
    assert theirs.get(URL).json()["results"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body, field",
    [
        ({"url": "http://example.com/x", "events": EVENTS}, "url"),
        ({"url": "https://10.0.0.1/x", "events": EVENTS}, "url"),
        ({"url": "https://169.254.169.254/", "events": EVENTS}, "url"),
        ({"url": "javascript:alert(1)", "events": EVENTS}, "url"),
        ({"url": "https://hooks.example.com/", "events": []}, "events"),
        ({"url": "https://hooks.example.com/", "events": ["appointment.exploded"]}, "events"),
        ({"url": "https://hooks.example.com/", "events": "appointment.created"}, "events"),
        ({"url": "https://hooks.example.com/" + "a" * 2000, "events": EVENTS}, "url"),
        ({"url": 5, "events": EVENTS}, "url"),
        ({"url": "https://hooks.example.com/", "events": EVENTS, "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(api_manager, body, field):
    response = api_manager.post(URL, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Endpoint.objects.exists()


def sweep_until(done, timeout: float = 60.0) -> None:
    """Sent after commit at once, unless another transaction of the PostgreSQL cluster
    held the change log's bound back then: the beat's sweep sends it (run here)."""
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline:
        tasks.sweep()
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_receiver_hears_every_change_made_through_the_api(
    api_manager, api_a, clinician_a, receiver
):
    receiver.expect_request("/hook").respond_with_data("ok")
    secret = _create(api_manager, receiver.url_for("/hook")).json()["secret"]
    appointment = Appointment.objects.create(
        practice=clinician_a.practice,
        patient=PatientFactory(practice=clinician_a.practice),
        clinician=clinician_a,
        kind="consultation",
        starts_at=SLOT,
        ends_at=SLOT + timedelta(minutes=30),
    )
    later = (SLOT + timedelta(hours=1)).isoformat()
    moved = api_a.patch(
        f"/api/v1/appointments/{appointment.pk}/", {"starts_at": later}, format="json"
    )
    assert moved.status_code == 200, moved.content
    cancelled = api_a.post(f"/api/v1/appointments/{appointment.pk}/cancel/", {}, format="json")
    assert cancelled.status_code == 200
    sweep_until(lambda: len(receiver.log) >= 3)
    received = []
    for request, _ in receiver.log:
        received.append(Webhook(secret).verify(request.get_data(), dict(request.headers)))
    received.sort(key=lambda p: p["timestamp"])  # at least once, in any order
    assert [p["type"] for p in received] == EVENTS
    # The appointment as it stands when the message is made: right after each commit
    # 1, 2, 3; a message made later (the sweep) already carries the newer version.
    versions = [p["data"]["version"] for p in received]
    assert versions == sorted(versions) and versions[-1] == 3
    assert received[-1]["data"] == cancelled.json()  # the appointment as the API shows it
    assert len({r.headers["webhook-id"] for r, _ in receiver.log}) == 3
    log = api_manager.get(f"{URL}{Endpoint.objects.get().pk}/deliveries/").json()["results"]
    assert sorted(row["event"] for row in log) == sorted(EVENTS)
    assert all(row["succeeded"] and row["status_code"] == 200 for row in log)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failed_message_is_sent_again_on_request(
    monkeypatch, api_manager, clinician_a, receiver, django_capture_on_commit_callbacks
):
    from webhooks import delivery

    monkeypatch.setattr("webhooks.signals._after_commit", lambda practice_id: None)
    receiver.expect_request("/hook").respond_with_data("ok")
    created = _create(api_manager, receiver.url_for("/hook")).json()
    appointment_at(clinician_a, PatientFactory(practice=clinician_a.practice), 0)
    (message_id,) = fan_out_now(clinician_a.practice_id)
    Message.objects.filter(pk=message_id).update(state="failed", next_attempt_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_manager.post(
            f"{URL}{created['id']}/redeliver/", {"message": message_id}, format="json"
        )
    assert response.status_code == 202, response.content
    assert Message.objects.get(pk=message_id).state == "delivered"
    assert len(receiver.log) == 1
    assert delivery.deliver(message_id) is None  # delivered: not again
    unknown = api_manager.post(
        f"{URL}{created['id']}/redeliver/", {"message": "msg_x"}, format="json"
    )
    assert unknown.status_code == 400 and "message" in unknown.json()
