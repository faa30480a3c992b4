"""The course planner: the dates of a course's sessions (DOMAIN.md, "The course:
schedule"), as a pure function of the schedule, the chosen start and what is free.

- Session 1 at the chosen start; sessions 2 to 4 each `interval_days` (7 or 14) after the
  one before; sessions 5 to 8 each one calendar month after the one before, on the same
  day of month (clamped to the month's last day), at the same local time of day.
- A date on a closed day or a busy slot moves to the nearest free slot: within 1 day for
  the weekly part, within 3 days for the monthly part (both from the schedule). If none
  is free, the plan names the session and why, instead of double-booking.

Times are wall-clock times in the practice's zone, so a course keeps its 10:00 across
the change to and from summer time. Nothing here reads the database or the clock.
"""

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SLOT_STEP = timedelta(minutes=15)  # candidate starts when a session must move


@dataclass(frozen=True)
class Schedule:
    """A protocol's schedule, as stored on the protocol (editable data)."""

    session_count: int = 8
    initial_sessions: int = 4  # weekly or bi-weekly: sessions 1..initial_sessions
    interval_choices: tuple[int, ...] = (7, 14)
    months_between_later_sessions: int = 1
    initial_tolerance_days: int = 1
    later_tolerance_days: int = 3
    session_minutes: int = 45


@dataclass(frozen=True)
class Availability:
    """When the clinician can treat: opening hours per weekday (0 = Monday) as local
    (start, end) times, already narrowed to the clinician's working hours; closed dates
    (holidays, absences); and busy periods (aware datetimes, e.g. booked appointments)."""

    zone: ZoneInfo
    opening: Mapping[int, Sequence[tuple[time, time]]]
    closed: frozenset[date] = frozenset()
    busy: Sequence[tuple[datetime, datetime]] = ()


@dataclass(frozen=True)
class PlannedSession:
    sequence: int
    ideal_start: datetime  # where the schedule puts it
    start: datetime  # where it is booked (the ideal, or the nearest free slot)
    end: datetime

    @property
    def moved(self) -> bool:
        return self.start != self.ideal_start


@dataclass(frozen=True)
class Unplaced:
    sequence: int
    ideal_start: datetime
    reason: str


