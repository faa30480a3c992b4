"""Booking a course: the gate, the plan, and eight appointments in one transaction.

The service contract (docs/conventions.md): the actor, plain values, role and practice checks, one
transaction, an audit entry. A course is booked only when the patient is ready to book
(patients.readiness, the same gate the pages show); every session is placed by the
planner around closed days and the clinician's other appointments; and two appointments
of one clinician never overlap (the database's exclusion constraint on PostgreSQL, this
transaction under SQLite's write lock otherwise).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mesoplan import audit
from mesoplan.audit import Action
from mesoplan.clock import practice_zone
from mesoplan.date_display import practice_date, practice_datetime, practice_time
from mesoplan.errors import Conflict, InvalidInput
from mesoplan.models import User
from mesoplan.roles import Role, works_in_practice
from mesoplan.tenancy import ensure_in_scope
from patients.models import Patient
from patients.selectors import latest_screening
from protocols.models import Protocol
from protocols.planner import CoursePlan, PlanningError, plan_course_dates, planning_window

from .horizon import horizon_refusal
from .models import (
    LONGEST_APPOINTMENT,
    TARGETS_BY_INDICATION,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    Course,
)
from .open_hours import outside_hours
from .selectors import availability_for, calendar_facts, overlapping

# How far ahead the booking page shows the calendar: the whole course and some slack (the
# planner's own window is protocols.planner.planning_window, from the protocol's schedule).
PLANNING_HORIZON = timedelta(days=400)


@dataclass(frozen=True)
class Booked:
    course: Course
    appointments: list[Appointment]
    plan: CoursePlan


def _clinician_of(actor, clinician_id) -> User:
    clinician = (
        User.objects.for_actor(actor)
        .filter(pk=clinician_id, role=Role.CLINICIAN, is_active=True)
        .select_related("practice")
        .first()
    )
    if clinician is None:
        raise InvalidInput({"clinician": ["No active clinician of this practice has this id."]})
    return clinician


def lock_calendars(clinician_id, patient_id) -> None:
    """Takes the clinician's row lock, then the patient's, for the rest of the transaction:
    bookings and moves of one clinician or one patient go one at a time, always in this
    order, so that PostgreSQL's two exclusion constraints (one clinician, one patient, one
    place) decide a race with a 409 and never meet in a deadlock. (SQLite has one writer
    at a time anyway.)"""
    # FOR NO KEY UPDATE: it serialises the calendars' writers just as well, and does not
    # block the foreign-key checks (FOR KEY SHARE) of a concurrent write naming the user or
    # the patient, such as its audit entry: with FOR UPDATE, a cancel holding the
    # appointment's row and a guarded write holding the clinician's deadlocked.
    users = User.objects.select_for_update(no_key=True).filter(pk=clinician_id)
    patients = Patient.objects.select_for_update(no_key=True).filter(pk=patient_id)
    list(users.values_list("pk", flat=True))
    list(patients.values_list("pk", flat=True))


def _protocol(code: str) -> Protocol:
    protocol = Protocol.objects.select_related("formulation").filter(code=code).first()
    if protocol is None:
        known = ", ".join(Protocol.objects.values_list("code", flat=True))
        raise InvalidInput({"protocol": [f'Unknown protocol "{code}". Known: {known}.']})
    return protocol


def require_ready(actor, patient: Patient, indication: str):
    """The latest screening for the indication, if the patient is ready to book; else a
    409 that names every reason (API.md, POST /courses/)."""
    screening = latest_screening(actor, patient, indication)
    if screening is None:
        raise Conflict(
            "The patient has no screening for this indication.",
            "not_screened",
            {"reasons": [{"code": "not_screened", "message": "Not screened for this indication."}]},
        )
    readiness = screening.readiness
    if not readiness.is_ready:
        reasons = [reason.as_dict() for reason in readiness.reasons]
        raise Conflict(
            "The patient is not ready to book: "
            + " ".join(reason["message"] for reason in reasons),
            str(readiness.reasons[0].code),
            {"reasons": reasons},
        )
    return screening


def _check_targets(targets, indication: str) -> list[str]:
    allowed = TARGETS_BY_INDICATION[indication]
    unknown = sorted(set(targets) - set(allowed))
    if unknown:
        raise InvalidInput(
            {
                "targets": [
                    f"Not a target of this indication: {', '.join(unknown)}. "
                    f"Choose from {', '.join(allowed)}."
                ]
            }
        )
    return list(dict.fromkeys(targets))


def preview_course(
    *,
    actor,
    clinician_id,
    protocol_code: str,
    start: datetime,
    initial_interval_days: int,
    patient_id=None,
) -> CoursePlan:
    """The dates a course would get, without booking it (the browser shows them first),
    around the clinician's and the patient's other appointments."""
    if not works_in_practice(actor):
        raise Conflict("Only practice staff can plan courses.", "not_practice_staff")
    clinician = _clinician_of(actor, clinician_id)
    return _plan(clinician, _protocol(protocol_code), start, initial_interval_days, patient_id)


def _plan(
    clinician, protocol: Protocol, start: datetime, initial_interval_days: int, patient_id=None
) -> CoursePlan:
    """The planner over the clinician's and the patient's calendars, with a request's
    errors as 400s."""
    now = timezone.now()
    if start <= now:
        raise InvalidInput({"start": ["The first session must be in the future."]})
    if refusal := horizon_refusal(start, now, ahead_days=settings.BOOKING_HORIZON_DAYS):
        raise InvalidInput({"start": [refusal]})
    schedule = protocol.schedule()
    since, until = planning_window(start, schedule)
    availability = availability_for(clinician, since, until, patient_id=patient_id, by_day=True)
    try:
        return plan_course_dates(
            start, initial_interval_days, schedule, availability, not_before=now
        )
    except PlanningError as exc:
        raise InvalidInput({"initial_interval_days": [str(exc)]}) from exc


def course_appointments(course: Course, plan: CoursePlan) -> list[Appointment]:
    """The (unsaved) appointments of a course as the plan placed them."""
    return [
        Appointment(
            practice_id=course.patient.practice_id,
            patient=course.patient,
            clinician=course.clinician,
            course=course,
            kind=AppointmentKind.COURSE,
            sequence=session.sequence,
            starts_at=session.start,
            ends_at=session.end,
        )
        for session in plan.sessions
    ]


def double_booking(clinician, periods, patient=None, *, ignoring=()) -> Conflict:
    """The 409 for a slot taken, naming the appointment in the way: the clinician's
    (double_booking) or, a patient being in one place at a time, the patient's
    (patient_double_booking)."""
    whose = [("clinician", Q(clinician=clinician), "double_booking")]
    if patient is not None:
        whose.append(("patient", Q(patient=patient), "patient_double_booking"))
    for who, mine, code in whose:
        for start, end in periods:
            other = (
                Appointment.objects.filter(mine, overlapping(start, end))
                .exclude(status=AppointmentStatus.CANCELLED)
                .exclude(pk__in=list(ignoring))
                .order_by("starts_at")
                .first()
            )
            if other is not None:
                zone = practice_zone(clinician.practice)
                return Conflict(
                    f"The {who} already has an appointment from "
                    f"{practice_datetime(other.starts_at, zone, weekday=True)} "
                    f"to {practice_time(other.ends_at, zone)}.",
                    code,
                    {
                        "conflicting": {
                            "starts_at": other.starts_at.isoformat(),
                            "ends_at": other.ends_at.isoformat(),
                        }
                    },
                )
    return Conflict("Another appointment overlaps.", "double_booking")


def refuse_second_active_course(patient: Patient, indication: str) -> None:
    """409 while the patient has an active course of the indication (one at a time: a
    course runs until session 8 is recorded or it is ended early with a reason)."""
    running = (
        Course.objects.filter(patient=patient, indication=indication, status=Course.Status.ACTIVE)
        .select_related("protocol")
        .first()
    )
    if running is not None:
        raise Conflict(
            f"The patient is in a {running.protocol.course_name} (booked "
            f"{practice_date(running.created_at)}): one course of an indication at a time. Record "
            "its sessions, or end it early with a reason, before booking another.",
            "active_course",
            {"course": str(running.pk)},
        )


@transaction.atomic
def book_course(
    *,
    actor,
    patient: Patient,
    protocol_code: str,
    clinician_id,
    start: datetime,
    initial_interval_days: int,
    targets: list[str] | tuple[str, ...] = (),
    combinations: list[str] | tuple[str, ...] = (),
    operation_date: date | None = None,
) -> Booked:
    """Books every session of the course, or nothing (409 naming why)."""
    ensure_in_scope(actor, patient)
    protocol = _protocol(protocol_code)
    targets = _check_targets(targets, protocol.indication)
    screening = require_ready(actor, patient, protocol.indication)
    refuse_second_active_course(patient, protocol.indication)
    clinician = _clinician_of(actor, clinician_id)  # ensure_in_scope: a practice's staff
    lock_calendars(clinician.pk, patient.pk)
    plan = _plan(clinician, protocol, start, initial_interval_days, patient.pk)
    if plan.unplaced:
        raise Conflict(
            "Not every session can be placed: "
            + " ".join(f"Session {u.sequence}: {u.reason}" for u in plan.unplaced),
            "course_unplaceable",
            {
                "unplaced": [
                    {
                        "sequence": u.sequence,
                        "ideal_start": u.ideal_start.isoformat(),
                        "reason": u.reason,
                    }
                    for u in plan.unplaced
                ]
            },
        )
    try:
        with transaction.atomic():  # the unique index decides a race between two bookings
            course = Course.objects.create(
                patient=patient,
                protocol=protocol,
                indication=protocol.indication,
                clinician=clinician,
                screening=screening,
                initial_interval_days=initial_interval_days,
                targets=targets,
                combinations=list(dict.fromkeys(combinations)),
                operation_date=operation_date,
                created_by=actor,
            )
    except IntegrityError as exc:
        refuse_second_active_course(patient, protocol.indication)
        raise exc
    appointments = course_appointments(course, plan)
    try:
        with transaction.atomic():  # the exclusion constraint decides a race on PostgreSQL
            created = Appointment.objects.bulk_create(appointments)
    except IntegrityError as exc:
        raise double_booking(
            clinician, [(a.starts_at, a.ends_at) for a in appointments], patient
        ) from exc
    audit.record(
        actor,
        Action.COURSE_BOOK,
        course,
        patient_id=patient.pk,
        summary=f"{protocol.name}: {len(created)} sessions from "
        f"{practice_datetime(plan.sessions[0].start, weekday=True)}",
    )
    return Booked(course, created, plan)


def refuse_outside_hours(actor, clinician, starts_at: datetime, ends_at: datetime) -> None:
    """A 409 `outside_hours` when the clinician does not treat then (closed, absent, not
    working, or the practice not open for the whole appointment), as a move refuses."""
    day = starts_at.astimezone(practice_zone(clinician.practice)).date()
    facts = calendar_facts(actor, [clinician.pk], day, day)
    why = outside_hours(facts, clinician.pk, starts_at, ends_at)
    if why:
        raise Conflict(f"Not booked: {why}", "outside_hours")


def insert_if_free(
    *, clinician, patient: Patient, starts_at: datetime, ends_at: datetime, **fields
) -> Appointment:
    """Creates the appointment, or raises the 409 naming the clinician's or the patient's
    appointment in the way. Under SQLite's write lock the check decides; on PostgreSQL
    the exclusion constraints do, and their IntegrityError becomes the same 409. The
    caller holds lock_calendars."""
    if ends_at - starts_at > LONGEST_APPOINTMENT:
        raise InvalidInput({"ends_at": ["An appointment lasts at most 12 hours."]})
    period = [(starts_at, ends_at)]
    if (
        Appointment.objects.filter(
            Q(clinician=clinician) | Q(patient=patient), overlapping(starts_at, ends_at)
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .exists()
    ):
        raise double_booking(clinician, period, patient)
    try:
        with transaction.atomic():
            return Appointment.objects.create(
                practice_id=patient.practice_id,
                patient=patient,
                clinician=clinician,
                starts_at=starts_at,
                ends_at=ends_at,
                **fields,
            )
    except IntegrityError as exc:
        raise double_booking(clinician, period, patient) from exc


@transaction.atomic
def book_appointment(
    *, actor, patient: Patient, clinician_id, kind: str, starts_at: datetime, ends_at: datetime
) -> Appointment:
    """One appointment outside a course (a consultation, a maintenance session), or a 409
    naming the appointment it would overlap."""
    ensure_in_scope(actor, patient)
    if not works_in_practice(actor):
        raise Conflict("Only practice staff can book appointments.", "not_practice_staff")
    clinician = _clinician_of(actor, clinician_id)
    lock_calendars(clinician.pk, patient.pk)
    if ends_at <= starts_at:
        raise InvalidInput({"ends_at": ["The end must be after the start."]})
    if ends_at - starts_at > LONGEST_APPOINTMENT:
        raise InvalidInput({"ends_at": ["An appointment lasts at most 12 hours."]})
    refusal = horizon_refusal(
        starts_at,
        timezone.now(),
        ahead_days=settings.BOOKING_HORIZON_DAYS,
        back_days=settings.SESSION_BACKDATE_DAYS,
    )
    if refusal:
        raise InvalidInput({"starts_at": [refusal]})
    if starts_at > timezone.now():  # a visit entered afterwards is kept as it happened
        refuse_outside_hours(actor, clinician, starts_at, ends_at)
    appointment = insert_if_free(
        clinician=clinician, patient=patient, kind=kind, starts_at=starts_at, ends_at=ends_at
    )
    zone = practice_zone(patient.practice)
    audit.record(
        actor,
        Action.APPOINTMENT_BOOK,
        appointment,
        patient_id=patient.pk,
        summary=f"{appointment.get_kind_display()} with {clinician.display_name}, "
        f"{practice_datetime(starts_at, zone, weekday=True)}",
    )
    return appointment
