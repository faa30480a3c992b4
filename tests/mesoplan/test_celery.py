"""Tasks are enqueued after commit; on Redis a real worker process runs them."""

import uuid

import pytest
from django.db import transaction

from mesoplan.celery import enqueue_on_commit
from mesoplan.tasks import ping
from tests.workers import running_worker


@pytest.mark.django_db
def test_enqueue_on_commit_waits_for_the_commit(django_capture_on_commit_callbacks, monkeypatch):
    sent = []
    monkeypatch.setattr(ping, "delay", lambda *a, **k: sent.append(a))
    with django_capture_on_commit_callbacks(execute=False) as callbacks, transaction.atomic():
        enqueue_on_commit(ping, "after-commit")
        assert sent == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert sent == [("after-commit",)]


@pytest.mark.django_db
def test_rolled_back_transaction_enqueues_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                enqueue_on_commit(ping, "never")
                raise RuntimeError
        except RuntimeError:
            pass
    assert callbacks == []


@pytest.mark.redis
def test_real_worker_round_trip_over_redis(tmp_path):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    with running_worker(queue, log=log, on_test_database=False, pool="solo", loglevel="WARNING"):
        payload = uuid.uuid4().hex
        result = ping.apply_async(args=[payload], queue=queue)
        answer = result.get(timeout=60)
        assert answer["payload"] == payload and answer["worker"]
