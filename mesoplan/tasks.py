"""Housekeeping tasks of the project package."""

import socket

from celery import shared_task

from mesoplan.idempotency import purge_expired_keys


@shared_task(name="mesoplan.tasks.ping")
def ping(payload: str) -> dict:
    """Round-trip check: answers with the payload and the worker's host name."""
    return {"payload": payload, "worker": socket.gethostname()}


@shared_task(name="mesoplan.tasks.purge_expired_idempotency_keys")
def purge_expired_idempotency_keys() -> int:
    return purge_expired_keys()
