"""The course planner: the dates of a course's sessions (DOMAIN.md, "The course:
schedule"), as a pure function of the schedule, the chosen start and what is free.

- Session 1 at the chosen start; sessions 2 to 4 each `interval_days` (7 or 14) after the
  one before as booked; sessions 5 to 8 each one calendar month after the one before as
  booked (its local date, clamped to the month's last day), at the course's time of day.
- A session whose time is not free moves to the nearest free time: the nearest day
  within 1 day for the weekly part, 3 days for the monthly part (both from the schedule),
  then the time nearest the course's time of day on it. The first session only ever
  moves later (the chosen start is the earliest the patient wants), and no session
  starts before the one before it ends or before `not_before` (now). If nothing is
  free, the plan names the session and why, instead of double-booking.

Times of day are wall-clock times in the practice's zone, so a course keeps its 10:00
across the change to and from summer time; lengths are real time. Python's arithmetic
and comparisons of two datetimes with the same tzinfo are wall-clock ones (a 45-minute
session across the autumn change would last 105 minutes), so everything here is computed
in UTC and only shown in the zone. Nothing here reads the database or the clock.
"""

import calendar
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from zoneinfo import ZoneInfo

from mesoplan.date_display import practice_date, practice_datetime, practice_weekday

Period = tuple[datetime, datetime]


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
    (holidays, absences); and busy periods (aware datetimes, e.g. booked appointments),
    given, or read by `read_busy(first, last)` for the local days the plan looks at (a
    caller's port to its calendar: the planner asks for a session's few days at a time,
    never for half a year of a full calendar)."""

    zone: ZoneInfo
    opening: Mapping[int, Sequence[tuple[time, time]]]
    closed: frozenset[date] = frozenset()
    busy: Sequence[tuple[datetime, datetime]] = ()
    read_busy: Callable[[date, date], Iterable[Period]] | None = field(default=None, compare=False)

    @cached_property
    def _busy_by_day(self) -> dict[date, dict[Period, None]]:
        """The busy periods (in UTC) under each local date they touch, built once: a day
        is compared with its own few periods, never with a half year's (a full calendar
        has thousands)."""
        by_day: dict[date, dict[Period, None]] = {}
        self._file(self.busy, by_day)
        return by_day

    @cached_property
    def _days_read(self) -> set[date]:
        return set()

    def _file(self, periods: Iterable[Period], by_day: dict[date, dict[Period, None]]) -> None:
        for start, end in periods:
            period = (_utc(start), _utc(end))
            day, last = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
            while day <= last:
                by_day.setdefault(day, {})[period] = None
                day += timedelta(days=1)

    def read_days(self, first: date, last: date) -> None:
        """Reads what is busy on the local days from `first` to `last` (those not read
        yet) in one call of `read_busy`; nothing without it."""
        if self.read_busy is None:
            return
        missing = [
            first + timedelta(days=n)
            for n in range((last - first).days + 1)
            if first + timedelta(days=n) not in self._days_read
        ]
        if not missing:
            return
        self._file(self.read_busy(missing[0], missing[-1]), self._busy_by_day)
        self._days_read.update(
            missing[0] + timedelta(days=n) for n in range((missing[-1] - missing[0]).days + 1)
        )

    def busy_on(self, day: date) -> list[Period]:
        """The busy periods (in UTC) that touch the local `day`.

        >>> berlin = ZoneInfo("Europe/Berlin")
        >>> late = (datetime(2026, 9, 8, 23, tzinfo=berlin), datetime(2026, 9, 9, 1, tzinfo=berlin))
        >>> hours = Availability(berlin, {}, busy=[late])
        >>> [len(hours.busy_on(date(2026, 9, d))) for d in (7, 8, 9, 10)]
        [0, 1, 1, 0]
        """
        self.read_days(day, day)
        return list(self._busy_by_day.get(day, ()))

    def busy_between(self, start: datetime, end: datetime) -> list[Period]:
        """The busy periods (in UTC) touching the local days from `start` to `end`."""
        day, last = start.astimezone(self.zone).date(), end.astimezone(self.zone).date()
        found: dict[Period, None] = {}
        while day <= last:
            found.update(dict.fromkeys(self.busy_on(day)))
            day += timedelta(days=1)
        return list(found)


@dataclass(frozen=True)
class PlannedSession:
    sequence: int
    ideal_start: datetime  # where the schedule puts it
    start: datetime  # where it is booked (the ideal, or the nearest free slot)
    end: datetime

    @property
    def moved(self) -> bool:
        return self.start.timestamp() != self.ideal_start.timestamp()


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
    return aware.astimezone(UTC).astimezone(zone)


def session_end(start: datetime, length: timedelta) -> datetime:
    """When a session of `length` starting at `start` ends, in real time, in the start's
    zone (adding to an aware datetime directly is wall-clock arithmetic).

    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> start = datetime(2026, 10, 25, 2, 30, tzinfo=berlin)  # summer time, clocks go back at 3
    >>> f"{session_end(start, timedelta(minutes=45)):%H:%M %Z}", f"{start + timedelta(minutes=45):%H:%M %Z}"
    ('02:15 CET', '03:15 CET')
    """
    return (start.astimezone(UTC) + length).astimezone(start.tzinfo)


def planning_window(start: datetime, schedule: Schedule) -> Period:
    """Everything a plan from `start` may look at (to load what is busy): from the largest
    tolerance and a day before it to the latest the last session can end.

    >>> since, until = planning_window(datetime(2026, 3, 2, 10, tzinfo=UTC), Schedule())
    >>> f"{since:%d %b %Y}", f"{until:%d %b %Y}"
    ('26 Feb 2026', '10 Sep 2026')
    """
    tolerance = max(schedule.initial_tolerance_days, schedule.later_tolerance_days)
    weekly_days = (schedule.initial_sessions - 1) * max(schedule.interval_choices, default=0)
    monthly_days = (
        (schedule.session_count - schedule.initial_sessions)
        * schedule.months_between_later_sessions
        * 31
    )
    span = weekly_days + monthly_days + schedule.session_count * tolerance + 2
    return start - timedelta(days=tolerance + 1), start + timedelta(days=span)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)


def _overlaps(start: datetime, end: datetime, periods: Iterable[Period]) -> bool:
    begin, finish = _utc(start), _utc(end)
    return any(
        begin < _utc(other_end) and _utc(other_start) < finish for other_start, other_end in periods
    )


def free_windows(
    day: date,
    availability: Availability,
    taken: Iterable[Period] = (),
    earliest: datetime | None = None,
) -> list[Period]:
    """The free periods (in UTC) of a local day: its opening intervals minus what is busy
    or taken, from `earliest` on.

    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> busy = [(datetime(2026, 9, 8, 9, tzinfo=berlin), datetime(2026, 9, 8, 10, 50, tzinfo=berlin))]
    >>> hours = Availability(berlin, {1: [(time(8), time(12))]}, busy=busy)
    >>> [f"{s.astimezone(berlin):%H:%M}-{e.astimezone(berlin):%H:%M}" for s, e in free_windows(date(2026, 9, 8), hours)]
    ['08:00-09:00', '10:50-12:00']
    """
    if day in availability.closed:
        return []
    blocked = [*availability.busy_on(day), *((_utc(s), _utc(e)) for s, e in taken)]
    free: list[Period] = []
    for opens, closes in availability.opening.get(day.weekday(), ()):
        cursor = _utc(local(day, opens, availability.zone))
        until = _utc(local(day, closes, availability.zone))
        if earliest is not None:
            cursor = max(cursor, _utc(earliest))
        for other_start, other_end in sorted(p for p in blocked if p[0] < until and cursor < p[1]):
            if cursor < other_start:
                free.append((cursor, other_start))
            cursor = max(cursor, other_end)
        if cursor < until:
            free.append((cursor, until))
    return free


def is_free(
    start: datetime, length: timedelta, availability: Availability, taken: Iterable[Period] = ()
) -> bool:
    """Within opening hours on an open day, and overlapping nothing busy or taken."""
    day = start.astimezone(availability.zone).date()
    begin = _utc(start)
    return any(
        opens <= begin and begin + length <= closes
        for opens, closes in free_windows(day, availability, taken)
    )


def nearest_free(
    ideal: datetime,
    length: timedelta,
    tolerance_days: int,
    availability: Availability,
    taken: Sequence[Period] = (),
    *,
    earliest: datetime | None = None,
) -> datetime | None:
    """The free start nearest to `ideal` within `tolerance_days` either side, never before
    `earliest`: the nearest day first, then the time nearest the ideal's time of day on
    it (its free windows, exactly: no grid), a tie going to the later one.

    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> busy = [(datetime(2026, 9, 8, 8, tzinfo=berlin), datetime(2026, 9, 8, 10, 50, tzinfo=berlin)),
    ...         (datetime(2026, 9, 8, 11, 40, tzinfo=berlin), datetime(2026, 9, 8, 18, tzinfo=berlin))]
    >>> hours = Availability(berlin, {1: [(time(8), time(18))]}, busy=busy)
    >>> f"{nearest_free(datetime(2026, 9, 8, 10, tzinfo=berlin), timedelta(minutes=45), 1, hours):%H:%M}"
    '10:50'
    """
    zone = availability.zone
    ideal_local = ideal.astimezone(zone)
    at = ideal_local.time()
    best: tuple[tuple, datetime] | None = None
    window = timedelta(days=tolerance_days)
    availability.read_days(ideal_local.date() - window, ideal_local.date() + window)
    for offset in range(-tolerance_days, tolerance_days + 1):
        day = ideal_local.date() + timedelta(days=offset)
        wanted = _utc(ideal) if offset == 0 else _utc(local(day, at, zone))
        for opens, closes in free_windows(day, availability, taken, earliest):
            if closes - opens < length:
                continue
            candidate = min(max(wanted, opens), closes - length)
            rank = (abs(offset), abs(candidate - wanted), -candidate.timestamp())
            if best is None or rank < best[0]:
                best = (rank, candidate)
    return best[1].astimezone(zone) if best else None


def _why_not(
    ideal: datetime,
    length: timedelta,
    tolerance_days: int | None,
    availability: Availability,
    taken: Sequence[Period],
    *,
    previous_end: datetime | None = None,
    not_before: datetime | None = None,
    only_later: bool = False,
) -> str:
    """Why nothing was placed, the first thing in the way of `ideal` named (each reason
    only when it holds); `tolerance_days` None for a time chosen exactly."""
    zone = availability.zone
    ideal = ideal.astimezone(zone)
    day = ideal.date()
    if tolerance_days is None:
        tail = "."
    else:
        plural = "s" if tolerance_days != 1 else ""
        later = " later" if only_later else ""
        # A schedule without tolerance moves a session within its own day only.
        span = "that day" if tolerance_days == 0 else f"within {tolerance_days} day{plural}"
        tail = f" and no{later} slot is free {span}."
    when = practice_datetime(ideal)
    begin = _utc(ideal)
    end = begin + length
    hours = availability.opening.get(day.weekday(), ())
    if day in availability.closed:
        return f"{practice_date(day)} is closed{tail}"
    if not hours:
        return f"The practice is closed on {practice_weekday(day)}s{tail}"
    if not_before is not None and begin < _utc(not_before):
        return f"{when} has passed{tail}"
    if previous_end is not None and begin < _utc(previous_end):
        return f"At {when} the session before it has not ended{tail}"
    if not any(
        _utc(local(day, opens, zone)) <= begin and end <= _utc(local(day, closes, zone))
        for opens, closes in hours
    ):
        return f"At {when} the practice is not open for the whole session{tail}"
    if _overlaps(begin, end, availability.busy_between(begin, end)):
        return f"The clinician or the patient is busy at {when}{tail}"
    if _overlaps(begin, end, taken):
        return f"Another session of this course is at {when}{tail}"
    return f"No slot is free at {when}{tail}"  # not reached: a free ideal is placed


def plan_course_dates(
    start: datetime,
    interval_days: int,
    schedule: Schedule,
    availability: Availability,
    *,
    first_sequence: int = 1,
    exact_first: bool = False,
    not_before: datetime | None = None,
) -> CoursePlan:
    """Every session's date, moved where it must be, or the reason it cannot be placed.

    From `first_sequence` on (a rescheduled session and the ones after it), that session
    at `start`; with `exact_first` it must be free at exactly that time (the clinician
    chose it), otherwise it may move later (never earlier) within its tolerance. No
    session starts before `not_before` (the caller's now) or before the one before it ends.

    >>> from zoneinfo import ZoneInfo
    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> open_all_week = {d: [(time(8), time(18))] for d in range(7)}
    >>> plan = plan_course_dates(datetime(2026, 3, 2, 10, tzinfo=berlin), 7, Schedule(),
    ...                          Availability(berlin, open_all_week))
    >>> [f"{s.start:%d %b %H:%M}" for s in plan.sessions]
    ['02 Mar 10:00', '09 Mar 10:00', '16 Mar 10:00', '23 Mar 10:00', '23 Apr 10:00', \
'23 May 10:00', '23 Jun 10:00', '23 Jul 10:00']

    Each monthly session counts from the one before as booked: 23 May is closed, so session 6
    moves to the 24th (a tie goes to the later day), and the next is one month after that.

    >>> closed = Availability(berlin, open_all_week, closed=frozenset({date(2026, 5, 23)}))
    >>> plan = plan_course_dates(datetime(2026, 3, 2, 10, tzinfo=berlin), 7, Schedule(), closed)
    >>> [f"{s.start:%d %b %H:%M}" for s in plan.sessions][4:]
    ['23 Apr 10:00', '24 May 10:00', '24 Jun 10:00', '24 Jul 10:00']
    """
    if interval_days not in schedule.interval_choices:
        choices = " or ".join(str(c) for c in schedule.interval_choices)
        raise PlanningError(f"The interval is {choices} days for this protocol.")
    zone = availability.zone
    start = start.astimezone(zone)
    at = start.time()  # the course's wall-clock time of day
    length = timedelta(minutes=schedule.session_minutes)
    sessions: list[PlannedSession] = []
    unplaced: list[Unplaced] = []
    taken: list[Period] = []
    previous = start.date()  # the local date the next session counts from
    previous_end: datetime | None = None  # the end of the last session placed
    for sequence in range(first_sequence, schedule.session_count + 1):
        first = sequence == first_sequence
        if first:
            ideal = start
        elif sequence <= schedule.initial_sessions:
            ideal = local(previous + timedelta(days=interval_days), at, zone)
        else:
            ideal = local(add_months(previous, schedule.months_between_later_sessions), at, zone)
        tolerance = (
            schedule.initial_tolerance_days
            if sequence <= schedule.initial_sessions
            else schedule.later_tolerance_days
        )
        # Never before now or the end of the session before; the first never before the
        # chosen start (the earliest the patient wants), so it only ever moves later.
        bounds = [b for b in (not_before, previous_end, start if first else None) if b]
        earliest = max((_utc(b) for b in bounds), default=None)
        exact = exact_first and first
        placed: datetime | None
        if exact:
            # The clinician chose this time: free at exactly it, or not placed (never another
            # time of the same day while the move says the chosen one).
            fits = earliest is None or _utc(ideal) >= earliest
            placed = ideal if fits and is_free(ideal, length, availability, taken) else None
        else:
            placed = nearest_free(ideal, length, tolerance, availability, taken, earliest=earliest)
        if placed is None:
            why = _why_not(
                ideal,
                length,
                None if exact else tolerance,
                availability,
                taken,
                previous_end=previous_end,
                not_before=not_before,
                only_later=first,
            )
            unplaced.append(Unplaced(sequence, ideal, why))
            previous = ideal.date()
            continue
        end = session_end(placed, length)
        sessions.append(PlannedSession(sequence, ideal, placed, end))
        taken.append((placed, end))
        previous, previous_end = placed.astimezone(zone).date(), end
    return CoursePlan(tuple(sessions), tuple(unplaced))
