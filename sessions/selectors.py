"""Reads of the calendar that the booking service, the views and the API share."""

from datetime import datetime, time

from django.db.models import QuerySet

from mesoplan.clock import practice_zone
from mesoplan.tenancy import scoped
from protocols.planner import Availability

from .models import (
    Absence,
    Appointment,
    AppointmentStatus,
    Closure,
    Course,
    OpeningHours,
    WorkingHours,
)

# A practice that has not entered its opening hours yet: Monday to Friday, 08:00-18:00.
DEFAULT_OPENING = {day: [(time(8), time(18))] for day in range(5)}


def _intersect(a: list[tuple[time, time]], b: list[tuple[time, time]]) -> list[tuple[time, time]]:
    """The times inside both lists of intervals.

    >>> _intersect([(time(8), time(18))], [(time(7), time(12)), (time(13), time(20))])
    [(datetime.time(8, 0), datetime.time(12, 0)), (datetime.time(13, 0), datetime.time(18, 0))]
    """
    result = []
    for a_start, a_end in a:
        for b_start, b_end in b:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                result.append((start, end))
    return sorted(result)


def availability_for(clinician, since: datetime, until: datetime) -> Availability:
    """When the clinician can treat between `since` and `until`: the practice's opening
    hours narrowed to the clinician's working hours, closures and absences as closed
    days, and the clinician's booked appointments as busy. Five queries, whatever the
    period."""
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
        opening = {day: _intersect(hours, working.get(day, [])) for day, hours in opening.items()}
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
    busy = list(
        Appointment.objects.filter(clinician=clinician, starts_at__lt=until, ends_at__gt=since)
        .exclude(status=AppointmentStatus.CANCELLED)
        .values_list("starts_at", "ends_at")
    )
    return Availability(zone, opening, frozenset(closed), busy)


def courses_for(actor) -> QuerySet[Course]:
    return scoped(Course, actor).select_related("patient__practice", "protocol", "clinician")


def appointments_for(actor) -> QuerySet[Appointment]:
    return scoped(Appointment, actor).select_related("patient", "clinician", "course")
