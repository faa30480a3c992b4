"""The Celery app. Without CELERY_BROKER_URL tasks run in-process (eagerly); with it, on
Redis with real workers. Services enqueue with `enqueue_on_commit` so a task never sees
a row its transaction has not committed yet, and a broker that is down loses nothing
(the outbox, mesoplan/outbox/). `send_now` is for a task whose work is found again
anyway (the webhooks' sweeps): a try that never raises into the request."""

import logging
import os
from collections.abc import Callable
from typing import Any

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mesoplan.settings")

app = Celery("mesoplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
log = logging.getLogger(__name__)


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Send `task` with these arguments once the current transaction commits; with a
    broker, through the outbox: the task is kept in this transaction and sent until
    the broker takes it."""
    from django.db import transaction

    if app.conf.task_always_eager:
        transaction.on_commit(lambda: task.delay(*args, **kwargs))
        return
    from mesoplan.outbox import relay

    pk = relay.write(task.name, list(args), kwargs)
    transaction.on_commit(lambda: relay.relay(pk), robust=True)


def send_now(task: Any, *args: Any, **options: Any) -> bool:
    """Publish once, without the retry loop, and say whether the broker took it. For a
    task that a beat sweep would find to do anyway: a broker that is down costs a log
    line, not a failed (or a seconds-long) request. In-process (no broker) it runs."""
    from kombu.exceptions import OperationalError

    if app.conf.task_always_eager:
        task.apply_async(args=args, **options)
        return True
    try:
        task.apply_async(args=args, retry=False, ignore_result=True, **options)
    except (OperationalError, OSError) as exc:
        log.warning("broker refused %s, a sweep will do it: %s", task.name, exc)
        return False
    return True


def after_commit(callback: Callable[[], Any]) -> None:
    """`transaction.on_commit`, where a failing callback is logged, not raised into the
    response whose write already committed; in-process tasks (tests, the embedded
    set-up) still raise, as they always did."""
    from django.db import transaction

    transaction.on_commit(callback, robust=not app.conf.task_always_eager)
