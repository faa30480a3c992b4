"""Relaying the outbox to the broker (the design is in the package's docstring): once
right after the commit, then by the beat's sweep until the broker accepts."""

import logging

from django.db import DatabaseError, transaction
from kombu.exceptions import OperationalError

from mesoplan.celery import app

from .models import PendingTask

log = logging.getLogger(__name__)
SWEEP_BATCH = 200


def write(task_name: str, args: list, kwargs: dict) -> int:
    """The row, in the caller's transaction; returns its id for the relay."""
    return PendingTask.objects.create(task=task_name, args=args, kwargs=kwargs).pk


def publish(row: PendingTask) -> str | None:
    """Hands the row's task to the broker once, without retrying: None when accepted,
    else the broker's error. `ignore_result`: the result backend (Redis too) would
    otherwise be asked to subscribe first, retrying for 20 s when it is down."""
    try:
        app.send_task(row.task, args=row.args, kwargs=row.kwargs, retry=False, ignore_result=True)
    except (OperationalError, OSError) as exc:
        return f"{type(exc).__name__}: {exc}"[:300]
    return None


def _failed(row: PendingTask, error: str) -> None:
    PendingTask.objects.filter(pk=row.pk).update(attempts=row.attempts + 1, last_error=error)


def relay(pk: int) -> bool:
    """After the commit: publish the row and delete it. False when the broker refused
    (the row waits for the sweep) or the sweep holds it; never raises."""
    try:
        with transaction.atomic():
            row = PendingTask.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if row is None:
                return False
            error = publish(row)
            if error:
                log.warning("broker refused %s, the outbox keeps it: %s", row, error)
                _failed(row, error)
                return False
            row.delete()
    except DatabaseError:
        log.exception("outbox row %s not relayed now; the sweep sends it", pk)
        return False
    return True


def sweep(batch: int = SWEEP_BATCH) -> int:
    """Beat: publish what waits, oldest first, stopping at the first refusal (the broker
    is still down). Returns how many the broker accepted."""
    accepted = 0
    while True:
        with transaction.atomic():
            rows = list(
                PendingTask.objects.select_for_update(skip_locked=True).order_by("id")[:batch]
            )
            sent = []
            for row in rows:
                error = publish(row)
                if error:
                    _failed(row, error)
                    break
                sent.append(row.pk)
            PendingTask.objects.filter(pk__in=sent).delete()
        accepted += len(sent)
        if len(sent) < batch:
            return accepted
