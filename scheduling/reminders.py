"""Appointment reminders by e-mail, each sent exactly once.

Beat asks every few minutes for the appointments that start within the lead time
(settings.REMINDER_LEAD_HOURS) and have no reminder yet; a task per appointment sends
it. Beat runs can overlap and a task can be retried, so the send happens inside a
transaction that first locks the appointment's row and checks `reminder_sent_at`: the
second of two concurrent tasks waits for the first, then finds it sent and does
nothing. A failed send rolls the mark back, so the retry sends it; so does a worker
killed before its commit (the broker hands the task out again: acks_late with
reject_on_worker_lost). Only a worker killed in the instant between the mail server's
acceptance and the commit would send it twice.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from mesoplan.clock import practice_zone
from mesoplan.date_display import practice_date, practice_time
from mesoplan.fault_points import pause

from .ical import appointment_title
from .models import Appointment, AppointmentStatus

# Test-only (mesoplan.fault_points): the worker waits here, the appointment locked and
# marked, the e-mail not sent, so a test can kill it mid-send (tests/faults/).
SEND_DELAY_ENV = "MESOPLAN_REMINDER_SEND_DELAY_S"


def due_for_reminder(now: datetime) -> list:
    """Ids of scheduled appointments starting within the lead time, not reminded yet."""
    lead = timedelta(hours=settings.REMINDER_LEAD_HOURS)
    return list(
        Appointment.objects.filter(
            status=AppointmentStatus.SCHEDULED,
            reminder_sent_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + lead,
        )
        .exclude(patient__email="")
        .values_list("pk", flat=True)
    )


def reminder_message(appointment: Appointment) -> EmailMessage:
    """The e-mail: the practice, the local date and time; no clinical detail."""
    practice = appointment.practice
    when = appointment.starts_at.astimezone(practice_zone(practice))
    body = (
        f"Dear {appointment.patient.first_name} {appointment.patient.last_name},\n\n"
        f"this is a reminder of your appointment at {practice.name} on "
        f"{practice_date(when, weekday=True)} at {practice_time(when)} ({appointment_title(appointment)}).\n\n"
        "If you cannot come, please let the practice know.\n"
    )
    return EmailMessage(
        subject=f"Reminder: your appointment on {practice_date(when)} at {practice_time(when)}",
        body=body,
        to=[appointment.patient.email],
    )


def send_reminder(appointment_id) -> bool:
    """Sends the appointment's reminder unless it was sent (or the appointment is no
    longer scheduled). True when this call sent it."""
    with transaction.atomic():
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("practice", "patient", "course__protocol")
            .filter(pk=appointment_id)
            .first()
        )
        if (
            appointment is None
            or appointment.reminder_sent_at is not None
            or appointment.status != AppointmentStatus.SCHEDULED
            or not appointment.patient.email
        ):
            return False
        appointment.reminder_sent_at = timezone.now()
        appointment.save(update_fields=["reminder_sent_at"])
        pause(SEND_DELAY_ENV)
        reminder_message(appointment).send(fail_silently=False)  # raises: rolls the mark back
    return True
