"""Where each simulated clinician of `make load` books (load/locustfile.py): a calendar
territory of its own, so no two simulated users collide and a 409 is never the test's.

Consultations: the n-th user takes every USERS_MAX-th open weekday from 260 days ahead
(after every course the run books has ended), hourly from 09:00, moved half an hour later
within that hour. Courses start where none of their bi-weekly sessions comes near a
closure (the planner moves those by one day at most: around Christmas it cannot). Recorded sessions: night-time moments (01:00-04:00 UTC) on six days
of its own in the past, where no demo appointment is.
"""

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Berlin")
USERS_MAX = 50  # territories are disjoint for user numbers below this
HOLIDAYS = {(12, 24), (12, 25), (12, 26), (1, 1), (5, 1), (10, 3)}  # the demo's closures
HORIZON_DAYS = 725  # inside BOOKING_HORIZON_DAYS (730)
CONSULTATIONS_FROM_DAYS = 260
# The demo's protocols (protocols/models.py defaults): sessions 1-4 every 14 days (this
# run's choice), moved at most a day off a closed day; 5-8 monthly.
INTERVAL_DAYS = 14
INITIAL_SESSIONS = 4
INITIAL_TOLERANCE_DAYS = 1
NIGHTS_PER_USER = 6
RECORDINGS_PER_NIGHT = 4


def open_weekdays(start: date) -> Iterator[date]:
    day = start
    while True:
        if day.weekday() < 5 and (day.month, day.day) not in HOLIDAYS:
            yield day
        day += timedelta(days=1)


def consultation_slots(number: int, today: date) -> Iterator[datetime]:
    """The user's consultation start times, in order, until its days run out."""
    first = today + timedelta(days=CONSULTATIONS_FROM_DAYS)
    days = itertools.islice(open_weekdays(first), number, None, USERS_MAX)
    for day in days:
        if day > today + timedelta(days=HORIZON_DAYS):
            return
        for hour in range(9, 17):
            yield datetime(day.year, day.month, day.day, hour, tzinfo=ZONE)


def near_a_closure(day: date) -> bool:
    return any(
        ((day + timedelta(days=off)).month, (day + timedelta(days=off)).day) in HOLIDAYS
        for off in range(-INITIAL_TOLERANCE_DAYS, INITIAL_TOLERANCE_DAYS + 1)
    )


def course_start(number: int, courses: int, today: date) -> datetime:
    """Session 1 of the user's next course: 10:00 on an open weekday 2-62 days ahead
    whose bi-weekly sessions all fall clear of closures (the planner places every session
    around everyone else's appointments)."""
    for day in open_weekdays(today + timedelta(days=2 + (number + courses) % 60)):
        initial = [day + timedelta(days=INTERVAL_DAYS * k) for k in range(INITIAL_SESSIONS)]
        if not any(near_a_closure(session) for session in initial):
            return datetime(day.year, day.month, day.day, 10, tzinfo=ZONE)
    raise AssertionError("unreachable: open_weekdays never ends")


def recorded_at(number: int, recorded: int, now: datetime) -> datetime | None:
    """When the user's next recorded session was performed, or None when its nights are
    used up."""
    if recorded >= NIGHTS_PER_USER * RECORDINGS_PER_NIGHT:
        return None
    night = now.astimezone(UTC).replace(hour=1, minute=0, second=0, microsecond=0)
    night -= timedelta(days=20 + number * NIGHTS_PER_USER + recorded // RECORDINGS_PER_NIGHT)
    return night + timedelta(hours=recorded % RECORDINGS_PER_NIGHT)
