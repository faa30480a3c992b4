"""Check-in, no-show and a consultation marked done: each under a row lock, refused with
a 409 saying why when scheduling.attendance does not allow it now, and audited."""

from django.db import transaction
from django.utils import timezone

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.clock import practice_zone
from mesoplan.errors import Conflict
from mesoplan.roles import works_in_practice
from mesoplan.tenancy import ensure_in_scope

from .attendance import DayAction, Visit, refusal
from .models import Appointment, AppointmentStatus

AUDITED = {
    DayAction.CHECK_IN: Action.APPOINTMENT_CHECK_IN,
    DayAction.UNDO_CHECK_IN: Action.APPOINTMENT_UNDO_CHECK_IN,
    DayAction.NO_SHOW: Action.APPOINTMENT_NO_SHOW,
    DayAction.UNDO_NO_SHOW: Action.APPOINTMENT_UNDO_NO_SHOW,
    DayAction.DONE: Action.APPOINTMENT_DONE,
}


def visit_of(appointment: Appointment) -> Visit:
    """The rules' view of an appointment (one query for a course session)."""
    later_recorded = bool(
        appointment.course_id
        and appointment.status == AppointmentStatus.NO_SHOW
        and Appointment.objects.filter(
            course_id=appointment.course_id,
            sequence__gt=appointment.sequence,
            status=AppointmentStatus.COMPLETED,
        ).exists()
    )
    return Visit(
        kind=appointment.kind,
        status=appointment.status,
        starts_at=appointment.starts_at,
        arrived=appointment.arrived_at is not None,
        later_session_recorded=later_recorded,
    )


def _apply(action: DayAction, appointment: Appointment, now) -> list[str]:
    if action is DayAction.CHECK_IN:
        appointment.arrived_at = now
        return ["arrived_at"]
    if action is DayAction.UNDO_CHECK_IN:
        appointment.arrived_at = None
        return ["arrived_at"]
    if action is DayAction.NO_SHOW:
        appointment.status = AppointmentStatus.NO_SHOW
    elif action is DayAction.UNDO_NO_SHOW:
        appointment.status = AppointmentStatus.SCHEDULED
    else:
        appointment.status = AppointmentStatus.COMPLETED
    return ["status"]


@transaction.atomic
def perform(*, actor, appointment: Appointment, action: DayAction) -> Appointment:
    """Does `action` to the appointment, or raises a 409 Conflict (`not_now`) saying why."""
    if not works_in_practice(actor):
        raise Conflict("Only practice staff can change appointments.", "not_practice_staff")
    ensure_in_scope(actor, appointment)
    appointment = (
        Appointment.objects.select_for_update().select_related("practice").get(pk=appointment.pk)
    )
    now = timezone.now()
    why = refusal(action, visit_of(appointment), now, practice_zone(appointment.practice))
    if why:
        raise Conflict(why, "not_now")
    fields = _apply(action, appointment, now)
    appointment.save(update_fields=[*fields, "updated_at"])
    audit.record(actor, AUDITED[action], appointment, patient_id=appointment.patient_id)
    return appointment
