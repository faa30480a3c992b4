"""The task outbox (mesoplan/outbox/): with a broker, a task enqueued on commit is a row
of the transaction that asked for it, relayed after the commit and deleted once the
broker took it; a refusal keeps it (with why) for the beat's sweep. The broker really
stopped, and a worker delivering what waited, is tests/faults/test_redis_stopped.py."""

import time
import uuid

import pytest
from django.db import transaction

from mesoplan.celery import app, enqueue_on_commit
from mesoplan.outbox import relay
from mesoplan.outbox.models import PendingTask
from mesoplan.tasks import ping


@pytest.fixture
def with_a_broker():
    """This process publishes instead of running tasks in-process."""
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = eager


@pytest.mark.django_db
def test_the_task_is_a_row_of_the_transaction_and_waits_for_its_commit(
    with_a_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        enqueue_on_commit(ping, "kept", note="x")
        (row,) = PendingTask.objects.all()
    assert (row.task, row.args, row.kwargs, row.attempts) == (
        "mesoplan.tasks.ping",
        ["kept"],
        {"note": "x"},
        0,
    )
    assert len(callbacks) == 1  # the relay, after the commit


@pytest.mark.django_db
def test_a_rolled_back_transaction_leaves_no_task(
    with_a_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                enqueue_on_commit(ping, "never")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == [] and not PendingTask.objects.exists()


@pytest.mark.django_db
def test_in_process_tasks_write_no_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enqueue_on_commit(ping, "eager")
    assert len(callbacks) == 1 and not PendingTask.objects.exists()


def taken_from(queue: str, payload: str, timeout: float = 10.0) -> dict:
    """The message carrying `payload`, taken off the queue (acknowledged)."""
    deadline = time.monotonic() + timeout
    with app.connection_for_read() as conn:
        inbox = conn.SimpleQueue(queue)
        try:
            while time.monotonic() < deadline:
                try:
                    message = inbox.get(timeout=1)
                except inbox.Empty:
                    continue
                message.ack()
                if message.payload[0] == [payload]:
                    return message.headers
        finally:
            inbox.close()
    raise AssertionError(f"no message with {payload} in {queue}")


@pytest.mark.redis
@pytest.mark.django_db
def test_with_redis_the_relay_publishes_and_deletes_the_row(
    with_a_broker, django_capture_on_commit_callbacks
):
    payload = uuid.uuid4().hex
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit(ping, payload)
    assert not PendingTask.objects.exists()
    assert taken_from("celery", payload)["task"] == "mesoplan.tasks.ping"


@pytest.mark.redis
@pytest.mark.django_db
def test_with_redis_the_sweep_sends_what_a_refusal_left_oldest_first(with_a_broker):
    payloads = [uuid.uuid4().hex for _ in range(3)]
    for payload in payloads:  # as a refused relay leaves them
        PendingTask.objects.create(task="mesoplan.tasks.ping", args=[payload], attempts=1)
    assert relay.sweep(batch=2) == 3  # two batches
    assert not PendingTask.objects.exists()
    for payload in payloads:
        assert taken_from("celery", payload)["task"] == "mesoplan.tasks.ping"
