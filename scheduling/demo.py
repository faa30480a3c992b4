"""Demo calendar for `manage.py seed_demo`: opening hours, holidays, default lengths, and
courses around today for the patients who are ready to book, so the calendar is alive on
`make run`. Re-running adds nothing: a patient with a course gets no second one.

Courses that started weeks ago are written from the planner's dates directly (the
booking service books only from now on), their past sessions left for sessions.demo to
record; the rest are booked through the service, as a clinician would.
"""

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction

from mesoplan.clock import practice_today, practice_zone
from mesoplan.roles import Role
from patients.models import Patient
from patients.selectors import latest_screenings, readiness_for
from protocols.models import Protocol
from protocols.planner import plan_course_dates
from scheduling import booking

from .models import Appointment, AppointmentKind, Closure, Course, KindLength, OpeningHours
from .selectors import availability_for

HOURS = {day: [(time(8), time(18))] for day in range(5)} | {5: [(time(9), time(13))]}
LENGTHS = {
    AppointmentKind.COURSE: 45,
    AppointmentKind.MAINTENANCE: 45,
    AppointmentKind.CONSULTATION: 30,
}
START_TIMES = [time(9), time(10), time(11, 30), time(14), time(15, 30)]


def _holidays(around: date) -> list[tuple[date, str]]:
    fixed = [
        (12, 24, "Christmas Eve"),
        (12, 25, "Christmas Day"),
        (12, 26, "Boxing Day"),
        (1, 1, "New Year's Day"),
        (5, 1, "Labour Day"),
        (10, 3, "German Unity Day"),
    ]
    return [
        (date(year, month, day), name)
        for year in (around.year - 1, around.year, around.year + 1)
        for month, day, name in fixed
    ]


def _calendar_settings(practice) -> None:
    if not OpeningHours.objects.filter(practice=practice).exists():
        OpeningHours.objects.bulk_create(
            OpeningHours(practice=practice, weekday=day, opens=opens, closes=closes)
            for day, hours in HOURS.items()
            for opens, closes in hours
        )
    for kind, minutes in LENGTHS.items():
        KindLength.objects.get_or_create(
            practice=practice, kind=kind, defaults={"minutes": minutes}
        )
    today = practice_today(practice)
    for day, name in _holidays(today):
        Closure.objects.get_or_create(practice=practice, day=day, defaults={"reason": name})


def _past_course(clinician, patient, protocol, screening, start) -> Course:
    """A course that began weeks ago (demo only); sessions.demo records its past sessions."""
    availability = availability_for(
        clinician, start - timedelta(days=1), start + timedelta(days=400), patient_id=patient.pk
    )
    plan = plan_course_dates(start, 7, protocol.schedule(), availability)
    course = Course.objects.create(
        patient=patient,
        protocol=protocol,
        indication=protocol.indication,
        clinician=clinician,
        screening=screening,
        initial_interval_days=7,
        created_by=clinician,
    )
    Appointment.objects.bulk_create(booking.course_appointments(course, plan))
    return course


@transaction.atomic
def seed_calendar(staff, seed: int) -> int:
    booked = 0
    for practice in staff.practices:
        _calendar_settings(practice)
        clinicians = list(
            practice.staff.filter(role=Role.CLINICIAN, is_active=True).order_by("username")
        )
        zone = practice_zone(practice)
        today = practice_today(practice)
        patients = list(Patient.objects.filter(practice=practice).order_by("last_name", "pk"))
        with_course = set(
            Course.objects.filter(patient__in=patients).values_list("patient_id", flat=True)
        )
        latest = latest_screenings(clinicians[0], [p.pk for p in patients])
        for index, patient in enumerate(patients):
            if patient.pk in with_course:
                continue
            for indication, gate in readiness_for(patient, latest).items():
                if not gate.is_ready:
                    continue
                protocol = Protocol.objects.get(indication=indication)
                screening = latest[(patient.pk, indication)]
                clinician = clinicians[index % len(clinicians)]
                rng = random.Random(f"{seed}:{patient.pk}")  # the same choices on every run
                at = START_TIMES[rng.randrange(len(START_TIMES))]
                if index % 2:  # began some weeks ago: progress "n of 8"
                    weeks_ago = 1 + rng.randrange(5)
                    start = datetime.combine(today - timedelta(weeks=weeks_ago), at, zone)
                    _past_course(clinician, patient, protocol, screening, start)
                else:
                    start = datetime.combine(
                        today + timedelta(days=1 + rng.randrange(10)), at, zone
                    )
                    try:
                        booking.book_course(
                            actor=clinician,
                            patient=patient,
                            protocol_code=protocol.code,
                            clinician_id=clinician.pk,
                            start=start,
                            initial_interval_days=7,
                        )
                    except Exception:
                        continue
                booked += 1
                break
    return booked


def seed_demo(staff, patients: int, seed: int) -> list[str]:
    """This app's demo data for `manage.py seed_demo`: the lines it prints."""
    booked = seed_calendar(staff, seed)
    return [f"Courses: {booked} new, around today, in both practices."]
