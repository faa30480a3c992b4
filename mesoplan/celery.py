"""The Celery app. Without CELERY_BROKER_URL tasks run in-process (eagerly); with it, on
Redis with real workers. Services enqueue with `enqueue_on_commit` so a task never sees
a row its transaction has not committed yet."""

import os
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoplan.settings")

app = Celery("mesoplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Send `task` with these arguments once the current transaction commits."""
    from django.db import transaction

    transaction.on_commit(lambda: task.delay(*args, **kwargs))
