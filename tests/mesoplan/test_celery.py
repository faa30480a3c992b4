"""Tasks are enqueued after commit; on Redis a real worker process runs them."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import transaction

from mesoplan.celery import app, enqueue_on_commit
from mesoplan.tasks import ping

ROOT = Path(__file__).resolve().parents[2]


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
def test_real_worker_round_trip_over_redis():
    queue = f"test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "mesoplan.settings", "DJANGO_DEBUG": "1"}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mesoplan",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        payload = uuid.uuid4().hex
        result = ping.apply_async(args=[payload], queue=queue)
        answer = result.get(timeout=60)
        assert answer["payload"] == payload and answer["worker"]
    finally:
        app.conf.task_always_eager = eager
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            time.sleep(0.1)
