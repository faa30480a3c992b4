"""Reads of the calendar that the services, the views and the API share: appointments,
courses with their progress, clinicians, opening hours, closures, absences and working
hours, and the availability the planner books into."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery

from mesoplan.clock import practice_zone
from mesoplan.models import User
from mesoplan.roles import Role
from mesoplan.tenancy import scoped
from patients.models import Patient
from protocols.planner import Availability

from .calendar_grid import CalendarFacts, intersect
from .course_order import Session
from .models import (
    LONGEST_APPOINTMENT,
    Absence,
    Appointment,
    AppointmentStatus,
    Closure,
    Course,
    KindLength,
    OpeningHours,
    WorkingHours,
)
from .progress import Progress, course_progress

# A practice that has not entered its opening hours yet: Monday to Friday, 08:00-18:00.
DEFAULT_OPENING = {day: [(time(8), time(18))] for day in range(5)}


def overlapping(since: datetime, until: datetime) -> Q:
    """Appointments overlapping the period from `since` to `until`. The lower bound on
    the start (none lasts longer than LONGEST_APPOINTMENT) lets the database read the
    period's stretch of a start-time index instead of every appointment that began
    before `until`, the practice's whole history."""
    return Q(starts_at__lt=until, ends_at__gt=since, starts_at__gt=since - LONGEST_APPOINTMENT)


def availability_for(
    clinician,
    since: datetime,
    until: datetime,
    *,
    ignoring: Iterable = (),
    patient_id=None,
    by_day: bool = False,
) -> Availability:
    """When the clinician can treat between `since` and `until`: the practice's opening
    hours narrowed to the clinician's working hours, closures and absences as closed
    days, and the clinician's booked appointments as busy, with the patient's (a patient
    is in one place at a time) when `patient_id` is given. An appointment counts when it
    overlaps the period, so one that began before `since` still stands in the way; a
    planner's caller passes `protocols.planner.planning_window` (from the largest
    tolerance and a day before the start), never less. Five queries, whatever the
    period; `by_day`: four, and what is busy is read for the days the planner looks at
    (a query per session's window: a few dozen rows each, not the whole period's
    thousands in a full calendar)."""
    practice = clinician.practice
    zone = practice_zone(practice)
    opening: dict[int, list[tuple[time, time]]] = {}
    for row in OpeningHours.objects.filter(practice=practice):
        opening.setdefault(row.weekday, []).append((row.opens, row.closes))
    if not opening:
        opening = {day: list(hours) for day, hours in DEFAULT_OPENING.items()}
    working: dict[int, list[tuple[time, time]]] = {}
    for row in WorkingHours.objects.filter(clinician=clinician):
        working.setdefault(row.weekday, []).append((row.starts, row.ends))
    if working:
        opening = {day: intersect(hours, working.get(day, [])) for day, hours in opening.items()}
    first, last = since.astimezone(zone).date(), until.astimezone(zone).date()
    closed = set(
        Closure.objects.filter(practice=practice, day__range=(first, last)).values_list(
            "day", flat=True
        )
    )
    for absence in Absence.objects.filter(
        clinician=clinician, starts_on__lte=last, ends_on__gte=first
    ):
        day = max(absence.starts_on, first)
        while day <= min(absence.ends_on, last):
            closed.add(day)
            day = day.fromordinal(day.toordinal() + 1)
    whose = (
        Q(clinician=clinician) | Q(patient_id=patient_id) if patient_id else Q(clinician=clinician)
    )
    ignored = list(ignoring)  # appointments being moved do not stand in their way

    def busy_between(begins: datetime, ends: datetime) -> list[tuple[datetime, datetime]]:
        return list(
            Appointment.objects.filter(whose, overlapping(begins, ends))
            .exclude(status=AppointmentStatus.CANCELLED)
            .exclude(pk__in=ignored)
            .values_list("starts_at", "ends_at")
        )

    if by_day:

        def read_busy(first_day: date, last_day: date) -> list[tuple[datetime, datetime]]:
            return busy_between(
                datetime.combine(first_day, time.min, zone),
                datetime.combine(last_day + timedelta(days=1), time.min, zone),
            )

        return Availability(zone, opening, frozenset(closed), read_busy=read_busy)
    return Availability(zone, opening, frozenset(closed), busy_between(since, until))


