"""Deliveries to a real receiver on loopback: signed as Standard Webhooks v1 (verified
with the standardwebhooks library), the same id and body on every retry, the retry
schedule of API.md with time controlled, no redirect followed, disabling after 410 or
5 days of failures with the managers told."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from standardwebhooks import Webhook
from werkzeug import Response

from mesoplan.models import AuditEntry
from tests.factories import PatientFactory
from tests.scheduling.sync_support import appointment_at
from tests.webhooks.conftest import fan_out_now
from webhooks import delivery, endpoints, fanout, retry
from webhooks.models import Attempt, Message, MessageState

# Committed writes: fan-out reads the change log only where it is final (on PostgreSQL,
# below the oldest running transaction, which a test's own would stay).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
T0 = datetime(2031, 1, 6, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def driven_by_the_test(monkeypatch):
    """The after-commit hook would fan out and send at once, on the real clock: here the
    test itself runs fan-out and each attempt, with the clock it chooses."""
    monkeypatch.setattr("webhooks.signals._after_commit", lambda practice_id: None)


def _one_message(endpoint, clinician):
    appointment_at(clinician, PatientFactory(practice=clinician.practice), 0)
    (made,) = fan_out_now(endpoint.practice_id, now=T0)
    return Message.objects.get(pk=made)


def test_a_delivery_is_signed_and_carries_the_appointment(endpoint, receiver, clinician_a):
    receiver.expect_oneshot_request("/hook", method="POST").respond_with_data("ok")
    message = _one_message(endpoint, clinician_a)
    with time_machine.travel(T0, tick=False):
        attempt = delivery.deliver(message.pk, now=T0)
        ((request, _),) = receiver.log
        payload = Webhook(endpoint.test_secret).verify(request.get_data(), dict(request.headers))
    assert attempt.succeeded and attempt.status_code == 200 and attempt.number == 1
    assert request.headers["webhook-id"] == message.pk
    assert request.headers["webhook-timestamp"] == str(int(T0.timestamp()))
    assert request.headers["Content-Type"] == "application/json"
    assert payload["type"] == "appointment.created"
    assert payload["data"]["version"] == 1 and payload["data"]["status"] == "scheduled"
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED


def test_failures_are_retried_on_the_schedule_with_the_same_id_and_body(
    endpoint, receiver, clinician_a
):
    receiver.expect_request("/hook").respond_with_data("no", status=500)
    message = _one_message(endpoint, clinician_a)
    now, retries = T0, []
    for _ in range(retry.ATTEMPTS):
        with time_machine.travel(now, tick=False):
            attempt = delivery.deliver(message.pk, now=now)
        assert attempt is not None and not attempt.succeeded and attempt.status_code == 500
        if attempt.next_retry_at is None:
            break
        retries.append(attempt.next_retry_at - now)
        early = now + (attempt.next_retry_at - now) / 2
        assert delivery.deliver(message.pk, now=early) is None  # not due yet: not sent
        now = attempt.next_retry_at
    assert retries == list(retry.SCHEDULE)
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == retry.ATTEMPTS
    ids = {request.headers["webhook-id"] for request, _ in receiver.log}
    bodies = {request.get_data() for request, _ in receiver.log}
    assert ids == {message.pk} and len(bodies) == 1
    assert Attempt.objects.filter(message=message).count() == retry.ATTEMPTS


def test_a_redirect_is_a_failure_and_is_not_followed(endpoint, receiver, clinician_a):
    receiver.expect_request("/hook").respond_with_response(
        Response(status=302, headers={"Location": "http://169.254.169.254/"})
    )
    message = _one_message(endpoint, clinician_a)
    attempt = delivery.deliver(message.pk, now=T0)
    assert attempt.status_code == 302 and not attempt.succeeded
    assert "redirect is not followed" in attempt.error
    assert len(receiver.log) == 1


def test_410_disables_the_endpoint_and_the_managers_are_told(
    endpoint, receiver, clinician_a, manager_a, django_capture_on_commit_callbacks
):
    manager_a.email = "manager@example.com"
    manager_a.save()
    receiver.expect_request("/hook").respond_with_data("gone", status=410)
    message = _one_message(endpoint, clinician_a)
    with django_capture_on_commit_callbacks(execute=True):
        delivery.deliver(message.pk, now=T0)
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "410" in endpoint.disabled_reason
    assert mail.outbox and mail.outbox[0].to == ["manager@example.com"]
    assert AuditEntry.objects.filter(action="webhook.disabled").exists()
    assert delivery.deliver(message.pk, now=T0 + timedelta(minutes=5)) is None  # disabled


def test_five_days_of_failures_disable_it_and_a_success_before_resets_the_streak(
    endpoint, receiver, clinician_a
):
    receiver.expect_request("/hook").respond_with_data("down", status=503)
    first = _one_message(endpoint, clinician_a)
    delivery.deliver(first.pk, now=T0)
    endpoint.refresh_from_db()
    assert endpoint.failing_since == T0 and endpoint.is_active
    delivery.deliver(first.pk, now=T0 + timedelta(days=4, hours=23))
    endpoint.refresh_from_db()
    assert endpoint.is_active
    delivery.deliver(first.pk, now=T0 + timedelta(days=5))
    endpoint.refresh_from_db()
    assert not endpoint.is_active and "5 days" in endpoint.disabled_reason


def test_a_connection_refused_is_logged_as_the_error(manager_a, clinician_a):
    made = endpoints.register(
        actor=manager_a, url="http://127.0.0.1:9/nothing", events=["appointment.created"]
    )
    appointment_at(clinician_a, PatientFactory(practice=clinician_a.practice), 0)
    (message_id,) = fan_out_now(made.endpoint.practice_id, now=T0)
    attempt = delivery.deliver(message_id, now=T0)
    assert attempt.status_code is None and attempt.error == "Connection refused."
    assert attempt.next_retry_at == T0 + timedelta(seconds=5)


def test_two_secrets_sign_for_24_hours_after_a_rotation(endpoint, receiver, clinician_a, manager_a):
    receiver.expect_request("/hook").respond_with_data("ok")
    old = endpoint.test_secret
    new = endpoints.rotate_secret(actor=manager_a, endpoint=endpoint).secret
    message = _one_message_at(endpoint, clinician_a, slot=0)
    now = datetime.now(UTC)
    delivery.deliver(message.pk, now=now)
    request = receiver.log[-1][0]
    assert len(request.headers["webhook-signature"].split(" ")) == 2
    for secret in (old, new):
        Webhook(secret).verify(request.get_data(), dict(request.headers))
    second = _one_message_at(endpoint, clinician_a, slot=5)
    later = now + timedelta(hours=25)
    with time_machine.travel(later, tick=False):
        delivery.deliver(second.pk, now=later)
        request = receiver.log[-1][0]
        assert len(request.headers["webhook-signature"].split(" ")) == 1
        Webhook(new).verify(request.get_data(), dict(request.headers))


def _one_message_at(endpoint, clinician, slot):
    appointment_at(clinician, PatientFactory(practice=clinician.practice), slot)
    (made,) = fan_out_now(endpoint.practice_id)
    return Message.objects.get(pk=made)


def test_every_change_is_one_message_per_subscribed_endpoint(endpoint, clinician_a, manager_a):
    cancels_only = endpoints.register(
        actor=manager_a, url="http://127.0.0.1:9/c", events=["appointment.cancelled"]
    ).endpoint
    appointment = appointment_at(clinician_a, PatientFactory(practice=clinician_a.practice), 0)
    appointment.starts_at += timedelta(minutes=5)
    appointment.ends_at += timedelta(minutes=5)
    appointment.save()
    appointment.status = "cancelled"
    appointment.save()
    fan_out_now(endpoint.practice_id, expect=4)  # 3 for one endpoint, 1 for the other
    assert fanout.fan_out(endpoint.practice_id) == []  # again: nothing new
    events = list(
        Message.objects.filter(endpoint=endpoint)
        .order_by("change_id")
        .values_list("event", flat=True)
    )
    assert events == ["appointment.created", "appointment.updated", "appointment.cancelled"]
    assert list(Message.objects.filter(endpoint=cancels_only).values_list("event", flat=True)) == [
        "appointment.cancelled"
    ]
    body = json.loads(Message.objects.filter(endpoint=endpoint).first().body)
    assert set(body) == {"type", "timestamp", "data"}
