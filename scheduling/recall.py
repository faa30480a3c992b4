"""Maintenance after a course (DOMAIN.md: every 3 to 6 months, to keep the result) and
the practice's recall list of patients due.

`maintenance_window` is the rule; `update_recall_lists` (a beat task) keeps one recall
entry per finished course and resolves it once a maintenance session is booked.
"""

from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q, Subquery

from mesoplan.clock import practice_zone
from mesoplan.tenancy import scoped
from protocols.planner import add_months

from .models import Appointment, AppointmentKind, AppointmentStatus, Course, RecallEntry

ACTIVE = ~Q(status=AppointmentStatus.CANCELLED)


def maintenance_window(
    last_session_on: date, min_months: int, max_months: int
) -> tuple[date, date]:
    """When the next maintenance session is due after a course's last session.

    >>> maintenance_window(date(2026, 11, 30), 3, 6)
    (datetime.date(2027, 2, 28), datetime.date(2027, 5, 30))
    """
    return add_months(last_session_on, min_months), add_months(last_session_on, max_months)


@transaction.atomic
def update_recall_lists(now: datetime) -> dict:
    """Adds a recall entry for every course whose last session is past (and none is still
    to come), and resolves entries whose patient has a maintenance session booked since
    the course ended. Safe to run twice: at most one entry per course. Four queries."""
    finished = (
        Course.objects.exclude(status=Course.Status.CANCELLED)
        .filter(recall__isnull=True)
        .annotate(
            last_start=Max(
                "appointments__starts_at",
                filter=Q(
                    appointments__status__in=[
                        AppointmentStatus.SCHEDULED,
                        AppointmentStatus.COMPLETED,
                    ]
                ),
            ),
            still_to_come=Exists(
                Appointment.objects.filter(
                    course=OuterRef("pk"), starts_at__gt=now, status=AppointmentStatus.SCHEDULED
                )
            ),
        )
        .filter(last_start__lt=now, still_to_come=False)
        .select_related("protocol", "patient__practice")
    )
    created = []
    for course in finished:
        # The practice's date of the last session: in UTC it may be the day before (UTC+14)
        # or after (UTC-11).
        last_on = course.last_start.astimezone(practice_zone(course.patient.practice)).date()
        due_from, due_until = maintenance_window(
            last_on, course.protocol.maintenance_min_months, course.protocol.maintenance_max_months
        )
        created.append(
            RecallEntry(
                practice_id=course.patient.practice_id,
                patient_id=course.patient_id,
                course=course,
                last_session_on=last_on,
                due_from=due_from,
                due_until=due_until,
            )
        )
    RecallEntry.objects.bulk_create(created, ignore_conflicts=True)
    # Booked after the course's last session, as instants: a date compared in UTC is a
    # day off in a zone far from it.
    last_of_course = (
        Appointment.objects.filter(
            course=OuterRef(OuterRef("course")),
            status__in=[AppointmentStatus.SCHEDULED, AppointmentStatus.COMPLETED],
        )
        .order_by("-starts_at")
        .values("starts_at")[:1]
    )
    booked = Appointment.objects.filter(
        patient=OuterRef("patient"),
        kind=AppointmentKind.MAINTENANCE,
        starts_at__gt=Subquery(last_of_course),
    ).filter(ACTIVE)
    resolved = (
        RecallEntry.objects.filter(resolved_at__isnull=True)
        .filter(Exists(booked))
        .update(resolved_at=now)
    )
    return {"added": len(created), "resolved": resolved}


def recall_due(actor, today: date):
    """The actor's practice's patients due for maintenance (window started, none booked),
    most overdue first."""
    return (
        scoped(RecallEntry, actor)
        .filter(resolved_at__isnull=True, due_from__lte=today)
        .select_related("patient", "course__protocol")
        .order_by("due_from", "id")
    )


def open_recall_of(actor, patient) -> RecallEntry | None:
    """The patient's recall entry still open (due, no maintenance booked), the earliest."""
    return (
        scoped(RecallEntry, actor)
        .filter(patient=patient, resolved_at__isnull=True)
        .select_related("course__protocol")
        .order_by("due_from")
        .first()
    )
