"""The outbox's beat task."""

from celery import shared_task

from . import relay


@shared_task(name="mesoplan.outbox.tasks.relay_outbox")
def relay_outbox() -> int:
    """Beat, every few seconds: the tasks the broker refused at their commit."""
    return relay.sweep()
