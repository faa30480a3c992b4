"""Moving and cancelling appointments (DOMAIN.md: "Rescheduling one session moves the
later planned sessions so the intervals still hold").

A moved session goes exactly where it was asked to, and the course's later scheduled
sessions are planned again from it by the protocol's rules (protocols.planner), at the
course's local time of day, so the intervals between them hold. All of it happens or
none of it: a chosen time that is not free, or a later session that cannot be placed
within its tolerance, makes the whole move a 409 naming it.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.clock import practice_zone
from mesoplan.date_display import practice_datetime
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.roles import works_in_practice
from mesoplan.tenancy import ensure_in_scope
from mesoplan.visible_text import visible
from protocols.planner import local, plan_course_dates, session_end

from .booking import double_booking, lock_calendars
from .course_order import Session, replan_start
from .models import Appointment, AppointmentStatus, CancellationReason, Course
from .move_proposal import (
    MoveProposal,
    ProposedMove,
    calendar_for,
    conflict,
    move_proposal,
    schedule_of,
)
from .selectors import overlapping


def _require_staff(actor) -> None:
    if not works_in_practice(actor):
        raise Conflict("Only practice staff can change appointments.", "not_practice_staff")


def preview_move(
    *, actor, appointment: Appointment, starts_at: datetime, length: timedelta | None = None
) -> MoveProposal:
    """What `reschedule` would do, every change with its reason, or the refusal it would
    give; nothing is written (no audit entry either: it is a read)."""
    _require_staff(actor)
    ensure_in_scope(actor, appointment)
    return move_proposal(appointment, starts_at, length=length)


def _proposal_changed(proposal: MoveProposal, zone) -> Conflict:
    return Conflict(
        "The calendar changed since the move was proposed: check the new proposal, then "
        "confirm it. Nothing was moved.",
        "proposal_changed",
        {
            "proposal": proposal.token,
            "changes": [change_details(m, zone) for m in proposal.changes],
        },
    )


def change_details(move: ProposedMove, zone) -> dict:
    """One change as the audit entry and a 409 `proposal_changed` name it."""
    return {
        "id": str(move.appointment.pk),
        "sequence": move.sequence,
        "starts_at_before": move.starts_at_before.astimezone(zone).isoformat(),
        "starts_at": move.starts_at.astimezone(zone).isoformat(),
        "ends_at": move.ends_at.astimezone(zone).isoformat(),
        "reason": move.reason,
    }


@transaction.atomic
def reschedule(
    *,
    actor,
    appointment: Appointment,
    starts_at: datetime,
    length: timedelta | None = None,
    proposal: str | None = None,
) -> MoveProposal:
    """Moves the appointment to exactly `starts_at` (the same length, or `length`: for a
    course session, its later sessions take it too) and, for a course
    session, plans the course's later scheduled sessions again from it (the protocol's
    intervals and tolerances): exactly what `move_proposal` shows. With `proposal` (the
    token of the proposal a user saw), a move that would now differ is a 409
    `proposal_changed` carrying the new proposal, and nothing moves. Returns the
    proposal saved."""
    _require_staff(actor)
    ensure_in_scope(actor, appointment)
    lock_calendars(appointment.clinician_id, appointment.patient_id)
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("course__protocol", "practice", "clinician__practice")
        .get(pk=appointment.pk)
    )
    zone = practice_zone(appointment.practice)
    saved = move_proposal(appointment, starts_at, length=length, for_update=True)
    if proposal is not None and proposal != saved.token:
        raise _proposal_changed(saved, zone)
    changes = saved.changes
    # One row at a time, the one moving away from the others first: PostgreSQL checks
    # the exclusion constraint per row, so moving in the wrong order would see a session
    # collide with its own sibling's old place.
    order = list(changes)
    if starts_at > appointment.starts_at:
        order.reverse()
    try:
        with transaction.atomic():
            for move in order:
                moved = move.appointment
                # An arrival holds for its day: moved later the same day, the patient is
                # still here; moved to another day, they have not arrived for it.
                if moved.arrived_at and (
                    move.starts_at.astimezone(zone).date()
                    != moved.starts_at.astimezone(zone).date()
                ):
                    moved.arrived_at = None
                moved.starts_at, moved.ends_at = move.starts_at, move.ends_at
                moved.save(update_fields=["starts_at", "ends_at", "arrived_at", "updated_at"])
    except IntegrityError as exc:  # raced by another booking (PostgreSQL's constraint)
        targets = [(m.starts_at, m.ends_at) for m in changes]
        raise double_booking(appointment.clinician, targets, appointment.patient) from exc
    later = saved.later_moved
    audit.record(
        actor,
        Action.APPOINTMENT_RESCHEDULE,
        appointment,
        patient_id=appointment.patient_id,
        summary=f"to {practice_datetime(saved.starts_at, zone, weekday=True)}"
        + (f", and {later} later session{'s' if later != 1 else ''}" if later else ""),
        details={
            "requested_starts_at": starts_at.astimezone(zone).isoformat(),
            "moved": [change_details(m, zone) for m in changes],
        },
    )
    return saved


def move_to_when_performed(*, actor, appointment: Appointment, performed_at: datetime) -> None:
    """A session performed on an earlier day than planned moves to when it happened: a
    fact, so the practice's opening hours do not apply, but the clinician's other
    appointments do (409 naming the one in the way). The course's later sessions stay
    where they are; the audit entry keeps the planned time. Inside the recording's
    transaction, the appointment locked."""
    planned = appointment.starts_at
    end = session_end(performed_at, appointment.ends_at - appointment.starts_at)
    clinician = appointment.clinician
    lock_calendars(appointment.clinician_id, appointment.patient_id)
    in_the_way = (
        Appointment.objects.filter(
            Q(clinician_id=appointment.clinician_id) | Q(patient_id=appointment.patient_id),
            overlapping(performed_at, end),
        )
        .exclude(pk=appointment.pk)
        .exclude(status=AppointmentStatus.CANCELLED)
        .exists()
    )
    if in_the_way:
        raise double_booking(
            clinician, [(performed_at, end)], appointment.patient, ignoring=[appointment.pk]
        )
    appointment.starts_at, appointment.ends_at = performed_at, end
    try:
        with transaction.atomic():
            appointment.save(update_fields=["starts_at", "ends_at", "updated_at"])
    except IntegrityError as exc:  # raced by another booking (PostgreSQL's constraint)
        raise double_booking(
            clinician, [(performed_at, end)], appointment.patient, ignoring=[appointment.pk]
        ) from exc
    zone = practice_zone(appointment.practice)
    audit.record(
        actor,
        Action.APPOINTMENT_PERFORMED_EARLIER,
        appointment,
        patient_id=appointment.patient_id,
        summary=f"planned {practice_datetime(planned, zone, weekday=True)}, performed "
        f"{practice_datetime(performed_at, zone, weekday=True)}",
        details={"planned_starts_at": planned.isoformat(), "starts_at": performed_at.isoformat()},
    )


@transaction.atomic
def cancel(*, actor, appointment: Appointment, reason: str = "", note: str = "") -> Appointment:
    """Cancels the appointment and frees its slot, keeping why (a CancellationReason and
    an optional note, which "other" needs); a cancelled one stays cancelled."""
    _require_staff(actor)
    ensure_in_scope(actor, appointment)
    note = visible(note)  # a zero-width space is no note: "other" needs words
    if reason and reason not in CancellationReason.values:
        raise InvalidInput({"reason": [f"Choose one of: {', '.join(CancellationReason.values)}."]})
    if reason == CancellationReason.OTHER and not note:
        raise InvalidInput({"note": ["Say why in a few words."]})
    if len(note) > 200:
        raise InvalidInput({"note": ["Keep the note to 200 characters."]})
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status == AppointmentStatus.CANCELLED:
        return appointment
    if appointment.status != AppointmentStatus.SCHEDULED:
        raise Conflict(f"A {appointment.status} appointment cannot be cancelled.", "not_scheduled")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.arrived_at = None
    appointment.cancellation_reason = reason
    appointment.cancellation_note = note
    appointment.save(
        update_fields=[
            "status",
            "arrived_at",
            "cancellation_reason",
            "cancellation_note",
            "updated_at",
        ]
    )
    summary = CancellationReason(reason).label if reason else ""
    audit.record(
        actor,
        Action.APPOINTMENT_CANCEL,
        appointment,
        patient_id=appointment.patient_id,
        summary=f"{summary}: {note}" if note else summary,
    )
    return appointment


@dataclass(frozen=True)
class Replan:
    """A proposal: the course's later sessions planned again from its latest recorded
    one. `moves` are (appointment, new start, new end), in the course's order."""

    done: Appointment
    moves: list[tuple[Appointment, datetime, datetime]]


