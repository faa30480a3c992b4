"""Moving and cancelling appointments (DOMAIN.md: "Rescheduling one session moves the
later planned sessions so the intervals still hold").

Moving a course session moves every later scheduled session of the course by the same
number of days, at the same local time of day, so the intervals between them hold. All
of it happens or none of it: a session that would land on a closed day, outside opening
hours or on another appointment of the clinician makes the whole move a 409 naming it.
"""

from dataclasses import replace
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.clock import practice_zone
from mesoplan.errors import Conflict
from mesoplan.roles import works_in_practice
from mesoplan.tenancy import ensure_in_scope
from protocols.planner import is_free, plan_course_dates

from .booking import PLANNING_HORIZON, double_booking
from .models import Appointment, AppointmentStatus
from .selectors import availability_for


def _conflict(sequence: int | None, start: datetime, reason: str) -> Conflict:
    label = f"Session {sequence}" if sequence else "The appointment"
    return Conflict(
        f"{label} cannot be placed: {reason} Nothing was moved.",
        "reschedule_conflict",
        {"conflicting": {"sequence": sequence, "starts_at": start.isoformat(), "reason": reason}},
    )


def _new_places(
    appointment, moving, starts_at, length, calendar
) -> list[tuple[datetime, datetime]]:
    """Where each moving appointment goes: the chosen one exactly at `starts_at`; a
    course's later sessions planned again from it by the protocol's rules (the intervals
    hold, closed days and other appointments are avoided within the tolerance)."""
    if appointment.course_id is None:
        if not is_free(starts_at, length, calendar, ()):
            raise _conflict(None, starts_at, "the practice is closed or the clinician is busy.")
        return [(starts_at, starts_at + length)]
    course = appointment.course
    plan = plan_course_dates(
        starts_at,
        course.initial_interval_days,
        replace(course.protocol.schedule(), session_minutes=int(length.total_seconds() // 60)),
        calendar,
        first_sequence=appointment.sequence,
        exact_first=True,
    )
    placed = {s.sequence: s for s in plan.sessions}
    for unplaced in plan.unplaced:
        if unplaced.sequence in {a.sequence for a in moving}:
            raise _conflict(unplaced.sequence, unplaced.ideal_start, unplaced.reason)
    return [(placed[a.sequence].start, placed[a.sequence].end) for a in moving]


def _require_staff(actor) -> None:
    if not works_in_practice(actor):
        raise Conflict("Only practice staff can change appointments.", "not_practice_staff")


@transaction.atomic
def reschedule(*, actor, appointment: Appointment, starts_at: datetime) -> list[Appointment]:
    """Moves the appointment to exactly `starts_at` (same length) and, for a course
    session, plans the course's later scheduled sessions again from it (the protocol's
    intervals and tolerances). Returns every appointment moved."""
    _require_staff(actor)
    ensure_in_scope(actor, appointment)
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("course__protocol", "practice", "clinician__practice")
        .get(pk=appointment.pk)
    )
    if appointment.status != AppointmentStatus.SCHEDULED:
        raise Conflict(f"A {appointment.status} appointment cannot be moved.", "not_scheduled")
    clinician = appointment.clinician
    zone = practice_zone(appointment.practice)
    moving = [appointment]
    if appointment.course_id is not None:
        moving += list(
            Appointment.objects.select_for_update()
            .filter(
                course_id=appointment.course_id,
                sequence__gt=appointment.sequence,
                status=AppointmentStatus.SCHEDULED,
            )
            .order_by("sequence")
        )
    length = appointment.ends_at - appointment.starts_at
    calendar = availability_for(
        clinician,
        starts_at - timedelta(days=1),
        starts_at + PLANNING_HORIZON,
        ignoring=[a.pk for a in moving],
    )
    targets = _new_places(appointment, moving, starts_at, length, calendar)
    # One row at a time, the one moving away from the others first: PostgreSQL checks
    # the exclusion constraint per row, so moving in the wrong order would see a session
    # collide with its own sibling's old place.
    order = list(zip(moving, targets, strict=True))
    if starts_at > appointment.starts_at:
        order.reverse()
    try:
        with transaction.atomic():
            for moved, (start, end) in order:
                moved.starts_at, moved.ends_at = start, end
                moved.save(update_fields=["starts_at", "ends_at", "updated_at"])
    except IntegrityError as exc:  # raced by another booking (PostgreSQL's constraint)
        raise double_booking(clinician, targets) from exc
    audit.record(
        actor,
        Action.APPOINTMENT_RESCHEDULE,
        appointment,
        patient_id=appointment.patient_id,
        summary=f"to {starts_at.astimezone(zone):%Y-%m-%d %H:%M}"
        + (f", and {len(moving) - 1} later sessions" if len(moving) > 1 else ""),
    )
    return moving


@transaction.atomic
def cancel(*, actor, appointment: Appointment) -> Appointment:
    """Cancels the appointment and frees its slot; a cancelled one stays cancelled."""
    _require_staff(actor)
    ensure_in_scope(actor, appointment)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status == AppointmentStatus.CANCELLED:
        return appointment
    if appointment.status != AppointmentStatus.SCHEDULED:
        raise Conflict(f"A {appointment.status} appointment cannot be cancelled.", "not_scheduled")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.save(update_fields=["status", "updated_at"])
    audit.record(actor, Action.APPOINTMENT_CANCEL, appointment, patient_id=appointment.patient_id)
    return appointment