def courses_for(actor) -> QuerySet[Course]:
    return scoped(Course, actor).select_related("patient__practice", "protocol", "clinician")


def appointments_for(actor) -> QuerySet[Appointment]:
    return scoped(Appointment, actor).select_related("patient", "clinician", "course")


def appointment_rows(actor) -> QuerySet[Appointment]:
    """The actor's appointments alone, without their patients, clinicians and courses
    (the API's list names them by id)."""
    return scoped(Appointment, actor)


def clinicians_for(actor) -> QuerySet[User]:
    """The practice's active clinicians, in the order calendars list them."""
    return (
        User.objects.for_actor(actor)
        .filter(role=Role.CLINICIAN, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def opening_hours_of(actor) -> dict[int, list[tuple[time, time]]]:
    """The practice's opening hours per weekday as entered (empty when none are)."""
    opening: dict[int, list[tuple[time, time]]] = {}
    for row in scoped(OpeningHours, actor):
        opening.setdefault(row.weekday, []).append((row.opens, row.closes))
    return opening


def calendar_facts(actor, clinician_ids: Sequence, first: date, last: date) -> CalendarFacts:
    """Opening hours, closures, working hours and absences from `first` to `last` for
    the calendar pages: four queries, whatever the period and however many clinicians."""
    opening = opening_hours_of(actor) or {d: list(h) for d, h in DEFAULT_OPENING.items()}
    closures = dict(
        scoped(Closure, actor).filter(day__range=(first, last)).values_list("day", "reason")
    )
    working = working_hours_by_clinician(actor, clinician_ids)
    absences: dict = {}
    for absence in scoped(Absence, actor).filter(
        clinician_id__in=clinician_ids, starts_on__lte=last, ends_on__gte=first
    ):
        day = max(absence.starts_on, first)
        while day <= min(absence.ends_on, last):
            absences.setdefault(absence.clinician_id, {})[day] = absence.reason
            day += timedelta(days=1)
    return CalendarFacts(practice_zone(actor.practice), opening, closures, working, absences)


# A calendar shows a patient's name and nothing else of them (a page test holds it to
# that): reading their other columns, the phone parsed into a PhoneNumber per row above
# all, was a third of reading a full practice's day (issue 16).
_NOT_ON_A_CALENDAR = [
    f"patient__{field.name}"
    for field in Patient._meta.concrete_fields
    if field.name not in ("id", "first_name", "last_name")
]


def calendar_appointments(
    actor, *, since: datetime, until: datetime, clinician_ids: Sequence | None = None
) -> QuerySet[Appointment]:
    """Appointments overlapping the period (cancelled ones too), with what a calendar
    shows of them: the patient's name and the course with its protocol. Not the
    clinician: a calendar has them as its columns already, and joined they were a User
    instance per appointment (a practice's day has 500-600)."""
    appointments = (
        scoped(Appointment, actor)
        .filter(overlapping(since, until))
        .select_related("patient", "course__protocol")
        .defer(*_NOT_ON_A_CALENDAR)
        .order_by("starts_at", "id")
    )
    if clinician_ids is not None:
        appointments = appointments.filter(clinician_id__in=clinician_ids)
    return appointments


def progress_of(courses: Iterable[Course]) -> dict:
    """{course id: Progress} for the given courses (their protocol loaded), in one query."""
    by_id = {course.pk: course for course in courses}
    if not by_id:
        return {}
    counts: dict = {}
    rows = (
        Appointment.objects.filter(course_id__in=list(by_id))
        .values("course_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts.setdefault(row["course_id"], {})[row["status"]] = row["n"]
    return {
        pk: course_progress(counts.get(pk, {}), course.protocol.session_count)
        for pk, course in by_id.items()
    }


def patient_courses(actor, patient: Patient, now: datetime) -> list[tuple[Course, Progress]]:
    """The patient's courses, newest first, each with its progress, `next_start` (the
    next booked session) and `next_id`/`next_at` (the next session to record, by the
    course's order): one query."""
    scheduled = Q(appointments__status=AppointmentStatus.SCHEDULED)
    courses = (
        courses_for(actor)
        .filter(patient=patient)
        .annotate(
            done=Count("appointments", filter=Q(appointments__status=AppointmentStatus.COMPLETED)),
            booked=Count("appointments", filter=scheduled),
            next_start=Min(
                "appointments__starts_at", filter=scheduled & Q(appointments__starts_at__gte=now)
            ),
            next_id=Subquery(_next_to_record().values("pk")[:1]),
            next_at=Subquery(_next_to_record().values("starts_at")[:1]),
        )
    )
    return [
        (course, Progress(course.done, course.booked, course.protocol.session_count))  # type: ignore[attr-defined]
        for course in courses
    ]


def kind_lengths_of(actor) -> dict[str, int]:
    """The practice's default length per appointment kind, in minutes, as entered."""
    return dict(scoped(KindLength, actor).values_list("kind", "minutes"))


def upcoming_closures(actor, today: date) -> QuerySet[Closure]:
    return scoped(Closure, actor).filter(day__gte=today).order_by("day")


def upcoming_absences(actor, today: date, clinician_ids: Sequence | None = None):
    absences = scoped(Absence, actor).filter(ends_on__gte=today).order_by("starts_on", "id")
    if clinician_ids is not None:
        absences = absences.filter(clinician_id__in=clinician_ids)
    return absences


def working_hours_by_clinician(actor, clinician_ids: Sequence) -> dict:
    """{clinician id: {weekday: [(starts, ends)]}} for clinicians who entered hours."""
    working: dict = {}
    for row in scoped(WorkingHours, actor).filter(clinician_id__in=clinician_ids):
        working.setdefault(row.clinician_id, {}).setdefault(row.weekday, []).append(
            (row.starts, row.ends)
        )
    return working


def course_sessions(appointment: Appointment) -> list[Session]:
    """The other appointments of the appointment's course, as the order rule reads them
    (scheduling.course_order): one query, none for an appointment outside a course."""
    if appointment.course_id is None:
        return []
    rows = (
        Appointment.objects.filter(course_id=appointment.course_id)
        .exclude(pk=appointment.pk)
        .values_list("sequence", "status", "starts_at", "ends_at")
    )
    return [Session(*row) for row in rows]


@dataclass(frozen=True)
class RunningCourse:
    """A patient's active course of an indication, as the record and the list show it:
    "In course: 3 of 8", and the next planned session."""

    course_id: UUID
    done: int
    total: int
    next_appointment_id: UUID | None
    next_start: datetime | None


def _next_to_record():
    """The course's next planned session (a subquery of the course in the outer query)."""
    return Appointment.objects.filter(
        course=OuterRef("pk"), status=AppointmentStatus.SCHEDULED
    ).order_by("sequence", "starts_at")


def running_of(course: Course) -> RunningCourse:
    """The RunningCourse of a course read with running_courses' or patient_courses'
    annotations."""
    return RunningCourse(
        course.pk,
        course.done,  # type: ignore[attr-defined]
        course.protocol.session_count,
        course.next_id,  # type: ignore[attr-defined]
        course.next_at,  # type: ignore[attr-defined]
    )


def running_courses(actor, patient_ids: Sequence) -> dict:
    """{patient id: {indication: RunningCourse}} of the patients' active courses, in one
    query however many patients (a page of the list)."""
    if not patient_ids:
        return {}
    courses = (
        courses_for(actor)
        .filter(patient_id__in=list(patient_ids), status=Course.Status.ACTIVE)
        .annotate(
            done=Count("appointments", filter=Q(appointments__status=AppointmentStatus.COMPLETED)),
            next_id=Subquery(_next_to_record().values("pk")[:1]),
            next_at=Subquery(_next_to_record().values("starts_at")[:1]),
        )
    )
    found: dict = {}
    for course in courses:
        found.setdefault(course.patient_id, {})[course.indication] = running_of(course)
    return found
