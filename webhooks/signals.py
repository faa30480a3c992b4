"""After a transaction that wrote an appointment commits, its practice's changes are
fanned out by the worker at once (the beat's sweep catches any write this misses, such
as a queryset update, or one made while the broker was down: the change log is the
outbox). The change rows themselves are written by the database."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from mesoplan.celery import after_commit, send_now
from scheduling.models import Appointment

from .models import FanOutCursor
from .tasks import QUEUE, fan_out_practice


def _after_commit(practice_id) -> None:
    if FanOutCursor.objects.filter(practice_id=practice_id).exists():
        send_now(fan_out_practice, str(practice_id), queue=QUEUE)


@receiver(post_save, sender=Appointment, dispatch_uid="webhooks.appointment_saved")
@receiver(post_delete, sender=Appointment, dispatch_uid="webhooks.appointment_deleted")
def appointment_written(sender, instance, **kwargs) -> None:
    practice_id = instance.practice_id
    after_commit(lambda: _after_commit(practice_id))
