"""The time the booking pages propose (nothing is booked until the person confirms): a
visit's first free start, in the patient's recall window when they are due for
maintenance; a cancelled course session's, between the sessions before and after it.
Reads the clinician's availability for just those days (selectors.availability_for) and
asks visit_slots.first_free."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from mesoplan.clock import practice_today, practice_zone
from protocols.planner import local

from . import selectors
from .models import Appointment, AppointmentStatus, Course, RecallEntry
from .visit_slots import first_free

# How far a proposal looks when no recall window or next session bounds it.
PROPOSAL_DAYS = 28


def next_quarter_hour(now: datetime, zone) -> datetime:
    """`now` at the practice, up to the next quarter hour: a proposal starts on the grid.

    >>> from zoneinfo import ZoneInfo
    >>> utc = ZoneInfo("UTC")
    >>> f"{next_quarter_hour(datetime(2026, 12, 2, 9, 1, 30, tzinfo=utc), utc):%H:%M}"
    '09:15'
    >>> f"{next_quarter_hour(datetime(2026, 12, 2, 9, 45, tzinfo=utc), utc):%H:%M}"
    '09:45'
    """
    now = now.astimezone(zone).replace(second=0, microsecond=0)
    return now + timedelta(minutes=-now.minute % 15)


def _first_free_between(
    clinician, patient_id, first: date, last: date, length: timedelta, earliest: datetime
) -> datetime | None:
    zone = practice_zone(clinician.practice)
    availability = selectors.availability_for(
        clinician,
        local(first, time(0), zone),
        local(last + timedelta(days=1), time(0), zone),
        patient_id=patient_id,
    )
    return first_free(availability, first, last, length, earliest=earliest)


def visit_start(
    actor, clinician, patient, recall: RecallEntry | None, minutes: int
) -> datetime | None:
    """The first free start for a visit: in the recall window when there is one (from
    today if it is under way), else within the next four weeks."""
    today = practice_today(actor.practice)
    first = max(today, recall.due_from) if recall else today
    last = recall.due_until if recall else today + timedelta(days=PROPOSAL_DAYS)
    if last < first:  # overdue: the next four weeks
        last = first + timedelta(days=PROPOSAL_DAYS)
    earliest = next_quarter_hour(timezone.now(), practice_zone(actor.practice))
    return _first_free_between(
        clinician, patient.pk, first, last, timedelta(minutes=minutes), earliest
    )


def rebook_start(course: Course, cancelled: Appointment, sequence: int) -> datetime | None:
    """The first free start from the cancelled time (or now) that keeps the course's
    order: after the session before ends, ending before the next one starts."""
    zone = practice_zone(course.patient.practice)
    active = list(
        course.appointments.exclude(status=AppointmentStatus.CANCELLED).values_list(
            "sequence", "starts_at", "ends_at"
        )
    )
    before = [ends for number, _, ends in active if (number or 0) < sequence]
    after = [starts for number, starts, _ in active if (number or 0) > sequence]
    length = cancelled.ends_at - cancelled.starts_at
    earliest = max([next_quarter_hour(timezone.now(), zone), cancelled.starts_at, *before])
    limit = min(after) if after else None
    first = earliest.astimezone(zone).date()
    last = limit.astimezone(zone).date() if limit else first + timedelta(days=PROPOSAL_DAYS)
    start = _first_free_between(course.clinician, course.patient_id, first, last, length, earliest)
    if start is None or (limit is not None and start + length > limit):
        return None
    return start