def _sequence(appointment: Appointment) -> int:
    return appointment.sequence or 0  # a course session always has one


def replan_proposal(course: Course, appointments: list[Appointment] | None = None) -> Replan | None:
    """The re-plan the course page offers, or None when the later sessions already lie
    where the schedule wants them from the latest recorded session. A session that
    cannot be placed makes the proposal a 409 naming it (nothing would move). No query
    beyond `appointments` (the course page's own) unless there is a gap to close."""
    if appointments is None:
        appointments = list(course.appointments.select_related("clinician__practice"))
    sessions = sorted((a for a in appointments if a.sequence), key=_sequence)
    done = [a for a in sessions if a.status == AppointmentStatus.COMPLETED]
    if not done:
        return None
    last = done[-1]
    moving = [
        a
        for a in sessions
        if a.status == AppointmentStatus.SCHEDULED and _sequence(a) > _sequence(last)
    ]
    if not moving:
        return None
    zone = practice_zone(course.patient.practice)
    schedule = course.protocol.schedule()
    start = replan_start(
        Session(_sequence(last), last.status, last.starts_at, last.ends_at),
        Session(_sequence(moving[0]), moving[0].status, moving[0].starts_at, moving[0].ends_at),
        schedule,
        course.initial_interval_days,
        zone,
    )
    if start is None:
        return None
    length = moving[0].ends_at - moving[0].starts_at
    # A gap found late plans from today on, at the same time of day: never into the past.
    now = timezone.now()
    while start < now:
        start = local(
            start.astimezone(zone).date() + timedelta(days=1), start.astimezone(zone).time(), zone
        )
    schedule = schedule_of(course, length)
    calendar = calendar_for(moving[0].clinician, start, schedule, moving, course.patient_id)
    plan = plan_course_dates(
        start,
        course.initial_interval_days,
        schedule,
        calendar,
        first_sequence=_sequence(moving[0]),
        not_before=max(now, last.ends_at),
    )
    if plan.unplaced:
        unplaced = plan.unplaced[0]
        raise conflict(unplaced.sequence, unplaced.ideal_start, unplaced.reason)
    placed = {s.sequence: s for s in plan.sessions}
    return Replan(last, [(a, placed[_sequence(a)].start, placed[_sequence(a)].end) for a in moving])