@dataclass(frozen=True)
class CoursePlan:
    sessions: tuple[PlannedSession, ...]
    unplaced: tuple[Unplaced, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def is_complete(self) -> bool:
        return not self.unplaced


class PlanningError(ValueError):
    """The request itself is impossible (an interval the protocol does not offer)."""


def add_months(day: date, months: int) -> date:
    """The same day of month `months` later, clamped to the month's last day.

    >>> add_months(date(2026, 1, 31), 1), add_months(date(2027, 11, 30), 3)
    (datetime.date(2026, 2, 28), datetime.date(2028, 2, 29))
    """
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def local(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The aware datetime of a wall-clock time at the practice (a time that does not
    exist on a spring-forward night moves forward by the gap)."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone)
    return aware.astimezone(ZoneInfo("UTC")).astimezone(zone)


def _overlaps(start: datetime, end: datetime, periods: Iterable[tuple[datetime, datetime]]) -> bool:
    return any(start < other_end and other_start < end for other_start, other_end in periods)


def is_free(start: datetime, length: timedelta, availability: Availability, taken) -> bool:
    """Within opening hours on an open day, and overlapping nothing busy or taken."""
    local_start = start.astimezone(availability.zone)
    end = start + length
    local_end = end.astimezone(availability.zone)
    if local_start.date() in availability.closed or local_end.date() != local_start.date():
        return False
    hours = availability.opening.get(local_start.weekday(), ())
    fits = any(
        opens <= local_start.time() and local_end.time() <= closes for opens, closes in hours
    )
    return (
        fits and not _overlaps(start, end, availability.busy) and not _overlaps(start, end, taken)
    )


def nearest_free(
    ideal: datetime,
    length: timedelta,
    tolerance_days: int,
    availability: Availability,
    taken: Sequence[tuple[datetime, datetime]],
) -> datetime | None:
    """The free start nearest to `ideal` within `tolerance_days` either side, on a
    15-minute grid of local times: the nearest day first, then the nearest time of day
    on it (a course keeps its time of day where it can), a tie going to the later one."""
    if is_free(ideal, length, availability, taken):
        return ideal
    zone = availability.zone
    ideal_local = ideal.astimezone(zone)
    ideal_minutes = ideal_local.hour * 60 + ideal_local.minute
    best: tuple[tuple, datetime] | None = None
    for offset in range(-tolerance_days, tolerance_days + 1):
        day = ideal_local.date() + timedelta(days=offset)
        if day in availability.closed:
            continue
        for opens, closes in availability.opening.get(day.weekday(), ()):
            slot = datetime.combine(day, opens)
            while slot.time() < closes and slot.date() == day:
                candidate = local(day, slot.time(), zone)
                slot += SLOT_STEP
                if not is_free(candidate, length, availability, taken):
                    continue
                minutes = candidate.hour * 60 + candidate.minute
                rank = (abs(offset), abs(minutes - ideal_minutes), -candidate.timestamp())
                if best is None or rank < best[0]:
                    best = (rank, candidate)
    return best[1] if best else None


def _why_not(ideal: datetime, tolerance_days: int | None, availability: Availability) -> str:
    """Why nothing was placed; `tolerance_days` None for a time chosen exactly."""
    day = ideal.astimezone(availability.zone).date()
    if tolerance_days is None:
        tail = "."
    else:
        tail = (
            f" and no slot is free within {tolerance_days} day{'s' if tolerance_days != 1 else ''}."
        )
    if day in availability.closed:
        return f"{day:%d %b %Y} is closed{tail}"
    if not availability.opening.get(day.weekday()):
        return f"The practice is closed on {day:%A}s{tail}"
    if tolerance_days is None:
        return (
            f"At {ideal:%d %b %Y %H:%M} the clinician or the patient is busy, or the practice "
            "is not open for the whole session."
        )
    return f"The clinician or the patient is busy at {ideal:%d %b %Y %H:%M}{tail}"


def plan_course_dates(
    start: datetime,
    interval_days: int,
    schedule: Schedule,
    availability: Availability,
    *,
    first_sequence: int = 1,
    exact_first: bool = False,
) -> CoursePlan:
    """Every session's date, moved where it must be, or the reason it cannot be placed.

    From `first_sequence` on (a rescheduled session and the ones after it), that session
    at `start`; with `exact_first` it must be free at exactly that time (the clinician
    chose it), otherwise it too may move within its tolerance.

    >>> from zoneinfo import ZoneInfo
    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> open_all_week = {d: [(time(8), time(18))] for d in range(7)}
    >>> plan = plan_course_dates(datetime(2026, 3, 2, 10, tzinfo=berlin), 7, Schedule(),
    ...                          Availability(berlin, open_all_week))
    >>> [f"{s.start:%d %b %H:%M}" for s in plan.sessions]
    ['02 Mar 10:00', '09 Mar 10:00', '16 Mar 10:00', '23 Mar 10:00', '23 Apr 10:00', \
'23 May 10:00', '23 Jun 10:00', '23 Jul 10:00']
    """
    if interval_days not in schedule.interval_choices:
        choices = " or ".join(str(c) for c in schedule.interval_choices)
        raise PlanningError(f"The interval is {choices} days for this protocol.")
    zone = availability.zone
    start = start.astimezone(zone)
    at = start.time().replace(tzinfo=None)
    length = timedelta(minutes=schedule.session_minutes)
    sessions: list[PlannedSession] = []
    unplaced: list[Unplaced] = []
    taken: list[tuple[datetime, datetime]] = []
    previous = start.date()
    # The monthly part keeps the day of month of the session it counts from.
    anchor: date | None = None
    anchor_sequence = 0
    if first_sequence > schedule.initial_sessions:
        anchor, anchor_sequence = start.date(), first_sequence
    for sequence in range(first_sequence, schedule.session_count + 1):
        if sequence == first_sequence:
            day = start.date()
        elif sequence <= schedule.initial_sessions:
            day = previous + timedelta(days=interval_days)
        else:
            if anchor is None:
                anchor, anchor_sequence = previous, sequence - 1
            months = (sequence - anchor_sequence) * schedule.months_between_later_sessions
            day = add_months(anchor, months)
        ideal = local(day, at, zone)
        tolerance = (
            schedule.initial_tolerance_days
            if sequence <= schedule.initial_sessions
            else schedule.later_tolerance_days
        )
        if exact_first and sequence == first_sequence:
            # The clinician chose this time: free at exactly it, or not placed (never another
            # time of the same day while the move says the chosen one).
            placed = ideal if is_free(ideal, length, availability, taken) else None
        else:
            placed = nearest_free(ideal, length, tolerance, availability, taken)
        if placed is None:
            exact = exact_first and sequence == first_sequence
            why = _why_not(ideal, None if exact else tolerance, availability)
            unplaced.append(Unplaced(sequence, ideal, why))
            previous = day
            continue
        sessions.append(PlannedSession(sequence, ideal, placed, placed + length))
        taken.append((placed, placed + length))
        previous = placed.astimezone(zone).date()
    return CoursePlan(tuple(sessions), tuple(unplaced))
