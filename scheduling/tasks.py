"""Celery tasks of the calendar: they take ids, call the module that knows how, and are
safe to run twice. Their names are the ones they were registered under while they lived
in the sessions app: a message already queued carries its task's name."""

from celery import shared_task
from django.utils import timezone

from scheduling import recall, reminders, sync


@shared_task(name="sessions.tasks.send_due_reminders")
def send_due_reminders() -> int:
    """Beat: one task per appointment that needs its reminder now."""
    due = reminders.due_for_reminder(timezone.now())
    for appointment_id in due:
        send_reminder.delay(str(appointment_id))
    return len(due)


@shared_task(
    name="sessions.tasks.send_reminder",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_reminder(appointment_id: str) -> bool:
    return reminders.send_reminder(appointment_id)


@shared_task(name="sessions.tasks.update_recall_lists")
def update_recall_lists() -> dict:
    """Beat: every practice's recall list of patients due for maintenance."""
    return recall.update_recall_lists(timezone.now())


@shared_task(name="scheduling.tasks.prune_appointment_changes")
def prune_appointment_changes() -> int:
    """Beat, daily: the change history older than its retention goes (scheduling.sync)."""
    return sync.prune()
