"""The webhooks' Celery tasks, in their own queue (`webhooks`) so a slow endpoint holds up
neither reminders nor reports. They take ids and are safe to run twice: a message is sent
by whoever holds its lease, and fan-out moves one cursor under a row lock."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from mesoplan.celery import send_now

from . import delivery, fanout
from .models import FanOutCursor, Message, MessageState

QUEUE = "webhooks"


def enqueue_delivery(message_id: str) -> None:
    """Queued once, never raising: a pending message whose task the broker refused is
    due, and the sweep queues it again."""
    send_now(deliver_message, message_id, queue=QUEUE)


@shared_task(name="webhooks.tasks.fan_out_practice")
def fan_out_practice(practice_id: str) -> int:
    """After a write commits: the practice's new changes become messages, sent at once."""
    made = fanout.fan_out(practice_id)
    for message_id in made:
        enqueue_delivery(message_id)
    return len(made)


@shared_task(name="webhooks.tasks.deliver_message", acks_late=True)
def deliver_message(message_id: str) -> bool:
    attempt = delivery.deliver(message_id)
    return bool(attempt and attempt.succeeded)


@shared_task(name="webhooks.tasks.sweep")
def sweep() -> int:
    """Beat: fan out what an after-commit hook missed (a worker was down), then send the
    messages whose retry is due. Returns how many deliveries were queued."""
    for practice_id in FanOutCursor.objects.values_list("practice_id", flat=True):
        fanout.fan_out(str(practice_id))
    due = (
        Message.objects.filter(
            state=MessageState.PENDING,
            next_attempt_at__lte=timezone.now(),
            endpoint__is_active=True,
        )
        .order_by("next_attempt_at", "change_id")
        .values_list("pk", flat=True)[: settings.WEBHOOK_SWEEP_BATCH]
    )
    due = list(due)
    for message_id in due:
        enqueue_delivery(message_id)
    return len(due)
