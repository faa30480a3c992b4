"""Booking a cancelled course session again: the same session number, its length, with
the course's clinician, at a time the person chose (the page proposes one), between the
sessions before and after it (scheduling.course_order.rebook_refusal)."""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.clock import practice_zone
from mesoplan.date_display import practice_datetime
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.roles import works_in_practice
from mesoplan.tenancy import ensure_in_scope

from .booking import insert_if_free, lock_calendars, refuse_outside_hours
from .course_order import Session, rebook_refusal
from .horizon import horizon_refusal
from .models import Appointment, AppointmentKind, AppointmentStatus, Course


def cancelled_session(course: Course, sequence: int) -> Appointment | None:
    """The latest cancelled appointment of session `sequence`, when no other one of that
    session stands (only such a session can be booked again)."""
    appointments = list(course.appointments.filter(sequence=sequence).order_by("-updated_at"))
    if any(a.status != AppointmentStatus.CANCELLED for a in appointments):
        return None
    return appointments[0] if appointments else None


@transaction.atomic
def rebook_session(*, actor, course: Course, sequence: int, starts_at: datetime) -> Appointment:
    if not works_in_practice(actor):
        raise Conflict("Only practice staff can book appointments.", "not_practice_staff")
    ensure_in_scope(actor, course)
    course = (
        Course.objects.select_for_update().select_related("patient__practice").get(pk=course.pk)
    )
    lock_calendars(course.clinician_id, course.patient_id)
    if course.status != Course.Status.ACTIVE:
        raise Conflict(
            f"The course is {course.get_status_display().lower()}: no session is booked in it.",
            "course_not_active",
        )
    cancelled = cancelled_session(course, sequence)
    if cancelled is None:
        raise Conflict(
            f"Session {sequence} of this course is not cancelled: it is booked already.",
            "not_cancelled",
        )
    ends_at = starts_at + (cancelled.ends_at - cancelled.starts_at)
    now = timezone.now()
    beyond = horizon_refusal(starts_at, now, ahead_days=settings.BOOKING_HORIZON_DAYS)
    if beyond:
        raise InvalidInput({"starts_at": [beyond]})
    zone = practice_zone(course.patient.practice)
    sessions = [
        Session(number or 0, status, start, end)
        for number, status, start, end in course.appointments.values_list(
            "sequence", "status", "starts_at", "ends_at"
        )
    ]
    refusal = rebook_refusal(sequence, starts_at, ends_at, now, sessions, zone)
    if refusal is not None:
        if refusal.kind == "past":
            raise InvalidInput({"starts_at": [refusal.message]})
        raise Conflict(refusal.message, "out_of_order")
    refuse_outside_hours(actor, course.clinician, starts_at, ends_at)
    try:
        appointment = insert_if_free(
            clinician=course.clinician,
            patient=course.patient,
            course=course,
            kind=AppointmentKind.COURSE,
            sequence=sequence,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    except IntegrityError as exc:  # the session was booked again meanwhile
        raise Conflict(f"Session {sequence} was booked meanwhile.", "not_cancelled") from exc
    audit.record(
        actor,
        Action.APPOINTMENT_REBOOK,
        appointment,
        patient_id=course.patient_id,
        summary=f"Session {sequence} booked again for "
        f"{practice_datetime(starts_at, zone, weekday=True)}",
        details={"cancelled": str(cancelled.pk)},
    )
    return appointment