@transaction.atomic
def replan_later_sessions(*, actor, course: Course) -> Replan:
    """Moves the course's later sessions where `replan_proposal` puts them: all of them
    or none (409), audited as one re-plan."""
    _require_staff(actor)
    ensure_in_scope(actor, course)
    lock_calendars(course.clinician_id, course.patient_id)
    list(Appointment.objects.select_for_update().filter(course=course))  # the course's rows
    proposal = replan_proposal(course)
    if proposal is None:
        raise Conflict(
            "The later sessions already follow the latest recorded session: nothing to re-plan.",
            "nothing_to_replan",
        )
    order = list(proposal.moves)
    if order and order[0][1] > order[0][0].starts_at:
        order.reverse()  # moving later: the last one first, so no sibling is in the way
    try:
        with transaction.atomic():
            for moved, start, end in order:
                moved.starts_at, moved.ends_at = start, end
                moved.save(update_fields=["starts_at", "ends_at", "updated_at"])
    except IntegrityError as exc:  # raced by another booking (PostgreSQL's constraint)
        raise double_booking(
            proposal.done.clinician, [(s, e) for _, s, e in order], course.patient
        ) from exc
    zone = practice_zone(course.patient.practice)
    first = proposal.moves[0]
    audit.record(
        actor,
        Action.COURSE_REPLAN,
        course,
        patient_id=course.patient_id,
        summary=f"sessions {first[0].sequence}-{proposal.moves[-1][0].sequence} from session "
        f"{proposal.done.sequence}: session {first[0].sequence} to "
        f"{practice_datetime(first[1], zone, weekday=True)}",
        details={str(a.sequence): s.isoformat() for a, s, _ in proposal.moves},
    )
    return proposal


@transaction.atomic
def end_course(*, actor, course: Course, reason: str) -> Course:
    """Ends an active course early, with the reason (required): its planned sessions are
    cancelled, what was recorded stays, and the patient may be booked into another course
    of the indication. Practice staff only; audited."""
    _require_staff(actor)
    ensure_in_scope(actor, course)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": ["Say why the course ends early."]})
    if len(reason) > 1000:
        raise InvalidInput({"reason": ["Keep the reason under 1,000 characters."]})
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.status != Course.Status.ACTIVE:
        raise Conflict(f"This course is {course.get_status_display().lower()}.", "not_active")
    planned = list(
        Appointment.objects.select_for_update().filter(
            course=course, status=AppointmentStatus.SCHEDULED
        )
    )
    if any(a.arrived_at is not None for a in planned):
        raise Conflict(
            "The patient has checked in for a session of this course: record the session "
            "or undo the check-in before ending the course.",
            "checked_in",
        )
    Appointment.objects.filter(pk__in=[a.pk for a in planned]).update(
        status=AppointmentStatus.CANCELLED, updated_at=timezone.now()
    )
    course.status = Course.Status.ENDED
    course.ended_reason, course.ended_at, course.ended_by = reason, timezone.now(), actor
    course.save(update_fields=["status", "ended_reason", "ended_at", "ended_by", "updated_at"])
    audit.record(
        actor,
        Action.COURSE_END,
        course,
        patient_id=course.patient_id,
        summary=f"{len(planned)} planned sessions cancelled: {reason}"[:300],
    )
    return course
