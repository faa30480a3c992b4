"""Whether an appointment booked at a chosen time lies in the hours its clinician treats:
the practice open that day (no closure), the clinician not absent and working then. Pure,
over scheduling.calendar_grid.CalendarFacts; booking a visit and booking a cancelled
session again ask it, as a move asks the planner."""

from datetime import datetime
from typing import Any

from mesoplan.date_display import practice_date

from .calendar_grid import CalendarFacts


def outside_hours(
    facts: CalendarFacts, clinician_id: Any, starts_at: datetime, ends_at: datetime
) -> str | None:
    """Why the clinician does not treat from `starts_at` to `ends_at`; None when they do.

    >>> from datetime import date, time
    >>> from zoneinfo import ZoneInfo
    >>> berlin = ZoneInfo("Europe/Berlin")
    >>> facts = CalendarFacts(berlin, {0: [(time(8), time(12)), (time(13), time(18))]},
    ...     {date(2026, 12, 28): "Holidays"}, {}, {})
    >>> at = lambda d, h, m=0: datetime(2026, 12, d, h, m, tzinfo=berlin)
    >>> outside_hours(facts, "lena", at(21, 11), at(21, 11, 45)) is None
    True
    >>> outside_hours(facts, "lena", at(21, 11, 30), at(21, 12, 15))
    'Mon 21 Dec 2026, 11:30-12:15 is outside the hours: 08:00-12:00, 13:00-18:00.'
    >>> outside_hours(facts, "lena", at(28, 10), at(28, 10, 30))
    'Mon 28 Dec 2026: Closed: Holidays.'
    >>> outside_hours(facts, "lena", at(22, 10), at(22, 10, 30))
    'Tue 22 Dec 2026: Closed.'
    """
    start, end = starts_at.astimezone(facts.zone), ends_at.astimezone(facts.zone)
    day = start.date()
    why = facts.closed_because(day, clinician_id)
    if why:
        return f"{practice_date(day, weekday=True)}: {why}."
    hours = facts.hours(day, clinician_id)
    if end.date() == day and any(
        opens <= start.time() and end.time() <= closes for opens, closes in hours
    ):
        return None
    shown = ", ".join(f"{opens:%H:%M}-{closes:%H:%M}" for opens, closes in hours)
    when = f"{practice_date(day, weekday=True)}, {start:%H:%M}-{end:%H:%M}"
    return f"{when} is outside the hours: {shown}."
