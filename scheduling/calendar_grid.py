"""The calendar's time grid (the week and day views), as clinic calendars look: which
15-minute rows a page shows, where each appointment sits on them, and which columns are
closed and why. Pure: dates, times and appointments in, rows and labels out.

Templates place items with row classes (`at-N`, `span-N` in mesoplan.css), because the
Content-Security-Policy allows no inline styles: a position is two small integers.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")
Hours = Sequence[tuple[time, time]]

SLOT_MINUTES = 15
DAY_MINUTES = 24 * 60
DEFAULT_WINDOW = (8 * 60, 18 * 60)  # a grid with nothing open and nothing booked


def intersect(a: Hours, b: Hours) -> list[tuple[time, time]]:
    """The times inside both lists of intervals.

    >>> intersect([(time(8), time(18))], [(time(7), time(12)), (time(13), time(20))])
    [(datetime.time(8, 0), datetime.time(12, 0)), (datetime.time(13, 0), datetime.time(18, 0))]
    """
    result = []
    for a_start, a_end in a:
        for b_start, b_end in b:
            start, end = max(a_start, b_start), min(a_end, b_end)
            if start < end:
                result.append((start, end))
    return sorted(result)


def minutes(at: time) -> int:
    return at.hour * 60 + at.minute


@dataclass(frozen=True)
class CalendarFacts:
    """What the practice's calendar says about days: opening hours per weekday (0 =
    Monday), closures with their reason, and per clinician their working hours (only
    clinicians who entered any) and absences."""

    zone: ZoneInfo
    opening: Mapping[int, Hours]
    closures: Mapping[date, str]
    working: Mapping[Any, Mapping[int, Hours]]
    absences: Mapping[Any, Mapping[date, str]]

    def hours(self, day: date, clinician_id: Any = None) -> list[tuple[time, time]]:
        """When the practice (or the clinician) treats on `day`."""
        if day in self.closures:
            return []
        hours = list(self.opening.get(day.weekday(), ()))
        if clinician_id is None:
            return hours
        if day in self.absences.get(clinician_id, {}):
            return []
        working = self.working.get(clinician_id)
        return intersect(hours, working.get(day.weekday(), ())) if working else hours

    def closed_because(self, day: date, clinician_id: Any = None) -> str | None:
        """Why nobody (or the clinician) treats on `day`; None when open.

        >>> from zoneinfo import ZoneInfo
        >>> facts = CalendarFacts(ZoneInfo("UTC"), {0: [(time(8), time(12))]},
        ...     {date(2026, 12, 28): "Holidays"}, {}, {"lena": {date(2026, 12, 21): ""}})
        >>> facts.closed_because(date(2026, 12, 28)), facts.closed_because(date(2026, 12, 22))
        ('Closed: Holidays', 'Closed')
        >>> facts.closed_because(date(2026, 12, 21), "lena")
        'Absent'
        """
        if day in self.closures:
            reason = self.closures[day]
            return f"Closed: {reason}" if reason else "Closed"
        if not self.opening.get(day.weekday()):
            return "Closed"
        if clinician_id is not None:
            absences = self.absences.get(clinician_id, {})
            if day in absences:
                return f"Absent: {absences[day]}" if absences[day] else "Absent"
            if not self.hours(day, clinician_id):
                return "Not working"
        return None


@dataclass(frozen=True)
class Window:
    """The rows a grid shows: from `first` to `last` minutes after midnight, whole hours."""

    first: int
    last: int

    @property
    def rows(self) -> int:
        return (self.last - self.first) // SLOT_MINUTES

    def place(self, start: int, end: int) -> tuple[int, int] | None:
        """The first row (1-based) and the number of rows of a period in minutes after
        midnight, clipped to the window; None when it lies outside.

        >>> Window(8 * 60, 18 * 60).place(10 * 60, 10 * 60 + 45)
        (9, 3)
        >>> Window(8 * 60, 18 * 60).place(10 * 60 + 5, 10 * 60 + 20)
        (9, 2)
        """
        start, end = max(start, self.first), min(end, self.last)
        if start >= end:
            return None
        row = (start - self.first) // SLOT_MINUTES + 1
        last_row = -(-(end - self.first) // SLOT_MINUTES)  # ceiling
        return row, max(last_row - row + 1, 1)

    def hour_marks(self) -> list[tuple[str, int]]:
        """Each full hour's label and row, for the time gutter."""
        return [
            (f"{m // 60:02d}:00", (m - self.first) // SLOT_MINUTES + 1)
            for m in range(self.first, self.last, 60)
        ]


def window_for(hours: Iterable[Hours], periods: Iterable[tuple[int, int]]) -> Window:
    """The whole hours that hold every opening period and every appointment shown.

    >>> window_for([[(time(8, 30), time(17, 45))]], [(7 * 60 + 15, 8 * 60)])
    Window(first=420, last=1080)
    """
    starts, ends = [], []
    for day in hours:
        for opens, closes in day:
            starts.append(minutes(opens))
            ends.append(minutes(closes))
    for start, end in periods:
        starts.append(start)
        ends.append(end)
    if not starts:
        return Window(*DEFAULT_WINDOW)
    first = min(starts) // 60 * 60
    last = min(-(-max(ends) // 60) * 60, DAY_MINUTES)
    return Window(first, max(last, first + 60))


def local_period(start: datetime, end: datetime, day: date, zone: ZoneInfo) -> tuple[int, int]:
    """An appointment's minutes after midnight on `day` at the practice (cut at midnight)."""
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    first = 0 if local_start.date() < day else minutes(local_start.time())
    last = DAY_MINUTES if local_end.date() > day else minutes(local_end.time())
    return first, last


@dataclass(frozen=True)
class Placed(Generic[T]):
    item: T
    row: int
    span: int


@dataclass(frozen=True)
class Free:
    """A free period of a column that can be booked: its rows, and its local start and
    end ("HH:MM"), which the booking link carries."""

    row: int
    span: int
    starts: str
    ends: str


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def free_periods(
    open_periods: Iterable[tuple[int, int]],
    booked: Iterable[tuple[int, int]],
    window: Window,
    *,
    earliest: int = 0,
) -> list[Free]:
    """The open minutes nothing is booked in, from `earliest` (minutes after midnight,
    rounded up to the grid's 15 minutes) on: each at least one row, starting on a row.

    >>> [f"{f.starts}-{f.ends}" for f in free_periods(
    ...     [(8 * 60, 12 * 60)], [(9 * 60, 9 * 60 + 50)], Window(8 * 60, 18 * 60), earliest=8 * 60 + 5)]
    ['08:15-09:00', '10:00-12:00']
    """
    earliest = -(-earliest // SLOT_MINUTES) * SLOT_MINUTES
    taken = sorted(booked)
    result = []
    for opens, closes in sorted(open_periods):
        cursor = max(opens, earliest)
        for start, end in [
            *[(s, e) for s, e in taken if s < closes and e > cursor],
            (closes, closes),
        ]:
            if start - cursor >= SLOT_MINUTES:
                place = window.place(cursor, start)
                if place is not None:
                    result.append(Free(*place, _hhmm(cursor), _hhmm(start)))
            # a free period starts on the grid: after 09:50 the next slot is 10:00
            cursor = max(cursor, -(-end // SLOT_MINUTES) * SLOT_MINUTES)
    return result


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column of the grid: a day (week view) or a clinician (day view)."""

    key: Any
    day: date
    is_today: bool
    closed: str | None  # why it is shaded: "Closed: Holidays", "Absent", "Not working"
    open_blocks: list[tuple[int, int]]  # (row, span) of each open period
    items: list[Placed[T]]
    free: list[Free]  # what can be booked: nothing on a day gone by


def build_column(
    *,
    key: Any,
    day: date,
    today: date,
    window: Window,
    hours: Hours,
    closed: str | None,
    items: Iterable[tuple[datetime, datetime, T]],
    zone: ZoneInfo,
    now_minute: int = 0,
) -> Column[T]:
    """A column's open periods, its appointments placed on the window's rows, and its
    free periods (today's from `now_minute` on; none on a day gone by)."""
    opening = [(minutes(opens), minutes(closes)) for opens, closes in hours]
    blocks = [place for period in opening if (place := window.place(*period)) is not None]
    placed, booked = [], []
    for start, end, item in items:
        period = local_period(start, end, day, zone)
        booked.append(period)
        place = window.place(*period)
        if place is not None:
            placed.append(Placed(item, *place))
    if day < today:
        free = []
    else:
        free = free_periods(opening, booked, window, earliest=now_minute if day == today else 0)
    return Column(key, day, day == today, closed, blocks, placed, free)


def week_of(day: date) -> list[date]:
    """Monday to Sunday of the ISO week that holds `day`."""
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=n) for n in range(7)]


def iso_week(day: date) -> str:
    """
    >>> iso_week(date(2027, 1, 1))
    '2026-W53'
    """
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_iso_week(value: str) -> date | None:
    """The Monday of an ISO week written "2026-W37"; None for anything else.

    >>> parse_iso_week("2026-W37"), parse_iso_week("2026-W54"), parse_iso_week("junk")
    (datetime.date(2026, 9, 7), None, None)
    """
    try:
        year, week = value.upper().split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    except (ValueError, TypeError):
        return None


def shown_days(days: Sequence[date], facts: CalendarFacts, busy_days: set[date]) -> list[date]:
    """The week's days worth a column: every day the practice usually opens (closures
    and absences are shown, shaded) and any day with an appointment."""
    return [day for day in days if facts.opening.get(day.weekday()) or day in busy_days]
